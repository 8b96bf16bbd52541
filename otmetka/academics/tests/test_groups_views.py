"""Group pages: who gets in (owner 200, stranger 404, reader 403), query budgets, and the
flows a department head, dispatcher, curator and secretary go through."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from otmetka.academics.models import Group, Membership, Subgroup, SubgroupMembership
from otmetka.academics.tests.test_groups_support import (
    SEPT_1,
    bind_head_to,
    make_group,
    make_student,
    second_department,
)
from otmetka.accounts.roles import Role
from otmetka.lib.snils import snils_make
from otmetka.people.models import Employee, Person, Student
from otmetka.test import BASE_QUERIES, TODAY, World, make_person


def stranger(world: World, key: str) -> Client:
    return world.client_for(world.stranger.users[key])


def url(name: str, **kwargs: int) -> str:
    return reverse(f"academics:{name}", kwargs=kwargs)


# --- Owner 200, stranger 404, reader 403 ---------------------------------------------------------

ObjectUrl = Callable[[World], str]

OBJECT_PAGES: list[tuple[str, ObjectUrl, ObjectUrl, str, str]] = [
    # name, url in the college, the same page in the stranger college, owner, reader
    ("group_detail", lambda w: url("group_detail", group_id=w.college.group.pk),
     lambda w: url("group_detail", group_id=w.stranger.group.pk), "head", "hr"),
    ("group_edit", lambda w: url("group_edit", group_id=w.college.group.pk),
     lambda w: url("group_edit", group_id=w.stranger.group.pk), "head", "dispatcher"),
    ("group_roster", lambda w: url("group_roster", group_id=w.college.group.pk),
     lambda w: url("group_roster", group_id=w.stranger.group.pk), "head", "hr"),
    ("group_enrol", lambda w: url("group_enrol", group_id=w.college.group.pk),
     lambda w: url("group_enrol", group_id=w.stranger.group.pk), "head", "secretary"),
    ("group_add_member", lambda w: url("group_add_member", group_id=w.college.group.pk),
     lambda w: url("group_add_member", group_id=w.stranger.group.pk), "head", "secretary"),
    ("subgroup_create", lambda w: url("subgroup_create", group_id=w.college.group.pk),
     lambda w: url("subgroup_create", group_id=w.stranger.group.pk), "dispatcher", "teacher"),
    ("subgroup_edit", lambda w: url("subgroup_edit", subgroup_id=w.college.subgroup.pk),
     lambda w: url("subgroup_edit", subgroup_id=w.stranger.subgroup.pk), "dispatcher", "hr"),
]


@pytest.mark.parametrize(("name", "own", "foreign", "owner", "reader"), OBJECT_PAGES,
                         ids=[page[0] for page in OBJECT_PAGES])
def test_object_pages_owner_stranger_reader(
    world: World, name: str, own: ObjectUrl, foreign: ObjectUrl, owner: str, reader: str
) -> None:
    assert world.client_for(owner).get(own(world)).status_code == 200
    assert stranger(world, owner).get(own(world)).status_code == 404
    assert world.client_for(reader).get(own(world)).status_code == 403
    # And the stranger's own object is theirs to open.
    assert stranger(world, owner).get(foreign(world)).status_code == 200


@pytest.mark.parametrize(("name", "owner", "reader"), [
    ("group_list", "head", "teacher"),
    ("group_create", "head", "curator"),
    ("student_list", "secretary", "curator"),
    ("my_groups", "curator", "teacher"),
])
def test_list_pages_owner_reader(world: World, name: str, owner: str, reader: str) -> None:
    assert world.client_for(owner).get(url(name)).status_code == 200
    assert world.client_for(reader).get(url(name)).status_code == 403


def test_post_only_pages_owner_stranger_reader(world: World) -> None:
    membership = Membership.objects.get(group=world.college.group, student=world.college.student)
    close = url("membership_close", membership_id=membership.pk)
    assert world.client_for("head").get(close).status_code == 405
    assert stranger(world, "head").post(close, {"date_to": "2026-11-20"}).status_code == 404
    assert world.client_for("dispatcher").post(close, {"date_to": "2026-11-20"}).status_code == 403
    delete = url("subgroup_delete", subgroup_id=world.college.subgroup.pk)
    assert stranger(world, "dispatcher").post(delete).status_code == 404
    assert world.client_for("hr").post(delete).status_code == 403
    assert Subgroup.objects.filter(pk=world.college.subgroup.pk).exists()
    membership.refresh_from_db()
    assert membership.date_to is None


def test_anonymous_goes_to_login(world: World) -> None:
    response = Client().get(url("group_detail", group_id=world.college.group.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- Row scope -----------------------------------------------------------------------------------


def test_curator_sees_own_groups_only(world: World) -> None:
    client = world.client_for("curator")
    listing = client.get(url("group_list")).content.decode()
    assert "ИС-21" in listing and "ИС-22" not in listing
    assert client.get(url("group_detail", group_id=world.college.group.pk)).status_code == 200
    assert client.get(url("group_detail", group_id=world.college.other_group.pk)).status_code == 404


def test_teacher_sees_the_groups_they_teach(world: World) -> None:
    teacher = world.client_for("teacher")
    assert teacher.get(url("group_detail", group_id=world.college.group.pk)).status_code == 200
    assert teacher.get(url("group_detail",
                           group_id=world.college.other_group.pk)).status_code == 404
    # Seeing is not editing.
    assert teacher.get(url("group_edit", group_id=world.college.group.pk)).status_code == 403


def test_department_head_of_another_department_gets_404(world: World) -> None:
    bind_head_to(world, second_department(world))
    client = world.client_for("head")
    assert client.get(url("group_detail", group_id=world.college.group.pk)).status_code == 404
    assert client.get(url("group_edit", group_id=world.college.group.pk)).status_code == 404
    assert "ИС-21" not in client.get(url("group_list")).content.decode()


def test_curator_edits_subgroups_of_own_group_only(world: World) -> None:
    client = world.client_for("curator")
    own = url("subgroup_edit", subgroup_id=world.college.subgroup.pk)
    assert client.get(own).status_code == 200
    foreign = Subgroup.objects.create(group=world.college.other_group, name="1 подгруппа")
    assert client.get(url("subgroup_edit", subgroup_id=foreign.pk)).status_code == 404


def test_stranger_lists_show_only_their_college(world: World) -> None:
    groups = stranger(world, "head").get(url("group_list")).context["page"]
    assert {group.name for group in groups} == {"ДИС-21", "ДИС-22"}
    students = stranger(world, "secretary").get(url("student_list")).context["page"]
    assert {student.person.organization_id for student in students} == {
        world.stranger.organization.pk
    }


# --- Query budgets -------------------------------------------------------------------------------


def add_rows(world: World, count: int) -> None:
    """More groups, each with curators, students and a subgroup, to show budgets stay flat."""
    college = world.college
    for index in range(count):
        group = make_group(world, f"ПР-{index + 10}")
        curator_person = make_person(world.org, f"Кураторов{index}", "Илья", "Ильич")
        curator = Employee.objects.create(person=curator_person, department=college.department)
        group.curators.add(curator, college.employees["curator"])
        subgroup = Subgroup.objects.create(group=group, name="1 подгруппа")
        for number in range(3):
            student = make_student(world, f"Ученик{index}х{number}", group=group)
            SubgroupMembership.objects.create(subgroup=subgroup, student=student,
                                              date_from=SEPT_1)
        for number in range(3):
            make_student(world, f"Ученица{index}х{number}", group=college.group)


@pytest.mark.parametrize("rows", [0, 6])
def test_group_list_query_budget(world: World, rows: int, django_assert_num_queries: Any) -> None:
    add_rows(world, rows)
    client = world.client_for("head")
    client.get(url("group_list"))
    # base + the academic year the courses are of, count, departments and programs for the
    # filter, the page of groups with their roll count, their curators with persons.
    with django_assert_num_queries(BASE_QUERIES + 6):
        response = client.get(url("group_list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 2 + rows
    on_roll = {group.name: group.on_roll for group in response.context["page"]}
    assert on_roll["ИС-21"] == 1 + 3 * rows
    assert {group.name: group.course for group in response.context["page"]}["ИС-21"] == 2
    assert on_roll["ИС-22"] == 1


@pytest.mark.parametrize("rows", [0, 6])
def test_group_detail_query_budget(world: World, rows: int, django_assert_num_queries: Any) -> None:
    add_rows(world, rows)
    client = world.client_for("head")
    client.get(url("group_list"))
    # base + the group, its curators, the roll, subgroup names, academic year, leavers,
    # subgroups.
    with django_assert_num_queries(BASE_QUERIES + 7):
        response = client.get(url("group_detail", group_id=world.college.group.pk))
    assert len(response.context["roll"]) == 1 + 3 * rows


@pytest.mark.parametrize("rows", [0, 6])
def test_student_list_query_budget(world: World, rows: int, django_assert_num_queries: Any) -> None:
    add_rows(world, rows)
    client = world.client_for("secretary")
    client.get(url("student_list"))
    # base + count, groups for the filter, the page of students, their memberships today.
    with django_assert_num_queries(BASE_QUERIES + 4):
        response = client.get(url("student_list"))
    assert response.context["page"].paginator.count == 2 + 6 * rows


@pytest.mark.parametrize("rows", [0, 6])
def test_my_groups_query_budget(world: World, rows: int, django_assert_num_queries: Any) -> None:
    add_rows(world, rows)
    client = world.client_for("curator")
    client.get(url("my_groups"))
    # base + the academic year the courses are of, the groups, subgroup names, the rolls.
    with django_assert_num_queries(BASE_QUERIES + 4):
        response = client.get(url("my_groups"))
    assert len(response.context["rolls"]) == 1 + rows


# --- Flows ---------------------------------------------------------------------------------------


def test_head_creates_a_group(world: World) -> None:
    college = world.client_for("head")
    response = college.post(url("group_create"), {
        "name": "ИС-31", "program": world.college.program.pk,
        "curriculum": world.college.curriculum.pk, "department": world.college.department.pk,
        "intake_year": 2026, "curators": [world.college.employees["teacher"].pk],
    }, follow=True)
    group = Group.objects.get(name="ИС-31")
    assert response.redirect_chain[-1][0] == url("group_detail", group_id=group.pk)
    assert "Учителев Пётр Андреевич" in response.content.decode()


def test_duplicate_group_name_is_shown_next_to_the_field(world: World) -> None:
    response = world.client_for("head").post(url("group_create"), {
        "name": "ИС-22", "program": world.college.program.pk,
        "curriculum": world.college.curriculum.pk, "department": world.college.department.pk,
        "intake_year": 2026,
    })
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "Группа «ИС-22» уже есть среди обучающихся групп."
    ]
    assert Group.objects.filter(name="ИС-22").count() == 1


def test_head_edits_a_group(world: World) -> None:
    group = world.college.group
    response = world.client_for("head").post(url("group_edit", group_id=group.pk), {
        "name": "ИС-21к", "program": group.program_id, "curriculum": group.curriculum_id,
        "department": group.department_id, "intake_year": 2024,
        "is_active": "on", "curators": [world.college.employees["curator"].pk],
    })
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.course_in(world.college.year)) == ("ИС-21к", 3)


def enrol_data(**extra: str) -> dict[str, str]:
    data = {
        "last_name": "Зачисленов", "first_name": "Олег", "middle_name": "Игоревич",
        "birth_date": "2010-05-04", "sex": "M", "snils": snils_make(987654321),
        "funding": "budget", "citizenship": "РФ", "personal_file_no": "502/26",
        "enrolment_order_no": "115-к", "enrolment_order_date": "2026-11-13",
        "date_from": "2026-11-16", "basis": "",
    }
    data.update(extra)
    return data


def test_enrol_a_new_student_into_the_group(world: World) -> None:
    group = world.college.group
    response = world.client_for("head").post(url("group_enrol", group_id=group.pk),
                                              enrol_data(), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Зачисленов Олег Игоревич" in page
    membership = Membership.objects.get(student__person__last_name="Зачисленов")
    assert membership.group == group
    assert membership.basis == "Приказ № 115-к от 13.11.2026"


def test_enrol_with_a_bad_snils_shows_the_error_and_saves_nothing(world: World) -> None:
    people = Person.objects.count()
    response = world.client_for("head").post(url("group_enrol", group_id=world.college.group.pk),
                                              enrol_data(snils="112-233-445 96"))
    assert response.status_code == 200
    assert response.context["form"].errors["snils"]
    assert Person.objects.count() == people
    assert not Student.objects.filter(person__last_name="Зачисленов").exists()


def test_add_an_existing_student_found_by_surname(world: World) -> None:
    group = world.college.other_group
    newcomer = make_student(world, "Переведенцев", "Павел")
    make_student(world, "Посторонний", "Пётр", group=world.college.group)
    client = world.client_for("head")
    page = client.get(url("group_add_member", group_id=group.pk) + "?q=пер&on=2026-11-16")
    choices = [student.pk for student in page.context["form"].fields["student"].queryset]
    assert choices == [newcomer.pk]
    response = client.post(url("group_add_member", group_id=group.pk) + "?q=пер", {
        "student": newcomer.pk, "date_from": "2026-11-16", "basis": "Приказ 120-к",
    }, follow=True)
    assert "Переведенцев Павел" in response.content.decode()
    assert Membership.objects.get(student=newcomer).group == group


def test_adding_a_student_already_in_a_group_is_refused(world: World) -> None:
    group = world.college.other_group
    student = world.college.student
    assert student is not None
    response = world.client_for("head").post(url("group_add_member", group_id=group.pk), {
        "student": student.pk, "date_from": "2026-11-16",
    })
    # Not offered: the student is in ИС-21 that day.
    assert response.status_code == 200
    assert "student" in response.context["form"].errors
    assert not Membership.objects.filter(group=group, student=student).exists()


def test_close_a_membership_and_see_the_leaver_greyed(world: World) -> None:
    group = world.college.group
    membership = Membership.objects.get(group=group, student=world.college.student)
    client = world.client_for("head")
    response = client.post(url("membership_close", membership_id=membership.pk),
                           {"date_to": "2026-11-10"}, follow=True)
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.date_to == dt.date(2026, 11, 10)
    assert response.context["roll"] == []
    assert response.context["leavers"] == [membership]
    assert 'class="inactive"' in response.content.decode()
    # On an earlier day the student is still on the roll.
    earlier = client.get(url("group_detail", group_id=group.pk) + "?on=2026-11-10")
    assert [line.membership for line in earlier.context["roll"]] == [membership]


def test_closing_before_the_start_is_refused_with_a_message(world: World) -> None:
    membership = Membership.objects.get(group=world.college.group, student=world.college.student)
    response = world.client_for("head").post(
        url("membership_close", membership_id=membership.pk), {"date_to": "2020-01-01"},
        follow=True,
    )
    assert "не может быть раньше даты зачисления" in response.content.decode()
    membership.refresh_from_db()
    assert membership.date_to is None


def test_dispatcher_makes_a_subgroup_and_chooses_members(world: World) -> None:
    group = world.college.group
    second = make_student(world, "Вторый", group=group)
    client = world.client_for("dispatcher")
    response = client.post(url("subgroup_create", group_id=group.pk), {"name": "2 подгруппа"})
    subgroup = Subgroup.objects.get(group=group, name="2 подгруппа")
    assert response["Location"] == url("subgroup_edit", subgroup_id=subgroup.pk)
    response = client.post(url("subgroup_edit", subgroup_id=subgroup.pk) + "?on=2026-11-16",
                           {"name": "2 подгруппа", "students": [second.pk]}, follow=True)
    assert response.status_code == 200
    lines = {line.student.pk: line.subgroups for line in response.context["roll"]}
    assert lines[second.pk] == ("2 подгруппа",)
    row = SubgroupMembership.objects.get(subgroup=subgroup)
    assert (row.student_id, row.date_from, row.date_to) == (second.pk, TODAY, None)


def test_subgroup_delete_flow(world: World) -> None:
    subgroup = world.college.subgroup
    response = world.client_for("dispatcher").post(
        url("subgroup_delete", subgroup_id=subgroup.pk), follow=True
    )
    assert response.status_code == 200
    assert not Subgroup.objects.filter(pk=subgroup.pk).exists()


def test_student_list_search_and_filters(world: World) -> None:
    client = world.client_for("secretary")
    make_student(world, "Ежов", "Егор", group=world.college.other_group)
    page = client.get(url("student_list") + "?q=е")
    names = [s.person.last_name for s in page.context["page"]]
    assert names == ["Ежов", "Ёлкин"]  # «Ё» sorts with «Е»
    page = client.get(url("student_list") + f"?group={world.college.group.pk}")
    assert [s.person.last_name for s in page.context["page"]] == ["Студентов"]
    assert "ИС-21" in page.content.decode()
    Student.objects.filter(person__last_name="Ежов").update(status=Student.Status.EXPELLED)
    page = client.get(url("student_list") + "?status=expelled")
    assert [s.person.last_name for s in page.context["page"]] == ["Ежов"]


def test_my_groups_shows_the_roll_today(world: World) -> None:
    client = world.client_for(world.user("curator"), role=Role.CURATOR)
    page = client.get(url("my_groups"))
    [roll] = page.context["rolls"]
    assert roll.group == world.college.group
    assert [line.student for line in roll.lines] == [world.college.student]
    assert "1 подгруппа" in page.content.decode()


def test_group_detail_links_to_student_cards_for_those_who_may_open_them(world: World) -> None:
    student = world.college.student
    assert student is not None
    card = reverse("people:student_detail", kwargs={"student_id": student.pk})
    group_page = url("group_detail", group_id=world.college.group.pk)
    assert f'href="{card}"' in world.client_for("head").get(group_page).content.decode()
    teacher_page = world.client_for("teacher").get(group_page).content.decode()
    assert "Студентов Иван Петрович" in teacher_page
    assert f'href="{card}"' not in teacher_page


def test_candidates_are_told_apart_from_namesakes(world: World) -> None:
    student = make_student(world, "Тёзкин", "Иван")
    Person.objects.filter(pk=student.person_id).update(birth_date=dt.date(2010, 1, 2))
    Student.objects.filter(pk=student.pk).update(personal_file_no="77/26")
    page = world.client_for("head").get(
        url("group_add_member", group_id=world.college.group.pk) + "?q=тезкин"
    )
    assert "Тёзкин Иван, д. р. 02.01.2010, личное дело 77/26" in page.content.decode()


def test_group_list_filters(world: World) -> None:
    make_group(world, "ТМ-11", course=1)
    client = world.client_for("head")

    def names(query: str) -> list[str]:
        return [group.name for group in client.get(url("group_list") + query).context["page"]]

    assert names("?q=ис-2") == ["ИС-21", "ИС-22"]  # typed in lower case
    assert names("?course=1") == ["ТМ-11"]
    assert names("?course=2") == ["ИС-21", "ИС-22"]  # intake 2025: the 2nd course in 2026/2027
    assert names(f"?program={world.college.program.pk}&q=ТМ") == ["ТМ-11"]
    Group.objects.filter(name="ТМ-11").update(is_active=False)
    assert names("?course=1") == []
    assert names("?course=1&archived=on") == ["ТМ-11"]


def test_roster_history_shows_leavers_greyed(world: World) -> None:
    group = world.college.group
    make_student(world, "Ушедший", group=group, date_to=dt.date(2026, 10, 31))
    page = world.client_for("head").get(url("group_roster", group_id=group.pk))
    html = page.content.decode()
    assert [m.student.person.last_name for m in page.context["memberships"]] == [
        "Студентов", "Ушедший"
    ]
    assert html.count('class="inactive"') == 1
    assert "31.10.2026" in html


def test_the_group_page_gives_the_course_of_the_year_it_is_about(world: World) -> None:
    client = world.client_for("head")
    page = url("group_detail", group_id=world.college.group.pk)
    assert "2 (в 2026/2027 учебном году)" in client.get(page).content.decode()
    # A roll of next October: no year is set up yet, the one starting on 1 September counts.
    assert "3 (в 2027/2028 учебном году)" in client.get(page + "?on=2027-10-01").content.decode()
    assert "1 (в 2025/2026 учебном году)" in client.get(page + "?on=2025-10-01").content.decode()
