"""Bells: which pairs a day has, and when each begins and ends. The one resolver of the project.

The rule, decided here and nowhere else:

1. A date with bells of its own (`DateBells`: a shortened pre-holiday day) uses them, whatever
   its weekday.
2. Monday to Saturday use their weekday's bells (`DayBells`: a shorter Saturday), or else the
   organization's default bell schedule.
3. Sunday has no pairs. There are no classes on Sundays: the timetable has no Sunday and a
   change for a Sunday is refused (`services.changes.check_change_date`). A Sunday that is
   worked gets its bells as a date (rule 1).

The weekly timetable, which has weekdays but no dates, follows rules 2 and 3.

Pages read the bells in one query (`bells_between`, `bells_for`, `weekday_bells`). A query that
needs the times of each of its rows (the diary's lessons) annotates them with `with_pair_times`,
the same rule written in SQL; a test holds the two to the same answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    DateField,
    F,
    IntegerField,
    Model,
    OuterRef,
    QuerySet,
    Subquery,
    TimeField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractIsoWeekDay
from django.db.models.lookups import Exact

from otmetka.org.models import BellSchedule, Pair
from otmetka.schedule.models import DateBells, DayBells

SUNDAY = 7
SCHOOL_WEEKDAYS = range(1, SUNDAY)  # Monday (1) to Saturday (6)

_M = TypeVar("_M", bound=Model)


class PairTimes(NamedTuple):
    starts_at: dt.time
    ends_at: dt.time


DayPairs = dict[int, PairTimes]  # pair number → its times


@dataclass(frozen=True)
class Bells:
    """The bells of an organization: each weekday's, and those of dates with their own."""

    weekdays: dict[int, DayPairs] = field(default_factory=dict)  # 1 (Mon) … 6 (Sat)
    dates: dict[dt.date, DayPairs] = field(default_factory=dict)

    def on(self, day: dt.date) -> DayPairs:
        """The pairs of a date (for dates outside the range read, its weekday's)."""
        found = self.dates.get(day)
        return found if found is not None else self.of_weekday(day.isoweekday())

    def of_weekday(self, weekday: int) -> DayPairs:
        """The pairs of a weekday of the weekly timetable (none on Sunday)."""
        return self.weekdays.get(weekday, {}) if weekday in SCHOOL_WEEKDAYS else {}


def bells_between(organization_id: int, date_from: dt.date, date_to: dt.date) -> Bells:
    """The bells of every day of date_from..date_to (both inclusive), in one query."""
    return _read(organization_id, (date_from, date_to))


def bells_for(organization_id: int, day: dt.date) -> DayPairs:
    """The pairs of one date, in one query."""
    return bells_between(organization_id, day, day).on(day)


def weekday_bells(organization_id: int) -> Bells:
    """The bells of the weekly timetable (weekdays, no dates), in one query."""
    return _read(organization_id, None)


def _read(organization_id: int, dates: tuple[dt.date, dt.date] | None) -> Bells:
    """One query: the union of the weekday rows, the dated rows in the range and every pair."""
    pairs: dict[int, DayPairs] = {}
    by_weekday: dict[int, int] = {}
    by_date: dict[dt.date, int] = {}
    default_id: int | None = None
    for kind, weekday, day, schedule_id, number, starts_at, ends_at in _rows(
        organization_id, dates
    ):
        if kind == "weekday":
            by_weekday[weekday] = schedule_id
        elif kind == "date":
            by_date[day] = schedule_id
        else:
            pairs.setdefault(schedule_id, {})[number] = PairTimes(starts_at, ends_at)
            if kind == "default":
                default_id = schedule_id
    weekdays = {}
    for weekday in SCHOOL_WEEKDAYS:
        chosen = by_weekday.get(weekday, default_id)
        weekdays[weekday] = pairs.get(chosen, {}) if chosen is not None else {}
    return Bells(
        weekdays=weekdays,
        dates={day: pairs.get(schedule_id, {}) for day, schedule_id in by_date.items()},
    )


# The union's columns, in order; each part names all of them, as annotations, in this order.
_COLUMNS = ("row_kind", "row_weekday", "row_date", "row_schedule", "row_number", "row_start",
            "row_end")  # fmt: skip


def _part(queryset: QuerySet[_M], **columns: Any) -> QuerySet[Any, Any]:
    # Typed: PostgreSQL takes a column that is NULL in two parts for text.
    blanks: dict[str, Any] = {
        "row_weekday": Cast(Value(None), IntegerField()),
        "row_date": Cast(Value(None), DateField()),
        "row_number": Cast(Value(None), IntegerField()),
        "row_start": Cast(Value(None), TimeField()),
        "row_end": Cast(Value(None), TimeField()),
    }
    values = {**blanks, **columns}
    return (
        queryset.order_by()
        .annotate(**{name: values[name] for name in _COLUMNS})
        .values_list(*_COLUMNS)
    )


def _rows(organization_id: int, dates: tuple[dt.date, dt.date] | None) -> QuerySet[Any, Any]:
    def kind(name: str) -> Value:
        return Value(name, output_field=CharField())

    weekdays = _part(
        DayBells.objects.filter(organization_id=organization_id),
        row_kind=kind("weekday"),
        row_weekday=F("weekday"),
        row_schedule=F("bell_schedule_id"),
    )
    pairs = _part(
        Pair.objects.filter(bell_schedule__organization_id=organization_id),
        row_kind=Case(
            When(bell_schedule__is_default=True, then=kind("default")), default=kind("pair")
        ),
        row_schedule=F("bell_schedule_id"),
        row_number=F("number"),
        row_start=F("starts_at"),
        row_end=F("ends_at"),
    )
    if dates is None:
        return weekdays.union(pairs, all=True)
    dated = _part(
        DateBells.objects.filter(
            organization_id=organization_id, date__gte=dates[0], date__lte=dates[1]
        ),
        row_kind=kind("date"),
        row_date=F("date"),
        row_schedule=F("bell_schedule_id"),
    )
    return weekdays.union(dated, pairs, all=True)


def with_pair_times(
    rows: QuerySet[_M], organization_id: int, *, date: str = "date", pair: str = "pair_number"
) -> QuerySet[_M]:
    """Annotate each row with `starts_at` and `ends_at`: the times of its pair on its date.

    The rule of `Bells.on` in SQL, for a query that reads rows of many dates at once and must stay
    one query (correlated subqueries; `None` when the day's bells lack the pair).
    """
    own_date = DateBells.objects.filter(
        organization_id=organization_id, date=OuterRef(date)
    ).values("bell_schedule_id")[:1]
    own_weekday = DayBells.objects.filter(
        organization_id=organization_id, weekday=OuterRef("bells_weekday")
    ).values("bell_schedule_id")[:1]
    default = (
        BellSchedule.objects.filter(organization_id=organization_id, is_default=True)
        .order_by()
        .values("pk")[:1]
    )
    weekly = Case(
        When(Exact(ExtractIsoWeekDay(date), SUNDAY), then=Value(None)),
        default=Coalesce(Subquery(own_weekday), Subquery(default)),
        output_field=BigIntegerField(),
    )
    times = Pair.objects.filter(
        bell_schedule_id=OuterRef("bells_id"), number=OuterRef(pair)
    ).order_by()
    return rows.annotate(
        bells_weekday=ExtractIsoWeekDay(date),
        bells_id=Coalesce(Subquery(own_date), weekly, output_field=BigIntegerField()),
    ).annotate(
        starts_at=Subquery(times.values("starts_at")[:1]),
        ends_at=Subquery(times.values("ends_at")[:1]),
    )
