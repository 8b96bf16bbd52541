"""A curator and the students who left their group: the «Выбывшие» links open a card to read.

A curator keeps reading the card (with its history of groups and orders) of a student who left
a group they curate during the current academic year; changing it stays with today's roll.
Every opening is logged as any other (152-ФЗ). A student who left in an earlier year is no
longer the curator's: no link, and the card's address answers 404.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from otmetka.accounts.models import RoleAssignment
from otmetka.audit.models import AuditEvent
from otmetka.people.models import Student
from otmetka.people.tests.factories import make_student
from otmetka.test import TODAY, World

pytestmark = pytest.mark.django_db


def card(student: Student, name: str = "student_detail") -> str:
    return reverse(f"people:{name}", kwargs={"student_id": student.pk})


def group_page(world: World, name: str = "group_detail") -> str:
    return reverse(f"academics:{name}", kwargs={"group_id": world.college.group.pk})


@pytest.fixture
def left(world: World) -> Student:
    """Left ИС-21 a week ago, in this academic year."""
    return make_student(world.org, "Ушедшая", "Ольга", group=world.college.group,
                        date_to=TODAY - dt.timedelta(days=7))


@pytest.fixture
def left_last_year(world: World) -> Student:
    return make_student(world.org, "Давняя", "Ольга", group=world.college.group,
                        date_to=dt.date(2026, 6, 30))


def test_the_leavers_link_opens_the_card_to_read(world: World, left: Student) -> None:
    curator = world.client_for("curator", role="curator")
    page = curator.get(group_page(world)).content.decode()
    assert "Выбывшие с 01.09.2026" in page
    assert f'href="{card(left)}"' in page
    response = curator.get(card(left))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ушедшая Ольга" in html
    assert "карточку можно только просматривать" in html
    # Its history: the group and the dates.
    assert "ИС-21" in html and "09.11.2026" in html
    for change in ("student_edit", "guardian_add", "student_card_checked"):
        assert card(left, change) not in html, change
    # Reading is logged as every staff view of a card.
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert (event.object_id, event.actor) == (str(left.pk), world.user("curator"))


def test_the_card_of_a_leaver_cannot_be_changed_by_the_curator(
    world: World, left: Student
) -> None:
    curator = world.client_for("curator", role="curator")
    assert curator.get(card(left, "student_edit")).status_code == 404
    response = curator.post(card(left, "student_edit"), {"phone": "+7 900 000-00-00"})
    assert response.status_code == 404
    left.person.refresh_from_db()
    assert left.person.phone == ""
    # Today's students keep their change buttons.
    student = world.college.student
    html = curator.get(card(student)).content.decode()
    assert card(student, "student_edit") in html
    assert "только просматривать" not in html


def test_a_leaver_of_an_earlier_year_gets_no_link_and_404(
    world: World, left_last_year: Student
) -> None:
    curator = world.client_for("curator", role="curator")
    on_last_year = curator.get(group_page(world) + "?on=2026-06-01").content.decode()
    assert "Давняя Ольга" in on_last_year
    assert card(left_last_year) not in on_last_year
    history = curator.get(group_page(world, "group_roster")).content.decode()
    assert "Давняя Ольга" in history and card(left_last_year) not in history
    assert f'href="{card(world.college.student)}"' in history
    assert curator.get(card(left_last_year)).status_code == 404
    # The secretary still opens it from the same lists.
    secretary_history = world.client_for("secretary").get(group_page(world, "group_roster"))
    assert card(left_last_year) in secretary_history.content.decode()


def test_the_leavers_card_owner_stranger_reader(world: World, left: Student) -> None:
    assert world.client_for("curator", role="curator").get(card(left)).status_code == 200
    stranger = world.client_for(world.stranger.users["curator"], role="curator")
    assert stranger.get(card(left)).status_code == 404
    assert world.client_for("teacher").get(card(left)).status_code == 403
    # The curator of another group learns nothing of them.
    world.college.other_group.curators.add(world.college.employees["other_teacher"])
    RoleAssignment.objects.create(
        user=world.user("other_teacher"), organization=world.org, role="curator"
    )
    other_curator = world.client_for("other_teacher", role="curator")
    assert other_curator.get(card(left)).status_code == 404
