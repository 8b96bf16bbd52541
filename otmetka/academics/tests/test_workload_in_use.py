"""A workload line with lessons, a КТП or a timetable is not deleted: the page says why,
instead of a server error, and the log keeps no deletion that did not happen."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from otmetka.academics.models import Workload
from otmetka.audit.models import AuditEvent
from otmetka.journal.models import Lesson
from otmetka.test import World


def test_a_workload_with_a_lesson_is_kept_with_a_message(world: World) -> None:
    workload = world.college.workload
    Lesson.objects.create(
        workload=workload, date=dt.date(2026, 11, 16), pair_number=1,
        teacher=world.college.employees["teacher"], topic_text="Введение",
    )
    response = world.client_for("deputy").post(
        reverse("academics:workload_delete", kwargs={"workload_id": workload.pk}), follow=True
    )
    assert response.status_code == 200
    assert (
        "Строку нагрузки нельзя удалить: по ней уже есть занятия, КТП или расписание."
        in response.content.decode()
    )
    assert Workload.objects.filter(pk=workload.pk).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DELETE).exists()
