"""Helpers shared by the group tests (no tests here)."""

from __future__ import annotations

import datetime as dt

from otmetka.academics.models import Group, Membership
from otmetka.accounts.models import RoleAssignment
from otmetka.org.models import Department
from otmetka.people.models import Person, Student
from otmetka.test import World, make_person

SEPT_1 = dt.date(2026, 9, 1)


def bind_head_to(world: World, department: Department) -> None:
    """Bind the department head persona to `department`."""
    RoleAssignment.objects.filter(user=world.user("head")).update(department=department)


def second_department(world: World) -> Department:
    return Department.objects.create(organization=world.org, name="Заочное отделение",
                                     form_of_study=Department.Form.PART_TIME)


def make_student(world: World, last: str, first: str = "Иван", middle: str = "",
                 group: Group | None = None, date_from: dt.date = SEPT_1,
                 date_to: dt.date | None = None) -> Student:
    person = make_person(world.org, last, first, middle, sex=Person.Sex.MALE)
    student = Student.objects.create(person=person)
    if group is not None:
        Membership.objects.create(group=group, student=student, date_from=date_from,
                                  date_to=date_to)
    return student


def make_group(world: World, name: str, *, department: Department | None = None,
               course: int = 1) -> Group:
    college = world.college
    return Group.objects.create(
        organization=world.org, name=name, program=college.program,
        curriculum=college.curriculum, department=department or college.department,
        intake_year=college.year.start_year - course + 1,
    )
