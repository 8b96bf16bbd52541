"""The personal card's addresses and the orders of the movement book on it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from otmetka.movement.models import Order, OrderItem, OrderKind
from otmetka.people.models import Person
from otmetka.test import World

pytestmark = pytest.mark.django_db


def test_card_shows_both_addresses_and_applied_orders(world: World) -> None:
    college = world.college
    Person.objects.filter(pk=college.student.person_id).update(
        address="г. Томск, ул. Ленина, 1", actual_address="г. Томск, ул. Фрунзе, 5"
    )
    order = Order.objects.create(
        organization=world.org,
        academic_year=college.year,
        number="7-п",
        date=dt.date(2026, 10, 1),
        kind=OrderKind.TRANSFER,
        status=Order.Status.APPLIED,
        applied_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC),
        created_by=world.user("head"),
    )
    OrderItem.objects.create(
        order=order,
        student=college.student,
        effective_date=dt.date(2026, 10, 2),
        from_group=college.other_group,
        to_group=college.group,
    )
    draft = Order.objects.create(
        organization=world.org,
        academic_year=college.year,
        number="8-п",
        date=dt.date(2026, 11, 1),
        kind=OrderKind.TRANSFER,
        created_by=world.user("head"),
    )
    OrderItem.objects.create(
        order=draft, student=college.student, effective_date=dt.date(2026, 11, 2)
    )
    url = reverse("people:student_detail", args=[college.student.pk])
    page = world.client_for("secretary").get(url).content.decode()
    assert "ул. Ленина, 1" in page and "ул. Фрунзе, 5" in page
    assert "№ 7-п от 01.10.2026" in page and "ИС-22 → ИС-21" in page
    assert "8-п" not in page  # a draft has changed nothing yet


def test_a_curator_edits_the_actual_address(world: World) -> None:
    college = world.college
    url = reverse("people:student_edit", args=[college.student.pk])
    answer = world.client_for("curator").post(
        url,
        {
            "phone": "+7 900 000-00-00",
            "email": "",
            "address": "г. Томск",
            "actual_address": "общежитие № 2, к. 14",
        },
    )
    assert answer.status_code == 302
    person = Person.objects.get(pk=college.student.person_id)
    assert person.actual_address == "общежитие № 2, к. 14"
