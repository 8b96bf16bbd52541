"""Reads of the movement book: the book itself, one order, late orders and late cards."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.db.models import Count, Min, QuerySet

from otmetka.academics.models import Membership
from otmetka.academics.permissions import department_scope
from otmetka.accounts.permissions import ActiveRole
from otmetka.audit.models import AuditEvent
from otmetka.movement.deadlines import deadline, working_days_late
from otmetka.movement.models import Order, OrderItem
from otmetka.movement.permissions import orders_visible_to
from otmetka.org.models import AcademicYear
from otmetka.people.models import Student


def book(orders: QuerySet[Order]) -> QuerySet[Order]:
    """Rows of the movement book with their number of students and first effective date."""
    return (
        orders.select_related("department")
        .annotate(item_count=Count("items"), first_day=Min("items__effective_date"))
        .order_by("-date", "-id")
    )


def order_items(order: Order) -> list[OrderItem]:
    """The order's students with their groups (one query)."""
    return list(
        OrderItem.objects.filter(order=order)
        .select_related("student__person", "from_group", "to_group")
        .order_by("student__person__sort_key", "id")
    )


def order_history(order: Order) -> list[AuditEvent]:
    """Who created, changed, signed, applied or cancelled the order, oldest first (one query)."""
    return list(
        AuditEvent.objects.filter(
            organization_id=order.organization_id,
            object_type=Order._meta.label_lower,
            object_id=str(order.pk),
        ).order_by("at", "id")
    )


def student_orders(student: Student) -> list[OrderItem]:
    """Every order that concerns the student, newest first (one query)."""
    return list(
        OrderItem.objects.filter(student=student)
        .select_related("order", "from_group", "to_group")
        .order_by("-order__date", "-order_id")
    )


@dataclass(frozen=True)
class LateOrder:
    order: Order
    first_day: dt.date
    deadline: dt.date
    done_on: dt.date | None
    days_late: int


@dataclass(frozen=True)
class LateCard:
    student: Student
    first_day: dt.date
    deadline: dt.date
    created_on: dt.date
    days_late: int


def _current_year(organization_id: int, today: dt.date) -> AcademicYear | None:
    return AcademicYear.objects.filter(organization_id=organization_id).on_day(today).first()


def late_orders(actor: ActiveRole, today: dt.date) -> list[LateOrder]:
    """Orders of the current academic year applied — or still not applied — later than three
    working days after their first effective date (two queries: the year and the orders)."""
    year = _current_year(actor.organization_id, today)
    if year is None:
        return []
    tz = zoneinfo.ZoneInfo(actor.organization.timezone)
    orders = (
        orders_visible_to(actor)
        .filter(academic_year=year)
        .exclude(status=Order.Status.CANCELLED)
        .annotate(first_day=Min("items__effective_date"))
        .filter(first_day__isnull=False)
        .order_by("date", "id")
    )
    rows = []
    for order in orders:
        first_day: dt.date = order.first_day
        done_on = order.applied_at.astimezone(tz).date() if order.applied_at else None
        days = working_days_late(first_day, done_on or today)
        if days > 0:
            rows.append(LateOrder(order, first_day, deadline(first_day), done_on, days))
    return rows


def late_cards(actor: ActiveRole, today: dt.date) -> list[LateCard]:
    """Students enrolled this academic year whose card was created more than three working
    days after their first day in a group (two queries: the year and the students)."""
    year = _current_year(actor.organization_id, today)
    if year is None:
        return []
    tz = zoneinfo.ZoneInfo(actor.organization.timezone)
    students = Student.objects.filter(person__organization_id=actor.organization_id)
    department_id = department_scope(actor)
    if department_id is not None:
        inside = Membership.objects.filter(group__department_id=department_id)
        students = students.filter(pk__in=inside.values("student_id"))
    students = (
        students.annotate(first_day=Min("memberships__date_from"))
        .filter(first_day__gte=year.date_from, first_day__lte=today)
        .select_related("person")
        .order_by("person__sort_key", "id")
    )
    rows = []
    for student in students:
        first_day: dt.date = student.first_day
        created_on = student.created_at.astimezone(tz).date()
        days = working_days_late(first_day, created_on)
        if days > 0:
            rows.append(LateCard(student, first_day, deadline(first_day), created_on, days))
    return rows
