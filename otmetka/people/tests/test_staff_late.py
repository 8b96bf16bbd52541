"""Положение 4.4: staff cards entered more than three working days after hiring."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from otmetka.people.models import Employee, Person
from otmetka.test import World

pytestmark = pytest.mark.django_db
TOMSK = ZoneInfo("Asia/Tomsk")


def hired(world: World, last: str, hire_date: dt.date, entered: dt.datetime) -> Employee:
    person = Person.objects.create(organization=world.org, last_name=last, first_name="Н")
    employee = Employee.objects.create(person=person, hire_date=hire_date)
    Employee.objects.filter(pk=employee.pk).update(created_at=entered)
    return employee


def test_deadline_counts_working_days_across_holidays(world: World) -> None:
    # Hired Friday 30.10.2026; 4 November is a holiday: the third working day is 5 November.
    hired(world, "Всрокова", dt.date(2026, 10, 30), dt.datetime(2026, 11, 5, 17, tzinfo=TOMSK))
    hired(world, "Опоздалова", dt.date(2026, 10, 30), dt.datetime(2026, 11, 6, 9, tzinfo=TOMSK))
    # 00:30 on 6 November in Tomsk is still 5 November in UTC: the college's date counts.
    hired(world, "Полуночная", dt.date(2026, 10, 30), dt.datetime(2026, 11, 6, 0, 30, tzinfo=TOMSK))
    page = world.client_for("hr").get(reverse("people:staff_late")).content.decode()
    assert "Опоздалова" in page and "Полуночная" in page and "Всрокова" not in page
    assert "05.11.2026" in page  # the deadline
    # Cards of long-serving staff entered when the system was introduced are not «new».
    assert "Учителев" not in page


def test_query_count_is_fixed(world: World, django_assert_num_queries: Any) -> None:
    client = world.client_for("hr")
    url = reverse("people:staff_late")
    client.get(url)
    for index in range(3):
        hired(world, f"Поздний{index}", dt.date(2026, 9, 1), dt.datetime(2026, 10, 1, tzinfo=TOMSK))
    # session, user, role assignment with organization, the employees with persons.
    with django_assert_num_queries(4):
        assert "Поздний2" in client.get(url).content.decode()


def test_rights(world: World) -> None:
    url = reverse("people:staff_late")
    for user in ("hr", "director", "deputy"):
        assert world.client_for(user).get(url).status_code == 200
    for user in ("teacher", "curator", "student"):
        assert world.client_for(user).get(url).status_code == 403
    hired(world, "Чужая", dt.date(2026, 10, 1), dt.datetime(2026, 11, 1, tzinfo=TOMSK))
    page = world.client_for(world.stranger.users["hr"]).get(url).content.decode()
    assert "Чужая" not in page
