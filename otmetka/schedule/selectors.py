"""Reads of the timetable: pre-joined rows for one screen in a fixed number of queries."""

# === changes: the effective timetable of a day (day_slots / week_slots) ===
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from otmetka.lib.dates import week_monday
from otmetka.org.models import Period
from otmetka.schedule.bells import Bells, PairTimes, bells_between, bells_for, weekday_bells
from otmetka.schedule.models import (
    ScheduleChange,
    TimetableEntry,
    WeekParity,
)


@dataclass(frozen=True)
class Slot:
    """One pair that takes place on a date, with the day's changes applied.

    Fields:
    - ``date``: the day; ``weekday``: 1 (Mon) … 6 (Sat);
    - ``pair_number``; ``starts_at`` / ``ends_at``: times from the day's bells
      (``schedule.bells``), ``None`` when the bells lack the pair;
    - ``workload_id``, ``group_id``, ``group_name``, ``subgroup_id``, ``subgroup_name``
      (``None`` / ``""`` for the whole group), ``item_id``, ``item_index``, ``item_name``;
    - ``teacher_id``, ``teacher_name`` (short: «Учителев П. А.»): who teaches it that day;
      ``original_teacher_id`` / ``original_teacher_name``: the absent teacher when replaced,
      ``original_teacher_genitive`` the same short name for «вместо Учителева П. А.»;
    - ``room_id``, ``room_number`` (``None`` / ``""`` without a room);
    - ``entry_id``: the timetable entry (``None`` for an extra pair);
    - ``change``: ``""`` (as in the timetable) or a ``ScheduleChange.Kind`` value
      (``cancel`` only appears with ``include_cancelled=True``); ``change_id``,
      ``change_reason``; for a move, ``original_pair_number`` and ``original_room_number``.
    """

    date: dt.date
    weekday: int
    pair_number: int
    starts_at: dt.time | None
    ends_at: dt.time | None
    workload_id: int
    group_id: int
    group_name: str
    subgroup_id: int | None
    subgroup_name: str
    item_id: int
    item_index: str
    item_name: str
    teacher_id: int
    teacher_name: str
    original_teacher_id: int | None
    original_teacher_name: str
    room_id: int | None
    room_number: str
    entry_id: int | None
    change: str
    change_id: int | None
    change_reason: str
    original_pair_number: int | None
    original_room_number: str
    original_teacher_genitive: str = ""

    @property
    def is_cancelled(self) -> bool:
        return self.change == ScheduleChange.Kind.CANCEL

    @property
    def title(self) -> str:
        """«МДК.01.01 ИС-21» (with the subgroup when there is one)."""
        group = (
            f"{self.group_name} ({self.subgroup_name})" if self.subgroup_name else self.group_name
        )
        return f"{self.item_index} {group}"


def week_number(year_start: dt.date, day: dt.date) -> int:
    """Week of the academic year (1-based) counted from the Monday of its first week."""
    first_monday = year_start - dt.timedelta(days=year_start.weekday())
    return (day - first_monday).days // 7 + 1


def takes_place(parity: str, year_start: dt.date, day: dt.date) -> bool:
    if parity == WeekParity.EVERY:
        return True
    odd = week_number(year_start, day) % 2 == 1
    return odd if parity == WeekParity.ODD else not odd


@dataclass(frozen=True)
class _Calendar:
    """Academic years, holidays and bells of an organization for a range."""

    year_starts: list[tuple[dt.date, dt.date, dt.date]]  # (year from, year to, year from)
    holidays: list[tuple[dt.date, dt.date]]
    bells: Bells = field(default_factory=Bells)

    def year_start(self, day: dt.date) -> dt.date | None:
        for date_from, date_to, start in self.year_starts:
            if date_from <= day <= date_to:
                return start
        return None

    def is_holiday(self, day: dt.date) -> bool:
        return any(date_from <= day <= date_to for date_from, date_to in self.holidays)

    def school_day(self, day: dt.date) -> bool:
        return (
            day.isoweekday() <= 6 and self.year_start(day) is not None and not self.is_holiday(day)
        )


def _calendar(organization_id: int, date_from: dt.date, date_to: dt.date) -> _Calendar:
    # 1 query: every period of the academic years touching the range (years come joined).
    periods = Period.objects.filter(
        academic_year__organization_id=organization_id,
        academic_year__date_from__lte=date_to,
        academic_year__date_to__gte=date_from,
    ).select_related("academic_year")
    years: dict[int, tuple[dt.date, dt.date, dt.date]] = {}
    holidays: list[tuple[dt.date, dt.date]] = []
    for period in periods:
        year = period.academic_year
        years[year.pk] = (year.date_from, year.date_to, year.date_from)
        if period.kind == Period.Kind.HOLIDAYS:
            holidays.append((period.date_from, period.date_to))
    # 1 query: the bells of every day of the range.
    bells = bells_between(organization_id, date_from, date_to)
    return _Calendar(list(years.values()), holidays, bells)


_WORKLOAD_JOINS = (
    "workload__group",
    "workload__subgroup",
    "workload__item",
    "workload__teacher__person",
)


def range_slots(
    organization_id: int,
    date_from: dt.date,
    date_to: dt.date,
    *,
    group_ids: Iterable[int] | None = None,
    teacher_id: int | None = None,
    room_id: int | None = None,
    include_cancelled: bool = False,
) -> list[Slot]:
    """The effective timetable of every day of date_from..date_to (both inclusive).

    Four queries whatever the range or the size of the college: periods (with years), the
    bells of the range (`schedule.bells`), changes, entries. Filters apply to the effective
    slot (a substitute sees a pair they replace in; a room filter follows moves).
    """
    calendar = _calendar(organization_id, date_from, date_to)
    days = [
        date_from + dt.timedelta(days=offset) for offset in range((date_to - date_from).days + 1)
    ]
    days = [day for day in days if calendar.school_day(day)]
    # Changes are read before entries: a filtered call must still see the entries that a
    # change brings into its scope (a substitute teacher, a room moved into).
    changes = list(
        ScheduleChange.objects.filter(
            organization_id=organization_id, date__gte=date_from, date__lte=date_to
        ).select_related(*_WORKLOAD_JOINS, "teacher__person", "room")
    )
    by_entry_day = {(c.entry_id, c.date): c for c in changes if c.entry_id is not None}
    entries = TimetableEntry.objects.filter(
        workload__group__organization_id=organization_id,
        weekday__in={day.isoweekday() for day in days},
    ).overlapping(date_from, date_to)
    scope = Q()
    if group_ids is not None:
        scope &= Q(workload__group_id__in=list(group_ids))
    if teacher_id is not None:
        scope &= Q(workload__teacher_id=teacher_id)
    if room_id is not None:
        scope &= Q(room_id=room_id)
    if scope:
        changed = {entry_id for entry_id, _day in by_entry_day}
        entries = entries.filter(scope | Q(pk__in=changed))
    entries = entries.select_related(*_WORKLOAD_JOINS, "room")

    by_weekday: dict[int, list[TimetableEntry]] = {}
    for entry in entries:
        by_weekday.setdefault(entry.weekday, []).append(entry)

    slots: list[Slot] = []
    for day in days:
        year_start = calendar.year_start(day)
        assert year_start is not None  # school_day() checked it
        for entry in by_weekday.get(day.isoweekday(), []):
            if not entry.valid_from <= day <= entry.valid_to:
                continue
            if not takes_place(entry.parity, year_start, day):
                continue
            slot = _entry_slot(entry, day, by_entry_day.get((entry.pk, day)), calendar)
            if slot is not None and (include_cancelled or not slot.is_cancelled):
                slots.append(slot)
    school_days = set(days)
    for change in changes:
        if change.kind == ScheduleChange.Kind.EXTRA and change.date in school_days:
            slots.append(_extra_slot(change, calendar))

    group_set = set(group_ids) if group_ids is not None else None
    slots = [
        slot
        for slot in slots
        if (group_set is None or slot.group_id in group_set)
        and (teacher_id is None or slot.teacher_id == teacher_id)
        and (room_id is None or slot.room_id == room_id)
    ]
    slots.sort(key=lambda s: (s.date, s.pair_number, s.group_name, s.subgroup_name, s.item_index))
    return slots


def day_slots(
    organization_id: int,
    day: dt.date,
    *,
    group_ids: Iterable[int] | None = None,
    teacher_id: int | None = None,
    room_id: int | None = None,
    include_cancelled: bool = False,
) -> list[Slot]:
    """The pairs that take place on a day (see ``Slot`` for the fields); four queries."""
    return range_slots(
        organization_id,
        day,
        day,
        group_ids=group_ids,
        teacher_id=teacher_id,
        room_id=room_id,
        include_cancelled=include_cancelled,
    )


def week_slots(
    organization_id: int,
    day: dt.date,
    *,
    group_ids: Iterable[int] | None = None,
    teacher_id: int | None = None,
    room_id: int | None = None,
    include_cancelled: bool = False,
) -> list[Slot]:
    """The pairs of Monday–Saturday of the week containing ``day``; four queries."""
    monday = week_monday(day)
    return range_slots(
        organization_id,
        monday,
        monday + dt.timedelta(days=5),
        group_ids=group_ids,
        teacher_id=teacher_id,
        room_id=room_id,
        include_cancelled=include_cancelled,
    )


def _times(calendar: _Calendar, day: dt.date, pair: int) -> tuple[dt.time | None, dt.time | None]:
    times = calendar.bells.on(day).get(pair)
    return times if times is not None else (None, None)


def _entry_slot(
    entry: TimetableEntry, day: dt.date, change: ScheduleChange | None, calendar: _Calendar
) -> Slot | None:
    workload = entry.workload
    teacher = workload.teacher
    pair_number = entry.pair_number
    room = entry.room
    original_teacher = None
    original_pair: int | None = None
    original_room = ""
    kind = ""
    if change is not None:
        kind = change.kind
        if change.kind == ScheduleChange.Kind.REPLACE_TEACHER and change.teacher is not None:
            original_teacher = teacher
            teacher = change.teacher
        elif change.kind == ScheduleChange.Kind.MOVE:
            original_pair = entry.pair_number
            original_room = entry.room.number if entry.room else ""
            pair_number = change.pair_number or entry.pair_number
            room = change.room if change.room_id is not None else entry.room
        elif change.kind == ScheduleChange.Kind.EXTRA:
            kind = ""
    starts_at, ends_at = _times(calendar, day, pair_number)
    return Slot(
        date=day,
        weekday=day.isoweekday(),
        pair_number=pair_number,
        starts_at=starts_at,
        ends_at=ends_at,
        workload_id=workload.pk,
        group_id=workload.group_id,
        group_name=workload.group.name,
        subgroup_id=workload.subgroup_id,
        subgroup_name=workload.subgroup.name if workload.subgroup else "",
        item_id=workload.item_id,
        item_index=workload.item.index,
        item_name=workload.item.name,
        teacher_id=teacher.pk,
        teacher_name=teacher.person.short_name,
        original_teacher_id=original_teacher.pk if original_teacher else None,
        original_teacher_name=original_teacher.person.short_name if original_teacher else "",
        original_teacher_genitive=(
            original_teacher.person.short_name_genitive if original_teacher else ""
        ),
        room_id=room.pk if room else None,
        room_number=room.number if room else "",
        entry_id=entry.pk,
        change=kind,
        change_id=change.pk if change is not None and kind else None,
        change_reason=change.reason if change is not None and kind else "",
        original_pair_number=original_pair,
        original_room_number=original_room,
    )


def _extra_slot(change: ScheduleChange, calendar: _Calendar) -> Slot:
    workload = change.workload
    pair_number = change.pair_number or 1
    starts_at, ends_at = _times(calendar, change.date, pair_number)
    return Slot(
        date=change.date,
        weekday=change.date.isoweekday(),
        pair_number=pair_number,
        starts_at=starts_at,
        ends_at=ends_at,
        workload_id=workload.pk,
        group_id=workload.group_id,
        group_name=workload.group.name,
        subgroup_id=workload.subgroup_id,
        subgroup_name=workload.subgroup.name if workload.subgroup else "",
        item_id=workload.item_id,
        item_index=workload.item.index,
        item_name=workload.item.name,
        teacher_id=workload.teacher_id,
        teacher_name=workload.teacher.person.short_name,
        original_teacher_id=None,
        original_teacher_name="",
        room_id=change.room_id,
        room_number=change.room.number if change.room else "",
        entry_id=None,
        change=ScheduleChange.Kind.EXTRA,
        change_id=change.pk,
        change_reason=change.reason,
        original_pair_number=None,
        original_room_number="",
    )


# === end changes ===


# === generate: the teacher's day («сегодня») ===
from django.db.models import Exists, OuterRef, Subquery  # noqa: E402
from django.db.models.functions import Coalesce  # noqa: E402

from otmetka.journal.models import Attendance as _Attendance  # noqa: E402
from otmetka.journal.models import Lesson as _Lesson  # noqa: E402
from otmetka.journal.models import Mark as _Mark  # noqa: E402


class TodayStatus:
    PLANNED = "planned"
    FILLED = "filled"
    LATE = "late"
    CANCELLED = "cancelled"
    REPLACED = "replaced"  # another teacher gives this pair today


@dataclass(frozen=True)
class TodayPair:
    """A pair of the teacher's day: the lesson with times, room, status and substitution.

    ``substitute_for``: whom the teacher replaces, in the genitive («вместо Учителева П. А.»),
    when they give another's pair;
    ``replaced_by``: who gives the teacher's own pair instead of them.
    """

    lesson: _Lesson
    starts_at: dt.time | None
    ends_at: dt.time | None
    room_number: str
    status: str
    substitute_for: str
    replaced_by: str


def teacher_day(
    organization_id: int, employee_id: int, day: dt.date, moment: dt.time
) -> list[TodayPair]:
    """The teacher's lessons of a day — their own and those they substitute — in two queries.

    Queries: the bells of the day (`schedule.bells`); the lessons with group, item, subgroup,
    substitution, the room (from a move or an extra pair of that day, else the timetable entry)
    and whether marks or attendance exist.
    """
    weekday = day.isoweekday()
    bells = bells_for(organization_id, day)
    changed_room = ScheduleChange.objects.filter(
        organization_id=organization_id,
        date=day,
        workload_id=OuterRef("workload_id"),
        pair_number=OuterRef("pair_number"),
        kind__in=[ScheduleChange.Kind.MOVE, ScheduleChange.Kind.EXTRA],
        room__isnull=False,
    ).values("room__number")[:1]
    entry_room = (
        TimetableEntry.objects.valid_on(day)
        .filter(
            workload_id=OuterRef("workload_id"),
            weekday=weekday,
            pair_number=OuterRef("pair_number"),
            room__isnull=False,
        )
        .values("room__number")[:1]
    )
    lessons = (
        _Lesson.objects.filter(
            Q(teacher_id=employee_id) | Q(workload__teacher_id=employee_id),
            workload__group__organization_id=organization_id,
            date=day,
        )
        .select_related(
            "workload__group",
            "workload__item",
            "workload__subgroup",
            "substitution__absent_teacher__person",
            "teacher__person",
        )
        .annotate(
            room_number=Coalesce(Subquery(changed_room), Subquery(entry_room)),
            has_marks=Exists(_Mark.objects.filter(lesson_id=OuterRef("pk"))),
            has_attendance=Exists(_Attendance.objects.filter(lesson_id=OuterRef("pk"))),
        )
        .order_by("pair_number", "pk")
    )
    pairs: list[TodayPair] = []
    for lesson in lessons:
        times: tuple[dt.time | None, dt.time | None] = bells.get(
            lesson.pair_number or 0, (None, None)
        )
        starts_at, ends_at = times
        substitute_for = ""
        replaced_by = ""
        if lesson.teacher_id != employee_id:
            replaced_by = lesson.teacher.person.short_name
        elif lesson.workload.teacher_id != employee_id:
            substitution = getattr(lesson, "substitution", None)
            substitute_for = (
                substitution.absent_teacher.person.short_name_genitive
                if substitution is not None
                else ""
            )
        filled = bool(
            lesson.topic_id is not None
            or lesson.topic_text.strip()
            or lesson.has_marks  # type: ignore[attr-defined]
            or lesson.has_attendance  # type: ignore[attr-defined]
        )
        if lesson.status == _Lesson.Status.CANCELLED:
            status = TodayStatus.CANCELLED
        elif replaced_by:
            status = TodayStatus.REPLACED
        elif filled:
            status = TodayStatus.FILLED
        elif ends_at is not None and moment >= ends_at:
            status = TodayStatus.LATE
        else:
            status = TodayStatus.PLANNED
        pairs.append(
            TodayPair(
                lesson=lesson,
                starts_at=starts_at,
                ends_at=ends_at,
                room_number=lesson.room_number or "",  # type: ignore[attr-defined]
                status=status,
                substitute_for=substitute_for,
                replaced_by=replaced_by,
            )
        )
    return pairs


# === end generate ===


# === entries: the weekly grid of a group, teacher or room ===
from otmetka.org.models import AcademicYear  # noqa: E402
from otmetka.schedule.models import TimetableEntryQuerySet  # noqa: E402
from otmetka.schedule.services.conflicts import (  # noqa: E402
    ENTRY_RELATED,
    parity_matches,
    week_parity,
)


@dataclass
class GridCell:
    date: dt.date
    pair: PairTimes | None
    entries: list[TimetableEntry]


@dataclass
class GridRow:
    number: int
    pair: PairTimes | None
    cells: list[GridCell]


@dataclass
class WeekGrid:
    monday: dt.date
    days: list[dt.date]
    parity: str | None
    rows: list[GridRow]
    year: AcademicYear | None

    @property
    def previous(self) -> dt.date:
        return self.monday - dt.timedelta(days=7)

    @property
    def next(self) -> dt.date:
        return self.monday + dt.timedelta(days=7)

    @property
    def saturday(self) -> dt.date:
        return self.days[-1]


def week_grid(organization_id: int, entries: TimetableEntryQuerySet, monday: dt.date) -> WeekGrid:
    """Rows = pairs, columns = Mon–Sat of the week of `monday` (three queries).

    Queries: the academic year of the week, the bells of the weekly timetable, the entries.
    """
    days = [monday + dt.timedelta(days=offset) for offset in range(6)]
    year = AcademicYear.objects.filter(organization_id=organization_id).on_day(monday).first()
    parity = week_parity(year.date_from, monday) if year else None
    bells = weekday_bells(organization_id)
    rows_entries = list(entries.overlapping(days[0], days[-1]).select_related(*ENTRY_RELATED))
    numbers = {n for day in days for n in bells.of_weekday(day.isoweekday())}
    numbers |= {entry.pair_number for entry in rows_entries}
    rows = []
    for number in sorted(numbers):
        cells = []
        for day in days:
            weekday = day.isoweekday()
            found = [
                e
                for e in rows_entries
                if e.weekday == weekday
                and e.pair_number == number
                and e.valid_from <= day <= e.valid_to
                and parity_matches(e.parity, parity)
            ]
            pair = bells.of_weekday(weekday).get(number)
            cells.append(GridCell(date=day, pair=pair, entries=found))
        default = next((c.pair for c in cells if c.pair is not None), None)
        rows.append(GridRow(number=number, pair=default, cells=cells))
    return WeekGrid(monday=monday, days=days, parity=parity, rows=rows, year=year)
