"""Helpers shared by the movement tests (no tests here)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from otmetka.academics.models import Membership
from otmetka.accounts.permissions import ActiveRole
from otmetka.movement import services
from otmetka.movement.models import Order, OrderKind
from otmetka.people.models import Student
from otmetka.test import World

TRANSFER_DAY = dt.date(2026, 11, 16)


def head(world: World) -> ActiveRole:
    return world.actor("head")


def draft(
    world: World, kind: str = OrderKind.TRANSFER, number: str = "12-к", date: dt.date = TRANSFER_DAY
) -> Order:
    return services.order_create(actor=head(world), number=number, date=date, kind=kind)


def transfer_order(
    world: World, day: dt.date = TRANSFER_DAY, *, signed: bool = True, number: str = "12-к"
) -> Order:
    """A transfer of the world student from the group to the other group on `day`."""
    actor = head(world)
    order = draft(world, number=number)
    services.order_item_add(
        actor=actor,
        order=order,
        student=world.college.student,
        effective_date=day,
        to_group=world.college.other_group,
    )
    if signed:
        services.order_sign(actor=actor, order=order)
    return order


def one_item_order(
    world: World, kind: str, student: Student, number: str = "20-к", **fields: Any
) -> Order:
    """A signed order of `kind` on one student."""
    actor = head(world)
    order = draft(world, kind=kind, number=number)
    fields.setdefault("effective_date", TRANSFER_DAY)
    services.order_item_add(actor=actor, order=order, student=student, **fields)
    services.order_sign(actor=actor, order=order)
    return order


def roll_ids(group_id: int, day: dt.date) -> set[int]:
    return set(
        Membership.objects.filter(group_id=group_id)
        .on_day(day)
        .values_list("student_id", flat=True)
    )
