"""Objects the timetable-entry tests need beyond the shared persona world."""

from __future__ import annotations

import datetime as dt

from otmetka.academics.models import Subgroup, Workload
from otmetka.org.models import BellSchedule, Organization, Pair, Room
from otmetka.people.models import Employee
from otmetka.schedule.models import DayBells, TimetableEntry

YEAR_START = dt.date(2026, 9, 1)
YEAR_END = dt.date(2027, 8, 31)


def make_bells(
    org: Organization, pairs: int = 6, saturday_pairs: int | None = None
) -> BellSchedule:
    """A default bell schedule with `pairs` pairs, and a shorter Saturday if asked."""
    default = BellSchedule.objects.create(organization=org, name="Основное", is_default=True)
    _add_pairs(default, pairs)
    if saturday_pairs is not None:
        saturday = BellSchedule.objects.create(organization=org, name="Суббота")
        _add_pairs(saturday, saturday_pairs)
        DayBells.objects.create(organization=org, weekday=6, bell_schedule=saturday)
    return default


def _add_pairs(schedule: BellSchedule, count: int) -> None:
    for number in range(1, count + 1):
        start = dt.time(8 + (number - 1) * 2, 30)
        Pair.objects.create(
            bell_schedule=schedule,
            number=number,
            starts_at=start,
            ends_at=dt.time(start.hour + 1, 50),
        )


def make_room(org: Organization, number: str) -> Room:
    return Room.objects.create(organization=org, number=number)


def make_entry(
    workload: Workload,
    weekday: int = 1,
    pair_number: int = 1,
    room: Room | None = None,
    parity: str = "every",
    valid_from: dt.date = YEAR_START,
    valid_to: dt.date = dt.date(2026, 12, 28),
) -> TimetableEntry:
    return TimetableEntry.objects.create(
        workload=workload,
        weekday=weekday,
        pair_number=pair_number,
        room=room,
        parity=parity,
        valid_from=valid_from,
        valid_to=valid_to,
    )


def make_subgroup_workload(
    workload: Workload, subgroup: Subgroup, teacher: Employee | None = None
) -> Workload:
    """A copy of `workload` for one subgroup (optionally with another teacher)."""
    return Workload.objects.create(
        academic_year=workload.academic_year,
        teacher=teacher or workload.teacher,
        group=workload.group,
        item=workload.item,
        subgroup=subgroup,
        hours_first=40,
    )
