"""Reads of the org app, each pre-joined for one page in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Length

from otmetka.org.models import AcademicYear, BellSchedule, Department, Pair, Period, Room


def years_for_list(years: QuerySet[AcademicYear]) -> QuerySet[AcademicYear]:
    """Newest first, each with its periods in date order (one prefetch query)."""
    periods = Period.objects.order_by("date_from")
    return years.prefetch_related(Prefetch("periods", queryset=periods)).order_by("-date_from")


@dataclass(frozen=True)
class PeriodRow:
    period: Period
    days: int


def year_periods(year: AcademicYear) -> list[PeriodRow]:
    """The year's semesters and holidays in date order, with their length in days."""
    return [
        PeriodRow(period, (period.date_to - period.date_from).days + 1)
        for period in year.periods.order_by("date_from")
    ]


def _related_count(name: str) -> Coalesce:
    """Rows of a reverse relation of Department, counted in a subquery (no join to multiply)."""
    relation: Any = Department._meta.get_field(name)
    fk = relation.field.name
    rows = (
        relation.related_model.objects.filter(**{fk: OuterRef("pk")})
        .order_by()
        .values(fk)
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(rows), 0)


def departments_for_list(departments: QuerySet[Department]) -> QuerySet[Department]:
    """With how many groups, programs and staff each has."""
    return departments.annotate(
        group_count=_related_count("groups"),
        program_count=_related_count("programs"),
        employee_count=_related_count("employees"),
    ).order_by("name")


def rooms_for_list(rooms: QuerySet[Room], text: str = "") -> QuerySet[Room]:
    """By building, then number as a person reads it (9 before 10); `text` finds by number."""
    if text:
        rooms = rooms.filter(Q(number__istartswith=text) | Q(name__icontains=text))
    return rooms.order_by("building", Length("number"), "number")


def bell_schedules_for_list(schedules: QuerySet[BellSchedule]) -> QuerySet[BellSchedule]:
    """The default first, each with its number of pairs and the day's first and last bell."""
    return schedules.annotate(
        pair_count=Count("pairs"),
        first_bell=Min("pairs__starts_at"),
        last_bell=Max("pairs__ends_at"),
    ).order_by("-is_default", "name")


def schedule_pairs(bell_schedule: BellSchedule) -> list[Pair]:
    return list(bell_schedule.pairs.order_by("number"))
