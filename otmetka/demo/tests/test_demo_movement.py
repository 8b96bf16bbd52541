"""The demo movement book: applied, signed and draft orders that changed the rolls as they say."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from otmetka.academics.models import Group, Membership, SubgroupMembership
from otmetka.demo.generator import DEMO_TODAY
from otmetka.journal.models import Attendance, Mark
from otmetka.movement.models import ExpulsionReason, Order, OrderItem, OrderKind
from otmetka.people.models import Student

pytestmark = pytest.mark.django_db

Status = Order.Status


@pytest.fixture
def seeded() -> None:
    call_command("seed_demo", size="small", today=DEMO_TODAY, stdout=io.StringIO())


def orders_of(short_name: str) -> dict[str, Order]:
    orders = Order.objects.filter(organization__short_name=short_name)
    return {order.number: order for order in orders.select_related("department")}


EVERY_ORDER = {
    "41-к": (OrderKind.EXPULSION, Status.APPLIED),
    "47-к": (OrderKind.TRANSFER, Status.APPLIED),
    "52-к": (OrderKind.LEAVE, Status.APPLIED),
    "55-к": (OrderKind.EXPULSION, Status.SIGNED),
    "56-к": (OrderKind.LEAVE, Status.DRAFT),
}


@pytest.mark.parametrize("short_name", ["ТПТ", "ТТИТ"])
def test_every_demo_college_has_orders_in_every_state(seeded: None, short_name: str) -> None:
    orders = orders_of(short_name)
    summary = {number: (order.kind, order.status) for number, order in orders.items()}
    expected = dict(EVERY_ORDER)
    if short_name == "ТТИТ":
        # The small ТТИТ has one group of each program: nobody to transfer within a program.
        del expected["47-к"]
    assert summary == expected
    for order in orders.values():
        assert order.items.count() == 1
        assert order.created_by.username.endswith("head")
        assert order.department is not None and order.title and order.basis
        # Dated on the order's day, not when the demo was loaded.
        assert order.created_at.date() == order.date
        if order.status == Status.APPLIED:
            assert order.applied_at is not None and order.applied_at.date() == order.date
    assert orders["41-к"].date <= DEMO_TODAY - dt.timedelta(days=30)

    expulsion = OrderItem.objects.select_related("student").get(order=orders["41-к"])
    assert expulsion.reason == ExpulsionReason.OWN_WISH
    assert expulsion.student.status == Student.Status.EXPELLED
    assert expulsion.student.person.user_id is None  # as every expelled student of the demo
    assert not Membership.objects.on_day(DEMO_TODAY).filter(student=expulsion.student).exists()
    leave = OrderItem.objects.select_related("student").get(order=orders["52-к"])
    assert leave.leave_until == dt.date(2027, 8, 31)
    assert leave.student.status == Student.Status.ACADEMIC_LEAVE
    assert not Membership.objects.on_day(DEMO_TODAY).filter(student=leave.student).exists()
    # The signed order waits: its student still studies in their group.
    signed = OrderItem.objects.select_related("student").get(order=orders["55-к"])
    assert signed.effective_date > DEMO_TODAY and not signed.applied_changes
    assert signed.student.status == Student.Status.STUDYING
    assert Membership.objects.on_day(DEMO_TODAY).filter(student=signed.student).exists()


def test_the_transferred_student_changed_groups_on_the_orders_day(seeded: None) -> None:
    order = Order.objects.get(organization__short_name="ТПТ", number="47-к")
    assert order.date <= DEMO_TODAY - dt.timedelta(days=21)
    item = OrderItem.objects.select_related("from_group", "to_group", "student").get(order=order)
    source, target = item.from_group, item.to_group
    assert source is not None and target is not None and source != target
    assert source.program_id == target.program_id
    assert source.intake_year == target.intake_year  # the same course
    day = item.effective_date
    rows = list(
        Membership.objects.filter(student=item.student)
        .order_by("date_from")
        .values_list("group_id", "date_from", "date_to", "basis")
    )
    assert rows[-2][0] == source.pk and rows[-2][2] == day - dt.timedelta(days=1)
    assert rows[-1][:3] == (target.pk, day, None)
    assert rows[-1][3] == f"Приказ № 47-к от {order.date:%d.%m.%Y}"
    assert item.applied_changes["opened"]["group"] == target.name
    assert item.student.status == Student.Status.STUDYING
    # In a subgroup of the new group, and out of the old group's journals since that day.
    assert SubgroupMembership.objects.filter(
        student=item.student, subgroup__group=target, date_from=day, date_to__isnull=True
    ).exists()
    assert not SubgroupMembership.objects.filter(
        student=item.student, subgroup__group=source, date_to__isnull=True
    ).exists()
    for model in (Mark, Attendance):
        assert not model.objects.filter(
            student=item.student, lesson__workload__group=source, lesson__date__gte=day
        ).exists()
    assert Mark.objects.filter(
        student=item.student, lesson__workload__group=source, lesson__date__lt=day
    ).exists()


def test_the_demo_student_and_the_parents_children_stay_where_they_were(seeded: None) -> None:
    moved = set(OrderItem.objects.values_list("student_id", flat=True))
    assert len(moved) == 9  # five orders in ТПТ, four in ТТИТ, one student each
    kept = Student.objects.filter(person__user__username__in=["student", "ttit-student"])
    children = Student.objects.filter(guardianships__guardian__user__username="parent")
    for student in [*kept, *children]:
        assert student.pk not in moved
        assert student.status == Student.Status.STUDYING
        assert Membership.objects.filter(student=student).count() == 1
    curated = Group.objects.filter(curators__person__user__username="curator")
    assert Membership.objects.on_day(DEMO_TODAY).filter(group__in=curated).count() >= 7
