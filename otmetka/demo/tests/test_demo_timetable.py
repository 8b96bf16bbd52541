"""The demo timetable: every group has one, and no teacher, room or group is in two places."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections import defaultdict
from collections.abc import Iterable

import pytest
from django.core.management import call_command
from faker import Faker

from otmetka.academics.models import CurriculumItem, Group, Workload
from otmetka.demo import catalog, generator
from otmetka.demo.generator import DEMO_TODAY, Plan, _CollegeBuilder, build_plan
from otmetka.demo.journal import semester_days
from otmetka.demo.timetable import WEEKDAYS, add_timetable, current_semester, pairs_a_fortnight
from otmetka.journal.models import Lesson
from otmetka.org.models import Period, Room
from otmetka.schedule.models import DayBells, TimetableEntry, WeekParity

# (teacher, group, subgroup or None, room or None, weekday, pair, parity)
Slot = tuple[object, object, object | None, object | None, int, int, str]

WEEKS: dict[str, tuple[str, ...]] = {
    WeekParity.EVERY: ("odd", "even"), WeekParity.ODD: ("odd",), WeekParity.EVEN: ("even",),
}


def conflicts(slots: Iterable[Slot]) -> list[str]:
    """Every teacher, room and group (or overlapping subgroup) in two places at one time."""
    teachers: set[tuple[object, ...]] = set()
    rooms: set[tuple[object, ...]] = set()
    groups: dict[tuple[object, ...], list[object | None]] = defaultdict(list)
    found = []
    for teacher, group, subgroup, room, weekday, pair, parity in slots:
        for week in WEEKS[parity]:
            cell = (weekday, pair, week)
            if (teacher, *cell) in teachers:
                found.append(f"teacher {teacher} {cell}")
            teachers.add((teacher, *cell))
            if room is not None:
                if (room, *cell) in rooms:
                    found.append(f"room {room} {cell}")
                rooms.add((room, *cell))
            taken = groups[(group, *cell)]
            if taken and (subgroup is None or None in taken or subgroup in taken):
                found.append(f"group {group} {cell}")
            taken.append(subgroup)
    return found


def test_conflict_check_sees_every_kind_of_clash() -> None:
    assert conflicts([("t1", "g", None, "r1", 1, 1, "every"),
                      ("t2", "g", None, "r2", 1, 1, "odd")]) == ["group g (1, 1, 'odd')"]
    assert conflicts([("t1", "g", "s1", "r1", 1, 1, "every"),
                      ("t2", "g", "s2", "r2", 1, 1, "every")]) == []
    assert conflicts([("t1", "g", "s1", "r1", 1, 1, "odd"),
                      ("t2", "g", "s1", "r2", 1, 1, "even")]) == []
    assert len(conflicts([("t1", "g", "s1", "r1", 1, 1, "every"),
                          ("t1", "h", None, "r1", 1, 1, "even")])) == 2


def test_pairs_a_fortnight_follow_the_hours() -> None:
    assert pairs_a_fortnight(0, 16.8) == 0
    assert pairs_a_fortnight(4, 16.8) == 1
    assert pairs_a_fortnight(80, 16.8) == 5  # 2 every week and 1 on odd or even weeks
    assert pairs_a_fortnight(68, 17) == 4


def test_current_semester_between_and_after_semesters() -> None:
    first = Period(kind=Period.Kind.SEMESTER, number=1, date_from=dt.date(2026, 9, 1),
                   date_to=dt.date(2026, 12, 28))
    second = Period(kind=Period.Kind.SEMESTER, number=2, date_from=dt.date(2027, 1, 12),
                    date_to=dt.date(2027, 6, 30))
    holidays = Period(kind=Period.Kind.HOLIDAYS, number=1, date_from=dt.date(2026, 12, 29),
                      date_to=dt.date(2027, 1, 11))
    periods = [second, holidays, first]
    assert current_semester(periods, dt.date(2026, 11, 28)) is first
    assert current_semester(periods, dt.date(2027, 1, 5)) is second
    assert current_semester(periods, dt.date(2027, 7, 15)) is second


def _college_plan() -> tuple[Plan, list[_CollegeBuilder]]:
    plan = Plan(snils_random=random.Random("snils-1"))
    builders = []
    for number, spec in enumerate(catalog.SIZES["college"]):
        fake = Faker("ru_RU")
        fake.seed_instance(f"1-{number}")
        builder = _CollegeBuilder(plan, spec, random.Random(f"1-{number}"), fake, DEMO_TODAY)
        builder.build()
        add_timetable(builder)
        builders.append(builder)
    return plan, builders


def test_college_timetable_has_no_conflict_and_gives_every_line_its_hours() -> None:
    plan, builders = _college_plan()
    entries = [entry for entry in plan.buckets["timetable_entries"]
               if isinstance(entry, TimetableEntry)]
    assert not conflicts(
        (id(entry.workload.teacher), id(entry.workload.group),
         id(entry.workload.subgroup) if entry.workload.subgroup else None,
         id(entry.room) if entry.room else None, entry.weekday, entry.pair_number, entry.parity)
        for entry in entries
    )
    scheduled: dict[int, int] = defaultdict(int)
    for entry in entries:
        # Monday to Saturday, four pairs at most on Saturday.
        assert 1 <= entry.weekday <= 6 and 1 <= entry.pair_number <= 6
        assert entry.weekday < 6 or entry.pair_number <= 4
        assert entry.valid_from == dt.date(2026, 9, 1) and entry.valid_to == dt.date(2026, 12, 28)
        assert entry.room is not None or (
            entry.workload.item.kind == CurriculumItem.Kind.INDUSTRIAL_PRACTICE)
        assert entry.room is None or entry.room.organization is entry.workload.group.organization
        scheduled[id(entry.workload)] += 2 if entry.parity == WeekParity.EVERY else 1
    weeks = len(semester_days(dt.date(2026, 9, 1), dt.date(2026, 12, 28))) / len(WEEKDAYS)
    groups = set()
    for workload in plan.buckets["workloads"]:
        assert isinstance(workload, Workload)
        if workload.hours_first and any(workload.academic_year is b.year for b in builders):
            groups.add(id(workload.group))
            # Two hours a pair, pairs a fortnight: within a pair a fortnight of the plan.
            delivered = scheduled[id(workload)] * weeks
            assert abs(delivered - workload.hours_first) <= weeks, workload.item.index
    assert groups == {id(info.group) for b in builders for info in b.groups}
    # ИС subjects of their own go to computer rooms while there is one free.
    own = [entry for entry in entries if entry.workload.group.name.startswith("ИС")
           and entry.workload.item.kind == CurriculumItem.Kind.INTERDISCIPLINARY_COURSE]
    in_computer_rooms = [entry for entry in own
                         if entry.room is not None and entry.room.kind == Room.Kind.COMPUTER]
    assert own and len(in_computer_rooms) >= 0.6 * len(own)


@pytest.mark.django_db
def test_seeded_demo_has_a_conflict_free_timetable_for_every_group() -> None:
    call_command("seed_demo", size="small", today=DEMO_TODAY, stdout=io.StringIO())
    entries = list(TimetableEntry.objects.select_related("workload", "room"))
    assert not conflicts(
        (entry.workload.teacher_id, entry.workload.group_id, entry.workload.subgroup_id,
         entry.room_id, entry.weekday, entry.pair_number, entry.parity)
        for entry in entries
    )
    with_timetable = {entry.workload.group_id for entry in entries}
    assert with_timetable == set(Group.objects.values_list("id", flat=True))
    for entry in entries:
        assert entry.room is None or (
            entry.room.organization_id == Group.objects.get(pk=entry.workload.group_id)
            .organization_id)
    for bells in DayBells.objects.select_related("bell_schedule"):
        assert bells.weekday == 6
        assert not bells.bell_schedule.is_default
        assert bells.bell_schedule.organization_id == bells.organization_id
    assert DayBells.objects.count() == 2


def _lessons(plan: Plan) -> list[tuple[object, ...]]:
    return [(lesson.workload.item.index, lesson.workload.group.name, lesson.date,
             lesson.pair_number, lesson.topic_text)
            for lesson in plan.buckets["lessons"] if isinstance(lesson, Lesson)]


def test_the_timetable_changes_nothing_in_the_journals(monkeypatch: pytest.MonkeyPatch) -> None:
    with_timetable = build_plan(size="small")
    assert with_timetable.buckets["timetable_entries"]
    monkeypatch.setattr(generator, "add_timetable", lambda college: None)
    without = build_plan(size="small")
    assert not without.buckets["timetable_entries"]
    assert _lessons(with_timetable) == _lessons(without)
