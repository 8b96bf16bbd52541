"""Students and parents added to the persona world's group for the access page tests."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from otmetka.academics.models import Group, Membership
from otmetka.accounts.models import RoleAssignment
from otmetka.accounts.roles import Role
from otmetka.people.models import Guardianship, Person, Student
from otmetka.test import World, make_person


def enrol(
    world: World, last: str, first: str, middle: str = "", *, group: Group | None = None
) -> Student:
    """A student without an account, on the roll of the group since September."""
    person = make_person(world.org, last, first, middle)
    student = Student.objects.create(person=person)
    Membership.objects.create(
        group=group or world.college.group, student=student, date_from=dt.date(2026, 9, 1)
    )
    return student


def add_parent(
    world: World,
    student: Student,
    last: str,
    first: str,
    middle: str = "",
    *,
    kind: str = Guardianship.Kind.MOTHER,
    receives_diary: bool = True,
) -> Person:
    person = make_person(world.org, last, first, middle)
    Guardianship.objects.create(
        student=student, guardian=person, kind=kind, receives_diary=receives_diary
    )
    return person


def make_curator_of_other_group(world: World) -> None:
    """The other teacher becomes the curator of the other group: «a curator of another group»."""
    world.college.other_group.curators.add(world.college.employees["other_teacher"])
    RoleAssignment.objects.create(
        user=world.user("other_teacher"), organization=world.org, role=Role.CURATOR
    )


def access_url(world: World, name: str = "group_access", **kwargs: int) -> str:
    return reverse(f"academics:{name}", kwargs={"group_id": world.college.group.pk, **kwargs})
