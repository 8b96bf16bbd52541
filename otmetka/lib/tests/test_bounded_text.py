"""Typed text longer than its column is refused with a Russian message, never cut silently;
door by door, the service changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from otmetka.academics.models import Membership
from otmetka.academics.services.groups import membership_add
from otmetka.journal.models import Lesson, Mark, UnlockRequest, WorkKind
from otmetka.journal.services.lessons import lesson_create, lesson_update
from otmetka.journal.services.marks import mark_update
from otmetka.journal.services.unlocks import unlock_request_create
from otmetka.lib.errors import DomainError
from otmetka.lib.text import bounded_text
from otmetka.people.models import Person, Student
from otmetka.test import World

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 10)


def test_bounded_text_trims_and_refuses() -> None:
    assert bounded_text("  тема  ", limit=4, field="x") == "тема"
    assert bounded_text(None, limit=4, field="x") == ""
    with pytest.raises(DomainError) as refused:
        bounded_text("темы", limit=3, field="topic")
    assert refused.value.message == "Не длиннее 3 знаков (сейчас 4)."
    assert refused.value.field == "topic"
    with pytest.raises(DomainError) as refused:
        bounded_text("ab", limit=1, field="x")
    assert refused.value.message == "Не длиннее 1 знака (сейчас 2)."


def _lesson(world: World) -> Lesson:
    c = world.college
    return Lesson.objects.create(workload=c.workload, date=DAY, teacher=c.employees["teacher"])


def test_a_long_topic_is_refused_on_create_and_update(world: World, now: object) -> None:
    c = world.college
    teacher = world.actor("teacher")
    with pytest.raises(DomainError) as refused:
        lesson_create(actor=teacher, workload=c.workload, date=DAY, topic_text="т" * 501)
    assert refused.value.field == "topic_text"
    assert not Lesson.objects.filter(workload=c.workload, date=DAY).exists()
    lesson = _lesson(world)
    with pytest.raises(DomainError):
        lesson_update(actor=teacher, lesson=lesson, topic_text="т" * 501)
    lesson.refresh_from_db()
    assert lesson.topic_text == ""


def test_a_long_mark_comment_is_refused(world: World, now: object) -> None:
    lesson = _lesson(world)
    kind = WorkKind.objects.create(organization=world.org, name="Ответ", short_name="О")
    mark = Mark.objects.create(
        lesson=lesson, student=world.college.student, value="4", work_kind=kind
    )
    with pytest.raises(DomainError) as refused:
        mark_update(actor=world.actor("teacher"), mark=mark, comment="к" * 501)
    assert refused.value.field == "comment"
    mark.refresh_from_db()
    assert (mark.comment, mark.version) == ("", 1)


def test_a_long_unlock_reason_is_refused(world: World, now: object) -> None:
    with pytest.raises(DomainError) as refused:
        unlock_request_create(
            actor=world.actor("teacher"), workload=world.college.workload, reason="п" * 501
        )
    assert refused.value.field == "reason"
    assert not UnlockRequest.objects.exists()


def test_a_long_membership_basis_is_refused(world: World, now: object) -> None:
    person = Person.objects.create(organization=world.org, last_name="Новенький", first_name="Ян")
    student = Student.objects.create(person=person)
    with pytest.raises(DomainError) as refused:
        membership_add(
            actor=world.actor("head"),
            group=world.college.group,
            student=student,
            date_from=DAY,
            basis="о" * 201,
        )
    assert refused.value.field == "basis"
    assert not Membership.objects.filter(student=student).exists()
