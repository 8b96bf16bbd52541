"""Reads of the movement book: the book itself, one order, late orders and late cards."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.db.models import Count, Min, Q, QuerySet

from otmetka.academics.models import (
    CurriculumItem,
    Membership,
    Subgroup,
    SubgroupMembership,
    Workload,
)
from otmetka.academics.permissions import department_scope
from otmetka.accounts.permissions import ActiveRole
from otmetka.audit.models import AuditEvent
from otmetka.movement.deadlines import counted_from, deadline, order_start, working_days_late
from otmetka.movement.models import Order, OrderItem, OrderKind
from otmetka.movement.permissions import orders_visible_to
from otmetka.org.models import AcademicYear
from otmetka.people.models import LateCardJustification, Student


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


# Kinds whose items put a student into a group (`services.INTO_GROUP`).
_INTO_GROUP = frozenset(
    {OrderKind.ENROLMENT, OrderKind.TRANSFER, OrderKind.LEAVE_RETURN, OrderKind.REINSTATEMENT}
)


@dataclass(frozen=True)
class SubgroupGap:
    """A student an applied order put into a group who is in none of the subgroups some of the
    group's journals are split into: without one they are in none of those journals."""

    item: OrderItem
    subgroups: list[Subgroup]  # to choose from
    subjects: list[CurriculumItem]  # the journals split this way


def subgroup_gaps(order: Order, items: list[OrderItem], today: dt.date) -> list[SubgroupGap]:
    """Where the students an applied order put into groups still have to be placed.

    For each student still in the new group, the group's workload lines of the year of the
    item's date that are split into subgroups, taken by the set of subgroups they are split
    into: a set none of whose subgroups has the student on or after that date is a gap.
    Nothing to read for other orders; otherwise three queries: the split lines, the students'
    memberships in those groups and in their subgroups.
    """
    targets = [item for item in items if item.to_group_id is not None]
    if order.status != Order.Status.APPLIED or order.kind not in _INTO_GROUP or not targets:
        return []
    in_year = Q()
    for item in targets:
        in_year |= Q(
            group_id=item.to_group_id,
            academic_year__date_from__lte=item.effective_date,
            academic_year__date_to__gte=item.effective_date,
        )
    lines = list(
        Workload.objects.filter(in_year, subgroup__isnull=False)
        .select_related("academic_year", "item", "subgroup")
        .order_by("item__position", "item__index", "subgroup__name", "id")
    )
    group_ids = {item.to_group_id for item in targets}
    student_ids = {item.student_id for item in targets}
    stays: dict[tuple[int, int | None, dt.date], dt.date | None] = {
        (row.student_id, row.group_id, row.date_from): row.date_to
        for row in Membership.objects.filter(student_id__in=student_ids, group_id__in=group_ids)
    }
    placed: dict[int, list[SubgroupMembership]] = {}
    for row in SubgroupMembership.objects.filter(
        student_id__in=student_ids, subgroup__group_id__in=group_ids
    ):
        placed.setdefault(row.student_id, []).append(row)
    gaps = []
    for item in targets:
        stay = (item.student_id, item.to_group_id, item.effective_date)
        if stay not in stays:
            continue  # the roll has changed since: the group is not this item's any more
        left_on = stays[stay]
        if left_on is not None and left_on < today:
            continue  # has left the group since
        splits: dict[int, tuple[CurriculumItem, dict[int, Subgroup]]] = {}
        for line in lines:
            year = line.academic_year
            if line.group_id != item.to_group_id or not (
                year.date_from <= item.effective_date <= year.date_to
            ):
                continue
            assert line.subgroup is not None
            splits.setdefault(line.item_id, (line.item, {}))[1][line.subgroup.pk] = line.subgroup
        divisions: dict[frozenset[int], SubgroupGap] = {}
        for subject, subgroups in splits.values():
            split = frozenset(subgroups)
            if split not in divisions:
                divisions[split] = SubgroupGap(item, list(subgroups.values()), [])
            divisions[split].subjects.append(subject)
        rows = placed.get(item.student_id, [])
        for subgroup_ids, gap in divisions.items():
            if not any(
                row.subgroup_id in subgroup_ids
                and (row.date_to is None or row.date_to >= item.effective_date)
                for row in rows
            ):
                gaps.append(gap)
    return gaps


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
    start: dt.date  # the day the deadline is counted from (`deadlines.order_start`)
    counted_from: str  # what that day is, in words
    deadline: dt.date
    created_on: dt.date
    applied_on: dt.date | None
    days_late: int


@dataclass(frozen=True)
class LateCard:
    student: Student
    first_day: dt.date  # the enrolment date the deadline is counted from (Положение 4.9)
    deadline: dt.date
    created_on: dt.date
    days_late: int
    justification: LateCardJustification | None = None


@dataclass(frozen=True)
class LateCards:
    late: list[LateCard]
    justified: list[LateCard]  # late, for a reason the college accepted


def _current_year(organization_id: int, today: dt.date) -> AcademicYear | None:
    return AcademicYear.objects.filter(organization_id=organization_id).on_day(today).first()


def late_orders(actor: ActiveRole, today: dt.date) -> list[LateOrder]:
    """Orders of the current academic year entered after their deadline (`deadlines`: three
    working days from the date the regulation names for the kind), and orders still not
    applied once it has passed — the rosters do not show them yet. Two queries: the year and
    the orders."""
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
        start = order_start(order.kind, order.date, order.first_day)
        created_on = order.created_at.astimezone(tz).date()
        applied_on = order.applied_at.astimezone(tz).date() if order.applied_at else None
        days = working_days_late(start, created_on if applied_on else max(created_on, today))
        if days > 0:
            rows.append(LateOrder(
                order, start, counted_from(order.kind), deadline(start), created_on, applied_on,
                days,
            ))
    return rows


def late_cards(actor: ActiveRole, today: dt.date) -> LateCards:
    """Students enrolled this academic year whose card was created more than three working
    days after the enrolment date, their first day in a group; those whose delay was accepted
    as justified apart (two queries: the year and the students with their justifications)."""
    year = _current_year(actor.organization_id, today)
    if year is None:
        return LateCards([], [])
    tz = zoneinfo.ZoneInfo(actor.organization.timezone)
    students = Student.objects.filter(person__organization_id=actor.organization_id)
    department_id = department_scope(actor)
    if department_id is not None:
        inside = Membership.objects.filter(group__department_id=department_id)
        students = students.filter(pk__in=inside.values("student_id"))
    students = (
        students.annotate(first_day=Min("memberships__date_from"))
        .filter(first_day__gte=year.date_from, first_day__lte=today)
        .select_related("person", "late_card_justification__justified_by__person")
        .order_by("person__sort_key", "id")
    )
    late: list[LateCard] = []
    justified: list[LateCard] = []
    for student in students:
        first_day: dt.date = student.first_day
        created_on = student.created_at.astimezone(tz).date()
        days = working_days_late(first_day, created_on)
        if days > 0:
            justification = getattr(student, "late_card_justification", None)
            row = LateCard(
                student, first_day, deadline(first_day), created_on, days, justification
            )
            (justified if justification is not None else late).append(row)
    return LateCards(late, justified)
