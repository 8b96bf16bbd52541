"""The one bells resolver: a date's own bells, else the weekday's, else the default; no Sunday."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from otmetka.diary.selectors import diary_week
from otmetka.journal.models import Lesson
from otmetka.org.models import BellSchedule, Organization, Pair
from otmetka.schedule.bells import (
    PairTimes,
    bells_between,
    bells_for,
    weekday_bells,
    with_pair_times,
)
from otmetka.schedule.models import DateBells, DayBells
from otmetka.test import World

TOMSK = ZoneInfo("Asia/Tomsk")
MONDAY = dt.date(2026, 11, 16)
WEEK = [MONDAY + dt.timedelta(days=offset) for offset in range(7)]
TUESDAY, SATURDAY, SUNDAY = WEEK[1], WEEK[5], WEEK[6]


def schedule(
    org: Organization, name: str, first: dt.time, count: int, **fields: Any
) -> BellSchedule:
    """Bells of `count` pairs of 80 minutes, 10 minutes apart, from `first`."""
    bells = BellSchedule.objects.create(organization=org, name=name, **fields)
    start = dt.datetime.combine(MONDAY, first)
    for number in range(1, count + 1):
        Pair.objects.create(
            bell_schedule=bells,
            number=number,
            starts_at=start.time(),
            ends_at=(start + dt.timedelta(minutes=80)).time(),
        )
        start += dt.timedelta(minutes=90)
    return bells


def times(first: dt.time, count: int) -> dict[int, PairTimes]:
    start = dt.datetime.combine(MONDAY, first)
    found = {}
    for number in range(1, count + 1):
        found[number] = PairTimes(start.time(), (start + dt.timedelta(minutes=80)).time())
        start += dt.timedelta(minutes=90)
    return found


@pytest.fixture
def bells(world: World) -> None:
    """Weekdays: four pairs from 8:30; Saturday: two from 8:00; Tuesday 17th: three from 9:00."""
    org = world.org
    schedule(org, "Основное", dt.time(8, 30), 4, is_default=True)
    saturday = schedule(org, "Суббота", dt.time(8, 0), 2)
    DayBells.objects.create(organization=org, weekday=6, bell_schedule=saturday)
    shortened = schedule(org, "Сокращённый день", dt.time(9, 0), 3)
    DateBells.objects.create(organization=org, date=TUESDAY, bell_schedule=shortened)


USUAL, SHORT, SAT = times(dt.time(8, 30), 4), times(dt.time(9, 0), 3), times(dt.time(8, 0), 2)


def test_the_rule_day_by_day(world: World, bells: None) -> None:
    week = bells_between(world.org.pk, WEEK[0], WEEK[-1])
    assert [week.on(day) for day in WEEK] == [USUAL, SHORT, USUAL, USUAL, USUAL, SAT, {}]
    # The next Tuesday has the usual bells again.
    assert bells_for(world.org.pk, TUESDAY + dt.timedelta(days=7)) == USUAL


def test_sunday_has_no_pairs_unless_the_date_has_its_own_bells(world: World, bells: None) -> None:
    assert bells_for(world.org.pk, SUNDAY) == {}
    assert weekday_bells(world.org.pk).of_weekday(7) == {}
    # Not even when someone gave Sunday a weekday schedule by hand.
    saturday = BellSchedule.objects.get(name="Суббота")
    DayBells.objects.create(organization=world.org, weekday=7, bell_schedule=saturday)
    assert bells_for(world.org.pk, SUNDAY) == {}
    # A worked Sunday is a date with its own bells.
    DateBells.objects.create(organization=world.org, date=SUNDAY, bell_schedule=saturday)
    assert bells_for(world.org.pk, SUNDAY) == SAT


def test_the_weekly_timetable_knows_weekdays_only(world: World, bells: None) -> None:
    weekly = weekday_bells(world.org.pk)
    assert [weekly.of_weekday(weekday) for weekday in range(1, 8)] == [
        USUAL, USUAL, USUAL, USUAL, USUAL, SAT, {},
    ]  # fmt: skip
    assert weekly.dates == {}


def test_without_a_default_only_the_weekday_s_own_bells(world: World) -> None:
    saturday = schedule(world.org, "Суббота", dt.time(8, 0), 2)
    DayBells.objects.create(organization=world.org, weekday=6, bell_schedule=saturday)
    week = bells_between(world.org.pk, WEEK[0], WEEK[-1])
    assert [week.on(day) for day in WEEK] == [{}, {}, {}, {}, {}, SAT, {}]


def test_other_colleges_bells_do_not_count(world: World, bells: None) -> None:
    assert bells_for(world.stranger.organization.pk, MONDAY) == {}


def test_one_query_whatever_the_range(
    world: World, bells: None, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        bells_between(world.org.pk, MONDAY, MONDAY + dt.timedelta(days=180))
    with django_assert_num_queries(1):
        bells_for(world.org.pk, MONDAY)
    with django_assert_num_queries(1):
        weekday_bells(world.org.pk)


def test_the_sql_form_answers_as_the_resolver(world: World, bells: None) -> None:
    """`with_pair_times` (the diary's lessons) gives each row what `Bells.on` gives its date."""
    # An empty schedule for Thursdays: Thursday has no pairs, not the default's.
    empty = BellSchedule.objects.create(organization=world.org, name="Без пар")
    DayBells.objects.create(organization=world.org, weekday=4, bell_schedule=empty)
    college = world.college
    for day in WEEK:
        for pair in (1, 3, 5):
            Lesson.objects.create(
                workload=college.workload,
                date=day,
                pair_number=pair,
                teacher=college.employees["teacher"],
            )
    week = bells_between(world.org.pk, WEEK[0], WEEK[-1])
    columns = ("date", "pair_number", "starts_at", "ends_at")
    rows = with_pair_times(Lesson.objects.all(), world.org.pk).values_list(*columns)
    checked = 0
    for day, pair, starts_at, ends_at in rows:
        expected = week.on(day).get(pair)
        assert (starts_at, ends_at) == (expected or (None, None)), (day, pair)
        checked += 1
    assert checked == 21
    assert week.on(WEEK[3]) == {}


def test_every_page_reads_sunday_by_the_same_rule(world: World, bells: None) -> None:
    """«Сегодня» and the diary once gave a Sunday lesson the default bells; the timetable gave
    Sunday none. Now no page gives Sunday times, unless the date has its own bells."""
    college = world.college
    Lesson.objects.create(
        workload=college.workload, date=SUNDAY, pair_number=1, teacher=college.employees["teacher"]
    )
    student = college.student

    def times_shown() -> tuple[Any, Any]:
        with time_machine.travel(dt.datetime.combine(SUNDAY, dt.time(9), tzinfo=TOMSK)):
            today = world.client_for("teacher").get(reverse("schedule:today"))
        [pair] = today.context["pairs"]
        week = diary_week(
            organization_id=world.org.pk, student_id=student.pk, monday=MONDAY, today=SUNDAY
        )
        [lesson] = week.days[6].lessons
        return (pair.starts_at, pair.ends_at), (lesson.starts_at, lesson.ends_at)

    assert times_shown() == ((None, None), (None, None))
    saturday = BellSchedule.objects.get(name="Суббота")
    DateBells.objects.create(organization=world.org, date=SUNDAY, bell_schedule=saturday)
    assert times_shown() == (tuple(SAT[1]), tuple(SAT[1]))
