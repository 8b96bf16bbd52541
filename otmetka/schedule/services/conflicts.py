"""Timetable conflicts (a teacher, room or group in two places) and scheduled vs planned hours."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from otmetka.academics.models import Workload
from otmetka.lib.dates import week_monday
from otmetka.org.models import AcademicYear, Period
from otmetka.schedule.models import TimetableEntry, WeekParity

HOURS_PER_PAIR = 2

# «во вторник, 2 пара»
WEEKDAY_AT = {
    1: gettext_lazy("в понедельник"),
    2: gettext_lazy("во вторник"),
    3: gettext_lazy("в среду"),
    4: gettext_lazy("в четверг"),
    5: gettext_lazy("в пятницу"),
    6: gettext_lazy("в субботу"),
}
# «В расписании звонков на субботу …»
WEEKDAY_FOR = {
    1: gettext_lazy("понедельник"),
    2: gettext_lazy("вторник"),
    3: gettext_lazy("среду"),
    4: gettext_lazy("четверг"),
    5: gettext_lazy("пятницу"),
    6: gettext_lazy("субботу"),
}
ENTRY_RELATED = (
    "workload__group",
    "workload__item",
    "workload__subgroup",
    "workload__teacher__person",
    "room",
)


def week_parity(year_start: dt.date, day: dt.date) -> str:
    """Odd or even week of `day`; week 1 (the one holding the year's first day) is odd."""
    number = (week_monday(day) - week_monday(year_start)).days // 7 + 1
    return WeekParity.ODD if number % 2 else WeekParity.EVEN


def parities_clash(first: str, second: str) -> bool:
    return first == second or WeekParity.EVERY in (first, second)


def parity_matches(parity: str, week: str | None) -> bool:
    """Whether an entry with `parity` takes place in a week of parity `week` (None = unknown)."""
    return parity == WeekParity.EVERY or week is None or parity == week


def _slot(entry: TimetableEntry) -> str:
    return _("%(day)s, %(pair)s пара (%(parity)s)") % {
        "day": WEEKDAY_AT[entry.weekday],
        "pair": entry.pair_number,
        "parity": entry.get_parity_display(),
    }


def _group_label(workload: Workload) -> str:
    if workload.subgroup_id is not None:
        return _("%(group)s (%(subgroup)s)") % {
            "group": workload.group.name,
            "subgroup": workload.subgroup.name if workload.subgroup else "",
        }
    return workload.group.name


def _groups_clash(first: Workload, second: Workload) -> bool:
    if first.group_id != second.group_id:
        return False
    if first.subgroup_id is None or second.subgroup_id is None:
        return True
    return first.subgroup_id == second.subgroup_id


def clash_messages(candidate: TimetableEntry, other: TimetableEntry) -> list[str]:
    """Every reason why `candidate` cannot share its slot with `other` (empty: no clash)."""
    if (
        candidate.weekday != other.weekday
        or candidate.pair_number != other.pair_number
        or candidate.valid_from > other.valid_to
        or other.valid_from > candidate.valid_to
        or not parities_clash(candidate.parity, other.parity)
    ):
        return []
    mine, theirs = candidate.workload, other.workload
    slot = _slot(other)
    messages: list[str] = []
    if mine.teacher_id == theirs.teacher_id:
        messages.append(
            _("Преподаватель %(teacher)s уже ведёт %(group)s %(slot)s")
            % {
                "teacher": theirs.teacher.person.short_name,
                "group": _group_label(theirs),
                "slot": slot,
            }
        )
    if candidate.room_id is not None and candidate.room_id == other.room_id:
        messages.append(
            _("Кабинет %(room)s занят группой %(group)s %(slot)s")
            % {
                "room": other.room.number if other.room else "",
                "group": _group_label(theirs),
                "slot": slot,
            }
        )
    if _groups_clash(mine, theirs):
        messages.append(
            _("Группа %(group)s в это время на %(item)s %(slot)s")
            % {
                "group": _group_label(theirs),
                "item": theirs.item.index,
                "slot": slot,
            }
        )
    return messages


def find_conflicts(
    candidate: TimetableEntry,
    exclude_id: int | None = None,
    *,
    also: Sequence[TimetableEntry] = (),
    exclude_ids: Iterable[int] = (),
) -> list[str]:
    """Every conflict of `candidate` with the saved timetable (and with the unsaved `also`).

    One query. `exclude_ids` are saved entries that the same operation is about to end.
    """
    workload = candidate.workload
    parities: list[str] = (
        list(WeekParity.values)
        if candidate.parity == WeekParity.EVERY
        else [WeekParity.EVERY, candidate.parity]
    )
    who = Q(workload__teacher_id=workload.teacher_id) | Q(workload__group_id=workload.group_id)
    if candidate.room_id is not None:
        who |= Q(room_id=candidate.room_id)
    saved = (
        TimetableEntry.objects.overlapping(candidate.valid_from, candidate.valid_to)
        .filter(
            who,
            workload__group__organization_id=workload.group.organization_id,
            weekday=candidate.weekday,
            pair_number=candidate.pair_number,
            parity__in=parities,
        )
        .exclude(pk__in=[pk for pk in (exclude_id, *exclude_ids) if pk is not None])
        .select_related(*ENTRY_RELATED)
    )
    messages: list[str] = []
    for other in [*saved, *also]:
        if other is candidate:
            continue
        messages.extend(clash_messages(candidate, other))
    return messages


@dataclass
class Conflict:
    first: TimetableEntry
    second: TimetableEntry
    messages: list[str]


def organization_conflicts(organization_id: int, since: dt.date) -> list[Conflict]:
    """All clashes among the organization's entries in force on or after `since` (one query)."""
    entries = list(
        TimetableEntry.objects.filter(
            workload__group__organization_id=organization_id, valid_to__gte=since
        ).select_related(*ENTRY_RELATED)
    )
    by_slot: dict[tuple[int, int], list[TimetableEntry]] = defaultdict(list)
    for entry in entries:
        by_slot[(entry.weekday, entry.pair_number)].append(entry)
    found: list[Conflict] = []
    for slot_entries in by_slot.values():
        for index, first in enumerate(slot_entries):
            for second in slot_entries[index + 1 :]:
                messages = clash_messages(first, second)
                if messages:
                    found.append(Conflict(first=first, second=second, messages=messages))
    found.sort(key=lambda c: (c.first.weekday, c.first.pair_number, c.first.workload.group.name))
    return found


def missing_pair_message(weekday: int, pair_number: int) -> str:
    return _("В расписании звонков на %(day)s нет %(pair)s-й пары") % {
        "day": WEEKDAY_FOR[weekday],
        "pair": pair_number,
    }


@dataclass
class HoursLine:
    workload: Workload
    scheduled: dict[int, int] = field(default_factory=dict)
    planned: dict[int, int] = field(default_factory=dict)

    def _flag(self, number: int) -> str:
        scheduled, planned = self.scheduled.get(number, 0), self.planned.get(number, 0)
        if scheduled > planned:
            return "over"
        if scheduled < planned:
            return "under"
        return ""

    @property
    def first_flag(self) -> str:
        return self._flag(1)

    @property
    def second_flag(self) -> str:
        return self._flag(2)

    @property
    def scheduled_first(self) -> int:
        return self.scheduled.get(1, 0)

    @property
    def scheduled_second(self) -> int:
        return self.scheduled.get(2, 0)


def _dates(
    entry: TimetableEntry, semester: Period, holidays: Sequence[Period], year_start: dt.date
) -> int:
    start = max(entry.valid_from, semester.date_from)
    end = min(entry.valid_to, semester.date_to)
    day = start + dt.timedelta(days=(entry.weekday - 1 - start.weekday()) % 7)
    count = 0
    while day <= end:
        in_holidays = any(h.date_from <= day <= h.date_to for h in holidays)
        if not in_holidays and parity_matches(entry.parity, week_parity(year_start, day)):
            count += 1
        day += dt.timedelta(days=7)
    return count


def scheduled_vs_planned(organization_id: int, academic_year: AcademicYear) -> list[HoursLine]:
    """Per workload line: hours the timetable gives in each semester vs the planned hours.

    Three queries: workload lines, their entries, the year's periods.
    """
    workloads = list(
        Workload.objects.filter(
            academic_year=academic_year, group__organization_id=organization_id
        ).select_related("group", "item", "subgroup", "teacher__person")
    )
    entries = TimetableEntry.objects.filter(workload__in=[w.pk for w in workloads])
    by_workload: dict[int, list[TimetableEntry]] = defaultdict(list)
    for entry in entries:
        by_workload[entry.workload_id].append(entry)
    periods = list(Period.objects.filter(academic_year=academic_year))
    semesters = [p for p in periods if p.kind == Period.Kind.SEMESTER]
    holidays = [p for p in periods if p.kind == Period.Kind.HOLIDAYS]
    lines = []
    for workload in workloads:
        line = HoursLine(
            workload=workload,
            planned={1: workload.hours_first, 2: workload.hours_second},
            scheduled={1: 0, 2: 0},
        )
        for semester in semesters:
            pairs = sum(
                _dates(entry, semester, holidays, academic_year.date_from)
                for entry in by_workload[workload.pk]
            )
            line.scheduled[semester.number] = pairs * HOURS_PER_PAIR
        lines.append(line)
    return lines
