"""HR's pages: staff list, staff card, create/edit/dismiss, positions."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from otmetka.audit.models import AuditEvent
from otmetka.org.models import Department
from otmetka.people.models import Employee, Person, Position
from otmetka.people.tests.factories import make_employee
from otmetka.test import TODAY, World

pytestmark = pytest.mark.django_db

STAFF_LIST = reverse("people:staff_list")


def staff_url(name: str, employee: Employee) -> str:
    return reverse(f"people:{name}", kwargs={"employee_id": employee.pk})


def names_on(response: Any) -> list[str]:
    """ФИО in the staff table, in the order shown."""
    return re.findall(r'<a href="/people/staff/\d+/">([^<]+)</a>', response.content.decode())


def stranger_client(world: World, key: str) -> Client:
    return world.client_for(world.stranger.users[key])


# --- Who may open what: owner 200, stranger 404, reader 403 ---------------------------------------


@pytest.mark.parametrize("name", ["staff_detail", "staff_edit"])
def test_staff_card_pages_owner_stranger_reader(world: World, name: str) -> None:
    url = staff_url(name, world.college.employees["teacher"])
    assert world.client_for("hr").get(url).status_code == 200
    assert stranger_client(world, "hr").get(url).status_code == 404
    assert world.client_for("teacher").get(url).status_code == 403


@pytest.mark.parametrize("url", [STAFF_LIST, reverse("people:staff_create"),
                                 reverse("people:position_list")])
def test_staff_pages_owner_and_reader(world: World, url: str) -> None:
    assert world.client_for("hr").get(url).status_code == 200
    assert world.client_for("teacher").get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_viewers_without_staff_edit_see_but_do_not_edit(world: World) -> None:
    director = world.client_for("director")
    teacher = world.college.employees["teacher"]
    page = director.get(staff_url("staff_detail", teacher))
    assert page.status_code == 200
    assert staff_url("staff_edit", teacher) not in page.content.decode()
    assert director.get(staff_url("staff_edit", teacher)).status_code == 403
    assert director.get(reverse("people:staff_create")).status_code == 403
    assert director.post(staff_url("staff_dismiss", teacher),
                         {"dismissal_date": "2026-11-16"}).status_code == 403


def test_stranger_list_shows_only_their_own_college(world: World) -> None:
    response = stranger_client(world, "hr").get(STAFF_LIST + "?state=all")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == len(world.stranger.employees)
    assert all(employee.person.organization_id == world.stranger.organization.pk
               for employee in response.context["page"])


# --- The list -------------------------------------------------------------------------------------


def test_staff_list_query_count_does_not_grow_with_rows(
    world: World, django_assert_num_queries: Callable[..., Any]
) -> None:
    distance = Department.objects.create(organization=world.org, name="Заочное отделение")
    positions = tuple(Position.objects.filter(organization=world.org)) + (
        Position.objects.create(organization=world.org, name="Мастер п/о", is_teaching=True),
    )
    client = world.client_for("hr")
    url = f"{STAFF_LIST}?department={distance.pk}"

    client.get(url)  # the first request of a session also writes the session

    def page_with(count: int) -> None:
        # session, user, active role, the chosen department (form check), count,
        # departments (the filter's options), the page of employees with person and department,
        # their positions.
        with django_assert_num_queries(8):
            response = client.get(url)
        assert response.status_code == 200
        assert response.context["page"].paginator.count == count

    for index in range(3):
        make_employee(world.org, f"Заочникова{index}", "Анна", department=distance,
                      positions=positions)
    page_with(3)
    for index in range(3, 30):
        make_employee(world.org, f"Заочникова{index}", "Анна", department=distance,
                      positions=positions)
    page_with(30)


def test_staff_list_columns(world: World) -> None:
    admin_card = world.college.employees["admin"]
    Position.objects.get(organization=world.org).employee_set.add(admin_card)
    make_employee(world.org, "Безучётная", "Галина")
    response = world.client_for("hr").get(STAFF_LIST + "?q=Админова")
    html = response.content.decode()
    assert "Админова Анна Сергеевна" in html
    assert "Преподаватель" in html
    assert "Очное отделение" in html
    assert "25.08.2020" in html
    assert '<span class="badge good">есть</span>' in html
    response = world.client_for("hr").get(STAFF_LIST + "?q=Безучётная")
    assert '<span class="badge warn">нет</span>' in response.content.decode()


def test_search_by_surname_treats_yo_as_ye(world: World) -> None:
    make_employee(world.org, "Ёжикова", "Алла")
    make_employee(world.org, "Ежов", "Борис")
    client = world.client_for("hr")
    assert names_on(client.get(STAFF_LIST + "?q=ежик")) == ["Ёжикова Алла"]
    assert names_on(client.get(STAFF_LIST + "?q=Ёж")) == ["Ёжикова Алла", "Ежов Борис"]
    assert names_on(client.get(STAFF_LIST + "?q=секретарёва")) == ["Секретарёва Алла Борисовна"]
    assert names_on(client.get(STAFF_LIST + "?q=СЕКРЕТАРЕВА")) == ["Секретарёва Алла Борисовна"]


def test_list_is_sorted_with_yo_next_to_ye(world: World) -> None:
    for last in ("Жукова", "Ёжикова", "Дроздова", "Евсеева"):
        make_employee(world.org, last, "Анна")
    shown = [name.split()[0] for name in names_on(world.client_for("hr").get(STAFF_LIST))]
    assert shown.index("Дроздова") < shown.index("Евсеева") < shown.index("Ёжикова")
    assert shown.index("Ёжикова") < shown.index("Жукова")


def test_working_and_dismissed_filter(world: World) -> None:
    make_employee(world.org, "Ушедшая", "Анна", dismissal_date=dt.date(2026, 6, 30))
    client = world.client_for("hr")
    assert "Ушедшая Анна" not in names_on(client.get(STAFF_LIST))
    assert names_on(client.get(STAFF_LIST + "?state=dismissed")) == ["Ушедшая Анна"]
    everyone = names_on(client.get(STAFF_LIST + "?state=all"))
    assert "Ушедшая Анна" in everyone and "Учителев Пётр Андреевич" in everyone


def test_department_filter(world: World) -> None:
    distance = Department.objects.create(organization=world.org, name="Заочное отделение")
    make_employee(world.org, "Заочникова", "Анна", department=distance)
    response = world.client_for("hr").get(f"{STAFF_LIST}?department={distance.pk}")
    assert names_on(response) == ["Заочникова Анна"]


def test_staff_list_is_paginated(world: World, settings: Any) -> None:
    settings.OTMETKA_PAGE_SIZE = 5
    client = world.client_for("hr")
    first = client.get(STAFF_LIST + "?q=")
    assert len(names_on(first)) == 5
    last = client.get(STAFF_LIST + "?page=3")
    assert len(names_on(last)) == len(world.college.employees) - 10


# --- Create, edit, dismiss ------------------------------------------------------------------------


def staff_form(world: World, **overrides: Any) -> dict[str, Any]:
    position = Position.objects.get(organization=world.org, name="Преподаватель")
    data = {
        "last_name": "Новикова", "first_name": "Ольга", "middle_name": "Петровна",
        "birth_date": "1990-03-04", "sex": "F", "snils": "", "phone": "+7 913 123-45-67",
        "email": "novikova@example.ru", "address": "", "department": world.college.department.pk,
        "positions": [position.pk], "hire_date": "2026-11-13", "hire_order_no": "101-л",
    }
    data.update(overrides)
    return data


def test_hr_adds_an_employee_and_sees_the_card(world: World) -> None:
    response = world.client_for("hr").post(reverse("people:staff_create"), staff_form(world),
                                           follow=True)
    html = response.content.decode()
    assert "Сотрудник внесён в список." in html
    assert "Новикова Ольга Петровна" in html
    assert "13.11.2026" in html and "101-л" in html and "Преподаватель" in html
    employee = Employee.objects.get(person__last_name="Новикова")
    assert employee.person.birth_date == dt.date(1990, 3, 4)
    assert AuditEvent.objects.filter(object_type="people.employee", object_id=str(employee.pk),
                                     action=AuditEvent.Action.CREATE).exists()


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"snils": "112-233-445 96"}, "snils", "Контрольное число СНИЛС не сходится"),
    ({"last_name": ""}, "last_name", "Обязательное поле."),
    ({"birth_date": "31.02.1990"}, "birth_date", "Введите правильную дату."),
    ({"email": "no"}, "email", "Введите правильный адрес электронной почты."),
])
def test_bad_staff_form_shows_the_error_next_to_the_field(
    world: World, overrides: dict[str, Any], field: str, message: str
) -> None:
    persons = Person.objects.count()
    response = world.client_for("hr").post(reverse("people:staff_create"),
                                           staff_form(world, **overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(rf'<p class="error" id="id_{field}_error">[^<]*{re.escape(message)}', html)
    assert Person.objects.count() == persons


def test_department_of_another_college_cannot_be_chosen(world: World) -> None:
    persons = Person.objects.count()
    response = world.client_for("hr").post(
        reverse("people:staff_create"), staff_form(world, department=world.stranger.department.pk)
    )
    assert response.status_code == 200
    assert 'id="id_department_error"' in response.content.decode()
    assert Person.objects.count() == persons


def test_duplicate_employee_is_shown_next_to_the_name(world: World) -> None:
    client = world.client_for("hr")
    client.post(reverse("people:staff_create"), staff_form(world))
    response = client.post(reverse("people:staff_create"), staff_form(world))
    assert re.search(r'id="id_last_name_error">Такой человек уже есть: Новикова Ольга Петровна',
                     response.content.decode())
    assert Employee.objects.filter(person__last_name="Новикова").count() == 1


def test_hr_edits_a_staff_card(world: World) -> None:
    teacher = world.college.employees["teacher"]
    client = world.client_for("hr")
    form = client.get(staff_url("staff_edit", teacher))
    assert 'value="Учителев"' in form.content.decode()
    response = client.post(staff_url("staff_edit", teacher), staff_form(
        world, last_name="Учителев", first_name="Пётр", middle_name="Андреевич", email="",
        birth_date="", hire_date="2020-08-25", hire_order_no="7-л",
    ), follow=True)
    assert "Карточка сотрудника сохранена." in response.content.decode()
    teacher.refresh_from_db()
    assert teacher.hire_order_no == "7-л"
    event = AuditEvent.objects.get(object_type="people.employee", object_id=str(teacher.pk))
    assert event.changes["hire_order_no"] == ["", "7-л"]
    assert event.changes["positions"] == [[], ["Преподаватель"]]


def test_hr_dismisses_an_employee(world: World) -> None:
    teacher = world.college.employees["teacher"]
    client = world.client_for("hr")
    url = staff_url("staff_dismiss", teacher)
    assert client.get(url).status_code == 405
    response = client.post(url, {"dismissal_date": "2019-01-01"}, follow=True)
    assert "раньше даты приёма (25.08.2020)" in response.content.decode()
    teacher.refresh_from_db()
    assert teacher.dismissal_date is None
    response = client.post(url, {"dismissal_date": TODAY.isoformat()}, follow=True)
    assert "уволен 16.11.2026" in response.content.decode()
    teacher.refresh_from_db()
    assert teacher.dismissal_date == TODAY


def test_dismiss_is_404_for_a_stranger_and_403_for_a_reader(world: World) -> None:
    url = staff_url("staff_dismiss", world.college.employees["teacher"])
    data = {"dismissal_date": "2026-11-16"}
    assert stranger_client(world, "hr").post(url, data).status_code == 404
    assert world.client_for("teacher").post(url, data).status_code == 403
    assert not Employee.objects.filter(dismissal_date__isnull=False).exists()


def test_create_account_link_for_those_who_manage_staff_accounts(world: World) -> None:
    newcomer = make_employee(world.org, "Новенькая", "Ирина")
    link = f'{reverse("accounts:user_create")}?person={newcomer.person_id}'
    card = staff_url("staff_detail", newcomer)
    assert link in world.client_for("admin").get(card).content.decode()
    assert link not in world.client_for("hr").get(card).content.decode()
    teacher = world.college.employees["teacher"]
    html = world.client_for("admin").get(staff_url("staff_detail", teacher)).content.decode()
    assert "Создать учётную запись" not in html


# --- Positions ------------------------------------------------------------------------------------


def test_positions_page(world: World) -> None:
    url = reverse("people:position_list")
    response = world.client_for("hr").post(url, {"name": "Лаборант"}, follow=True)
    assert "Должность добавлена." in response.content.decode()
    assert Position.objects.filter(organization=world.org, name="Лаборант").exists()
    response = world.client_for("hr").post(url, {"name": "преподаватель", "is_teaching": "on"})
    assert 'id="id_name_error">Должность «преподаватель» уже есть.' in response.content.decode()
    assert world.client_for("director").get(url).status_code == 200
    assert world.client_for("director").post(url, {"name": "Сторож"}).status_code == 403
    assert not Position.objects.filter(name="Сторож").exists()
