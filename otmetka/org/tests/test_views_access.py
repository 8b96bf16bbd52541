"""Who gets in: the owner 200, a user of the stranger college 404, a reader 403; and the query
budget of every list and detail page, constant in the number of rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from otmetka.org.models import AcademicYear, BellSchedule, Department, Pair, Period, Room
from otmetka.org.tests.factories import make_bells, make_rooms
from otmetka.test import BASE_QUERIES, World


def url(name: str, **kwargs: int) -> str:
    return reverse(f"org:{name}", kwargs=kwargs)


def stranger(world: World, key: str) -> Client:
    return world.client_for(world.stranger.users[key])


def bells_of(world: World) -> BellSchedule:
    return BellSchedule.objects.filter(organization=world.org).first() or make_bells(world.org)


def room_of(world: World) -> Room:
    return Room.objects.get(organization=world.org, number="214")


# --- Owner 200, stranger 404, reader 403 ---------------------------------------------------------

ObjectUrl = Callable[[World], str]

OBJECT_PAGES: list[tuple[str, ObjectUrl, str, str]] = [
    # name, url of an object of the college, owner, reader (403)
    ("year_detail", lambda w: url("year_detail", year_id=w.college.year.pk), "teacher",
     "student"),
    ("year_edit", lambda w: url("year_edit", year_id=w.college.year.pk), "deputy", "teacher"),
    ("period_create", lambda w: url("period_create", year_id=w.college.year.pk), "admin",
     "director"),
    ("period_edit", lambda w: url("period_edit", period_id=w.college.semester1.pk), "admin",
     "methodist"),
    ("department_edit",
     lambda w: url("department_edit", department_id=w.college.department.pk), "admin", "head"),
    ("room_edit", lambda w: url("room_edit", room_id=room_of(w).pk), "deputy", "dispatcher"),
    ("bells_detail", lambda w: url("bells_detail", bells_id=bells_of(w).pk), "dispatcher",
     "parent"),
    ("bells_edit", lambda w: url("bells_edit", bells_id=bells_of(w).pk), "deputy", "teacher"),
    ("pair_create", lambda w: url("pair_create", bells_id=bells_of(w).pk), "deputy",
     "dispatcher"),
    ("pair_edit", lambda w: url("pair_edit", pair_id=bells_of(w).pairs.get(number=1).pk),
     "deputy", "curator"),
]


@pytest.mark.parametrize(("name", "own", "owner", "reader"), OBJECT_PAGES,
                         ids=[page[0] for page in OBJECT_PAGES])
def test_object_pages_owner_stranger_reader(
    world: World, name: str, own: ObjectUrl, owner: str, reader: str
) -> None:
    target = own(world)
    assert world.client_for(owner).get(target).status_code == 200
    assert stranger(world, owner).get(target).status_code == 404
    assert world.client_for(reader).get(target).status_code == 403


@pytest.mark.parametrize(("name", "owner", "reader"), [
    ("settings", "admin", "teacher"),
    ("year_list", "teacher", "student"),
    ("year_create", "deputy", "director"),
    ("department_list", "hr", "parent"),
    ("department_create", "admin", "head"),
    ("room_list", "dispatcher", "student"),
    ("room_create", "deputy", "dispatcher"),
    ("bells_list", "teacher", "student"),
    ("bells_create", "deputy", "dispatcher"),
])
def test_list_pages_owner_reader(world: World, name: str, owner: str, reader: str) -> None:
    assert world.client_for(owner).get(url(name)).status_code == 200
    assert world.client_for(reader).get(url(name)).status_code == 403


POST_ONLY: list[tuple[str, str, Callable[[World], Any]]] = [
    ("period_delete", "period_id", lambda w: w.college.semester2),
    ("department_delete", "department_id",
     lambda w: Department.objects.create(organization=w.org, name="Заочное отделение")),
    ("room_delete", "room_id", room_of),
    ("bells_delete", "bells_id",
     lambda w: make_bells(w.org, "Суббота", is_default=False, pairs=())),
    ("pair_delete", "pair_id", lambda w: bells_of(w).pairs.order_by("number").last()),
]


@pytest.mark.parametrize(("name", "key", "make"), POST_ONLY, ids=[page[0] for page in POST_ONLY])
def test_post_only_pages_owner_stranger_reader(
    world: World, name: str, key: str, make: Callable[[World], Any]
) -> None:
    target = make(world)
    model = type(target)
    address = url(name, **{key: target.pk})
    assert world.client_for("deputy").get(address).status_code == 405
    assert stranger(world, "deputy").post(address).status_code == 404
    assert world.client_for("teacher").post(address).status_code == 403
    assert model.objects.filter(pk=target.pk).exists()
    response = world.client_for("deputy").post(address)
    assert response.status_code == 302
    assert not model.objects.filter(pk=target.pk).exists()


def test_anonymous_goes_to_login(world: World) -> None:
    response = Client().get(url("year_detail", year_id=world.college.year.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_stranger_lists_show_only_their_college(world: World) -> None:
    make_rooms(world.org, 3)
    rooms = stranger(world, "deputy").get(url("room_list")).context["page"]
    assert [room.organization_id for room in rooms] == [world.stranger.organization.pk]
    years = stranger(world, "deputy").get(url("year_list")).context["page"]
    assert [year.organization_id for year in years] == [world.stranger.organization.pk]
    departments = stranger(world, "admin").get(url("department_list")).context["page"]
    assert [d.organization_id for d in departments] == [world.stranger.organization.pk]
    make_bells(world.org)
    assert list(stranger(world, "admin").get(url("bells_list")).context["page"]) == []


def test_readers_see_no_edit_controls(world: World) -> None:
    make_bells(world.org)
    teacher = world.client_for("teacher")
    for page in ("year_list", "department_list", "room_list", "bells_list"):
        html = teacher.get(url(page)).content.decode()
        assert url("settings") + '"' not in html
        assert "/edit/" not in html and "/new/" not in html and "/delete/" not in html
    html = teacher.get(url("year_detail", year_id=world.college.year.pk)).content.decode()
    assert "1 семестр" in html and "/edit/" not in html


# --- Query budgets -------------------------------------------------------------------------------


def add_years(world: World, count: int) -> None:
    for n in range(count):
        start = 2010 + n
        year = AcademicYear.objects.create(organization=world.org, name=f"{start}/{start + 1}",
                                           date_from=dt.date(start, 9, 1),
                                           date_to=dt.date(start + 1, 8, 31))
        Period.objects.create(academic_year=year, kind="semester", number=1, name="1 семестр",
                              date_from=dt.date(start, 9, 1), date_to=dt.date(start, 12, 28))


def add_departments(world: World, count: int) -> None:
    for n in range(count):
        Department.objects.create(organization=world.org, name=f"Отделение {n}")


def add_bells(world: World, count: int) -> None:
    for n in range(count):
        make_bells(world.org, f"Вариант {n}", is_default=n == 0)


def add_pairs(world: World, count: int) -> BellSchedule:
    bells = bells_of(world)
    for number in range(4, 4 + count):
        Pair.objects.create(bell_schedule=bells, number=number,
                            starts_at=dt.time(10 + number), ends_at=dt.time(10 + number, 45))
    return bells


@pytest.mark.parametrize("rows", [0, 5])
def test_year_list_query_budget(world: World, rows: int, django_assert_num_queries: Any) -> None:
    add_years(world, rows)
    client = world.client_for("deputy")
    client.get(url("year_list"))
    # base + count, the page of years, their periods.
    with django_assert_num_queries(BASE_QUERIES + 3):
        response = client.get(url("year_list"))
    assert response.context["page"].paginator.count == 1 + rows


@pytest.mark.parametrize("rows", [0, 5])
def test_year_detail_query_budget(world: World, rows: int, django_assert_num_queries: Any) -> None:
    for n in range(rows):
        Period.objects.create(academic_year=world.college.year, kind="holidays", number=2 + n,
                              name=f"Каникулы {n}", date_from=dt.date(2027, 7, 1 + n),
                              date_to=dt.date(2027, 7, 1 + n))
    client = world.client_for("deputy")
    client.get(url("year_list"))
    # base + the year, its periods.
    with django_assert_num_queries(BASE_QUERIES + 2):
        response = client.get(url("year_detail", year_id=world.college.year.pk))
    assert len(response.context["periods"]) == 3 + rows


@pytest.mark.parametrize("rows", [0, 5])
def test_department_list_query_budget(
    world: World, rows: int, django_assert_num_queries: Any
) -> None:
    add_departments(world, rows)
    client = world.client_for("admin")
    client.get(url("department_list"))
    # base + count, the page of departments with their counts of groups, programs, staff.
    with django_assert_num_queries(BASE_QUERIES + 2):
        response = client.get(url("department_list"))
    page = response.context["page"]
    assert page.paginator.count == 1 + rows
    main = next(d for d in page if d.pk == world.college.department.pk)
    assert (main.group_count, main.program_count, main.employee_count) == (2, 1, 11)


@pytest.mark.parametrize("rows", [0, 30])
def test_room_list_query_budget(world: World, rows: int, django_assert_num_queries: Any) -> None:
    make_rooms(world.org, rows)
    client = world.client_for("dispatcher")
    client.get(url("room_list"))
    # base + count, the page of rooms.
    with django_assert_num_queries(BASE_QUERIES + 2):
        response = client.get(url("room_list"))
    assert response.context["page"].paginator.count == 1 + rows


@pytest.mark.parametrize("rows", [1, 6])
def test_bells_list_query_budget(world: World, rows: int, django_assert_num_queries: Any) -> None:
    add_bells(world, rows)
    client = world.client_for("teacher")
    client.get(url("bells_list"))
    # base + count, the page of schedules with their pair counts and first and last bells.
    with django_assert_num_queries(BASE_QUERIES + 2):
        response = client.get(url("bells_list"))
    assert response.context["page"].paginator.count == rows


@pytest.mark.parametrize("rows", [0, 5])
def test_bells_detail_query_budget(
    world: World, rows: int, django_assert_num_queries: Any
) -> None:
    bells = add_pairs(world, rows)
    client = world.client_for("deputy")
    client.get(url("bells_list"))
    # base + the schedule, its pairs.
    with django_assert_num_queries(BASE_QUERIES + 2):
        response = client.get(url("bells_detail", bells_id=bells.pk))
    assert len(response.context["pairs"]) == 3 + rows
