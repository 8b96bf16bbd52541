"""Row scope of people: who sees which students and staff; predicates cost no query."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from otmetka.academics.models import Membership
from otmetka.org.models import AcademicYear, Department
from otmetka.people.permissions import (
    can_create_account_for,
    can_edit_contacts,
    can_edit_staff,
    can_edit_student_card,
    can_link_guardians,
    can_record_consents,
    card_read_only,
    cards_openable_by,
    contact_scope,
    employees_visible_to,
    persons_with_consents_visible_to,
    students_visible_to,
)
from otmetka.people.tests.factories import make_employee, make_student
from otmetka.test import TODAY, World

pytestmark = pytest.mark.django_db


def test_whole_college_for_view_all_and_nothing_of_the_stranger(world: World) -> None:
    visible = set(students_visible_to(world.actor("secretary")))
    assert visible == {world.college.student, world.college.other_student}


def test_curator_sees_own_group_today_and_those_who_left_it_this_academic_year(
    world: World,
) -> None:
    curator = world.actor("curator", "curator")
    left = make_student(world.org, "Ушедший", "Олег", group=world.college.group,
                        date_to=TODAY - dt.timedelta(days=1))
    first_day = make_student(world.org, "Сентябрьский", "Олег", group=world.college.group,
                             date_to=world.college.year.date_from)
    last_year = make_student(world.org, "Прошлогодний", "Олег", group=world.college.group,
                             date_to=world.college.year.date_from - dt.timedelta(days=1))
    coming = make_student(world.org, "Будущий", "Олег", group=world.college.group,
                          date_from=TODAY + dt.timedelta(days=1))
    last_day = make_student(world.org, "Последний", "Олег", group=world.college.group,
                            date_to=TODAY)
    visible = set(students_visible_to(curator))
    assert visible == {world.college.student, last_day, left, first_day}
    assert last_year not in visible and coming not in visible
    # Those who left are the curator's to read, not to change.
    assert set(contact_scope(curator, full_rights=("students.edit_all",))) == {
        world.college.student,
        last_day,
    }
    assert card_read_only(curator, left) and not card_read_only(curator, last_day)
    assert not card_read_only(world.actor("secretary"), left)


def test_without_an_academic_year_the_curators_year_begins_on_1_september(world: World) -> None:
    AcademicYear.objects.filter(organization=world.org).update(
        date_from=dt.date(2027, 9, 1), date_to=dt.date(2028, 8, 31)
    )
    august = make_student(world.org, "Августовский", "Олег", group=world.college.group,
                          date_to=dt.date(2026, 8, 31))
    september = make_student(world.org, "Сентябрьский", "Олег", group=world.college.group,
                             date_to=dt.date(2026, 9, 1))
    visible = set(students_visible_to(world.actor("curator", "curator")))
    assert september in visible and august not in visible


def test_a_list_links_only_to_the_cards_the_actor_may_open(
    world: World, django_assert_num_queries: Callable[..., Any]
) -> None:
    old = make_student(world.org, "Прошлогодний", "Олег", group=world.college.group,
                       date_to=dt.date(2026, 6, 30))
    ids = [world.college.student.pk, world.college.other_student.pk, old.pk]
    curator = world.actor("curator", "curator")
    secretary = world.actor("secretary")
    teacher = world.actor("teacher")
    for role in (curator, secretary, teacher):
        role.rights  # noqa: B018 -- loaded once per request by the decorator
    with django_assert_num_queries(1):
        assert cards_openable_by(curator, ids) == {world.college.student.pk}
    with django_assert_num_queries(0):
        assert cards_openable_by(secretary, ids) == set(ids)
        assert cards_openable_by(teacher, ids) == frozenset()


def test_a_student_moved_between_curated_groups_appears_once(world: World) -> None:
    world.college.other_group.curators.add(world.college.employees["curator"])
    student = world.college.student
    assert student is not None
    Membership.objects.create(group=world.college.other_group, student=student,
                              date_from=dt.date(2026, 9, 1))
    assert list(students_visible_to(world.actor("curator", "curator"))).count(student) == 1


@pytest.mark.parametrize("key", ["teacher", "hr", "methodist", "dispatcher"])
def test_no_student_rights_no_students(world: World, key: str) -> None:
    assert not students_visible_to(world.actor(key)).exists()


def test_department_head_is_narrowed_to_the_department(world: World) -> None:
    head = world.actor("head")
    assert students_visible_to(head).count() == 2
    head.department_id = Department.objects.create(organization=world.org, name="Заочное").pk
    assert not students_visible_to(head).exists()


def test_department_head_sees_today_s_roll_of_the_department_once(world: World) -> None:
    head = world.actor("head")
    head.department_id = world.college.department.pk
    student, other = world.college.student, world.college.other_student
    assert student is not None and other is not None
    # A second membership in the department's groups, and one that ended before today.
    Membership.objects.create(group=world.college.other_group, student=student,
                              date_from=dt.date(2026, 9, 1))
    Membership.objects.filter(student=other).update(date_to=TODAY - dt.timedelta(days=1))
    assert list(students_visible_to(head)) == [student]
    elsewhere = Department.objects.create(organization=world.org, name="Заочное")
    world.college.other_group.department = elsewhere
    world.college.other_group.save()
    Membership.objects.filter(student=student, group=world.college.group).delete()
    assert not students_visible_to(head).exists()


def test_department_scope_is_an_exists_per_student_not_a_list_of_ids(world: World) -> None:
    """At college size SQLite probed every student of the organization against every id of an
    `IN (subquery)` list: the department head's student list took 2–8 s a page. A correlated
    EXISTS looks each student's memberships up by its index (13 ms for 1,900 students)."""
    head = world.actor("head")
    head.department_id = world.college.department.pk
    for scope in (students_visible_to(head), contact_scope(head, full_rights=("guardians.link",))):
        sql = str(scope.query).upper()
        assert "EXISTS" in sql and " IN (SELECT" not in sql
    curator = world.actor("curator", "curator")
    for scope in (students_visible_to(curator), contact_scope(curator, full_rights=())):
        sql = str(scope.query).upper()
        assert "EXISTS" in sql and " IN (SELECT" not in sql


def test_consent_persons_of_a_curator(world: World) -> None:
    persons = set(persons_with_consents_visible_to(world.actor("curator", "curator")))
    student = world.college.student
    assert student is not None
    assert persons == {student.person, world.college.parent}


def test_staff_visible_to_staff_viewers_of_the_same_college(world: World) -> None:
    make_employee(world.stranger.organization, "Чужая", "Анна")
    assert employees_visible_to(world.actor("hr")).count() == len(world.college.employees)
    assert not employees_visible_to(world.actor("teacher")).exists()


def test_predicates_make_no_queries(
    world: World, django_assert_num_queries: Callable[..., Any]
) -> None:
    roles = {key: world.actor(key) for key in ("secretary", "hr", "admin", "teacher")}
    curator = world.actor("curator", "curator")
    person = world.college.employees["teacher"].person
    for role in [*roles.values(), curator]:
        role.rights  # noqa: B018 -- loaded once per request by the decorator
    with django_assert_num_queries(0):
        assert can_edit_student_card(roles["secretary"]) and not can_edit_student_card(curator)
        assert can_edit_contacts(curator) and not can_edit_contacts(roles["teacher"])
        assert can_link_guardians(curator) and not can_link_guardians(roles["secretary"])
        assert can_record_consents(roles["secretary"]) and not can_record_consents(roles["hr"])
        assert can_edit_staff(roles["hr"]) and not can_edit_staff(roles["admin"])
        assert not can_create_account_for(roles["admin"], person)
        assert not can_create_account_for(roles["hr"], person)
