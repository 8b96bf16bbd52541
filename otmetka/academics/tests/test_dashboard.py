"""The director's overview: who may see it, what it counts, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from otmetka.academics.models import Membership
from otmetka.academics.selectors import organization_summary
from otmetka.academics.tests.test_curricula_support import (
    make_group,
    make_teacher,
    make_workload,
)
from otmetka.org.models import Department
from otmetka.people.models import Person, Position, Student
from otmetka.test import BASE_QUERIES, TODAY, World, make_person


def _enrol(world: World, last: str, group: Any, date_from: dt.date = dt.date(2026, 9, 1),
           date_to: dt.date | None = None) -> Student:
    person = make_person(world.org, last, "Иван", sex=Person.Sex.MALE)
    student = Student.objects.create(person=person)
    Membership.objects.create(group=group, student=student, date_from=date_from, date_to=date_to)
    return student


@pytest.mark.parametrize("who", ["director", "deputy", "head"])
def test_roles_with_all_reports_see_the_overview(world: World, who: str) -> None:
    assert world.client_for(who).get(reverse("academics:dashboard")).status_code == 200


@pytest.mark.parametrize("who", ["teacher", "methodist", "student", "admin"])
def test_others_get_403(world: World, who: str) -> None:
    assert world.client_for(who).get(reverse("academics:dashboard")).status_code == 403


def test_overview_counts_the_college_on_the_day(world: World) -> None:
    college = world.college
    first_course = make_group(college, "ИС-11", course=1)
    _enrol(world, "Новиков", first_course)
    _enrol(world, "Ушедший", first_course, date_to=dt.date(2026, 10, 1))
    _enrol(world, "Будущий", first_course, date_from=dt.date(2026, 12, 1))
    part_time = Department.objects.create(organization=world.org, name="Заочное отделение")
    teacher = make_teacher(college, "Совместителева")
    teacher.positions.add(Position.objects.get(organization=world.org))
    make_teacher(college, "Уволенная", dismissal_date=dt.date(2026, 1, 1)).positions.add(
        Position.objects.get(organization=world.org))
    summary = organization_summary(world.org.pk, on=TODAY)
    assert summary.students == 3  # two of the world, one new; the leaver and the future not
    assert summary.groups == 3
    # Two teachers with workload, one with a teaching position; the dismissed one is not.
    assert summary.teachers == 3
    assert summary.programs == 1
    assert summary.workload_hours == 80 + 56
    assert summary.by_course == [(1, 1), (2, 2)]
    assert summary.by_department == [(part_time.name, 0), ("Очное отделение", 3)]
    assert summary.academic_year == college.year


def test_overview_page_shows_the_numbers(world: World) -> None:
    response = world.client_for("director").get(reverse("academics:dashboard"))
    page = response.content.decode()
    assert "ОГБПОУ «ТПТ»" in page
    assert "16.11.2026" in page
    assert response.context["summary"].students == 2
    assert "2 курс" in page


@pytest.mark.parametrize("extra", [0, 5])
def test_dashboard_query_budget(world: World, django_assert_num_queries: Any,
                                extra: int) -> None:
    college = world.college
    for number in range(extra):
        group = make_group(college, f"ТМ-{number}", course=1 + number % 4)
        _enrol(world, f"Студентов{number}", group)
        make_workload(college, make_teacher(college, f"Учителева{number}"), group,
                      college.discipline)
    client = world.client_for("director")
    url = reverse("academics:dashboard")
    client.get(url)
    # BASE_QUERIES; students on roll; the year containing today; per course in that year;
    # per department; teachers; the year's workload hours; groups; programs.
    with django_assert_num_queries(BASE_QUERIES + 8):
        response = client.get(url)
    assert response.context["summary"].students == 2 + extra
