"""The effective timetable of a day: parity, validity, holidays, and the day's changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from otmetka.org.models import BellSchedule, Pair, Room
from otmetka.schedule.models import DayBells, ScheduleChange, TimetableEntry, WeekParity
from otmetka.schedule.selectors import day_slots, week_number, week_slots
from otmetka.test import World

MONDAY = dt.date(2026, 11, 16)  # week 12 of 2026/2027: even
TUESDAY = dt.date(2026, 11, 17)
NEXT_TUESDAY = dt.date(2026, 11, 24)  # week 13: odd
PAIR_TIMES = {
    1: (dt.time(8, 30), dt.time(10, 0)),
    2: (dt.time(10, 10), dt.time(11, 40)),
    3: (dt.time(12, 10), dt.time(13, 40)),
    4: (dt.time(13, 50), dt.time(15, 20)),
}


def make_bells(world: World) -> BellSchedule:
    """The default bells (four pairs) and a shorter Saturday (two pairs, earlier)."""
    org = world.org
    bells = BellSchedule.objects.create(organization=org, name="Основное", is_default=True)
    for number, (starts, ends) in PAIR_TIMES.items():
        Pair.objects.create(bell_schedule=bells, number=number, starts_at=starts, ends_at=ends)
    saturday = BellSchedule.objects.create(organization=org, name="Суббота")
    Pair.objects.create(
        bell_schedule=saturday, number=1, starts_at=dt.time(8, 0), ends_at=dt.time(9, 20)
    )
    Pair.objects.create(
        bell_schedule=saturday, number=2, starts_at=dt.time(9, 30), ends_at=dt.time(10, 50)
    )
    DayBells.objects.create(organization=org, weekday=6, bell_schedule=saturday)
    return bells


def make_entry(world: World, workload: Any = None, **fields: Any) -> TimetableEntry:
    values: dict[str, Any] = {
        "workload": workload or world.college.workload,
        "weekday": 2,
        "pair_number": 2,
        "room": room(world),
        "parity": WeekParity.EVERY,
        "valid_from": world.college.semester1.date_from,
        "valid_to": world.college.semester1.date_to,
    }
    values.update(fields)
    return TimetableEntry.objects.create(**values)


def room(world: World, number: str = "214") -> Room:
    return Room.objects.get(organization=world.org, number=number)


def other_room(world: World) -> Room:
    return Room.objects.get_or_create(organization=world.org, number="301")[0]


def test_week_number_counts_from_the_first_monday() -> None:
    start = dt.date(2026, 9, 1)
    assert week_number(start, dt.date(2026, 8, 31)) == 1
    assert week_number(start, dt.date(2026, 9, 6)) == 1
    assert week_number(start, dt.date(2026, 9, 7)) == 2
    assert week_number(start, MONDAY) == 12


def test_day_slot_fields(world: World) -> None:
    make_bells(world)
    entry = make_entry(world)
    [slot] = day_slots(world.org.pk, TUESDAY)
    assert slot.entry_id == entry.pk
    assert (slot.pair_number, slot.starts_at, slot.ends_at) == (2, *PAIR_TIMES[2])
    assert slot.title == "МДК.01.01 ИС-21"
    assert slot.teacher_name == "Учителев П. А."
    assert slot.room_number == "214"
    assert slot.change == ""
    assert day_slots(world.org.pk, MONDAY) == []


def test_saturday_uses_its_own_bells(world: World) -> None:
    make_bells(world)
    make_entry(world, weekday=6, pair_number=2)
    [slot] = day_slots(world.org.pk, dt.date(2026, 11, 21))
    assert slot.starts_at == dt.time(9, 30)


def test_odd_and_even_weeks(world: World) -> None:
    make_bells(world)
    make_entry(world, parity=WeekParity.ODD, pair_number=1)
    make_entry(world, parity=WeekParity.EVEN, pair_number=3)
    assert [s.pair_number for s in day_slots(world.org.pk, TUESDAY)] == [3]
    assert [s.pair_number for s in day_slots(world.org.pk, NEXT_TUESDAY)] == [1]


def test_validity_and_holidays(world: World) -> None:
    make_bells(world)
    make_entry(world, valid_from=dt.date(2026, 11, 20), valid_to=dt.date(2027, 6, 30))
    assert day_slots(world.org.pk, TUESDAY) == []
    assert len(day_slots(world.org.pk, NEXT_TUESDAY)) == 1
    assert day_slots(world.org.pk, dt.date(2026, 12, 29)) == []  # winter holidays
    assert len(day_slots(world.org.pk, dt.date(2027, 1, 12))) == 1
    assert day_slots(world.org.pk, dt.date(2025, 11, 18)) == []  # no academic year


def test_changes_applied(world: World) -> None:
    make_bells(world)
    college = world.college
    cancelled = make_entry(world, pair_number=1)
    replaced = make_entry(world, pair_number=2)
    moved = make_entry(world, pair_number=3)
    common = {"organization": world.org, "date": TUESDAY}
    ScheduleChange.objects.create(
        **common, kind="cancel", entry=cancelled, workload=college.workload
    )
    ScheduleChange.objects.create(
        **common,
        kind="replace_teacher",
        entry=replaced,
        workload=college.workload,
        teacher=college.employees["other_teacher"],
    )
    ScheduleChange.objects.create(
        **common,
        kind="move",
        entry=moved,
        workload=college.workload,
        pair_number=4,
        room=other_room(world),
    )
    ScheduleChange.objects.create(
        **common, kind="extra", workload=college.other_workload, pair_number=1
    )
    slots = day_slots(world.org.pk, TUESDAY)
    assert [(s.pair_number, s.group_name, s.change) for s in slots] == [
        (1, "ИС-22", "extra"),
        (2, "ИС-21", "replace_teacher"),
        (4, "ИС-21", "move"),
    ]
    replacement, move = slots[1], slots[2]
    assert replacement.teacher_name == "Другова Д. О."
    assert replacement.original_teacher_name == "Учителев П. А."
    assert replacement.original_teacher_genitive == "Учителева П. А."
    assert (move.room_number, move.original_pair_number, move.original_room_number) == (
        "301",
        3,
        "214",
    )
    assert move.starts_at == PAIR_TIMES[4][0]
    with_cancelled = day_slots(world.org.pk, TUESDAY, include_cancelled=True)
    assert [s.change for s in with_cancelled][:2] == ["cancel", "extra"]
    # The changes hold for that date only.
    assert [s.change for s in day_slots(world.org.pk, NEXT_TUESDAY)] == ["", "", ""]


def test_filters_follow_the_changes(world: World) -> None:
    make_bells(world)
    college = world.college
    entry = make_entry(world)
    ScheduleChange.objects.create(
        organization=world.org,
        date=TUESDAY,
        kind="replace_teacher",
        entry=entry,
        workload=college.workload,
        teacher=college.employees["other_teacher"],
    )
    substitute = college.employees["other_teacher"].pk
    assert len(day_slots(world.org.pk, TUESDAY, teacher_id=substitute)) == 1
    assert day_slots(world.org.pk, TUESDAY, teacher_id=college.employees["teacher"].pk) == []
    assert len(day_slots(world.org.pk, NEXT_TUESDAY, teacher_id=substitute)) == 0
    assert len(day_slots(world.org.pk, TUESDAY, group_ids=[college.group.pk])) == 1
    assert day_slots(world.org.pk, TUESDAY, group_ids=[college.other_group.pk]) == []
    assert len(day_slots(world.org.pk, TUESDAY, room_id=room(world).pk)) == 1


def test_other_organization_not_mixed_in(world: World) -> None:
    make_bells(world)
    make_entry(world)
    assert day_slots(world.stranger.organization.pk, TUESDAY) == []


@pytest.mark.parametrize("entries", [1, 6])
def test_week_query_count_is_fixed(
    world: World, entries: int, django_assert_num_queries: Any
) -> None:
    make_bells(world)
    for number in range(entries):
        make_entry(world, weekday=number % 6 + 1, pair_number=number // 6 + 1)
        ScheduleChange.objects.create(
            organization=world.org,
            date=MONDAY + dt.timedelta(days=2),
            kind="extra",
            workload=world.college.other_workload,
            pair_number=number % 4 + 1,
        )
    # periods with years, the bells of the week (weekdays, dates, pairs: one union), changes,
    # entries
    with django_assert_num_queries(4):
        slots = week_slots(world.org.pk, dt.date(2026, 11, 19))
    assert len(slots) == entries * 2
