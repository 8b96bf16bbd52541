"""Late orders and cards: each deadline counted from the date the regulation names, and a late
card's delay accepted as justified — by whom, when and why (Положение 4.8, 4.9)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from otmetka.academics.models import Group, Membership
from otmetka.academics.tests.test_groups_support import bind_head_to, second_department
from otmetka.audit.models import AuditEvent
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.movement import selectors, services
from otmetka.movement.deadlines import order_start
from otmetka.movement.models import ExpulsionReason, OrderKind
from otmetka.movement.tests.factories import draft, head, transfer_order
from otmetka.people import services as people_services
from otmetka.people.models import LateCardJustification, Person, Student
from otmetka.test import TODAY, World, make_person

pytestmark = pytest.mark.django_db

LATE_URL = reverse("movement:late")
JUSTIFY_URL = reverse("movement:late_cards_justify")
TOMSK = ZoneInfo("Asia/Tomsk")


def _order_rows(world: World) -> dict[str, selectors.LateOrder]:
    return {row.order.number: row for row in selectors.late_orders(head(world), TODAY)}


def _leave(world: World, *, number: str, date: dt.date, starts: dt.date) -> None:
    order = draft(world, kind=OrderKind.LEAVE, number=number, date=date)
    services.order_item_add(
        actor=head(world), order=order, student=world.college.student,
        effective_date=starts, leave_until=dt.date(2027, 6, 30),
    )
    services.order_sign(actor=head(world), order=order)


# --- Orders: the date each deadline is counted from -----------------------------------------------


@pytest.mark.parametrize("kind", OrderKind.values)
def test_only_academic_leave_is_counted_from_the_order_date(kind: str) -> None:
    order_date, effective = dt.date(2026, 11, 10), dt.date(2026, 12, 1)
    expected = order_date if kind == OrderKind.LEAVE else effective
    assert order_start(kind, order_date, effective) == expected


def test_a_leave_order_is_late_from_its_own_date_not_from_the_leave_start(world: World) -> None:
    # The leave order of Tuesday 10 November starts the leave on 1 December; it is entered on
    # Monday 16 November, one working day after its deadline, Friday 13 November.
    _leave(world, number="31-к", date=dt.date(2026, 11, 10), starts=dt.date(2026, 12, 1))
    row = _order_rows(world)["31-к"]
    assert (row.start, row.deadline, row.created_on, row.days_late) == (
        dt.date(2026, 11, 10), dt.date(2026, 11, 13), TODAY, 1
    )
    body = world.client_for("head").get(LATE_URL).content.decode()
    assert "даты приказа об академическом отпуске: 10.11.2026" in body
    assert "13.11.2026" in body


def test_a_leave_that_began_before_its_order_is_on_time_from_the_order_date(
    world: World,
) -> None:
    # The leave began on 2 November; the order of Friday 13 November is entered on Monday 16.
    _leave(world, number="32-к", date=dt.date(2026, 11, 13), starts=dt.date(2026, 11, 2))
    assert "32-к" not in _order_rows(world)


def test_an_expulsion_is_late_from_the_expulsion_date(world: World) -> None:
    # Expelled on Friday 6 November: the order is due by Wednesday 11 November; dated and
    # entered on 16 November, three working days late — whatever the order's own date says.
    order = draft(world, kind=OrderKind.EXPULSION, number="33-к", date=TODAY)
    services.order_item_add(
        actor=head(world), order=order, student=world.college.student,
        effective_date=dt.date(2026, 11, 6), reason=ExpulsionReason.OWN_WISH,
    )
    row = _order_rows(world)["33-к"]
    assert (row.start, row.deadline, row.days_late) == (
        dt.date(2026, 11, 6), dt.date(2026, 11, 11), 3
    )
    assert row.counted_from == "даты отчисления"


def test_an_order_entered_on_time_and_applied_later_is_not_late(world: World, now: Any) -> None:
    order = transfer_order(world, day=TODAY)  # entered on the day it takes effect
    now.move_to(dt.datetime(2026, 11, 25, 10, 0, tzinfo=TOMSK))
    services.order_apply(actor=head(world), order=order)
    assert selectors.late_orders(head(world), dt.date(2026, 11, 25)) == []


def test_an_order_still_not_applied_after_its_deadline_is_listed(
    world: World, now: Any
) -> None:
    transfer_order(world, day=TODAY)  # due by Thursday 19 November, signed, not applied
    now.move_to(dt.datetime(2026, 11, 25, 10, 0, tzinfo=TOMSK))
    [row] = selectors.late_orders(head(world), dt.date(2026, 11, 25))
    assert (row.deadline, row.created_on, row.applied_on, row.days_late) == (
        dt.date(2026, 11, 19), TODAY, None, 4
    )
    body = world.client_for("head").get(LATE_URL).content.decode()
    assert "подписан" in body


# --- Cards: a justified delay ---------------------------------------------------------------------


def late_student(world: World, last: str, group: Group | None = None) -> Student:
    """A card created today for a student in the group since Monday 2 November (due by 6th)."""
    person = make_person(world.org, last, "Вера", "Игоревна", sex=Person.Sex.FEMALE)
    student = Student.objects.create(person=person)
    Membership.objects.create(
        group=group or world.college.group, student=student, date_from=dt.date(2026, 11, 2)
    )
    return student


def _late_names(world: World, who: str = "head") -> list[str]:
    cards = selectors.late_cards(world.actor(who), TODAY)
    return [row.student.person.last_name for row in cards.late]


def test_head_justifies_the_initial_load_and_it_leaves_the_list(world: World) -> None:
    first, second = late_student(world, "Загруженная"), late_student(world, "Опоздавшая")
    client = world.client_for("head")
    page = client.get(LATE_URL).content.decode()
    assert f'name="students" value="{first.pk}"' in page
    answer = client.post(JUSTIFY_URL, {
        "students": [first.pk], "reason": "  Первичная загрузка   контингента ",
    }, follow=True)
    body = answer.content.decode()
    assert "Опоздание признано обоснованным: 1 карточка." in body
    assert _late_names(world) == ["Опоздавшая"]
    justification = LateCardJustification.objects.get()
    assert (justification.student, justification.reason, justification.justified_by) == (
        first, "Первичная загрузка контингента", world.user("head")
    )
    # Who, when and why are on the page and in the card's history.
    justified = body.split("Опоздание признано обоснованным</h2>")[1]
    assert "Загруженная Вера Игоревна" in justified
    assert "Первичная загрузка контингента" in justified
    assert "Заведующая Ирина Юрьевна, 16.11.2026" in justified
    event = AuditEvent.objects.get(object_type="people.student", object_id=str(first.pk))
    assert event.actor == world.user("head")
    assert event.changes == {"late_card_justification": [None, "Первичная загрузка контингента"]}
    assert second.pk not in {row.student.pk for row in
                             selectors.late_cards(head(world), TODAY).justified}


def test_all_cards_of_the_list_at_once(world: World) -> None:
    for name in ("Первая", "Вторая", "Третья"):
        late_student(world, name)
    answer = world.client_for("head").post(
        JUSTIFY_URL, {"all_listed": "on", "reason": "Первичная загрузка контингента"}
    )
    assert answer.status_code == 302
    assert _late_names(world) == []
    assert LateCardJustification.objects.count() == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "   "}, "Обязательное поле."),
        ({}, "Отметьте карточки, опоздание с которыми обосновано."),
        ({"reason": "x" * 301}, "не более 300 символов"),
    ],
)
def test_bad_input_is_refused_in_russian_and_changes_nothing(
    world: World, data: dict[str, Any], message: str
) -> None:
    student = late_student(world, "Опоздавшая")
    if data:
        data = {"students": [student.pk], **data}
    answer = world.client_for("head").post(JUSTIFY_URL, {**data})
    assert answer.status_code == 200
    assert message in answer.content.decode()
    assert not LateCardJustification.objects.exists()
    assert not AuditEvent.objects.filter(object_type="people.student").exists()
    assert _late_names(world) == ["Опоздавшая"]


def test_a_card_entered_on_time_is_not_justified(world: World) -> None:
    late_student(world, "Опоздавшая")
    on_time = world.college.student  # enrolled long ago: not on the list
    answer = world.client_for("head").post(
        JUSTIFY_URL, {"students": [on_time.pk], "reason": "Первичная загрузка"}
    )
    assert answer.status_code == 200
    assert "Выберите корректный вариант" in answer.content.decode()
    assert not LateCardJustification.objects.exists()


def test_justified_twice_is_refused_by_the_service(world: World) -> None:
    student = late_student(world, "Опоздавшая")
    people_services.late_cards_justify(actor=head(world), students=[student], reason="Загрузка")
    with pytest.raises(DomainError, match="уже признано обоснованным: Опоздавшая Вера Игоревна"):
        people_services.late_cards_justify(actor=head(world), students=[student], reason="Ещё")
    assert LateCardJustification.objects.count() == 1


def test_the_secretary_whose_deadline_it_is_cannot_justify_it(world: World) -> None:
    student = late_student(world, "Опоздавшая")
    with pytest.raises(NotAllowed):
        people_services.late_cards_justify(
            actor=world.actor("secretary"), students=[student], reason="Загрузка"
        )
    assert not LateCardJustification.objects.exists()


def test_withdrawing_puts_the_card_back_on_the_list(world: World) -> None:
    student = late_student(world, "Опоздавшая")
    [justification] = people_services.late_cards_justify(
        actor=head(world), students=[student], reason="По ошибке"
    )
    url = reverse("movement:late_card_justification_withdraw",
                  kwargs={"justification_id": justification.pk})
    answer = world.client_for("head").post(url, follow=True)
    # «карточка Опоздавш… Веры Игоревны»: the name in the genitive.
    assert "Веры Игоревны снова в списке заведённых с опозданием" in answer.content.decode()
    assert _late_names(world) == ["Опоздавшая"]
    last = AuditEvent.objects.filter(object_type="people.student").latest("id")
    assert last.changes == {"late_card_justification": ["По ошибке", None]}


def test_justify_rights_owner_stranger_reader(world: World) -> None:
    student = late_student(world, "Опоздавшая")
    data = {"students": [student.pk], "reason": "Первичная загрузка"}
    assert world.client_for(world.stranger.users["head"]).post(JUSTIFY_URL, data).status_code == 404
    assert world.client_for("deputy").post(JUSTIFY_URL, data).status_code == 403
    assert not LateCardJustification.objects.exists()
    assert world.client_for("head").post(JUSTIFY_URL, data).status_code == 302
    assert LateCardJustification.objects.count() == 1


def test_withdraw_rights_owner_stranger_reader(world: World) -> None:
    student = late_student(world, "Опоздавшая")
    [justification] = people_services.late_cards_justify(
        actor=head(world), students=[student], reason="Загрузка"
    )
    url = reverse("movement:late_card_justification_withdraw",
                  kwargs={"justification_id": justification.pk})
    assert world.client_for(world.stranger.users["head"]).post(url).status_code == 404
    assert world.client_for("deputy").post(url).status_code == 403
    assert LateCardJustification.objects.count() == 1
    assert world.client_for("head").post(url).status_code == 302
    assert not LateCardJustification.objects.exists()


def test_readers_see_the_justified_list_without_the_buttons(world: World) -> None:
    student = late_student(world, "Опоздавшая")
    people_services.late_cards_justify(actor=head(world), students=[student], reason="Загрузка")
    page = world.client_for("deputy").get(LATE_URL).content.decode()
    assert "Загрузка" in page and "Опоздавшая Вера Игоревна" in page
    assert JUSTIFY_URL not in page and "Отозвать обоснование" not in page


def test_a_bound_head_justifies_only_the_cards_of_their_department(world: World) -> None:
    student = late_student(world, "Опоздавшая")  # in a group of the first department
    bind_head_to(world, second_department(world))
    answer = world.client_for("head").post(
        JUSTIFY_URL, {"students": [student.pk], "reason": "Загрузка"}
    )
    assert answer.status_code == 404
    assert not LateCardJustification.objects.exists()


@pytest.mark.parametrize("count", [1, 5])
def test_late_page_with_justified_cards_query_budget(
    world: World, django_assert_num_queries: Any, count: int
) -> None:
    students = [late_student(world, f"Опоздавшая{n}") for n in range(count)]
    people_services.late_cards_justify(actor=head(world), students=students, reason="Загрузка")
    late_student(world, "Ещёоднана")
    client = world.client_for("head")
    client.get(LATE_URL)
    # session, user, role assignment; the current academic year and the orders; the year again
    # and the students with their justifications, who gave them and their names.
    with django_assert_num_queries(7):
        response = client.get(LATE_URL)
    assert len(response.context["cards"].justified) == count
