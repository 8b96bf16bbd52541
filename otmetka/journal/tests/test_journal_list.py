"""«Журналы» for those who read every journal: filters in the address, search, pages, a budget;
the teacher's own list; the links to the semester sheet and to printing."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from django.urls import reverse

from otmetka.academics.models import CurriculumItem, Group, Workload
from otmetka.accounts.models import RoleAssignment
from otmetka.journal.models import Substitution
from otmetka.journal.tests.factories_grid import make_lesson
from otmetka.org.models import AcademicYear, Department
from otmetka.people.models import Employee
from otmetka.test import BASE_QUERIES, TODAY, World, make_person

LIST = reverse("journal:journal_list")


def rows(response: Any) -> list[str]:
    """The page's journals as «group item teacher-surname»."""
    return [
        f"{w.group.name} {w.item.index} {w.teacher.person.last_name}"
        for w in response.context["page"]
    ]


def more_journals(
    world: World, count: int, *, year: AcademicYear | None = None, prefix: str = "ТМ"
) -> None:
    """`count` more journals, each with its own group, discipline and teacher."""
    college = world.college
    for index in range(count):
        group = Group.objects.create(
            organization=world.org, name=f"{prefix}-{index + 10}", program=college.program,
            curriculum=college.curriculum, department=college.department, intake_year=2026,
        )
        item = CurriculumItem.objects.create(
            curriculum=college.curriculum, kind=CurriculumItem.Kind.DISCIPLINE,
            index=f"{prefix}.{index + 10}", name=f"Дисциплина {prefix} {index + 10}",
            position=10 + index,
        )
        teacher = Employee.objects.create(
            person=make_person(world.org, f"Преподавателев{index}", "Илья", "Ильич"),
            department=college.department,
        )
        Workload.objects.create(
            academic_year=year or college.year, teacher=teacher, group=group, item=item,
            hours_first=36,
        )


@pytest.fixture
def last_year(world: World) -> AcademicYear:
    year = AcademicYear.objects.create(
        organization=world.org, name="2025/2026",
        date_from=dt.date(2025, 9, 1), date_to=dt.date(2026, 8, 31),
    )
    Workload.objects.create(
        academic_year=year, teacher=world.college.employees["teacher"],
        group=world.college.group, item=world.college.discipline, hours_first=40,
    )
    return year


# --- Who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["deputy", "director", "admin", "head"])
def test_managers_get_every_journal_of_the_current_year_titled_journals(
    world: World, last_year: AcademicYear, key: str
) -> None:
    response = world.client_for(key).get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Журналы</h1>" in html and "Мои журналы" not in html
    assert rows(response) == ["ИС-21 МДК.01.01 Учителев", "ИС-22 ОП.01 Другова"]
    assert response.context["form"]["year"].value() == str(world.college.year.pk)
    # Another year, by the address.
    older = world.client_for(key).get(LIST, {"year": last_year.pk})
    assert rows(older) == ["ИС-21 ОП.01 Учителев"]


def test_the_list_is_a_readers_page_and_shows_nothing_of_another_college(world: World) -> None:
    assert world.client_for("deputy").get(LIST).status_code == 200
    for key in ("student", "parent", "hr", "dispatcher"):
        assert world.client_for(key).get(LIST).status_code == 403, key
    stranger = world.client_for(world.stranger.users["deputy"]).get(LIST)
    assert rows(stranger) == ["ДИС-21 МДК.01.01 Учителев", "ДИС-22 ОП.01 Другова"]
    # Choices of another college's groups do not select anything here.
    wrong = world.client_for("deputy").get(LIST, {"group": world.stranger.group.pk})
    assert rows(wrong) == []
    assert "group" in wrong.context["form"].errors


def test_a_head_with_a_department_sees_its_journals_only(world: World) -> None:
    elsewhere = Department.objects.create(organization=world.org, name="Заочное отделение")
    Group.objects.filter(pk=world.college.other_group.pk).update(department=elsewhere)
    RoleAssignment.objects.filter(user=world.user("head")).update(
        department=world.college.department
    )
    assert rows(world.client_for("head").get(LIST)) == ["ИС-21 МДК.01.01 Учителев"]


def test_teachers_keep_their_own_list(world: World) -> None:
    old = make_lesson(world.college.other_workload, TODAY - dt.timedelta(days=2))
    Substitution.objects.create(
        lesson=old, absent_teacher=world.college.employees["other_teacher"],
        substitute=world.college.employees["teacher"], reason="Болезнь",
    )
    response = world.client_for("teacher").get(LIST)
    html = response.content.decode()
    assert "<h1>Мои журналы</h1>" in html and "form" not in response.context
    assert list(response.context["journals"]) == [world.college.workload]
    assert list(response.context["substituted"]) == [old]
    assert "Замещения" in html


# --- Filters, search, pages ------------------------------------------------------------------


def test_filters_by_semester_department_group_teacher_and_discipline(world: World) -> None:
    college = world.college
    Workload.objects.filter(pk=college.other_workload.pk).update(hours_first=0, hours_second=40)
    elsewhere = Department.objects.create(organization=world.org, name="Заочное отделение")
    Group.objects.filter(pk=college.other_group.pk).update(department=elsewhere)
    client = world.client_for("deputy")

    def filtered(**query: Any) -> list[str]:
        return rows(client.get(LIST, query))

    assert filtered(semester=1) == ["ИС-21 МДК.01.01 Учителев"]
    assert filtered(semester=2) == ["ИС-22 ОП.01 Другова"]
    assert filtered(department=elsewhere.pk) == ["ИС-22 ОП.01 Другова"]
    assert filtered(group=college.group.pk) == ["ИС-21 МДК.01.01 Учителев"]
    assert filtered(teacher=college.employees["other_teacher"].pk) == ["ИС-22 ОП.01 Другова"]
    assert filtered(discipline="Операционные системы") == ["ИС-22 ОП.01 Другова"]
    assert filtered(group=college.group.pk, semester=2) == []
    page = client.get(LIST, {"teacher": college.employees["teacher"].pk}).content.decode()
    assert 'selected>Учителев П. А.</option>' in page


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("ис-22", ["ИС-22 ОП.01 Другова"]),  # a group, typed in lower case
        ("оп.01", ["ИС-22 ОП.01 Другова"]),  # a discipline's index
        ("программных", ["ИС-21 МДК.01.01 Учителев"]),  # a word of the discipline's name
        ("операционные", ["ИС-22 ОП.01 Другова"]),
        ("учител", ["ИС-21 МДК.01.01 Учителев"]),  # a teacher's surname
        ("ничего такого", []),
    ],
)
def test_search(world: World, text: str, found: list[str]) -> None:
    assert rows(world.client_for("deputy").get(LIST, {"q": text})) == found


def test_pages_keep_the_filter_in_the_address(world: World, settings: Any) -> None:
    settings.OTMETKA_PAGE_SIZE = 2
    more_journals(world, 3)
    client = world.client_for("deputy")
    query = {"q": "тм", "semester": "1"}
    first = client.get(LIST, query)
    assert rows(first) == ["ТМ-10 ТМ.10 Преподавателев0", "ТМ-11 ТМ.11 Преподавателев1"]
    html = first.content.decode()
    assert "страница 1 из 2" in html
    link = next(part for part in html.split('"') if "page=2" in part).replace("&amp;", "&")
    assert parse_qs(link.lstrip("?")) == {"q": ["тм"], "semester": ["1"], "page": ["2"]}
    second = client.get(f"{LIST}{link}")
    assert rows(second) == ["ТМ-12 ТМ.12 Преподавателев2"]
    # The address alone is enough: a shared link shows the same page to a colleague.
    shared = world.client_for("director").get(f"{LIST}?{urlencode(query)}&page=2")
    assert rows(shared) == rows(second)


@pytest.mark.parametrize("wrong", ["abc", "99999999999999999999999", "-1"])
def test_a_wrong_address_says_so_and_lists_nothing(world: World, wrong: str) -> None:
    response = world.client_for("deputy").get(LIST, {"teacher": wrong, "year": wrong})
    assert response.status_code == 200
    assert rows(response) == []
    assert set(response.context["form"].errors) == {"teacher", "year"}


@pytest.mark.parametrize("extra", [0, 60])
def test_the_list_query_budget(
    world: World, last_year: AcademicYear, extra: int, django_assert_num_queries: Any
) -> None:
    more_journals(world, extra)
    more_journals(world, extra // 3, year=last_year, prefix="СП")
    client = world.client_for("deputy")
    client.get(LIST)
    # BASE_QUERIES, then the choices of the filter: academic years, departments, groups,
    # teachers, disciplines; the count of the journals found and the page of them (with
    # group, discipline, subgroup and teacher).
    with django_assert_num_queries(BASE_QUERIES + 7):
        response = client.get(LIST)
    assert response.context["page"].paginator.count == 2 + extra
    # The same with every filter given (a page with something on it: an empty one skips
    # the page's query).
    everything: dict[str, str | int] = {
        "year": last_year.pk, "semester": 1, "department": world.college.department.pk,
        "group": world.college.group.pk, "teacher": world.college.employees["teacher"].pk,
        "discipline": "Операционные системы", "q": "учител",
    }
    with django_assert_num_queries(BASE_QUERIES + 7):
        response = client.get(LIST, everything)
    assert rows(response) == ["ИС-21 ОП.01 Учителев"]


# --- Links to the semester sheet and to printing ---------------------------------------------


def test_the_grid_links_the_sheet_and_the_prints_to_those_who_may_open_them(
    world: World,
) -> None:
    workload = world.college.workload
    grid = reverse("journal:grid", kwargs={"workload_id": workload.pk})
    sheet = reverse("journal:attestation", kwargs={"workload_id": workload.pk})
    prints = reverse("journal:print_list", kwargs={"workload_id": workload.pk})
    for key, role in (("teacher", None), ("deputy", None), ("curator", "curator")):
        client = world.client_for(key, role=role)
        page = client.get(grid).content.decode()
        assert f'href="{sheet}?period={world.college.semester1.pk}"' in page, key
        assert f'href="{prints}"' in page, key
        assert client.get(sheet).status_code == 200, key
        assert client.get(prints).status_code == 200, key
    # A substitute sees only their lessons, and neither link (both pages are closed to them).
    taken = make_lesson(workload, TODAY, pair=2)
    Substitution.objects.create(
        lesson=taken, absent_teacher=world.college.employees["teacher"],
        substitute=world.college.employees["other_teacher"], reason="Болезнь",
    )
    substitute = world.client_for("other_teacher")
    page = substitute.get(grid).content.decode()
    assert "только ваши занятия" in page
    assert sheet not in page and prints not in page
    assert substitute.get(sheet).status_code == 404
    assert substitute.get(prints).status_code == 404


def test_the_lists_link_the_sheet_and_the_prints(world: World) -> None:
    sheet = reverse("journal:attestation", kwargs={"workload_id": world.college.workload.pk})
    prints = reverse("journal:print_list", kwargs={"workload_id": world.college.workload.pk})
    for key in ("teacher", "deputy"):
        page = world.client_for(key).get(LIST).content.decode()
        assert f'href="{sheet}"' in page and f'href="{prints}"' in page, key
