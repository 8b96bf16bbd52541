"""Changes for a date: each kind, each refusal, audit, notifications, journal substitution."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from otmetka.audit.models import AuditEvent
from otmetka.journal.models import Lesson, Substitution
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.notifications.models import Notification
from otmetka.schedule.models import ScheduleChange
from otmetka.schedule.selectors import day_slots
from otmetka.schedule.services import changes as services
from otmetka.schedule.tests.test_changes_selector import (
    NEXT_TUESDAY,
    TUESDAY,
    make_bells,
    make_entry,
    other_room,
)
from otmetka.test import World


@pytest.fixture
def entry(world: World) -> Any:
    make_bells(world)
    return make_entry(world)


def test_replace_teacher_notifies_and_titles(
    world: World, entry: Any, django_capture_on_commit_callbacks: Any
) -> None:
    college = world.college
    with django_capture_on_commit_callbacks(execute=True):
        change = services.change_replace_teacher(
            actor=world.actor("dispatcher"),
            entry=entry,
            date=TUESDAY,
            teacher=college.employees["other_teacher"],
            reason="Болезнь",
        )
    title = (
        "Замена 17.11.2026, 2 пара: ИС-21, МДК.01.01 Разработка программных модулей — "
        "Другова Д. О. вместо Учителева П. А."
    )
    notified = set(Notification.objects.filter(title=title).values_list("user_id", flat=True))
    assert notified == {college.users[k].pk for k in ("teacher", "other_teacher", "curator")}
    assert Notification.objects.first().url == "/timetable/changes/?date=2026-11-17"  # type: ignore[union-attr]
    assert AuditEvent.objects.filter(object_id=str(change.pk)).exists()
    [slot] = day_slots(world.org.pk, TUESDAY)
    assert slot.teacher_id == college.employees["other_teacher"].pk


def test_replace_teacher_sets_journal_substitution(world: World, entry: Any) -> None:
    college = world.college
    lesson = Lesson.objects.create(
        workload=college.workload,
        date=TUESDAY,
        pair_number=2,
        teacher=college.employees["teacher"],
        status=Lesson.Status.PLANNED,
    )
    services.change_replace_teacher(
        actor=world.actor("dispatcher"),
        entry=entry,
        date=TUESDAY,
        teacher=college.employees["other_teacher"],
        reason="Курсы",
    )
    substitution = Substitution.objects.get(lesson=lesson)
    assert substitution.substitute == college.employees["other_teacher"]
    lesson.refresh_from_db()
    assert lesson.teacher == college.employees["other_teacher"]


def test_replace_refuses_busy_substitute(world: World, entry: Any) -> None:
    college = world.college
    make_entry(world, workload=college.other_workload, room=other_room(world))
    with pytest.raises(DomainError, match="Другова Д. О. 17.11.2026 на 2-й паре ведёт ОП.01 ИС-22"):
        services.change_replace_teacher(
            actor=world.actor("dispatcher"),
            entry=entry,
            date=TUESDAY,
            teacher=college.employees["other_teacher"],
            reason="Болезнь",
        )
    assert not ScheduleChange.objects.exists()


def test_replace_refuses_stranger_teacher(world: World, entry: Any) -> None:
    with pytest.raises(DomainError, match="работающим сотрудником"):
        services.change_replace_teacher(
            actor=world.actor("dispatcher"),
            entry=entry,
            date=TUESDAY,
            teacher=world.stranger.employees["teacher"],
            reason="Болезнь",
        )


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (dt.date(2026, 12, 31), "31.12.2026 приходится на зимние каникулы."),
        (dt.date(2027, 9, 7), "07.09.2027 — вне учебного года."),
        (dt.date(2026, 11, 18), "эта пара идёт в день «вторник», а 18.11.2026 — среда"),
        (dt.date(2026, 8, 25), "вне учебного года"),
    ],
)
def test_cancel_refuses_bad_dates(world: World, entry: Any, day: dt.date, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        services.change_cancel(
            actor=world.actor("dispatcher"), entry=entry, date=day, reason="Болезнь"
        )
    assert not ScheduleChange.objects.exists()


def test_cancel_refuses_wrong_parity_and_validity(world: World) -> None:
    make_bells(world)
    odd = make_entry(world, parity="odd")
    with pytest.raises(DomainError, match="17.11.2026 эта пара не проводится"):
        services.change_cancel(actor=world.actor("dispatcher"), entry=odd, date=TUESDAY, reason="x")
    late = make_entry(world, pair_number=3, valid_from=dt.date(2026, 11, 20))
    with pytest.raises(DomainError, match="действует с 20.11.2026"):
        services.change_cancel(
            actor=world.actor("dispatcher"), entry=late, date=TUESDAY, reason="x"
        )
    services.change_cancel(
        actor=world.actor("dispatcher"), entry=odd, date=NEXT_TUESDAY, reason="x"
    )


def test_cancel_and_delete(
    world: World, entry: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        change = services.change_cancel(
            actor=world.actor("dispatcher"), entry=entry, date=TUESDAY, reason="ЧС"
        )
    assert day_slots(world.org.pk, TUESDAY) == []
    with pytest.raises(DomainError, match="уже есть изменение"):
        services.change_cancel(
            actor=world.actor("dispatcher"), entry=entry, date=TUESDAY, reason="ЧС"
        )
    change_id = change.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.change_delete(actor=world.actor("dispatcher"), change=change)
    assert len(day_slots(world.org.pk, TUESDAY)) == 1
    assert Notification.objects.filter(title__startswith="Изменение отменено").exists()
    assert AuditEvent.objects.filter(action="delete", object_id=str(change_id)).exists()


def test_teacher_may_not_change(world: World, entry: Any) -> None:
    with pytest.raises(NotAllowed):
        services.change_cancel(actor=world.actor("teacher"), entry=entry, date=TUESDAY, reason="x")


def test_move_checks_bells_and_conflicts(world: World, entry: Any) -> None:
    college = world.college
    with pytest.raises(DomainError, match="нет 6-й пары"):
        services.change_move(
            actor=world.actor("dispatcher"), entry=entry, date=TUESDAY, pair_number=6, reason="x"
        )
    make_entry(world, workload=college.other_workload, pair_number=3)
    with pytest.raises(DomainError, match="кабинет 214 занят: ОП.01 ИС-22"):
        services.change_move(
            actor=world.actor("dispatcher"), entry=entry, date=TUESDAY, pair_number=3, reason="x"
        )
    change = services.change_move(
        actor=world.actor("dispatcher"),
        entry=entry,
        date=TUESDAY,
        pair_number=3,
        room=other_room(world),
        reason="Ремонт",
    )
    assert (
        "Перенос 17.11.2026, 2 пара: ИС-21, МДК.01.01 Разработка программных модулей — "
        "на 3 пару, в каб. 301"
    ) == (
        services.change_title(change)
    )


def test_extra_checks_group_conflict(world: World, entry: Any) -> None:
    college = world.college
    with pytest.raises(DomainError, match="у группы уже стоит МДК.01.01 ИС-21"):
        services.change_extra(
            actor=world.actor("dispatcher"),
            workload=college.workload,
            date=TUESDAY,
            pair_number=2,
            room=other_room(world),
            reason="x",
        )
    services.change_extra(
        actor=world.actor("dispatcher"),
        workload=college.workload,
        date=TUESDAY,
        pair_number=4,
        reason="Отработка",
    )
    assert [s.change for s in day_slots(world.org.pk, TUESDAY)] == ["", "extra"]


def test_reason_required(world: World, entry: Any) -> None:
    with pytest.raises(DomainError, match="Укажите причину"):
        services.change_cancel(
            actor=world.actor("dispatcher"), entry=entry, date=TUESDAY, reason="  "
        )


def test_cancel_cancels_the_planned_lesson_but_keeps_a_filled_one(world: World, entry: Any) -> None:
    workload = world.college.workload
    teacher = world.college.employees["teacher"]
    planned = Lesson.objects.create(
        workload=workload,
        date=TUESDAY,
        pair_number=entry.pair_number,
        teacher=teacher,
        status=Lesson.Status.PLANNED,
        source=Lesson.Source.TIMETABLE,
    )
    services.change_cancel(
        actor=world.actor("dispatcher"), entry=entry, date=TUESDAY, reason="Карантин"
    )
    planned.refresh_from_db()
    assert planned.status == Lesson.Status.CANCELLED
    next_week = TUESDAY + dt.timedelta(days=7)
    filled = Lesson.objects.create(
        workload=workload,
        date=next_week,
        pair_number=entry.pair_number,
        teacher=teacher,
        status=Lesson.Status.PLANNED,
        source=Lesson.Source.TIMETABLE,
        topic_text="Введение",
    )
    services.change_cancel(
        actor=world.actor("dispatcher"), entry=entry, date=next_week, reason="Карантин"
    )
    filled.refresh_from_db()
    assert filled.status == Lesson.Status.PLANNED


def test_deleting_a_change_undoes_it_in_the_journal(world: World, entry: Any) -> None:
    college = world.college
    teacher = college.employees["teacher"]
    lesson = Lesson.objects.create(
        workload=college.workload,
        date=TUESDAY,
        pair_number=2,
        teacher=teacher,
        status=Lesson.Status.PLANNED,
        source=Lesson.Source.TIMETABLE,
    )
    replaced = services.change_replace_teacher(
        actor=world.actor("dispatcher"),
        entry=entry,
        date=TUESDAY,
        teacher=college.employees["other_teacher"],
        reason="Курсы",
    )
    services.change_delete(actor=world.actor("dispatcher"), change=replaced)
    lesson.refresh_from_db()
    assert lesson.teacher == teacher
    assert not Substitution.objects.filter(lesson=lesson).exists()
    cancelled = services.change_cancel(
        actor=world.actor("dispatcher"), entry=entry, date=TUESDAY, reason="ЧС"
    )
    lesson.refresh_from_db()
    assert lesson.status == Lesson.Status.CANCELLED
    services.change_delete(actor=world.actor("dispatcher"), change=cancelled)
    lesson.refresh_from_db()
    assert lesson.status == Lesson.Status.PLANNED
