"""The demo on any day of the year: a semester under way, with journals, a diary and pairs today.

`make run` builds the demo for the real today. On most days the college's usual calendar does;
in the summer and in the first two weeks of September the summer's nearest edge moves
(otmetka/demo/calendar.py), so that whoever opens the demo in July finds a journal at work.
"""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from otmetka.academics.models import Membership, Workload
from otmetka.accounts.models import User
from otmetka.demo.calendar import demo_calendar
from otmetka.org.models import AcademicYear, Period
from otmetka.schedule.models import TimetableEntry

TOMSK = ZoneInfo("Asia/Tomsk")
ONE_DAY = dt.timedelta(days=1)


def usual(start: int) -> list[tuple[str, int, dt.date, dt.date]]:
    return [
        (Period.Kind.SEMESTER, 1, dt.date(start, 9, 1), dt.date(start, 12, 28)),
        (Period.Kind.HOLIDAYS, 1, dt.date(start, 12, 29), dt.date(start + 1, 1, 11)),
        (Period.Kind.SEMESTER, 2, dt.date(start + 1, 1, 12), dt.date(start + 1, 6, 30)),
        (Period.Kind.HOLIDAYS, 2, dt.date(start + 1, 7, 1), dt.date(start + 1, 8, 31)),
    ]


def periods(today: dt.date) -> list[list[tuple[str, int, dt.date, dt.date]]]:
    return [[(p.kind, p.number, p.date_from, p.date_to) for p in year.periods]
            for year in demo_calendar(today).years()]


@pytest.mark.parametrize("today", [
    dt.date(2026, 9, 15), dt.date(2026, 11, 28), dt.date(2026, 12, 31), dt.date(2027, 1, 5),
    dt.date(2027, 3, 10), dt.date(2027, 6, 30),
], ids=str)
def test_during_the_year_the_usual_calendar_is_kept(today: dt.date) -> None:
    calendar = demo_calendar(today)
    assert periods(today) == [usual(2025), usual(2026)]
    assert calendar.current_year == 2026 and not calendar.moved and calendar.note() == ""
    assert calendar.year_start(2024) == dt.date(2024, 9, 1)


def test_early_in_the_summer_the_second_semester_runs_on_to_next_week() -> None:
    today = dt.date(2027, 7, 15)  # a Thursday
    calendar = demo_calendar(today)
    assert calendar.current_year == 2026
    summer = dt.date(2027, 7, 25)  # after the Saturday of next week
    assert periods(today) == [usual(2025), [
        *usual(2026)[:2],
        (Period.Kind.SEMESTER, 2, dt.date(2027, 1, 12), summer - ONE_DAY),
        (Period.Kind.HOLIDAYS, 2, summer, dt.date(2027, 8, 31)),
    ]]
    assert calendar.note() == (
        "По обычному календарю 15 июля летние каникулы: в демонстрационных колледжах "
        "2 семестр продлён до 24 июля 2027, чтобы журналы, дневник и «Сегодня» показывали "
        "идущий семестр."
    )


@pytest.mark.parametrize("today, monday", [
    (dt.date(2027, 8, 31), dt.date(2027, 8, 30)),
    (dt.date(2026, 9, 1), dt.date(2026, 8, 31)),
    (dt.date(2026, 9, 14), dt.date(2026, 9, 14)),
], ids=str)
def test_late_in_the_summer_the_year_starts_two_weeks_before_this_one(
    today: dt.date, monday: dt.date
) -> None:
    calendar = demo_calendar(today)
    start = monday - dt.timedelta(weeks=2)
    assert calendar.current_year == today.year
    assert calendar.year_start(today.year) == start
    before, current = periods(today)
    assert before == [*usual(today.year - 1)[:3],
                      (Period.Kind.HOLIDAYS, 2, dt.date(today.year, 7, 1), start - ONE_DAY)]
    assert current == [(Period.Kind.SEMESTER, 1, start, dt.date(today.year, 12, 28)),
                       *usual(today.year)[1:]]
    assert "1 семестр начался" in calendar.note()


def test_every_day_of_two_years_is_in_one_period_and_a_semester_is_under_way() -> None:
    """Contiguous years and periods, today in a semester two weeks old, or in the winter
    holidays, and no edge moved by more than about seven weeks."""
    day = dt.date(2026, 1, 1)
    while day < dt.date(2029, 1, 1):
        calendar = demo_calendar(day)
        years = calendar.years()
        assert years[0].date_to + ONE_DAY == years[1].date_from
        for year in years:
            spans = [(p.date_from, p.date_to) for p in year.periods]
            assert spans[0][0] == year.date_from and spans[-1][1] == year.date_to
            assert all(start <= end for start, end in spans), (day, spans)
            assert all(a[1] + ONE_DAY == b[0] for a, b in zip(spans, spans[1:], strict=False))
        now = next(p for year in years for p in year.periods if p.date_from <= day <= p.date_to)
        if now.kind == Period.Kind.SEMESTER and now.number == 1:
            assert now.date_from + dt.timedelta(weeks=2) <= day, day
        else:
            assert now.kind == Period.Kind.SEMESTER or now.name == "Зимние каникулы", day
        assert dt.date(day.year, 7, 10) <= calendar.first_day or calendar.first_day.month == 9
        assert calendar.second_semester_end <= dt.date(calendar.current_year + 1, 8, 20)
        day += ONE_DAY


# The days of the issue: the summer holidays, the eve of the year, its first day, a public
# holiday in the winter holidays, a Saturday (the colleges teach six days a week; 1 November 2025
# is also a working Saturday by the Government's decree) and 29 February.
DAYS = [
    (dt.date(2027, 7, 15), True, "2 семестр продлён до 24 июля 2027"),
    (dt.date(2027, 8, 31), True, "1 семестр начался 16 августа 2027"),
    (dt.date(2026, 9, 1), True, "1 семестр начался 17 августа 2026"),
    (dt.date(2026, 12, 31), False, ""),
    (dt.date(2025, 11, 1), True, ""),
    (dt.date(2028, 2, 29), True, ""),
]


@pytest.mark.django_db
@pytest.mark.parametrize("today, pairs_today, note", DAYS, ids=[str(day[0]) for day in DAYS])
def test_the_demo_built_on_any_day_shows_a_semester_under_way(
    today: dt.date, pairs_today: bool, note: str
) -> None:
    """As `make run` does: seed_demo on the day's clock, then the teacher's journal has lessons
    with marks up to today, «Сегодня» has pairs (not on a holiday) and the diary week lessons."""
    with time_machine.travel(dt.datetime.combine(today, dt.time(9, 0), tzinfo=TOMSK),
                             tick=False):
        out = io.StringIO()
        call_command("seed_demo", size="small", stdout=out)
        # Whoever loads the demo is told when its calendar differs from the usual one.
        output = out.getvalue()
        if note:
            assert note in output
        else:
            assert "семестр продлён" not in output and "семестр начался" not in output
        teacher = User.objects.get(username="teacher")
        student = User.objects.get(username="student")
        group = Membership.objects.on_day(today).get(student__person__user=student).group
        year = AcademicYear.objects.on_day(today).get(organization=group.organization_id)
        assert TimetableEntry.objects.filter(workload__academic_year=year).exists()

        client = Client()
        client.force_login(teacher)
        marked: list[dt.date] = []
        journals = Workload.objects.filter(teacher__person__user=teacher, group=group,
                                           academic_year=year)
        assert journals.exists()
        for workload in journals:
            grid = client.get(reverse("journal:grid", args=[workload.pk])).context["grid"]
            marked += [cell.lesson.date for row in grid.rows for cell in row.cells
                       if cell.text[:1].isdigit()]
        assert marked and max(marked) < today
        assert (today - max(marked)).days <= 7, max(marked)

        pairs = client.get(reverse("schedule:today")).context["pairs"]
        assert bool(pairs) is pairs_today

        client.force_login(student)
        week = client.get(reverse("diary:week")).context["week"]
        assert any(day.lessons for day in week.days)
