"""A period that attestation sheets or journal prints hang on is not deleted: the page says
why, instead of a server error, and the log keeps no deletion that did not happen."""

from __future__ import annotations

from django.urls import reverse

from otmetka.audit.models import AuditEvent
from otmetka.journal.models import AttestationSheet
from otmetka.org.models import Period
from otmetka.test import World


def test_a_period_with_a_sheet_is_kept_with_a_message(world: World) -> None:
    semester = world.college.semester1
    AttestationSheet.objects.create(
        group=world.college.group, item=world.college.mdk, period=semester, form="diff_credit"
    )
    response = world.client_for("deputy").post(
        reverse("org:period_delete", kwargs={"period_id": semester.pk}), follow=True
    )
    assert response.status_code == 200
    assert (
        "Период «1 семестр» нельзя удалить: по нему уже есть ведомости или печать журналов."
        in response.content.decode()
    )
    assert Period.objects.filter(pk=semester.pk).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DELETE).exists()
