"""Timetable entry services: rules, refusals that list every conflict, copy week, clear day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from otmetka.accounts.permissions import ActiveRole
from otmetka.audit.models import AuditEvent
from otmetka.lib.errors import NotAllowed, ValidationFailed
from otmetka.schedule.models import TimetableEntry
from otmetka.schedule.services.entries import (
    day_clear,
    entry_create,
    entry_delete,
    entry_update,
    week_copy,
)
from otmetka.schedule.tests.factories_entries import make_bells, make_entry, make_room
from otmetka.test import World

pytestmark = pytest.mark.django_db

SEP = dt.date(2026, 9, 1)
DEC = dt.date(2026, 12, 28)


def dispatcher(world: World) -> ActiveRole:
    return world.actor("dispatcher")


def create(world: World, **kwargs: Any) -> TimetableEntry:
    values: dict[str, Any] = {
        "workload": world.college.workload,
        "weekday": 1,
        "pair_number": 1,
        "valid_from": SEP,
        "valid_to": DEC,
    }
    values.update(kwargs)
    return entry_create(actor=dispatcher(world), **values)


def test_create_writes_entry_and_audit(world: World) -> None:
    make_bells(world.org)
    room = world.org.rooms.get(number="214")
    entry = create(world, room=room, parity="odd")
    assert entry.pk and entry.created_by == world.user("dispatcher")
    event = AuditEvent.objects.get(object_type="schedule.timetableentry", object_id=str(entry.pk))
    assert event.action == AuditEvent.Action.CREATE


def test_teacher_cannot_create(world: World) -> None:
    make_bells(world.org)
    with pytest.raises(NotAllowed):
        entry_create(
            actor=world.actor("teacher"),
            workload=world.college.workload,
            weekday=1,
            pair_number=1,
            valid_from=SEP,
            valid_to=DEC,
        )
    assert not TimetableEntry.objects.exists()


def test_pair_not_in_saturday_bells(world: World) -> None:
    make_bells(world.org, pairs=7, saturday_pairs=4)
    create(world, weekday=1, pair_number=7)
    with pytest.raises(ValidationFailed) as error:
        create(world, weekday=6, pair_number=7)
    assert error.value.errors["pair_number"] == ["В расписании звонков на субботу нет 7-й пары"]
    assert TimetableEntry.objects.count() == 1


def test_room_of_another_organization(world: World) -> None:
    make_bells(world.org)
    foreign = world.stranger.organization.rooms.get(number="214")
    with pytest.raises(ValidationFailed) as error:
        create(world, room=foreign)
    assert error.value.errors["room"] == ["Этот кабинет не относится к вашей организации."]
    assert not TimetableEntry.objects.exists()


def test_workload_of_another_organization(world: World) -> None:
    make_bells(world.org)
    with pytest.raises(ValidationFailed) as error:
        create(world, workload=world.stranger.workload)
    assert "workload" in error.value.errors
    assert not TimetableEntry.objects.exists()


def test_validity_outside_the_year(world: World) -> None:
    make_bells(world.org)
    with pytest.raises(ValidationFailed) as error:
        create(world, valid_to=dt.date(2027, 9, 30))
    assert "внутри учебного года 2026/2027" in error.value.errors["valid_to"][0]
    assert not TimetableEntry.objects.exists()


def test_refusal_lists_every_conflict(world: World) -> None:
    make_bells(world.org)
    college = world.college
    room = world.org.rooms.get(number="214")
    create(world, room=room, weekday=2, pair_number=2)
    # The other teacher's line in another group, same room: only the room clashes.
    with pytest.raises(ValidationFailed) as error:
        create(world, workload=college.other_workload, room=room, weekday=2, pair_number=2)
    assert error.value.errors[None] == [
        "Кабинет 214 занят группой ИС-21 во вторник, 2 пара (каждую неделю)"
    ]
    # The same teacher and group again in the same room: teacher, room and group all clash.
    with pytest.raises(ValidationFailed) as error:
        create(world, room=room, weekday=2, pair_number=2, parity="even")
    assert error.value.errors[None] == [
        "Преподаватель Учителев П. А. уже ведёт ИС-21 во вторник, 2 пара (каждую неделю)",
        "Кабинет 214 занят группой ИС-21 во вторник, 2 пара (каждую неделю)",
        "Группа ИС-21 в это время на МДК.01.01 во вторник, 2 пара (каждую неделю)",
    ]
    assert TimetableEntry.objects.count() == 1


def test_update_moves_and_audits(world: World) -> None:
    make_bells(world.org)
    entry = create(world)
    entry_update(
        actor=dispatcher(world),
        entry=entry,
        workload=entry.workload,
        weekday=3,
        pair_number=2,
        room=None,
        parity="every",
        valid_from=SEP,
        valid_to=DEC,
    )
    entry.refresh_from_db()
    assert (entry.weekday, entry.pair_number) == (3, 2)
    event = AuditEvent.objects.get(action="update", object_id=str(entry.pk))
    assert event.changes["weekday"] == [1, 3]


def test_update_does_not_clash_with_itself(world: World) -> None:
    make_bells(world.org)
    entry = create(world)
    entry_update(
        actor=dispatcher(world),
        entry=entry,
        workload=entry.workload,
        weekday=1,
        pair_number=1,
        room=make_room(world.org, "301"),
        parity="every",
        valid_from=SEP,
        valid_to=DEC,
    )
    assert TimetableEntry.objects.get().room is not None


def test_delete_audits(world: World) -> None:
    make_bells(world.org)
    entry = create(world)
    entry_delete(actor=dispatcher(world), entry=entry)
    assert not TimetableEntry.objects.exists()
    assert AuditEvent.objects.filter(action="delete", object_id=str(entry.pk)).exists()


def test_week_copy(world: World) -> None:
    make_bells(world.org)
    college = world.college
    monday = make_entry(
        college.workload, weekday=1, pair_number=1, valid_from=SEP, valid_to=dt.date(2026, 11, 20)
    )
    make_entry(
        college.workload,
        weekday=3,
        pair_number=2,
        parity="odd",
        valid_from=SEP,
        valid_to=dt.date(2026, 11, 20),
    )
    later = make_entry(
        college.workload, weekday=5, pair_number=4, valid_from=dt.date(2026, 12, 7), valid_to=DEC
    )
    copies = week_copy(
        actor=dispatcher(world),
        group=college.group,
        source_monday=dt.date(2026, 11, 16),
        target_monday=dt.date(2026, 11, 30),
    )
    assert sorted((c.weekday, c.pair_number, c.parity) for c in copies) == [
        (1, 1, "every"),
        (3, 2, "odd"),
    ]
    assert all(c.valid_from == dt.date(2026, 11, 30) for c in copies)
    assert all(c.valid_to == dt.date(2027, 8, 31) for c in copies)
    monday.refresh_from_db()
    assert monday.valid_to == dt.date(2026, 11, 20)  # ended before the target week already
    assert not TimetableEntry.objects.filter(pk=later.pk).exists()  # replaced by the copy


def test_week_copy_refused_on_conflict_changes_nothing(world: World) -> None:
    make_bells(world.org)
    college = world.college
    make_entry(college.workload, weekday=1, pair_number=1)
    # The teacher is busy elsewhere from December on in the same pair.
    other = make_entry(
        college.other_workload,
        weekday=1,
        pair_number=1,
        valid_from=dt.date(2026, 12, 1),
        valid_to=DEC,
    )
    other.workload.teacher = college.workload.teacher
    other.workload.save()
    before = list(TimetableEntry.objects.values_list("pk", "valid_from", "valid_to"))
    with pytest.raises(ValidationFailed) as error:
        week_copy(
            actor=dispatcher(world),
            group=college.group,
            source_monday=dt.date(2026, 11, 16),
            target_monday=dt.date(2026, 11, 30),
        )
    assert error.value.errors[None] == [
        "Преподаватель Учителев П. А. уже ведёт ИС-22 в понедельник, 1 пара (каждую неделю)"
    ]
    assert list(TimetableEntry.objects.values_list("pk", "valid_from", "valid_to")) == before


def test_day_clear(world: World) -> None:
    make_bells(world.org)
    college = world.college
    running = make_entry(college.workload, weekday=2, pair_number=1)
    future = make_entry(
        college.workload, weekday=2, pair_number=3, valid_from=dt.date(2026, 12, 1), valid_to=DEC
    )
    other_day = make_entry(college.workload, weekday=4, pair_number=1)
    count = day_clear(
        actor=dispatcher(world), group=college.group, weekday=2, on=dt.date(2026, 11, 17)
    )
    assert count == 2
    running.refresh_from_db()
    assert running.valid_to == dt.date(2026, 11, 16)
    assert not TimetableEntry.objects.filter(pk=future.pk).exists()
    other_day.refresh_from_db()
    assert other_day.valid_to == DEC
    assert AuditEvent.objects.filter(action="update", object_id=str(running.pk)).exists()


def test_day_clear_of_stranger_group_refused(world: World) -> None:
    with pytest.raises(NotAllowed):
        day_clear(
            actor=dispatcher(world), group=world.stranger.group, weekday=2, on=dt.date(2026, 11, 17)
        )
