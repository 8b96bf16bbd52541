"""Pages of the movement book: rights per role, the flow through forms, query budgets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from otmetka.academics.models import Membership
from otmetka.movement import services
from otmetka.movement.models import Order, OrderKind
from otmetka.movement.tests.factories import TRANSFER_DAY, head, roll_ids, transfer_order
from otmetka.people.models import Person, Student
from otmetka.test import World, make_person


def test_book_rights_per_role(world: World) -> None:
    url = reverse("movement:book")
    assert world.client_for("head").get(url).status_code == 200
    assert world.client_for("director").get(url).status_code == 200
    assert world.client_for("secretary").get(url).status_code == 403
    assert world.client_for("teacher").get(url).status_code == 403


def test_order_detail_owner_stranger_reader(world: World) -> None:
    url = reverse("movement:order_detail", kwargs={"order_id": transfer_order(world).pk})
    assert world.client_for("head").get(url).status_code == 200
    assert world.client_for(world.stranger.users["head"]).get(url).status_code == 404
    assert world.client_for("secretary").get(url).status_code == 403


def test_reader_cannot_apply(world: World) -> None:
    order = transfer_order(world)
    url = reverse("movement:order_apply", kwargs={"order_id": order.pk})
    assert world.client_for("director").post(url).status_code == 403
    assert world.client_for(world.stranger.users["head"]).post(url).status_code == 404
    assert Order.objects.get(pk=order.pk).status == Order.Status.SIGNED


def test_head_drafts_signs_and_applies_through_the_pages(world: World) -> None:
    client = world.client_for("head")
    response = client.post(
        reverse("movement:order_create"),
        {"number": "77-к", "date": "2026-11-16", "kind": OrderKind.TRANSFER, "title": "О переводе"},
    )
    order = Order.objects.get(number="77-к")
    assert response["Location"] == reverse("movement:order_detail", kwargs={"order_id": order.pk})
    add = reverse("movement:item_add", kwargs={"order_id": order.pk})
    response = client.post(
        add,
        {
            "student": world.college.student.pk,
            "effective_date": "2026-11-16",
            "to_group": world.college.other_group.pk,
        },
    )
    assert response.status_code == 302
    for action in ("order_sign", "order_apply"):
        client.post(reverse(f"movement:{action}", kwargs={"order_id": order.pk}), {"confirm": "1"})
    assert Order.objects.get(pk=order.pk).status == Order.Status.APPLIED
    assert world.college.student.pk in roll_ids(world.college.other_group.pk, TRANSFER_DAY)
    page = client.get(reverse("movement:order_detail", kwargs={"order_id": order.pk}))
    assert "проведён" in page.content.decode()


def test_bad_item_shows_the_reason_and_adds_nothing(world: World) -> None:
    order = transfer_order(world, signed=False, number="78-к")
    response = world.client_for("head").post(
        reverse("movement:item_add", kwargs={"order_id": order.pk}),
        {
            "student": world.college.other_student.pk,
            "effective_date": "2025-01-10",
            "to_group": world.college.group.pk,
        },
    )
    assert response.status_code == 200
    assert "раньше зачисления" in response.content.decode()
    assert order.items.count() == 1


def test_cancel_needs_a_reason(world: World) -> None:
    order = transfer_order(world)
    url = reverse("movement:order_cancel", kwargs={"order_id": order.pk})
    client = world.client_for("head")
    assert client.post(url, {"reason": ""}).status_code == 200
    client.post(url, {"reason": "Ошибка в дате"})
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED


def test_apply_refusal_is_shown(world: World) -> None:
    order = transfer_order(world)
    client = world.client_for("head")
    url = reverse("movement:order_apply", kwargs={"order_id": order.pk})
    client.post(url, {"confirm": "1"})
    response = client.post(url, {"confirm": "1"}, follow=True)
    assert "уже проведён" in response.content.decode()
    assert Membership.objects.filter(student=world.college.student).count() == 2


def _many_orders(world: World, count: int) -> None:
    for number in range(count):
        order = services.order_create(
            actor=head(world), number=f"{number}-к", date=TRANSFER_DAY, kind=OrderKind.TRANSFER
        )
        services.order_item_add(
            actor=head(world),
            order=order,
            student=world.college.student,
            effective_date=TRANSFER_DAY,
            to_group=world.college.other_group,
        )


@pytest.mark.parametrize("count", [1, 12])
def test_book_query_budget(world: World, django_assert_num_queries: Any, count: int) -> None:
    _many_orders(world, count)
    client = world.client_for("head")
    url = reverse("movement:book") + "?kind=transfer&status=draft"
    client.get(url)  # warm the rights cache
    # session, user, role assignment; count of orders; the page of orders with their
    # departments, item counts and first effective dates.
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.content.decode().count("/movement/orders/") == count


@pytest.mark.parametrize("count", [1, 6])
def test_order_detail_query_budget(
    world: World, django_assert_num_queries: Any, count: int
) -> None:
    order = services.order_create(
        actor=head(world), number="5-к", date=TRANSFER_DAY, kind=OrderKind.NAME_CHANGE
    )
    students = [world.college.student, world.college.other_student]
    for n in range(count):
        person = make_person(world.org, f"Фамилия{n}", "Имя")
        student = Student.objects.create(person=person)
        Membership.objects.create(
            group=world.college.group, student=student, date_from=dt.date(2025, 9, 1)
        )
        students.append(student)
    for student in students[:count]:
        services.order_item_add(
            actor=head(world),
            order=order,
            student=student,
            effective_date=TRANSFER_DAY,
            new_last_name="Новая",
            new_first_name="Имя",
        )
    client = world.client_for("head")
    url = reverse("movement:order_detail", kwargs={"order_id": order.pk})
    client.get(url)
    # session, user, role assignment; the order with its year, department and signatories;
    # its items with students and groups; its history; the student choices of the add form
    # (first 30 by surname; a name-change order asks for no group).
    with django_assert_num_queries(7):
        client.get(url)


def test_late_lists(world: World, now: Any) -> None:
    # Effective Monday 2 November 2026; the deadline is Friday 6 November (4 November is off).
    order = transfer_order(world, day=dt.date(2026, 11, 2))
    person = make_person(world.org, "Позднякова", "Вера", "Игоревна", sex=Person.Sex.FEMALE)
    late_card = Student.objects.create(person=person)
    Membership.objects.create(
        group=world.college.group, student=late_card, date_from=dt.date(2026, 11, 2)
    )
    response = world.client_for("head").get(reverse("movement:late"))
    body = response.content.decode()
    assert str(order) in body and "06.11.2026" in body
    assert "Позднякова Вера Игоревна" in body
    assert "Студентов Иван Петрович" not in body.split("Карточки")[1]
    assert world.client_for("secretary").get(reverse("movement:late")).status_code == 403


@pytest.mark.parametrize("count", [1, 5])
def test_late_page_query_budget(world: World, django_assert_num_queries: Any, count: int) -> None:
    for n in range(count):
        transfer_order(world, day=dt.date(2026, 11, 2), signed=False, number=f"{n}-к")
    client = world.client_for("head")
    url = reverse("movement:late")
    client.get(url)
    # session, user, role assignment; the current academic year and the orders with their
    # first effective dates; the year again and the students with their first days.
    with django_assert_num_queries(7):
        response = client.get(url)
    assert response.content.decode().count("/movement/orders/") == count


def test_student_orders_page(world: World) -> None:
    order = transfer_order(world)
    url = reverse("movement:student_orders", kwargs={"student_id": world.college.student.pk})
    response = world.client_for("head").get(url)
    assert str(order) in response.content.decode()
    assert world.client_for("teacher").get(url).status_code == 403
    assert world.client_for(world.stranger.users["head"]).get(url).status_code == 404


def test_a_bound_head_sees_only_the_orders_of_their_department(world: World) -> None:
    from otmetka.academics.tests.test_groups_support import bind_head_to, second_department

    order = transfer_order(world)  # drafted by the unbound head: the whole college's
    bind_head_to(world, second_department(world))
    client = world.client_for("head")
    url = reverse("movement:order_detail", kwargs={"order_id": order.pk})
    assert client.get(url).status_code == 404
    apply_url = reverse("movement:order_apply", kwargs={"order_id": order.pk})
    assert client.post(apply_url).status_code == 404
    assert "12-к" not in client.get(reverse("movement:book")).content.decode()
    assert Order.objects.get(pk=order.pk).status == Order.Status.SIGNED
