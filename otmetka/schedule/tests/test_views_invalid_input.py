"""Invalid input on the timetable pages is refused with the field's message, and nothing
changes: no calendar, no change of the day, no audit row (issue 10)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from otmetka.audit.models import AuditEvent
from otmetka.schedule.models import CalendarFeed, ScheduleChange
from otmetka.schedule.tests.test_changes_selector import make_bells, make_entry
from otmetka.test import World

FEED_CREATE = reverse("schedule:feed_create")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"employee": "abc"}, "Преподаватель: Введите целое число."),
        ({"group": "1\x00"}, "Группа: Введите целое число."),
        ({"group": "99999999999999999999999"}, "Группа: Убедитесь, что это значение меньше"),
    ],
    ids=["letters", "nul-byte", "overlong"],
)
def test_a_calendar_is_not_made_from_a_malformed_choice(
    world: World, data: dict[str, str], message: str
) -> None:
    audit = AuditEvent.objects.count()
    response = world.client_for("dispatcher").post(FEED_CREATE, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CalendarFeed.objects.exists()
    assert AuditEvent.objects.count() == audit


def test_a_group_and_a_teacher_at_once_are_refused_not_half_taken(world: World) -> None:
    audit = AuditEvent.objects.count()
    response = world.client_for("dispatcher").post(
        FEED_CREATE,
        {"group": world.college.group.pk, "employee": world.college.employees["teacher"].pk},
    )
    assert response.status_code == 400
    assert "Выберите преподавателя или группу." in response.content.decode()
    assert not CalendarFeed.objects.exists()
    assert AuditEvent.objects.count() == audit


def test_the_editors_form_still_makes_a_teachers_calendar(world: World) -> None:
    teacher = world.college.employees["teacher"]
    response = world.client_for("dispatcher").post(
        FEED_CREATE, {"group": "", "employee": teacher.pk}
    )
    assert response.status_code == 302
    assert CalendarFeed.objects.get().employee == teacher


@pytest.fixture
def entry(world: World) -> Any:
    """A pair on Mondays: today's page (the fallback of a bad date) offers it to change."""
    make_bells(world)
    return make_entry(world, weekday=1)


def test_no_change_is_written_for_a_day_that_does_not_exist(world: World, entry: Any) -> None:
    audit = AuditEvent.objects.count()
    response = world.client_for("dispatcher").post(
        reverse("schedule:changes_day") + "?date=2026-11-31",
        {"kind": "cancel", "entry": entry.pk, "reason": "Болезнь"},
    )
    assert response.status_code == 200
    assert "Введите правильную дату." in response.content.decode()
    assert not ScheduleChange.objects.exists()
    assert AuditEvent.objects.count() == audit
