"""The administrator's audit log: filters by action, actor, object and local dates (152-ФЗ)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from otmetka.audit.models import AuditEvent
from otmetka.test import BASE_QUERIES, World

AUDIT = reverse("accounts:audit_log")
TOMSK = ZoneInfo("Asia/Tomsk")


def open_card(world: World, key: str, student_key: str = "student") -> None:
    student = world.college.student if student_key == "student" else world.college.other_student
    url = reverse("people:student_detail", kwargs={"student_id": student.pk})
    assert world.client_for(key).get(url).status_code == 200


def shown(world: World, **filters: str) -> list[AuditEvent]:
    response = world.client_for("admin").get(AUDIT, filters)
    assert response.status_code == 200
    return list(response.context["page"])


def test_only_views_of_personal_data(world: World) -> None:
    open_card(world, "curator")
    world.client_for("admin").post(
        reverse("accounts:user_issue_credentials", kwargs={"user_id": world.user("parent").pk}),
        {"confirm": "1"},
    )
    events = shown(world, action="view")
    assert [(e.action, e.actor_name) for e in events] == [("view", "Кураторова Елена Викторовна")]
    page = world.client_for("admin").get(AUDIT, {"action": "view"}).content.decode()
    assert "Куратор группы" in page
    assert "просмотр персональных данных" in page


def test_by_actor_surname_or_login(world: World) -> None:
    open_card(world, "curator")
    open_card(world, "admin")
    by_surname = shown(world, action="view", actor="кураторова")
    assert [e.actor_name for e in by_surname] == ["Кураторова Елена Викторовна"]
    by_login = shown(world, action="view", actor="ADM")
    assert [e.actor_name for e in by_login] == ["Админова Анна Сергеевна"]


def test_by_the_student_concerned(world: World) -> None:
    open_card(world, "curator")
    open_card(world, "admin", "other_student")
    world.client_for("curator").post(
        reverse("accounts:user_issue_credentials", kwargs={"user_id": world.user("student").pk}),
        {"confirm": "1"},
    )
    events = shown(world, object="студентов иван")
    assert {e.action for e in events} == {"view", "credentials_issue"}
    assert all(
        e.object_id in {str(world.college.student.pk), str(world.user("student").pk)}
        for e in events
    )
    assert [e.object_repr for e in shown(world, object="ёлкин")] == ["Ёлкин Семён Ильич"]


def test_dates_are_the_organization_local_days(world: World, now: time_machine.Traveller) -> None:
    # 02:00 on 17 November in Tomsk is still 16 November in UTC.
    now.move_to(dt.datetime(2026, 11, 17, 2, 0, tzinfo=TOMSK))
    open_card(world, "curator")
    now.move_to(dt.datetime(2026, 11, 17, 12, 0, tzinfo=TOMSK))
    assert len(shown(world, action="view", date_from="2026-11-17", date_to="2026-11-17")) == 1
    assert shown(world, action="view", date_to="2026-11-16") == []
    page = world.client_for("admin").get(AUDIT, {"action": "view"}).content.decode()
    assert "17.11.2026 02:00" in page


def test_a_period_that_ends_before_it_starts_is_explained(world: World) -> None:
    response = world.client_for("admin").get(
        AUDIT, {"date_from": "2026-11-17", "date_to": "2026-11-01"}
    )
    assert "Конец периода раньше его начала." in response.content.decode()


def test_pages_keep_the_filters(world: World) -> None:
    for _number in range(51):
        open_card(world, "curator")
    page = world.client_for("admin").get(AUDIT, {"action": "view"}).content.decode()
    assert "?action=view&amp;page=2" in page
    page = world.client_for("admin").get(AUDIT, {"action": "view", "page": "2"}).content.decode()
    assert "страница 2 из 2" in page


def test_other_colleges_are_not_shown(world: World) -> None:
    stranger_curator = world.client_for(world.stranger.users["curator"])
    url = reverse("people:student_detail", kwargs={"student_id": world.stranger.student.pk})
    assert stranger_curator.get(url).status_code == 200
    assert shown(world, action="view") == []


def test_diary_views_show_the_page(world: World) -> None:
    AuditEvent.objects.create(
        organization=world.org,
        actor=world.user("teacher"),
        actor_name="Учителев Пётр Андреевич",
        actor_role="teacher",
        action="view",
        object_type="people.student",
        object_id=str(world.college.student.pk),
        object_repr="Студентов Иван Петрович",
        changes={"page": "diary_week"},
    )
    page = world.client_for("admin").get(AUDIT, {"action": "view"}).content.decode()
    assert "<b>Страница</b>: дневник: неделя" in page


def test_for_the_audit_right_only(world: World) -> None:
    assert world.client_for("curator").get(AUDIT).status_code == 403
    assert world.client_for("director").get(AUDIT).status_code == 200


def test_query_count_is_fixed(world: World, django_assert_num_queries: Any) -> None:
    client = world.client_for("admin")
    filters = {"action": "view", "actor": "кураторова", "object": "студентов"}
    open_card(world, "curator")
    client.get(AUDIT, filters)  # warm the session
    # the count and the page of events
    with django_assert_num_queries(BASE_QUERIES + 2):
        client.get(AUDIT, filters)
    for _number in range(20):
        open_card(world, "curator")
    with django_assert_num_queries(BASE_QUERIES + 2):
        response = client.get(AUDIT, filters)
    assert len(response.context["page"]) == 21
