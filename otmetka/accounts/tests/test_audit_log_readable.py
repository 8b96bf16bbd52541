"""The audit log reads as a person writes: Russian field names, local times, values in words."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from otmetka.audit.models import AuditEvent
from otmetka.test import BASE_QUERIES, World

AUDIT = reverse("accounts:audit_log")
TOMSK = ZoneInfo("Asia/Tomsk")


def audit_page(world: World, **filters: str) -> str:
    response = world.client_for("admin").get(AUDIT, filters)
    assert response.status_code == 200
    # One line per change, tags dropped: «Фамилия: Студентов → Петров».
    html = response.content.decode()
    return re.sub(r"<[^>]+>", "", html.replace("</div>", "\n"))


def card_form(**overrides: str) -> dict[str, str]:
    data = {
        "last_name": "Студентов", "first_name": "Иван", "middle_name": "Петрович",
        "birth_date": "2009-03-14", "sex": "M", "snils": "112-233-445 95", "phone": "",
        "email": "", "address": "", "citizenship": "РФ", "personal_file_no": "123/25",
        "enrolment_order_no": "45-к", "enrolment_order_date": "2025-08-25",
        "education_base": "9", "funding": "budget",
    }
    data.update(overrides)
    return data


def test_a_card_edit_shows_russian_field_names_and_dates(
    world: World, now: time_machine.Traveller
) -> None:
    # 02:30 on 17 November in Tomsk is still 16 November in UTC.
    now.move_to(dt.datetime(2026, 11, 17, 2, 30, tzinfo=TOMSK))
    student = world.college.student
    url = reverse("people:student_edit", kwargs={"student_id": student.pk})
    response = world.client_for("secretary").post(
        url, card_form(last_name="Петров", birth_date="2009-04-15", sex="F", funding="contract")
    )
    assert response.status_code == 302
    text = audit_page(world, action="update")
    assert "17.11.2026 02:30" in text
    assert "Фамилия: Студентов → Петров" in text
    assert "Дата рождения: 14.03.2009 → 15.04.2009" in text
    assert "Пол: мужской → женский" in text
    assert "Основа обучения: бюджет → договор" in text
    assert "last_name" not in text and "2009-04-15" not in text


def test_stamps_booleans_ids_and_dicts_in_words(world: World) -> None:
    common: dict[str, Any] = {"organization": world.org, "actor": world.user("admin")}
    AuditEvent.objects.create(
        **common,
        action="update",
        object_type="journal.lessonunlock",
        object_id="1",
        object_repr="МДК.01.01 ИС-21",
        changes={"revoked_at": [None, "2026-11-16T19:30:00+00:00"]},
    )
    AuditEvent.objects.create(
        **common,
        action="update",
        object_type="accounts.user",
        object_id=str(world.user("teacher").pk),
        object_repr="teacher",
        changes={"is_active": [True, False]},
    )
    AuditEvent.objects.create(
        **common,
        action="role_grant",
        object_type="accounts.user",
        object_id=str(world.user("teacher").pk),
        object_repr="teacher",
        changes={"role": [None, "curator"], "department": [None, world.college.department.pk]},
    )
    AuditEvent.objects.create(
        **common,
        action="update",
        object_type="journal.thematicplan",
        object_id="1",
        object_repr="КТП",
        changes={"import": [None, {"rows": 1234, "replace": True}]},
    )
    AuditEvent.objects.create(
        **common,
        action="view",
        object_type="people.student",
        object_id=str(world.college.student.pk),
        object_repr="Студентов Иван Петрович",
        changes={"page": "diary_week"},
    )
    text = audit_page(world)
    # 19:30 UTC on 16 November is 02:30 on 17 November in Tomsk.
    assert "Отозвано: — → 17.11.2026 02:30" in text
    assert "2026-11-16T19:30" not in text
    assert re.search(r"\S+: да → нет", text)
    assert "Роль: — → Куратор группы" in text
    assert "Отделение: — → Очное отделение" in text
    assert "Загрузка из файла: — → строк: 1\xa0234; с заменой: да" in text
    assert "{" not in text.split("Журнал аудита")[-1]
    assert "Страница: дневник: неделя" in text
    assert "Обучающийся" in text  # the kind of record, above its name


def test_names_of_related_rows_cost_one_query_per_model(
    world: World, django_assert_num_queries: Any
) -> None:
    def grant(department_id: int) -> None:
        AuditEvent.objects.create(
            organization=world.org,
            action="role_grant",
            object_type="accounts.user",
            object_id="1",
            object_repr="teacher",
            changes={"role": [None, "teacher"], "department": [None, department_id]},
        )

    client = world.client_for("admin")
    grant(world.college.department.pk)
    client.get(AUDIT)  # warm the session
    # the count, the page of events, the departments named on it
    with django_assert_num_queries(BASE_QUERIES + 3):
        client.get(AUDIT)
    for _number in range(10):
        grant(world.college.department.pk)
    with django_assert_num_queries(BASE_QUERIES + 3):
        response = client.get(AUDIT)
    assert response.content.decode().count("Очное отделение") == 11


def test_the_number_of_events_has_its_thousands_separated(world: World) -> None:
    AuditEvent.objects.bulk_create(
        AuditEvent(organization=world.org, action="login", object_repr=f"вход {number}")
        for number in range(1234)
    )
    page = world.client_for("admin").get(AUDIT, {"action": "login"}).content.decode()
    assert "Найдено 1\xa0234 запис" in page
