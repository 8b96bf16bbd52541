"""The pages as the deputy and the administrator use them: post the form, follow the redirect,
see the result; a refusal appears next to its field and nothing is saved."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.urls import reverse

from otmetka.audit.models import AuditEvent
from otmetka.org.models import AcademicYear, BellSchedule, Department, Organization, Period, Room
from otmetka.org.tests.factories import make_bells, make_rooms, t
from otmetka.test import World


def url(name: str, **kwargs: int) -> str:
    return reverse(f"org:{name}", kwargs=kwargs)


SETTINGS = {
    "name": "ОГБПОУ «Томский промышленно-гуманитарный техникум»",
    "short_name": "ТПТ",
    "inn": "7017000001",
    "address": "г. Томск",
    "timezone": "Asia/Novosibirsk",
    "edit_lock_days": "21",
    "otp_valid_days": "10",
    "credentials_contact": "Администратор АИС, каб. 214",
    "unexcused_hours_threshold": "20",
}


def test_settings_page_shows_the_form_and_the_sections(world: World) -> None:
    html = world.client_for("admin").get(url("settings")).content.decode()
    for section in ("year_list", "department_list", "room_list", "bells_list"):
        assert url(section) in html
    assert 'value="Asia/Tomsk" selected' in html
    assert ">Томск (UTC+7)</option>" in html


def test_time_zones_are_listed_in_russian(world: World) -> None:
    """Every zone reads as a city in Russian: no «America/New_York» in a list of 600."""
    html = world.client_for("admin").get(url("settings")).content.decode()
    start = html.index('name="timezone"')
    select = html[start : html.index("</select>", start)]
    labels = re.findall(r"<option [^>]*>([^<]*)</option>", select)
    assert "Москва (UTC+3)" in labels and "Минск (UTC+3)" in labels
    assert "Всемирное координированное время (UTC)" in labels
    assert not [label for label in labels if re.search(r"[A-Za-z]{2,}/", label)]
    assert len(labels) < 50


def test_a_zone_set_elsewhere_stays_listed_and_saves(world: World) -> None:
    Organization.objects.filter(pk=world.org.pk).update(timezone="Europe/Berlin")
    client = world.client_for("admin")
    assert 'value="Europe/Berlin" selected' in client.get(url("settings")).content.decode()
    response = client.post(url("settings"), {**SETTINGS, "timezone": "Europe/Berlin"})
    assert response.status_code == 302
    assert Organization.objects.get(pk=world.org.pk).timezone == "Europe/Berlin"


def test_admin_saves_the_settings(world: World) -> None:
    response = world.client_for("admin").post(url("settings"), SETTINGS, follow=True)
    assert response.redirect_chain[-1][0] == url("settings")
    assert "Настройки организации сохранены." in response.content.decode()
    organization = Organization.objects.get(pk=world.org.pk)
    assert (organization.timezone, organization.edit_lock_days, organization.otp_valid_days) == (
        "Asia/Novosibirsk", 21, 10
    )
    assert organization.inn == "7017000001"


def test_bad_inn_is_shown_next_to_the_field(world: World) -> None:
    response = world.client_for("admin").post(url("settings"), {**SETTINGS, "inn": "7707083894"})
    assert response.status_code == 200
    assert response.context["form"].errors["inn"] == [
        "Контрольные цифры ИНН 7707083894 не сходятся: проверьте номер."
    ]
    assert 'id="id_inn_error"' in response.content.decode()
    assert Organization.objects.get(pk=world.org.pk).inn == ""
    assert not AuditEvent.objects.filter(object_type="org.organization").exists()


def test_out_of_range_days_are_shown_next_to_the_field(world: World) -> None:
    response = world.client_for("deputy").post(url("settings"),
                                               {**SETTINGS, "otp_valid_days": "120"})
    assert response.context["form"].errors["otp_valid_days"] == [
        "Срок действия временного пароля — от 1 до 90 дней."
    ]


def test_the_deputy_cannot_lift_the_edit_lock_for_a_year(world: World) -> None:
    """Issue 10: 365 days would lift the 30-day lock college-wide with no unlock on record."""
    client = world.client_for("deputy")
    response = client.post(url("settings"), {**SETTINGS, "edit_lock_days": "365"})
    assert response.context["form"].errors["edit_lock_days"] == [
        "Срок редактирования отметок — от 1 до 60 дней."
    ]
    assert Organization.objects.get(pk=world.org.pk).edit_lock_days == 30
    assert not AuditEvent.objects.filter(object_type="org.organization").exists()
    client.post(url("settings"), {**SETTINGS, "edit_lock_days": "45"})
    event = AuditEvent.objects.get(object_type="org.organization", action="update")
    assert (event.actor, event.changes["edit_lock_days"]) == (world.user("deputy"), [30, 45])


def test_the_threshold_of_unexcused_hours_is_set_on_the_settings_page(world: World) -> None:
    """Issue 12: the attendance report names students over the college's own threshold."""
    client = world.client_for("admin")
    assert 'name="unexcused_hours_threshold"' in client.get(url("settings")).content.decode()
    for bad in ("0", "501"):
        response = client.post(url("settings"), {**SETTINGS, "unexcused_hours_threshold": bad})
        assert response.context["form"].errors["unexcused_hours_threshold"] == [
            "Порог пропусков без уважительной причины — от 1 до 500 часов."
        ]
    assert Organization.objects.get(pk=world.org.pk).unexcused_hours_threshold == 20
    assert not AuditEvent.objects.filter(object_type="org.organization").exists()
    client.post(url("settings"), {**SETTINGS, "unexcused_hours_threshold": "36"})
    assert Organization.objects.get(pk=world.org.pk).unexcused_hours_threshold == 36
    event = AuditEvent.objects.get(object_type="org.organization", action="update")
    assert event.changes["unexcused_hours_threshold"] == [20, 36]


def test_unknown_time_zone_is_refused(world: World) -> None:
    response = world.client_for("admin").post(url("settings"),
                                              {**SETTINGS, "timezone": "Mars/Olympus"})
    assert "timezone" in response.context["form"].errors
    assert Organization.objects.get(pk=world.org.pk).timezone == "Asia/Tomsk"


# --- Years and periods ---------------------------------------------------------------------------


def test_new_year_form_proposes_the_next_year(world: World) -> None:
    form = world.client_for("deputy").get(url("year_create")).context["form"]
    assert form.initial == {"name": "2027/2028", "date_from": dt.date(2027, 9, 1),
                            "date_to": dt.date(2028, 8, 31)}


def test_deputy_creates_a_year_with_its_periods(world: World) -> None:
    response = world.client_for("deputy").post(url("year_create"), {
        "name": "2027/2028", "date_from": "2027-09-01", "date_to": "2028-08-31",
        "with_default_periods": "on",
    }, follow=True)
    year = AcademicYear.objects.get(organization=world.org, name="2027/2028")
    assert response.redirect_chain[-1][0] == url("year_detail", year_id=year.pk)
    html = response.content.decode()
    assert "Учебный год 2027/2028 создан." in html
    assert "Зимние каникулы" in html and "29.12.2027" in html and "11.01.2028" in html
    assert year.periods.count() == 4


def test_overlapping_year_is_shown_next_to_the_field(world: World) -> None:
    response = world.client_for("deputy").post(url("year_create"), {
        "name": "2026/2027", "date_from": "2026-10-01", "date_to": "2027-08-31",
    })
    assert response.context["form"].errors["name"] == ["Учебный год 2026/2027 уже есть."]
    assert AcademicYear.objects.filter(organization=world.org).count() == 1


def test_year_edit(world: World) -> None:
    response = world.client_for("admin").post(
        url("year_edit", year_id=world.college.year.pk),
        {"name": "2026/2027", "date_from": "2026-09-01", "date_to": "2027-07-31"}, follow=True,
    )
    assert "31.07.2027" in response.content.decode()
    world.college.year.refresh_from_db()
    assert world.college.year.date_to == dt.date(2027, 7, 31)


def test_period_create_and_its_overlap_message(world: World) -> None:
    client = world.client_for("deputy")
    address = url("period_create", year_id=world.college.year.pk)
    response = client.post(address, {
        "kind": "holidays", "number": "2", "name": "Летние каникулы",
        "date_from": "2027-06-25", "date_to": "2027-08-31",
    })
    assert response.context["form"].errors["date_from"] == [
        "Каникулы 25.06.2027–31.08.2027 пересекаются с семестром 12.01.2027–30.06.2027"
    ]
    response = client.post(address, {
        "kind": "holidays", "number": "2", "name": "Летние каникулы",
        "date_from": "2027-07-01", "date_to": "2027-08-31",
    }, follow=True)
    assert response.redirect_chain[-1][0] == url("year_detail", year_id=world.college.year.pk)
    assert "Период «Летние каникулы» добавлен." in response.content.decode()
    assert world.college.year.periods.count() == 4


def test_period_edit_and_delete(world: World) -> None:
    client = world.client_for("deputy")
    semester = world.college.semester2
    form = client.get(url("period_edit", period_id=semester.pk)).context["form"]
    assert form.initial["date_from"] == dt.date(2027, 1, 12)
    client.post(url("period_edit", period_id=semester.pk), {
        "kind": "semester", "number": "2", "name": "Весенний семестр",
        "date_from": "2027-01-12", "date_to": "2027-06-27",
    })
    semester.refresh_from_db()
    assert (semester.name, semester.date_to) == ("Весенний семестр", dt.date(2027, 6, 27))
    response = client.post(url("period_delete", period_id=semester.pk), follow=True)
    assert "Период «Весенний семестр» удалён." in response.content.decode()
    assert not Period.objects.filter(pk=semester.pk).exists()


# --- Departments ---------------------------------------------------------------------------------


def test_department_create_edit_and_refused_delete(world: World) -> None:
    client = world.client_for("admin")
    response = client.post(url("department_create"),
                           {"name": "Заочное отделение", "form_of_study": "part_time"},
                           follow=True)
    assert response.redirect_chain[-1][0] == url("department_list")
    assert "Заочное отделение" in response.content.decode()
    response = client.post(url("department_create"),
                           {"name": "Очное отделение", "form_of_study": "full_time"})
    assert response.context["form"].errors["name"] == ["Отделение «Очное отделение» уже есть."]
    department = Department.objects.get(organization=world.org, name="Заочное отделение")
    client.post(url("department_edit", department_id=department.pk),
                {"name": "Заочное отделение", "form_of_study": "mixed"})
    department.refresh_from_db()
    assert department.form_of_study == "mixed"
    response = client.post(url("department_delete", department_id=world.college.department.pk),
                           follow=True)
    assert "нельзя удалить: к нему относятся группы" in response.content.decode()
    assert Department.objects.filter(pk=world.college.department.pk).exists()


# --- Rooms ---------------------------------------------------------------------------------------


def test_room_list_is_searchable_by_number_and_paginated(world: World, settings: Any) -> None:
    settings.OTMETKA_PAGE_SIZE = 20
    make_rooms(world.org, 30)  # 100..129 in «Корпус 2»
    make_rooms(world.org, 1, building="")  # «100» of the main building
    client = world.client_for("dispatcher")
    page = client.get(url("room_list"), {"q": "11"}).context["page"]
    assert [room.number for room in page] == [str(n) for n in range(110, 120)]
    first = client.get(url("room_list")).context["page"]
    assert first.paginator.count == 32 and first.paginator.num_pages == 2
    # Ordered by building, then as a person reads numbers: 100 before 214.
    assert [(room.building, room.number) for room in first][:4] == [
        ("", "100"), ("", "214"), ("Корпус 2", "100"), ("Корпус 2", "101")
    ]
    second = client.get(url("room_list"), {"page": 2}).context["page"]
    assert [room.number for room in second][-1] == "129"


def test_room_create_duplicate_and_edit(world: World) -> None:
    client = world.client_for("deputy")
    data = {"building": "", "number": "214", "name": "", "kind": "classroom", "capacity": "30"}
    response = client.post(url("room_create"), data)
    assert response.context["form"].errors["number"] == ["Кабинет 214 уже есть."]
    response = client.post(url("room_create"), {**data, "building": "Корпус 2"}, follow=True)
    assert "Кабинет 214 добавлен." in response.content.decode()
    room = Room.objects.get(organization=world.org, building="Корпус 2")
    response = client.post(url("room_edit", room_id=room.pk), {**data, "capacity": "0",
                                                                "building": "Корпус 2"})
    assert response.context["form"].errors["capacity"] == [
        "Вместимость кабинета — от 1 до 500 мест."
    ]
    room.refresh_from_db()
    assert room.capacity == 30


# --- Bell schedules ------------------------------------------------------------------------------


def test_deputy_builds_a_bell_schedule(world: World) -> None:
    client = world.client_for("deputy")
    response = client.post(url("bells_create"), {"name": "Понедельник — пятница"}, follow=True)
    bells = BellSchedule.objects.get(organization=world.org)
    assert response.redirect_chain[-1][0] == url("bells_detail", bells_id=bells.pk)
    assert bells.is_default
    address = url("pair_create", bells_id=bells.pk)
    assert client.get(address).context["form"].initial == {
        "number": 1, "starts_at": t("08:30"), "ends_at": t("10:00")
    }
    client.post(address, {"number": "1", "starts_at": "08:30", "ends_at": "10:00"})
    # The next pair is proposed ten minutes after the last one.
    assert client.get(address).context["form"].initial == {
        "number": 2, "starts_at": t("10:10"), "ends_at": t("11:40")
    }
    response = client.post(address, {"number": "2", "starts_at": "09:50", "ends_at": "11:20"})
    assert response.context["form"].errors["starts_at"] == [
        "Пара № 2 09:50–11:20 пересекается с парой № 1 08:30–10:00."
    ]
    response = client.post(address, {"number": "2", "starts_at": "10:10", "ends_at": "11:40"},
                           follow=True)
    html = response.content.decode()
    assert "10:10" in html and "11:40" in html
    pair = bells.pairs.get(number=2)
    client.post(url("pair_edit", pair_id=pair.pk), {"starts_at": "10:15", "ends_at": "11:45"})
    pair.refresh_from_db()
    assert (pair.starts_at, pair.ends_at) == (t("10:15"), t("11:45"))
    response = client.post(url("pair_delete", pair_id=bells.pairs.get(number=1).pk), follow=True)
    assert "Удалить можно только последнюю пару (№ 2)" in response.content.decode()
    assert bells.pairs.count() == 2


def test_second_default_schedule_through_the_page(world: World) -> None:
    weekdays = make_bells(world.org)
    client = world.client_for("deputy")
    client.post(url("bells_create"), {"name": "Сокращённый день", "is_default": "on"})
    weekdays.refresh_from_db()
    assert not weekdays.is_default
    shortened = BellSchedule.objects.get(organization=world.org, name="Сокращённый день")
    assert shortened.is_default
    response = client.post(url("bells_edit", bells_id=shortened.pk),
                           {"name": "Сокращённый день"})
    assert "отметьте основным другое" in response.context["form"].errors["is_default"][0]
    response = client.post(url("bells_delete", bells_id=shortened.pk), follow=True)
    assert response.redirect_chain[-1][0] == url("bells_detail", bells_id=shortened.pk)
    assert "Нельзя удалить основное расписание звонков" in response.content.decode()
    response = client.post(url("bells_delete", bells_id=weekdays.pk), follow=True)
    assert response.redirect_chain[-1][0] == url("bells_list")
    assert not BellSchedule.objects.filter(pk=weekdays.pk).exists()
