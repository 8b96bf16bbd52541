"""Builders for people tests, on top of the persona world of otmetka/test.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from otmetka.academics.models import Group, Membership
from otmetka.org.models import Department, Organization
from otmetka.people.models import Consent, Employee, Person, Position, Student


def make_student(
    org: Organization,
    last: str,
    first: str,
    middle: str = "",
    *,
    group: Group | None = None,
    date_from: dt.date = dt.date(2025, 9, 1),
    date_to: dt.date | None = None,
    **person_fields: Any,
) -> Student:
    person = Person.objects.create(
        organization=org, last_name=last, first_name=first, middle_name=middle, **person_fields
    )
    student = Student.objects.create(person=person)
    if group is not None:
        Membership.objects.create(group=group, student=student, date_from=date_from,
                                  date_to=date_to)
    return student


def make_employee(
    org: Organization,
    last: str,
    first: str,
    middle: str = "",
    *,
    department: Department | None = None,
    positions: tuple[Position, ...] = (),
    hire_date: dt.date | None = dt.date(2024, 9, 1),
    dismissal_date: dt.date | None = None,
) -> Employee:
    person = Person.objects.create(
        organization=org, last_name=last, first_name=first, middle_name=middle
    )
    employee = Employee.objects.create(person=person, department=department, hire_date=hire_date,
                                       dismissal_date=dismissal_date)
    employee.positions.set(positions)
    return employee


def make_consent(person: Person, signed_on: dt.date = dt.date(2025, 9, 1),
                 document: str = "Заявление-согласие № 1") -> Consent:
    return Consent.objects.create(person=person, signed_on=signed_on, document=document)
