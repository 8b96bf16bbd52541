"""Conflict detection between timetable entries and the scheduled-vs-planned hours."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from otmetka.academics.models import Workload
from otmetka.org.models import Period
from otmetka.schedule.models import TimetableEntry
from otmetka.schedule.services.conflicts import (
    find_conflicts,
    organization_conflicts,
    scheduled_vs_planned,
    week_parity,
)
from otmetka.schedule.tests.factories_entries import (
    make_entry,
    make_room,
    make_subgroup_workload,
)
from otmetka.test import World

pytestmark = pytest.mark.django_db


def candidate(workload: Workload, **kwargs: Any) -> TimetableEntry:
    values = {
        "weekday": 1,
        "pair_number": 1,
        "parity": "every",
        "valid_from": dt.date(2026, 9, 1),
        "valid_to": dt.date(2026, 12, 28),
    }
    values.update(kwargs)
    return TimetableEntry(workload=workload, **values)


def test_teacher_in_two_places(world: World) -> None:
    college = world.college
    make_entry(college.other_workload, weekday=2, pair_number=2)
    college.other_workload.teacher = college.workload.teacher
    college.other_workload.save()
    assert find_conflicts(candidate(college.workload, weekday=2, pair_number=2)) == [
        "Преподаватель Учителев П. А. уже ведёт ИС-22 во вторник, 2 пара (каждую неделю)"
    ]


def test_room_twice(world: World) -> None:
    college = world.college
    room = make_room(college.organization, "301")
    make_entry(college.other_workload, room=room)
    assert find_conflicts(candidate(college.workload, room=room)) == [
        "Кабинет 301 занят группой ИС-22 в понедельник, 1 пара (каждую неделю)"
    ]
    assert find_conflicts(candidate(college.workload, room=None)) == []


def test_group_twice(world: World) -> None:
    college = world.college
    other_teacher = college.employees["other_teacher"]
    line = make_subgroup_workload(college.workload, college.subgroup, teacher=other_teacher)
    line.subgroup = None
    line.save()
    make_entry(line)
    assert find_conflicts(candidate(college.workload)) == [
        "Группа ИС-21 в это время на МДК.01.01 в понедельник, 1 пара (каждую неделю)"
    ]


def test_whole_group_vs_subgroup_and_same_subgroup_clash(world: World) -> None:
    college = world.college
    other_teacher = college.employees["other_teacher"]
    first = make_subgroup_workload(college.workload, college.subgroup, teacher=other_teacher)
    make_entry(first)
    assert find_conflicts(candidate(college.workload)) == [
        "Группа ИС-21 (1 подгруппа) в это время на МДК.01.01 в понедельник, 1 пара (каждую неделю)"
    ]
    same = make_subgroup_workload(college.workload, college.subgroup)
    assert len(find_conflicts(candidate(same))) == 1


def test_two_distinct_subgroups_do_not_clash(world: World) -> None:
    college = world.college
    second = college.group.subgroups.create(name="2 подгруппа")
    other_teacher = college.employees["other_teacher"]
    make_entry(make_subgroup_workload(college.workload, college.subgroup))
    line = make_subgroup_workload(college.workload, second, teacher=other_teacher)
    assert find_conflicts(candidate(line)) == []


def test_odd_vs_even_never_clash_every_clashes_with_both(world: World) -> None:
    college = world.college
    make_entry(college.workload, parity="odd")
    other = college.other_workload
    other.teacher = college.workload.teacher
    other.save()
    assert find_conflicts(candidate(other, parity="even")) == []
    assert len(find_conflicts(candidate(other, parity="odd"))) == 1
    assert find_conflicts(candidate(other, parity="every")) == [
        "Преподаватель Учителев П. А. уже ведёт ИС-21 в понедельник, 1 пара (по нечётным неделям)"
    ]


def test_non_overlapping_validity(world: World) -> None:
    college = world.college
    make_entry(college.workload, valid_to=dt.date(2026, 10, 31))
    late = candidate(college.workload, valid_from=dt.date(2026, 11, 1))
    assert find_conflicts(late) == []
    assert len(find_conflicts(candidate(college.workload, valid_from=dt.date(2026, 10, 31)))) == 2


def test_other_organization_never_clashes(world: World) -> None:
    make_entry(world.stranger.workload)
    assert find_conflicts(candidate(world.college.workload)) == []


def test_organization_conflicts_lists_pairs(world: World) -> None:
    college = world.college
    room = make_room(college.organization, "301")
    make_entry(college.workload, room=room)
    make_entry(college.other_workload, room=room)
    make_entry(college.other_workload, weekday=2)
    found = organization_conflicts(college.organization.pk, dt.date(2026, 11, 16))
    assert [c.messages for c in found] == [
        ["Кабинет 301 занят группой ИС-22 в понедельник, 1 пара (каждую неделю)"]
    ]


def test_week_parity_counts_from_the_first_week() -> None:
    start = dt.date(2026, 9, 1)  # a Tuesday: its week (from 31.08) is week 1
    assert week_parity(start, dt.date(2026, 8, 31)) == "odd"
    assert week_parity(start, dt.date(2026, 9, 7)) == "even"
    assert week_parity(start, dt.date(2026, 11, 16)) == "even"  # week 12


def test_scheduled_vs_planned_hours(world: World, django_assert_num_queries: Any) -> None:
    college = world.college
    # A one-day holiday on an odd-week Wednesday inside the first semester.
    Period.objects.create(
        academic_year=college.year,
        kind=Period.Kind.HOLIDAYS,
        number=2,
        name="Выходной",
        date_from=dt.date(2026, 11, 11),
        date_to=dt.date(2026, 11, 11),
    )
    make_entry(college.workload, weekday=1, valid_to=dt.date(2027, 6, 30))  # weekly Monday
    make_entry(college.workload, weekday=3, pair_number=2, parity="odd")  # odd Wednesdays
    # Queries: workload lines, their entries, the year's periods.
    with django_assert_num_queries(3):
        lines = {
            line.workload.pk: line
            for line in scheduled_vs_planned(college.organization.pk, college.year)
        }
    line = lines[college.workload.pk]
    # Mondays 07.09–28.12.2026: 17 pairs → 34 h. Odd-week Wednesdays (week 1 is 31.08–06.09):
    # 02.09, 16.09, 30.09, 14.10, 28.10, [11.11 holiday], 25.11, 09.12, 23.12 → 8 → 16 h.
    assert line.scheduled_first == 34 + 16
    assert line.planned == {1: 80, 2: 0}
    assert line.first_flag == "under"
    # Mondays 18.01–28.06.2027 (the semester starts on Tuesday 12.01): 24 → 48 h over 0.
    assert line.scheduled_second == 48
    assert line.second_flag == "over"
    assert lines[college.other_workload.pk].scheduled_first == 0
