"""The teacher's «сегодня» page: statuses through the day, substitutions, budget, rights."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from otmetka.journal.models import Lesson, Substitution
from otmetka.org.models import BellSchedule, Pair, Room
from otmetka.schedule.models import TimetableEntry
from otmetka.test import World

TODAY = dt.date(2026, 11, 16)
TOMSK = ZoneInfo("Asia/Tomsk")
URL = "schedule:today"


def setup_day(world: World, **fields: Any) -> Lesson:
    """Bells (pair 2 is 10:10–11:40) and a planned timetable lesson of the teacher at pair 2."""
    bells = BellSchedule.objects.create(organization=world.org, name="Основное", is_default=True)
    Pair.objects.create(
        bell_schedule=bells, number=1, starts_at=dt.time(8, 30), ends_at=dt.time(10, 0)
    )
    Pair.objects.create(
        bell_schedule=bells, number=2, starts_at=dt.time(10, 10), ends_at=dt.time(11, 40)
    )
    workload = world.college.workload
    TimetableEntry.objects.create(
        workload=workload,
        weekday=1,
        pair_number=2,
        room=Room.objects.get(organization=world.org, number="214"),
        valid_from=dt.date(2026, 9, 1),
        valid_to=dt.date(2026, 12, 28),
    )
    values: dict[str, Any] = {
        "workload": workload,
        "date": TODAY,
        "pair_number": 2,
        "teacher": workload.teacher,
        "status": Lesson.Status.PLANNED,
        "source": Lesson.Source.TIMETABLE,
    }
    values.update(fields)
    return Lesson.objects.create(**values)


def page(world: World, who: str = "teacher") -> Any:
    response = world.client_for(who).get(reverse(URL))
    assert response.status_code == 200
    return response


def statuses(response: Any) -> list[str]:
    return [pair.status for pair in response.context["pairs"]]


def at(hour: int, minute: int) -> Any:
    return time_machine.travel(dt.datetime(2026, 11, 16, hour, minute, tzinfo=TOMSK), tick=False)


def test_before_the_pair_planned(world: World) -> None:
    setup_day(world)
    with at(9, 0):
        response = page(world)
    assert statuses(response) == ["planned"]
    text = response.content.decode()
    assert "запланировано" in text and "10:10" in text and "214" in text and "ИС-21" in text
    lesson = response.context["pairs"][0].lesson
    assert reverse("journal:lesson_detail", kwargs={"lesson_id": lesson.pk}) in text


def test_after_the_pair_not_filled_is_late(world: World) -> None:
    setup_day(world)
    with at(12, 0):
        response = page(world)
    assert statuses(response) == ["late"]
    assert "не заполнено" in response.content.decode()


def test_filled_lesson(world: World) -> None:
    setup_day(world, topic_text="Циклы")
    with at(12, 0):
        response = page(world)
    assert statuses(response) == ["filled"]
    assert "проведено и заполнено" in response.content.decode()


def test_cancelled_lesson(world: World) -> None:
    setup_day(world, status=Lesson.Status.CANCELLED)
    assert statuses(page(world)) == ["cancelled"]


def test_replaced_and_substituting(world: World) -> None:
    lesson = setup_day(world)
    substitute = world.college.employees["other_teacher"]
    lesson.teacher = substitute
    lesson.save()
    Substitution.objects.create(
        lesson=lesson,
        absent_teacher=world.college.workload.teacher,
        substitute=substitute,
        reason="Курсы",
    )
    own = page(world)
    assert statuses(own) == ["replaced"]
    assert "ведёт Другова Д. О." in own.content.decode() or "замена" in own.content.decode()
    theirs = page(world, "other_teacher")
    assert statuses(theirs) == ["planned"]
    assert theirs.context["pairs"][0].substitute_for == "Учителева П. А."
    assert "вместо Учителева П. А." in theirs.content.decode()


def test_query_budget(world: World, django_assert_num_queries: Any) -> None:
    setup_day(world)
    setup_extra = Lesson.objects.create(
        workload=world.college.workload,
        date=TODAY,
        pair_number=1,
        teacher=world.college.workload.teacher,
        topic_text="Введение",
    )
    assert setup_extra.pk
    client = world.client_for("teacher")
    client.get(reverse(URL))  # the first request of a session stamps its activity time
    # 5: session; user with person and employee; role assignments;
    # bells of the day; the lessons with rooms and marks/attendance flags.
    with django_assert_num_queries(5):
        response = client.get(reverse(URL))
    assert len(response.context["pairs"]) == 2


@pytest.mark.parametrize("who", ["student", "parent", "dispatcher"])
def test_not_a_teacher_gets_403(world: World, who: str) -> None:
    assert world.client_for(who).get(reverse(URL)).status_code == 403


def test_teacher_is_sent_here_after_login(world: World) -> None:
    response = world.client_for("teacher").get(reverse("accounts:home"))
    assert response["Location"] == reverse(URL)
