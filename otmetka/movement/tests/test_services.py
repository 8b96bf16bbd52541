"""The order state machine, applying under a lock, rosters before and after, bad input."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from otmetka.academics.models import Membership
from otmetka.academics.selectors import group_roll
from otmetka.audit.models import AuditEvent
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.movement import services
from otmetka.movement.models import ExpulsionReason, Order, OrderItem, OrderKind
from otmetka.movement.tests.factories import (
    TRANSFER_DAY,
    draft,
    head,
    one_item_order,
    roll_ids,
    transfer_order,
)
from otmetka.people.models import Person, Student
from otmetka.test import World, make_person

DAY_BEFORE = TRANSFER_DAY - dt.timedelta(days=1)


# --- State machine -------------------------------------------------------------------------------


def test_draft_sign_apply(world: World) -> None:
    order = transfer_order(world, signed=False)
    assert order.status == Order.Status.DRAFT
    assert order.academic_year == world.college.year
    services.order_sign(actor=head(world), order=order)
    assert order.status == Order.Status.SIGNED
    services.order_apply(actor=head(world), order=order)
    order.refresh_from_db()
    assert order.status == Order.Status.APPLIED
    assert order.applied_by == world.user("head") and order.applied_at is not None
    statuses = [
        event.changes.get("status")
        for event in AuditEvent.objects.filter(
            object_type="movement.order", object_id=order.pk
        ).order_by("id")
        if "status" in event.changes
    ]
    assert statuses == [["черновик", "подписан"], ["подписан", "проведён"]]


def test_a_draft_cannot_be_applied(world: World) -> None:
    order = transfer_order(world, signed=False)
    with pytest.raises(DomainError, match="только подписанный"):
        services.order_apply(actor=head(world), order=order)


def test_an_order_cannot_be_applied_twice(world: World) -> None:
    order = transfer_order(world)
    services.order_apply(actor=head(world), order=order)
    with pytest.raises(DomainError, match="уже проведён"):
        services.order_apply(actor=head(world), order=Order.objects.get(pk=order.pk))
    assert Membership.objects.filter(student=world.college.student).count() == 2


def test_sign_needs_a_draft_with_students(world: World) -> None:
    empty = draft(world, number="1-к")
    with pytest.raises(DomainError, match="нет ни одного"):
        services.order_sign(actor=head(world), order=empty)
    order = transfer_order(world)
    with pytest.raises(DomainError, match="только черновик"):
        services.order_sign(actor=head(world), order=order)


def test_items_change_only_on_a_draft(world: World) -> None:
    order = transfer_order(world)
    with pytest.raises(DomainError, match="только черновик"):
        services.order_item_add(
            actor=head(world),
            order=order,
            student=world.college.other_student,
            effective_date=TRANSFER_DAY,
            to_group=world.college.group,
        )
    item = order.items.get()
    with pytest.raises(DomainError, match="только черновик"):
        services.order_item_remove(actor=head(world), order=order, item=item)


def test_remove_an_item_from_a_draft(world: World) -> None:
    order = transfer_order(world, signed=False)
    services.order_item_remove(actor=head(world), order=order, item=order.items.get())
    assert not order.items.exists()


def test_cancel_draft_or_signed_with_a_reason(world: World) -> None:
    order = transfer_order(world, signed=False)
    with pytest.raises(DomainError, match="причину"):
        services.order_cancel(actor=head(world), order=order, reason="  ")
    services.order_cancel(actor=head(world), order=order, reason="Ошибка в номере")
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    with pytest.raises(DomainError, match="уже отменён"):
        services.order_cancel(actor=head(world), order=order, reason="Ещё раз")
    with pytest.raises(DomainError, match="только подписанный"):
        services.order_apply(actor=head(world), order=order)
    signed = transfer_order(world, number="13-к")
    services.order_cancel(actor=head(world), order=signed, reason="Передумали")
    assert Order.objects.get(pk=signed.pk).status == Order.Status.CANCELLED


def test_an_applied_order_is_never_cancelled(world: World) -> None:
    order = transfer_order(world)
    services.order_apply(actor=head(world), order=order)
    with pytest.raises(DomainError, match="новым приказом"):
        services.order_cancel(actor=head(world), order=order, reason="Ошибка")


def test_numbers_are_unique_per_organization_and_year(world: World) -> None:
    draft(world, number="12-к")
    with pytest.raises(DomainError, match="уже есть"):
        draft(world, number="12-к", date=dt.date(2027, 3, 1))
    # The next academic year has its own numbering; without a year the date is refused.
    with pytest.raises(DomainError, match="нет учебного года"):
        draft(world, number="12-к", date=dt.date(2027, 9, 1))
    # Another college may use the same number.
    services.order_create(
        actor=world.actor(world.stranger.users["head"]),
        number="12-к",
        date=TRANSFER_DAY,
        kind=OrderKind.TRANSFER,
    )


def test_only_movement_editors_write(world: World) -> None:
    for key in ("secretary", "teacher", "director"):
        with pytest.raises(NotAllowed):
            services.order_create(
                actor=world.actor(key), number="1", date=TRANSFER_DAY, kind=OrderKind.TRANSFER
            )
    order = transfer_order(world)
    with pytest.raises(NotAllowed):
        services.order_apply(actor=world.actor(world.stranger.users["head"]), order=order)


# --- Rosters --------------------------------------------------------------------------------------


def test_transfer_moves_the_student_between_rolls_on_the_day(world: World) -> None:
    group, other = world.college.group, world.college.other_group
    student = world.college.student
    services.order_apply(actor=head(world), order=transfer_order(world))
    assert student.pk in roll_ids(group.pk, DAY_BEFORE)
    assert student.pk not in roll_ids(other.pk, DAY_BEFORE)
    assert student.pk not in roll_ids(group.pk, TRANSFER_DAY)
    assert student.pk in {line.membership.student_id for line in group_roll(other, TRANSFER_DAY)}
    opened = Membership.objects.get(student=student, group=other)
    assert opened.basis == "Приказ № 12-к от 16.11.2026"
    item = OrderItem.objects.get(order__number="12-к")
    assert item.applied_changes["closed"]["date_to"] == "2026-11-15"


def test_expulsion_keeps_the_student_in_past_rolls(world: World) -> None:
    student = world.college.student
    order = one_item_order(world, OrderKind.EXPULSION, student, reason=ExpulsionReason.OWN_WISH)
    services.order_apply(actor=head(world), order=order)
    student.refresh_from_db()
    assert student.status == Student.Status.EXPELLED
    assert student.pk in roll_ids(world.college.group.pk, DAY_BEFORE)
    assert student.pk not in roll_ids(world.college.group.pk, TRANSFER_DAY)
    with pytest.raises(DomainError, match="уже не обучается"):
        one_item_order(
            world,
            OrderKind.EXPULSION,
            student,
            number="21-к",
            reason=ExpulsionReason.OWN_WISH,
        )


def test_graduation_sets_graduated(world: World) -> None:
    student = world.college.student
    order = one_item_order(world, OrderKind.EXPULSION, student, reason=ExpulsionReason.GRADUATION)
    services.order_apply(actor=head(world), order=order)
    student.refresh_from_db()
    assert student.status == Student.Status.GRADUATED


def test_academic_leave_and_return(world: World) -> None:
    student, group = world.college.student, world.college.group
    leave = one_item_order(world, OrderKind.LEAVE, student, leave_until=dt.date(2027, 11, 15))
    services.order_apply(actor=head(world), order=leave)
    student.refresh_from_db()
    assert student.status == Student.Status.ACADEMIC_LEAVE
    assert student.pk not in roll_ids(group.pk, dt.date(2027, 3, 1))
    # A second leave overlapping the first is refused when added.
    second = draft(world, kind=OrderKind.LEAVE, number="22-к")
    with pytest.raises(DomainError, match="сейчас не обучается"):
        services.order_item_add(
            actor=head(world),
            order=second,
            student=student,
            effective_date=dt.date(2027, 1, 20),
            leave_until=dt.date(2027, 2, 1),
        )
    back = one_item_order(
        world,
        OrderKind.LEAVE_RETURN,
        student,
        number="23-к",
        effective_date=dt.date(2027, 9, 1),
        to_group=group,
    )
    services.order_apply(actor=head(world), order=back)
    student.refresh_from_db()
    assert student.status == Student.Status.STUDYING
    assert student.pk in roll_ids(group.pk, dt.date(2027, 9, 1))
    assert student.pk not in roll_ids(group.pk, dt.date(2027, 8, 31))


def test_overlapping_leaves_are_refused(world: World) -> None:
    student, group = world.college.student, world.college.group
    first = one_item_order(world, OrderKind.LEAVE, student, leave_until=dt.date(2027, 1, 31))
    services.order_apply(actor=head(world), order=first)
    back = one_item_order(
        world,
        OrderKind.LEAVE_RETURN,
        student,
        number="23-к",
        effective_date=dt.date(2026, 12, 1),
        to_group=group,
    )
    services.order_apply(actor=head(world), order=back)
    with pytest.raises(DomainError, match="отпуска не могут пересекаться"):
        one_item_order(
            world,
            OrderKind.LEAVE,
            student,
            number="24-к",
            effective_date=dt.date(2027, 1, 10),
            leave_until=dt.date(2027, 6, 30),
        )
    assert not Order.objects.filter(number="24-к").exclude(items=None).exists()


def test_enrolment_and_reinstatement(world: World) -> None:
    person = make_person(world.org, "Новикова", "Анна", "Олеговна", sex=Person.Sex.FEMALE)
    newcomer = Student.objects.create(person=person)
    order = one_item_order(
        world, OrderKind.ENROLMENT, newcomer, number="30-к", to_group=world.college.group
    )
    services.order_apply(actor=head(world), order=order)
    newcomer.refresh_from_db()
    assert newcomer.enrolment_order_no == "30-к"
    assert newcomer.enrolment_order_date == TRANSFER_DAY
    assert newcomer.pk in roll_ids(world.college.group.pk, TRANSFER_DAY)
    # Enrolled once: a second enrolment is refused, reinstatement is the way back.
    with pytest.raises(DomainError, match="восстановлении"):
        one_item_order(
            world, OrderKind.ENROLMENT, newcomer, number="31-к", to_group=world.college.group
        )
    with pytest.raises(DomainError, match="только отчисленного"):
        one_item_order(
            world,
            OrderKind.REINSTATEMENT,
            newcomer,
            number="32-к",
            effective_date=dt.date(2027, 1, 12),
            to_group=world.college.group,
        )
    out = one_item_order(
        world,
        OrderKind.EXPULSION,
        newcomer,
        number="33-к",
        effective_date=dt.date(2026, 12, 1),
        reason=ExpulsionReason.OWN_WISH,
    )
    services.order_apply(actor=head(world), order=out)
    back = one_item_order(
        world,
        OrderKind.REINSTATEMENT,
        newcomer,
        number="34-к",
        effective_date=dt.date(2027, 1, 12),
        to_group=world.college.other_group,
    )
    services.order_apply(actor=head(world), order=back)
    newcomer.refresh_from_db()
    assert newcomer.status == Student.Status.STUDYING
    assert newcomer.pk in roll_ids(world.college.other_group.pk, dt.date(2027, 1, 12))
    assert newcomer.pk not in roll_ids(world.college.group.pk, dt.date(2026, 12, 15))


def test_name_change_goes_through_the_card_with_history(world: World) -> None:
    student = world.college.student
    order = one_item_order(
        world,
        OrderKind.NAME_CHANGE,
        student,
        new_last_name="Петров",
        new_first_name="Иван",
        new_middle_name="Петрович",
    )
    services.order_apply(actor=head(world), order=order)
    student.person.refresh_from_db()
    assert student.person.full_name == "Петров Иван Петрович"
    event = AuditEvent.objects.filter(object_type="people.student", object_id=student.pk).last()
    assert event is not None and event.changes["last_name"] == ["Студентов", "Петров"]


# --- Bad input: a clear message, nothing applied --------------------------------------------------


def test_transfer_into_a_group_of_another_organization(world: World) -> None:
    order = draft(world)
    with pytest.raises(DomainError, match="другой организации"):
        services.order_item_add(
            actor=head(world),
            order=order,
            student=world.college.student,
            effective_date=TRANSFER_DAY,
            to_group=world.stranger.group,
        )
    assert not order.items.exists()


def test_date_before_enrolment(world: World) -> None:
    order = draft(world)
    with pytest.raises(DomainError, match="раньше зачисления"):
        services.order_item_add(
            actor=head(world),
            order=order,
            student=world.college.student,
            effective_date=dt.date(2025, 8, 1),
            to_group=world.college.other_group,
        )


def test_transfer_from_a_group_the_student_is_not_in(world: World) -> None:
    order = draft(world)
    with pytest.raises(DomainError, match="не состоит в группе"):
        services.order_item_add(
            actor=head(world),
            order=order,
            student=world.college.student,
            effective_date=TRANSFER_DAY,
            from_group=world.college.other_group,
            to_group=world.college.group,
        )


def test_one_bad_item_applies_nothing(world: World) -> None:
    actor = head(world)
    order = draft(world)
    services.order_item_add(
        actor=actor,
        order=order,
        student=world.college.student,
        effective_date=TRANSFER_DAY,
        to_group=world.college.other_group,
    )
    services.order_item_add(
        actor=actor,
        order=order,
        student=world.college.other_student,
        effective_date=TRANSFER_DAY,
        to_group=world.college.group,
    )
    services.order_sign(actor=actor, order=order)
    # Meanwhile another order expels the second student.
    out = one_item_order(
        world,
        OrderKind.EXPULSION,
        world.college.other_student,
        number="40-к",
        effective_date=dt.date(2026, 11, 2),
        reason=ExpulsionReason.OWN_WISH,
    )
    services.order_apply(actor=actor, order=out)
    memberships = Membership.objects.count()
    with pytest.raises(DomainError, match="ничего не изменено") as error:
        services.order_apply(actor=actor, order=order)
    assert "Ёлкин Семён Ильич" in error.value.message
    assert Membership.objects.count() == memberships
    assert world.college.student.pk in roll_ids(world.college.group.pk, TRANSFER_DAY)
    assert Order.objects.get(pk=order.pk).status == Order.Status.SIGNED


def test_a_student_appears_once_per_order(world: World) -> None:
    order = transfer_order(world, signed=False)
    with pytest.raises(DomainError, match="уже есть в этом приказе"):
        services.order_item_add(
            actor=head(world),
            order=order,
            student=world.college.student,
            effective_date=TRANSFER_DAY,
            to_group=world.college.other_group,
        )


def test_kind_specific_fields_are_required(world: World) -> None:
    student = world.college.student
    expulsion = draft(world, kind=OrderKind.EXPULSION, number="50-к")
    with pytest.raises(DomainError, match="причину отчисления"):
        services.order_item_add(
            actor=head(world), order=expulsion, student=student, effective_date=TRANSFER_DAY
        )
    leave = draft(world, kind=OrderKind.LEAVE, number="51-к")
    with pytest.raises(DomainError, match="по какое число"):
        services.order_item_add(
            actor=head(world), order=leave, student=student, effective_date=TRANSFER_DAY
        )
    with pytest.raises(DomainError, match="раньше, чем начался"):
        services.order_item_add(
            actor=head(world),
            order=leave,
            student=student,
            effective_date=TRANSFER_DAY,
            leave_until=DAY_BEFORE,
        )
    transfer = draft(world, number="52-к")
    with pytest.raises(DomainError, match="Выберите группу"):
        services.order_item_add(
            actor=head(world), order=transfer, student=student, effective_date=TRANSFER_DAY
        )
    with pytest.raises(DomainError, match="ту же группу"):
        services.order_item_add(
            actor=head(world),
            order=transfer,
            student=student,
            effective_date=TRANSFER_DAY,
            to_group=world.college.group,
        )
    rename = draft(world, kind=OrderKind.NAME_CHANGE, number="53-к")
    with pytest.raises(DomainError, match="фамилию и имя"):
        services.order_item_add(
            actor=head(world),
            order=rename,
            student=student,
            effective_date=TRANSFER_DAY,
            new_last_name="Петров",
        )


# --- Concurrency (PostgreSQL) --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_apply_changes_the_rolls_once(transactional_db: None, world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: row locks are tested on PostgreSQL")
    order = transfer_order(world)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def worker() -> None:
        try:
            barrier.wait()
            services.order_apply(actor=head(world), order=Order.objects.get(pk=order.pk))
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1, outcomes
    assert any("уже проведён" in outcome for outcome in outcomes)
    assert Membership.objects.filter(student=world.college.student).count() == 2
    assert (
        Membership.objects.filter(
            student=world.college.student, group=world.college.other_group
        ).count()
        == 1
    )


# --- Review: orders dated before a later change of the roll --------------------------------------


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        (OrderKind.EXPULSION, {"reason": ExpulsionReason.OWN_WISH}),
        (OrderKind.LEAVE, {"leave_until": dt.date(2026, 12, 31)}),
        (OrderKind.TRANSFER, {"to_group": "third"}),
    ],
)
def test_a_back_dated_order_before_a_later_roll_change_is_refused(
    world: World, kind: str, fields: dict[str, object]
) -> None:
    # Transferred on 16.11; an order effective 02.11 would leave the student on the new group's
    # roll while expelled or on leave, or in two groups at once: refused, nothing changed.
    from otmetka.academics.tests.test_groups_support import make_group

    student = world.college.student
    services.order_apply(actor=head(world), order=transfer_order(world))
    if fields.get("to_group") == "third":
        fields = {"to_group": make_group(world, "ИС-23", course=2)}
    memberships = list(Membership.objects.filter(student=student).values_list("pk", "date_to"))
    with pytest.raises(DomainError, match="позже"):
        one_item_order(
            world, kind, student, number="60-к", effective_date=dt.date(2026, 11, 2), **fields
        )
    assert list(Membership.objects.filter(student=student).values_list("pk", "date_to")) == (
        memberships
    )
    student.refresh_from_db()
    assert student.status == Student.Status.STUDYING


def test_a_signed_order_overtaken_by_a_later_change_is_not_applied(world: World) -> None:
    student = world.college.student
    out = one_item_order(
        world,
        OrderKind.EXPULSION,
        student,
        number="61-к",
        effective_date=dt.date(2026, 11, 2),
        reason=ExpulsionReason.OWN_WISH,
    )
    services.order_apply(actor=head(world), order=transfer_order(world))
    with pytest.raises(DomainError, match="ничего не изменено"):
        services.order_apply(actor=head(world), order=out)
    student.refresh_from_db()
    assert student.status == Student.Status.STUDYING
    assert student.pk in roll_ids(world.college.other_group.pk, TRANSFER_DAY)
    assert student.pk in roll_ids(world.college.group.pk, DAY_BEFORE)


def test_a_bound_head_cannot_transfer_into_another_department(world: World) -> None:
    from otmetka.academics.tests.test_groups_support import (
        bind_head_to,
        make_group,
        second_department,
    )

    bind_head_to(world, world.college.department)
    elsewhere = make_group(world, "ЗИС-21", department=second_department(world), course=2)
    order = draft(world)
    with pytest.raises(NotAllowed, match="отделени"):
        services.order_item_add(
            actor=head(world),
            order=order,
            student=world.college.student,
            effective_date=TRANSFER_DAY,
            to_group=elsewhere,
        )
    assert not order.items.exists()


def test_two_orders_on_the_same_student_and_day_apply_once(world: World) -> None:
    from otmetka.academics.tests.test_groups_support import make_group

    student = world.college.student
    first = transfer_order(world)
    second = draft(world, number="62-к")
    services.order_item_add(
        actor=head(world),
        order=second,
        student=student,
        effective_date=TRANSFER_DAY,
        to_group=make_group(world, "ИС-23", course=2),
    )
    services.order_sign(actor=head(world), order=second)
    services.order_apply(actor=head(world), order=first)
    memberships = list(Membership.objects.filter(student=student).values_list("pk", "date_to"))
    with pytest.raises(DomainError, match="ничего не изменено"):
        services.order_apply(actor=head(world), order=second)
    assert list(Membership.objects.filter(student=student).values_list("pk", "date_to")) == (
        memberships
    )
    assert Order.objects.get(pk=second.pk).status == Order.Status.SIGNED
