"""The demo timetable: a conflict-free weekly timetable of the current half-year.

Runs after a college's plan is laid out and adds unsaved rows to the same plan: the Saturday
bells (`DayBells`) and, for every workload line with hours in the current half-year, weekly
`TimetableEntry` rows valid from the semester's first day to its last. A line gets as many
pairs a fortnight as its hours need over the semester's teaching weeks (two hours a pair): half
of them every week and, for an odd number, one more on odd or even weeks. The placement is
greedy and deterministic (no random source, so the journals drawn before are untouched): the
busiest lines first, each pair into the earliest free pair of the least loaded day (Monday to
Saturday; Saturday is shorter) where the group (or the subgroup), the teacher and a suitable
room are all free. Industrial practice is held at the enterprise and gets no room. The demo
teacher's first pair goes to the weekday of `today`, so that «Сегодня» has pairs.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from otmetka.academics.models import CurriculumItem, Workload
from otmetka.demo import catalog
from otmetka.demo.journal import SATURDAY_PAIRS_A_DAY, semester_days
from otmetka.org.models import BellSchedule, Period, Room
from otmetka.schedule.models import DayBells, TimetableEntry, WeekParity

if TYPE_CHECKING:
    from otmetka.demo.generator import _CollegeBuilder

# Buckets this module fills, in insertion order (after the journals).
TIMETABLE_BUCKETS: tuple[str, ...] = ("day_bells", "timetable_entries")

# Monday to Saturday (ISO weekdays): the demo colleges teach six days a week, Saturday is shorter.
WEEKDAYS = (1, 2, 3, 4, 5, 6)
PAIRS_A_DAY = 6
SATURDAY = 6
# Programs whose own subjects are taught in computer rooms.
COMPUTER_PROGRAMS = frozenset({"ИС", "СА"})
TECHNICAL_WORKSHOP_KINDS = (Room.Kind.WORKSHOP, Room.Kind.LABORATORY)

# Week parities: index 0 is odd weeks, 1 is even weeks.
_PARITIES = {(0, 1): WeekParity.EVERY, (0,): WeekParity.ODD, (1,): WeekParity.EVEN}


def current_semester(periods: list[Period], today: dt.date) -> Period | None:
    """The semester of `today`; between semesters the next one; after the last, the last."""
    semesters = sorted((period for period in periods if period.kind == Period.Kind.SEMESTER),
                       key=lambda period: period.date_from)
    for period in semesters:
        if today <= period.date_to:
            return period
    return semesters[-1] if semesters else None


def pairs_a_fortnight(hours: int, weeks: float) -> int:
    """Pairs a fortnight that give `hours` (two a pair) over `weeks` teaching weeks."""
    if hours <= 0 or weeks <= 0:
        return 0
    return max(1, round(hours / weeks))


@dataclass
class _Line:
    workload: Workload
    rooms: list[Room] | None  # rooms in order of preference; None: no room needed
    pairs: int
    days: dict[int, int] = field(default_factory=lambda: defaultdict(int))


class TimetableBuilder:
    """Adds one college's Saturday bells and weekly timetable to the plan of `college`."""

    def __init__(self, college: _CollegeBuilder) -> None:
        self.college = college
        self.plan = college.plan
        self.organization = college.organization
        self.group_busy: dict[tuple[int, int, int, int], set[int | None]] = defaultdict(set)
        self.teacher_busy: set[tuple[int, int, int, int]] = set()
        self.room_busy: set[tuple[int, int, int, int]] = set()
        self.day_load: dict[tuple[int, int, int], int] = defaultdict(int)
        self.single_parity = 0

    def build(self) -> None:
        self.saturday_bells()
        periods = [period for period in self.plan.buckets["periods"]
                   if isinstance(period, Period) and period.academic_year is self.college.year]
        semester = current_semester(periods, self.college.today)
        if semester is None:
            return
        weeks = len(semester_days(semester.date_from, semester.date_to)) / len(WEEKDAYS)
        lines = self.lines(semester.number, weeks)
        # The busiest lines (and the busiest teachers' lines) first: they have the fewest
        # places left if they come late.
        teacher_load: dict[int, int] = defaultdict(int)
        for line in lines:
            teacher_load[id(line.workload.teacher)] += line.pairs
        order = sorted(range(len(lines)), key=lambda number: (
            -lines[number].pairs, -teacher_load[id(lines[number].workload.teacher)], number))
        # The demo teacher has a pair every week on the weekday of `today`: whoever opens the
        # demo finds pairs on the teacher's «Сегодня» page, whatever the day.
        today = self.college.today.isoweekday()
        demo = self.demo_line(lines) if today in WEEKDAYS else None
        if demo is not None:
            self.place(demo, ((0, 1),), semester, prefer=today)
        for number in order:
            line = lines[number]
            for _ in range(line.pairs // 2 - (line is demo)):
                self.place(line, ((0, 1),), semester)
            if line.pairs % 2:
                first = self.single_parity % 2
                self.single_parity += 1
                self.place(line, ((first,), (1 - first,)), semester)

    def demo_line(self, lines: list[_Line]) -> _Line | None:
        """The demo teacher's line with the most pairs, of the demo group if it has one, among
        those with a pair every week."""
        teacher = next((teacher.employee for teacher in self.college.teachers
                        if teacher.demo_key == "teacher"), None)
        group = self.college.demo_group.group if self.college.demo_group is not None else None
        own = [line for line in lines if line.workload.teacher is teacher and line.pairs >= 2]
        if not own:
            return None
        return max(own, key=lambda line: (line.workload.group is group, line.pairs))

    def saturday_bells(self) -> None:
        saturday = next((bells for bells in self.plan.buckets["bell_schedules"]
                         if isinstance(bells, BellSchedule)
                         and bells.organization is self.organization and not bells.is_default),
                        None)
        if saturday is not None:
            self.plan.add("day_bells", DayBells(organization=self.organization,
                                                weekday=SATURDAY, bell_schedule=saturday))

    def lines(self, half: int, weeks: float) -> list[_Line]:
        rooms = sorted((room for room in self.plan.buckets["rooms"]
                        if isinstance(room, Room) and room.organization is self.organization),
                       key=lambda room: (room.building, room.number))
        programs = {id(info.group): info.spec.area for info in self.college.groups}
        areas: dict[tuple[str, str], str] = {}
        for abbreviation, template in self.college.templates.items():
            for item_template in template:
                areas[(abbreviation, item_template.index)] = item_template.area
        abbreviations = {id(info.group): info.spec.abbreviation for info in self.college.groups}
        result = []
        for workload in self.plan.buckets["workloads"]:
            if not isinstance(workload, Workload):
                continue
            if workload.academic_year is not self.college.year:
                continue
            hours = workload.hours_first if half == 1 else workload.hours_second
            pairs = pairs_a_fortnight(hours, weeks)
            if not pairs:
                continue
            group_key = id(workload.group)
            area = areas.get((abbreviations[group_key], workload.item.index), "")
            result.append(_Line(workload, self.room_order(rooms, workload.item.kind, area,
                                                          programs[group_key]), pairs))
        return result

    @staticmethod
    def room_order(rooms: list[Room], kind: str, area: str, program_area: str) -> list[Room] | None:
        if kind == CurriculumItem.Kind.INDUSTRIAL_PRACTICE:
            return None
        preferred: tuple[str, ...] = (Room.Kind.CLASSROOM,)
        if area == catalog.INF or (area == program_area and program_area in COMPUTER_PROGRAMS):
            preferred = (Room.Kind.COMPUTER,)
        elif area == catalog.PE:
            preferred = (Room.Kind.GYM, Room.Kind.HALL)
        elif area == catalog.SCI:
            preferred = (Room.Kind.LABORATORY,)
        elif kind == CurriculumItem.Kind.EDUCATIONAL_PRACTICE:
            preferred = TECHNICAL_WORKSHOP_KINDS
        rank = {room_kind: number for number, room_kind in enumerate(preferred)}
        fallback = len(preferred)
        # Then ordinary classrooms, then any other room but the gym and the hall.
        ordered = sorted(
            (room for room in rooms
             if room.kind in rank or room.kind not in (Room.Kind.GYM, Room.Kind.HALL)),
            key=lambda room: (rank.get(room.kind, fallback + (room.kind != Room.Kind.CLASSROOM)),),
        )
        return ordered

    def place(self, line: _Line, parity_options: tuple[tuple[int, ...], ...],
              semester: Period, *, prefer: int | None = None) -> None:
        """Put one pair of `line` into the best free cell (ties: the first parity option); on
        the weekday `prefer` if it has one."""
        workload = line.workload
        group = id(workload.group)
        subgroup = id(workload.subgroup) if workload.subgroup is not None else None
        teacher = id(workload.teacher)
        candidates = sorted(
            (day != prefer, line.days[day], pair,
             max(self.day_load[(group, parity, day)] for parity in parities), day, option,
             parities)
            for option, parities in enumerate(parity_options)
            for day in WEEKDAYS
            for pair in range(1, (SATURDAY_PAIRS_A_DAY if day == SATURDAY else PAIRS_A_DAY) + 1)
        )
        roomless: tuple[int, int, tuple[int, ...]] | None = None
        for _, _, pair, _, day, _, parities in candidates:
            if not all(self.group_free(group, subgroup, parity, day, pair)
                       and (teacher, parity, day, pair) not in self.teacher_busy
                       for parity in parities):
                continue
            if line.rooms is None:
                self.take(line, day, pair, parities, None, semester)
                return
            room = next((room for room in line.rooms
                         if all((id(room), parity, day, pair) not in self.room_busy
                                for parity in parities)), None)
            if room is not None:
                self.take(line, day, pair, parities, room, semester)
                return
            if roomless is None:
                roomless = (day, pair, parities)
        if roomless is not None:
            self.take(line, *roomless, None, semester)

    def group_free(self, group: int, subgroup: int | None, parity: int, day: int,
                   pair: int) -> bool:
        taken = self.group_busy.get((group, parity, day, pair))
        if not taken:
            return True
        return subgroup is not None and None not in taken and subgroup not in taken

    def take(self, line: _Line, day: int, pair: int, parities: tuple[int, ...],
             room: Room | None, semester: Period) -> None:
        workload = line.workload
        group = id(workload.group)
        subgroup = id(workload.subgroup) if workload.subgroup is not None else None
        for parity in parities:
            if not self.group_busy[(group, parity, day, pair)]:
                self.day_load[(group, parity, day)] += 1
            self.group_busy[(group, parity, day, pair)].add(subgroup)
            self.teacher_busy.add((id(workload.teacher), parity, day, pair))
            if room is not None:
                self.room_busy.add((id(room), parity, day, pair))
        line.days[day] += 1
        self.plan.add("timetable_entries", TimetableEntry(
            workload=workload, weekday=day, pair_number=pair, room=room,
            parity=_PARITIES[parities], valid_from=semester.date_from,
            valid_to=semester.date_to,
        ))


def add_timetable(college: _CollegeBuilder) -> None:
    """Add the Saturday bells and the current half-year's weekly timetable of one college."""
    TimetableBuilder(college).build()
