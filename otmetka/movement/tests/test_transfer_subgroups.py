"""A student an order puts into a group is placed into its subgroups: the applied order's page
asks where, for each set of subgroups the group's journals are split into (issue 11)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from otmetka.academics.models import CurriculumItem, Subgroup, SubgroupMembership, Workload
from otmetka.academics.services.groups import subgroup_member_add
from otmetka.academics.tests.test_groups_support import bind_head_to, second_department
from otmetka.audit.models import AuditEvent
from otmetka.journal.selectors import journal_print_data
from otmetka.lib.errors import DomainError
from otmetka.movement import selectors, services
from otmetka.movement.models import Order, OrderItem
from otmetka.movement.tests.factories import TRANSFER_DAY, head, transfer_order
from otmetka.test import TODAY, World

pytestmark = pytest.mark.django_db


class Split:
    """ИС-22, the transfer's target, with МДК.01.01 taught in two halves and a foreign language
    in two language subgroups; ОП.01 stays a whole-group journal."""

    def __init__(self, world: World) -> None:
        college = world.college
        group = college.other_group
        teacher = college.employees["teacher"]
        self.first = Subgroup.objects.create(group=group, name="1 подгруппа")
        self.second = Subgroup.objects.create(group=group, name="2 подгруппа")
        self.english = Subgroup.objects.create(group=group, name="Английский язык")
        self.german = Subgroup.objects.create(group=group, name="Немецкий язык")
        self.language = CurriculumItem.objects.create(
            curriculum=college.curriculum, kind=CurriculumItem.Kind.DISCIPLINE,
            index="ОГСЭ.03", name="Иностранный язык", position=0,
        )
        self.lines = {
            subgroup.name: Workload.objects.create(
                academic_year=college.year, teacher=teacher, group=group, item=item,
                subgroup=subgroup, hours_first=20,
            )
            for item, subgroup in (
                (college.mdk, self.first), (college.mdk, self.second),
                (self.language, self.english), (self.language, self.german),
            )
        }


def _applied_transfer(world: World) -> Order:
    order = transfer_order(world)
    services.order_apply(actor=head(world), order=order)
    return order


def _detail(order: Order) -> str:
    return reverse("movement:order_detail", kwargs={"order_id": order.pk})


def _place_url(order: Order) -> str:
    item = OrderItem.objects.get(order=order)
    return reverse(
        "movement:item_subgroup_place", kwargs={"order_id": order.pk, "order_item_id": item.pk}
    )


def _journal_students(workload: Workload, world: World) -> set[str]:
    data = journal_print_data(workload, world.college.semester1)
    return {row.student.person.last_name for row in data.students}


def test_the_applied_transfer_asks_where_and_the_head_places_the_student(world: World) -> None:
    split = Split(world)
    order = transfer_order(world)
    client = world.client_for("head")
    answer = client.post(
        reverse("movement:order_apply", kwargs={"order_id": order.pk}), {"confirm": "1"},
        follow=True,
    )
    page = answer.content.decode()
    assert "распределите обучающихся по подгруппам ниже" in page
    gaps = page.split('id="subgroup-gaps"')[1].split("</section>")[0]
    assert "Студентов Иван Петрович" in gaps and "группа ИС-22 с 16.11.2026" in gaps
    assert "МДК.01.01 Разработка программных модулей" in gaps
    assert "ОГСЭ.03 Иностранный язык" in gaps
    assert f'<option value="{split.second.pk}">2 подгруппа</option>' in gaps
    assert f'<option value="{split.german.pk}">Немецкий язык</option>' in gaps
    assert "ОП.01" not in gaps  # a whole-group journal: nothing to choose
    student = world.college.student
    assert "Студентов" not in _journal_students(split.lines["2 подгруппа"], world)

    answer = client.post(_place_url(order), {"subgroup": split.second.pk}, follow=True)
    assert "Студентов Иван Петрович в подгруппе «2 подгруппа» с 16.11.2026." in (
        answer.content.decode()
    )
    row = SubgroupMembership.objects.get(student=student, subgroup=split.second)
    assert (row.date_from, row.date_to) == (TRANSFER_DAY, None)
    assert "Студентов" in _journal_students(split.lines["2 подгруппа"], world)
    assert "Студентов" not in _journal_students(split.lines["1 подгруппа"], world)
    event = AuditEvent.objects.filter(object_type="academics.subgroup").latest("id")
    assert event.object_id == str(split.second.pk)
    assert event.changes == {"students": [None, "Студентов Иван Петрович"]}
    # Only the language is left to choose; once chosen, the page asks nothing more.
    order.refresh_from_db()
    [gap] = selectors.subgroup_gaps(order, selectors.order_items(order), TODAY)
    assert gap.subgroups == [split.english, split.german]
    client.post(_place_url(order), {"subgroup": split.english.pk})
    assert 'id="subgroup-gaps"' not in client.get(_detail(order)).content.decode()


def test_nothing_to_ask_when_no_journal_of_the_group_is_split(world: World) -> None:
    Subgroup.objects.create(group=world.college.other_group, name="1 подгруппа")  # unused
    order = _applied_transfer(world)
    assert selectors.subgroup_gaps(order, selectors.order_items(order), TODAY) == []
    assert 'id="subgroup-gaps"' not in world.client_for("head").get(_detail(order)).content.decode()


def test_nothing_to_ask_before_the_order_is_applied(world: World) -> None:
    Split(world)
    order = transfer_order(world)  # signed
    assert selectors.subgroup_gaps(order, selectors.order_items(order), TODAY) == []
    answer = world.client_for("head").post(_place_url(order), {"subgroup": 1}, follow=True)
    assert "По подгруппам распределяют после проведения приказа." in answer.content.decode()
    assert not SubgroupMembership.objects.filter(student=world.college.student,
                                                 subgroup__group=world.college.other_group)


def test_a_student_who_has_left_the_group_since_is_not_asked_about(
    world: World, now: Any
) -> None:
    Split(world)
    order = _applied_transfer(world)
    later = dt.date(2026, 11, 30)
    assert selectors.subgroup_gaps(order, selectors.order_items(order), later)
    from otmetka.academics.models import Membership

    Membership.objects.filter(student=world.college.student, date_to__isnull=True).update(
        date_to=dt.date(2026, 11, 20)
    )
    assert selectors.subgroup_gaps(order, selectors.order_items(order), later) == []


def test_a_subgroup_of_another_group_or_nonsense_is_refused_and_changes_nothing(
    world: World,
) -> None:
    Split(world)
    order = _applied_transfer(world)
    client = world.client_for("head")
    for value in (world.college.subgroup.pk, "первая", ""):  # ИС-21's subgroup; not an id
        answer = client.post(_place_url(order), {"subgroup": value}, follow=True)
        assert "Выберите подгруппу группы ИС-22." in answer.content.decode()
    assert not SubgroupMembership.objects.filter(
        student=world.college.student, date_from=TRANSFER_DAY
    ).exists()


def test_placing_twice_is_refused_by_the_service(world: World) -> None:
    split = Split(world)
    _applied_transfer(world)
    student = world.college.student
    subgroup_member_add(actor=head(world), subgroup=split.first, student=student,
                        date_from=TRANSFER_DAY)
    with pytest.raises(DomainError, match="уже в подгруппе «1 подгруппа» с 16.11.2026"):
        subgroup_member_add(actor=head(world), subgroup=split.first, student=student,
                            date_from=TRANSFER_DAY)
    with pytest.raises(DomainError, match="не состоит в группе ИС-22"):
        subgroup_member_add(actor=head(world), subgroup=split.first, student=student,
                            date_from=TRANSFER_DAY - dt.timedelta(days=1))
    assert SubgroupMembership.objects.filter(student=student, subgroup=split.first).count() == 1


def test_place_rights_owner_stranger_reader(world: World) -> None:
    split = Split(world)
    order = _applied_transfer(world)
    url, data = _place_url(order), {"subgroup": split.first.pk}
    assert world.client_for(world.stranger.users["head"]).post(url, data).status_code == 404
    assert world.client_for("deputy").post(url, data).status_code == 403
    assert not SubgroupMembership.objects.filter(subgroup=split.first).exists()
    assert world.client_for("head").post(url, data).status_code == 302
    assert SubgroupMembership.objects.filter(subgroup=split.first).count() == 1


def test_a_head_bound_to_another_department_may_not_place(world: World) -> None:
    split = Split(world)
    order = _applied_transfer(world)
    bind_head_to(world, second_department(world))
    answer = world.client_for("head").post(_place_url(order), {"subgroup": split.first.pk})
    assert answer.status_code == 404
    assert not SubgroupMembership.objects.filter(subgroup=split.first).exists()


def test_readers_are_told_without_a_form(world: World) -> None:
    Split(world)
    order = _applied_transfer(world)
    page = world.client_for("deputy").get(_detail(order)).content.decode()
    assert "не распределён(а) по подгруппам" in page
    assert "item_subgroup_place" not in page and "/subgroup/" not in page


@pytest.mark.parametrize("students", [1, 3])
def test_order_page_with_gaps_query_budget(
    world: World, django_assert_num_queries: Any, students: int
) -> None:
    from otmetka.academics.tests.test_groups_support import make_student

    Split(world)
    order = services.order_create(
        actor=head(world), number="40-к", date=TRANSFER_DAY, kind="transfer"
    )
    people = [world.college.student] + [
        make_student(world, f"Переведённый{n}", group=world.college.group)
        for n in range(students - 1)
    ]
    for student in people:
        services.order_item_add(actor=head(world), order=order, student=student,
                                effective_date=TRANSFER_DAY, to_group=world.college.other_group)
    services.order_sign(actor=head(world), order=order)
    services.order_apply(actor=head(world), order=order)
    client = world.client_for("head")
    client.get(_detail(order))
    # session, user, role assignment; the order; its items with students and groups; the
    # split workload lines, the memberships and the subgroup memberships of the students; the
    # history.
    with django_assert_num_queries(9):
        response = client.get(_detail(order))
    assert len(response.context["subgroup_gaps"]) == 2 * students
