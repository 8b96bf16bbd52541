"""Pages of teacher workload: the deputy's list, summary and forms; the teacher's own lines."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from otmetka.academics.models import Subgroup, Workload
from otmetka.academics.services.curricula import curriculum_copy
from otmetka.academics.tests.test_curricula_support import (
    Kind,
    events_of,
    make_group,
    make_hours,
    make_item,
    make_teacher,
    make_workload,
)
from otmetka.org.models import AcademicYear
from otmetka.test import BASE_QUERIES, World


def _edit_url(line: Workload | None) -> str:
    assert line is not None
    return reverse("academics:workload_edit", kwargs={"workload_id": line.pk})


def _delete_url(line: Workload | None) -> str:
    assert line is not None
    return reverse("academics:workload_delete", kwargs={"workload_id": line.pk})


LIST_PAGES = ["academics:workload_list", "academics:workload_teachers"]


@pytest.mark.parametrize("name", LIST_PAGES)
@pytest.mark.parametrize("who", ["deputy", "director", "dispatcher", "admin"])
def test_who_sees_all_workload(world: World, name: str, who: str) -> None:
    assert world.client_for(who).get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", LIST_PAGES)
@pytest.mark.parametrize("who", ["teacher", "methodist", "student"])
def test_readers_without_view_all_get_403(world: World, name: str, who: str) -> None:
    assert world.client_for(who).get(reverse(name)).status_code == 403


def test_deputy_opens_the_forms(world: World) -> None:
    client = world.client_for("deputy")
    assert client.get(reverse("academics:workload_create")).status_code == 200
    assert client.get(_edit_url(world.college.workload)).status_code == 200


@pytest.mark.parametrize("who", ["director", "teacher", "dispatcher"])
def test_others_may_not_edit_workload(world: World, who: str) -> None:
    client = world.client_for(who)
    assert client.get(reverse("academics:workload_create")).status_code == 403
    # The teacher's own line too: editing needs `workload.edit`.
    assert client.get(_edit_url(world.college.workload)).status_code == 403
    assert client.post(_delete_url(world.college.workload)).status_code == 403
    assert Workload.objects.filter(pk=world.college.workload.pk).exists()


def test_stranger_deputy_gets_404_on_our_lines(world: World) -> None:
    client = world.client_for(world.stranger.users["deputy"])
    assert client.get(_edit_url(world.college.workload)).status_code == 404
    assert client.post(_delete_url(world.college.workload)).status_code == 404
    assert Workload.objects.filter(pk=world.college.workload.pk).exists()


def test_list_shows_planned_classroom_hours_next_to_the_line(world: World) -> None:
    response = world.client_for("deputy").get(reverse("academics:workload_list"))
    lines = {line.item.index: line for line in response.context["page"]}
    # Course 2 → semesters 3 and 4; МДК.01.01 has 80 classroom hours in semester 3.
    assert (lines["МДК.01.01"].planned_first, lines["МДК.01.01"].planned_second) == (80, None)
    assert (lines["ОП.01"].planned_first, lines["ОП.01"].hours_first) == (56, 56)
    assert "80 <span class=\"muted\">(80)</span>" in response.content.decode()


def test_list_filters_by_surname_group_and_year(world: World) -> None:
    client = world.client_for("deputy")
    url = reverse("academics:workload_list")
    teachers = [line.teacher.person.last_name
                for line in client.get(url, {"q": "друг"}).context["page"]]
    assert teachers == ["Другова"]
    groups = [line.group.name
              for line in client.get(url, {"group": world.college.group.pk}).context["page"]]
    assert groups == ["ИС-21"]
    next_year = AcademicYear.objects.create(organization=world.org, name="2027/2028",
                                            date_from=dt.date(2027, 9, 1),
                                            date_to=dt.date(2028, 8, 31))
    assert list(client.get(url, {"year": next_year.pk}).context["page"]) == []
    # By default the year containing today.
    assert len(client.get(url).context["page"].object_list) == 2


def test_year_of_another_college_in_the_filter_shows_nothing(world: World) -> None:
    response = world.client_for("deputy").get(reverse("academics:workload_list"),
                                              {"year": world.stranger.year.pk})
    assert response.status_code == 200
    assert "year" in response.context["form"].errors
    assert list(response.context["page"]) == []


def test_teachers_summary_has_totals_per_teacher(world: World) -> None:
    college = world.college
    make_workload(college, college.employees["teacher"], college.group, college.discipline,
                  hours_first=20, hours_second=30)
    response = world.client_for("deputy").get(reverse("academics:workload_teachers"))
    rows = {row["last_name"]: row for row in response.context["page"]}
    assert rows["Учителев"]["lines"] == 2
    assert (rows["Учителев"]["hours_first_sum"], rows["Учителев"]["hours_second_sum"]) == (100, 30)
    assert rows["Учителев"]["hours_sum"] == 130
    assert rows["Другова"]["hours_sum"] == 56
    assert response.context["totals"] == {"lines": 3, "teachers": 2, "hours_first": 156,
                                          "hours_second": 30, "hours_total": 186}
    assert [row["last_name"] for row in response.context["page"]] == ["Другова", "Учителев"]
    assert "Итого (преподавателей: 2)" in response.content.decode()


def _form(world: World, **changes: Any) -> dict[str, Any]:
    college = world.college
    data = {"academic_year": college.year.pk, "teacher": college.employees["curator"].pk,
            "group": college.group.pk, "item": college.discipline.pk, "subgroup": "",
            "hours_first": 56, "hours_second": 16}
    data.update(changes)
    return data


def test_deputy_adds_a_line_and_sees_it(world: World) -> None:
    response = world.client_for("deputy").post(reverse("academics:workload_create"),
                                               _form(world), follow=True)
    page = response.content.decode()
    assert "Строка нагрузки добавлена." in page
    assert "Кураторова Елена Викторовна" in page
    line = Workload.objects.get(teacher=world.college.employees["curator"])
    assert (line.hours_first, line.hours_second) == (56, 16)
    assert events_of(line)[0].changes["hours_second"] == [None, 16]


def test_teacher_of_another_college_is_not_a_choice(world: World) -> None:
    before = Workload.objects.count()
    response = world.client_for("deputy").post(
        reverse("academics:workload_create"),
        _form(world, teacher=world.stranger.employees["teacher"].pk),
    )
    assert response.status_code == 200
    assert "teacher" in response.context["form"].errors
    assert Workload.objects.count() == before


def test_item_of_another_curriculum_is_shown_next_to_the_item(world: World) -> None:
    college = world.college
    other = curriculum_copy(actor=world.actor("methodist"), curriculum=college.curriculum,
                            intake_year=2026, name="набор 2026")
    foreign = other.items.get(index="ОП.01")
    response = world.client_for("deputy").post(reverse("academics:workload_create"),
                                               _form(world, item=foreign.pk))
    [message] = response.context["form"].errors["item"]
    assert "не входит в учебный план группы ИС-21" in message
    assert not Workload.objects.filter(item=foreign).exists()


def test_duplicate_line_is_shown_on_the_form(world: World) -> None:
    college = world.college
    before = Workload.objects.count()
    response = world.client_for("deputy").post(
        reverse("academics:workload_create"),
        _form(world, teacher=college.employees["teacher"].pk, item=college.mdk.pk),
    )
    assert "уже есть нагрузка" in response.context["form"].errors["item"][0]
    assert Workload.objects.count() == before


def test_create_for_a_group_narrows_items_and_shows_its_plan(world: World) -> None:
    college = world.college
    response = world.client_for("deputy").get(reverse("academics:workload_create"),
                                              {"group": college.group.pk})
    form = response.context["form"]
    assert {item.index for item in form.fields["item"].queryset} == {"ОП.01", "МДК.01.01"}
    plan = {line.item.index: line for line in response.context["plan"]}
    assert (plan["ОП.01"].planned_first, plan["ОП.01"].hours_first) == (56, 0)
    assert (plan["МДК.01.01"].planned_first, plan["МДК.01.01"].hours_first) == (80, 80)
    assert plan["МДК.01.01"].teachers == ["Учителев П. А."]
    assert "не распределено" in response.content.decode()


def test_create_for_a_group_of_another_college_is_404(world: World) -> None:
    response = world.client_for("deputy").get(reverse("academics:workload_create"),
                                              {"group": world.stranger.group.pk})
    assert response.status_code == 404


def test_deputy_edits_a_line(world: World) -> None:
    college = world.college
    response = world.client_for("deputy").post(
        _edit_url(college.workload),
        _form(world, teacher=college.employees["teacher"].pk, item=college.mdk.pk,
              subgroup=college.subgroup.pk, hours_first=40, hours_second=0),
    )
    assert response.status_code == 302
    line = Workload.objects.get(pk=college.workload.pk)
    assert (line.subgroup_id, line.hours_first) == (college.subgroup.pk, 40)
    assert events_of(line)[-1].changes["hours_first"] == [80, 40]


def test_deputy_deletes_a_line(world: World) -> None:
    line = world.college.workload
    assert line is not None
    response = world.client_for("deputy").post(_delete_url(line), follow=True)
    assert "Строка нагрузки удалена." in response.content.decode()
    assert not Workload.objects.filter(pk=line.pk).exists()


# --- The teacher's own workload ------------------------------------------------------------------


def test_teacher_sees_only_own_lines(world: World) -> None:
    response = world.client_for("teacher").get(reverse("academics:my_workload"))
    assert response.status_code == 200
    lines = list(response.context["page"])
    assert [(line.group.name, line.item.index) for line in lines] == [("ИС-21", "МДК.01.01")]
    assert response.context["totals"]["hours_total"] == 80
    page = response.content.decode()
    assert "Разработка программных модулей" in page
    assert "Операционные системы" not in page


def test_teacher_of_the_stranger_college_sees_theirs(world: World) -> None:
    response = world.client_for(world.stranger.users["other_teacher"]).get(
        reverse("academics:my_workload"))
    [line] = response.context["page"]
    assert line.group.name == "ДИС-22"


def test_curator_acting_as_teacher_without_lines(world: World) -> None:
    response = world.client_for("curator", role="teacher").get(reverse("academics:my_workload"))
    assert response.status_code == 200
    assert list(response.context["page"]) == []
    assert "Нагрузка на этот учебный год не распределена." in response.content.decode()


@pytest.mark.parametrize("who", ["deputy", "director", "student"])
def test_my_workload_needs_view_own(world: World, who: str) -> None:
    assert world.client_for(who).get(reverse("academics:my_workload")).status_code == 403


# --- Query budgets -------------------------------------------------------------------------------


def _more_lines(world: World, count: int) -> None:
    """`count` more lines: new teachers, groups, subgroups and items with planned hours."""
    college = world.college
    for number in range(count):
        teacher = make_teacher(college, f"Преподавателева{number}")
        group = make_group(college, f"ИС-3{number}")
        subgroup = Subgroup.objects.create(group=group, name="1 подгруппа")
        item = make_item(college.curriculum, Kind.DISCIPLINE, f"ОП.2{number}")
        make_hours(item, 3)
        line = make_workload(college, teacher, group, item, hours_first=30, hours_second=6)
        line.subgroup = subgroup
        line.save()
        make_workload(college, college.employees["teacher"], group, item, hours_first=5)


@pytest.mark.parametrize("extra", [0, 6])
def test_workload_list_query_budget(world: World, django_assert_num_queries: Any,
                                    extra: int) -> None:
    _more_lines(world, extra)
    client = world.client_for("deputy")
    url = reverse("academics:workload_list")
    params = {"q": "у", "group": ""}
    client.get(url, params)
    # BASE_QUERIES; the year containing today; the filter form's year check; the page count;
    # the page of lines with teacher, group, item, subgroup and both planned hours (subqueries);
    # the filter's groups; the filter's years (the select probes its first option, then lists).
    with django_assert_num_queries(BASE_QUERIES + 7):
        response = client.get(url, params)
    assert len(response.context["page"].object_list) == 1 + extra


@pytest.mark.parametrize("extra", [0, 6])
def test_workload_teachers_query_budget(world: World, django_assert_num_queries: Any,
                                        extra: int) -> None:
    _more_lines(world, extra)
    client = world.client_for("deputy")
    url = reverse("academics:workload_teachers")
    client.get(url)
    # BASE_QUERIES; the year containing today; the year check; the page count; the totals;
    # the page of per-teacher sums; the filter's groups; the filter's years (two, as above).
    with django_assert_num_queries(BASE_QUERIES + 8):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 2 + extra


@pytest.mark.parametrize("extra", [0, 6])
def test_my_workload_query_budget(world: World, django_assert_num_queries: Any,
                                  extra: int) -> None:
    _more_lines(world, extra)
    client = world.client_for("teacher")
    url = reverse("academics:my_workload")
    client.get(url)
    # BASE_QUERIES; the year containing today; the page count; the year's totals; the page of
    # lines with group, item, subgroup and planned hours.
    with django_assert_num_queries(BASE_QUERIES + 4):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 1 + extra
