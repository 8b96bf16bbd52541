"""Unlocks: grant limits, revoke, the teacher's request and the deputy's answer — all audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from otmetka.audit.models import AuditEvent
from otmetka.journal.models import JournalUnlock, UnlockRequest
from otmetka.journal.services.unlocks import (
    unlock_grant,
    unlock_request_answer,
    unlock_request_create,
    unlock_revoke,
)
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.test import World


def test_grant_and_revoke_are_audited(world: World) -> None:
    until = timezone.now() + dt.timedelta(days=3)
    unlock = unlock_grant(
        actor=world.actor("deputy"),
        workload=world.college.workload,
        reason="Ошибка",
        valid_until=until,
    )
    unlock_revoke(actor=world.actor("admin"), unlock=unlock)
    unlock.refresh_from_db()
    assert unlock.revoked_at is not None
    events = AuditEvent.objects.filter(object_type="journal.journalunlock")
    assert sorted(events.values_list("action", flat=True)) == ["create", "update"]


@pytest.mark.parametrize(
    ("delta", "message"),
    [
        (dt.timedelta(hours=-1), "в будущем"),
        (dt.timedelta(days=15), "не больше чем на 14 дней"),
    ],
)
def test_grant_term_limits(world: World, delta: dt.timedelta, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        unlock_grant(
            actor=world.actor("deputy"),
            workload=world.college.workload,
            reason="Ошибка",
            valid_until=timezone.now() + delta,
        )
    assert not JournalUnlock.objects.exists()


def test_teacher_may_not_grant_and_stranger_may_not_touch(world: World) -> None:
    until = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(NotAllowed):
        unlock_grant(
            actor=world.actor("teacher"),
            workload=world.college.workload,
            reason="Сам себе",
            valid_until=until,
        )
    with pytest.raises(NotAllowed):
        unlock_grant(
            actor=world.actor(world.stranger.users["deputy"]),
            workload=world.college.workload,
            reason="x",
            valid_until=until,
        )


def test_request_and_answers(world: World) -> None:
    workload = world.college.workload
    with pytest.raises(NotAllowed):
        unlock_request_create(actor=world.actor("other_teacher"), workload=workload, reason="x")
    request = unlock_request_create(
        actor=world.actor("teacher"), workload=workload, reason="Опечатка"
    )
    with pytest.raises(DomainError, match="уже ждёт ответа"):
        unlock_request_create(actor=world.actor("teacher"), workload=workload, reason="Ещё")
    with pytest.raises(DomainError, match="до какого времени"):
        unlock_request_answer(actor=world.actor("deputy"), request=request, grant=True, answer="")
    answered = unlock_request_answer(
        actor=world.actor("deputy"),
        request=request,
        grant=True,
        answer="Исправьте до пятницы",
        valid_until=timezone.now() + dt.timedelta(days=2),
    )
    assert answered.status == UnlockRequest.Status.GRANTED and answered.unlock is not None
    with pytest.raises(DomainError, match="уже ответили"):
        unlock_request_answer(
            actor=world.actor("deputy"), request=request, grant=False, answer="Нет"
        )
    second = unlock_request_create(
        actor=world.actor("teacher"), workload=workload, reason="Ещё раз"
    )
    with pytest.raises(DomainError, match="почему отказано"):
        unlock_request_answer(actor=world.actor("admin"), request=second, grant=False, answer="")
    refused = unlock_request_answer(
        actor=world.actor("admin"), request=second, grant=False, answer="Нет оснований"
    )
    assert refused.status == UnlockRequest.Status.REFUSED
    assert AuditEvent.objects.filter(object_type="journal.unlockrequest").count() == 4


def test_teacher_sees_the_answer_on_the_grid(world: World) -> None:
    from django.urls import reverse

    from otmetka.journal.tests.factories_grid import make_lesson

    workload = world.college.workload
    make_lesson(workload, dt.date(2026, 10, 1), pair=1)  # older than 30 days: a grey column
    teacher = world.client_for("teacher")
    grid = reverse("journal:grid", kwargs={"workload_id": workload.pk})
    teacher.post(
        reverse("journal:unlock_request", kwargs={"workload_id": workload.pk}),
        {"reason": "Опечатка в отметке"},
    )
    assert "Запрос на разблокировку ждёт ответа." in teacher.get(grid).content.decode()
    request = UnlockRequest.objects.get(workload=workload)
    unlock_request_answer(
        actor=world.actor("deputy"), request=request, grant=False, answer="Нужна служебная записка"
    )
    page = teacher.get(grid).content.decode()
    assert "В прошлой разблокировке отказано: Нужна служебная записка" in page
