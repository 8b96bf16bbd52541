"""«Кто открывал личные данные»: a student and their parents see the staff who opened the
student's personal card or diary (152-ФЗ), and nothing about other children."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from otmetka.audit.models import AuditEvent
from otmetka.people.models import Guardianship, Student
from otmetka.test import BASE_QUERIES, World

LOG = reverse("people:my_access_log")


def open_card(world: World, key: str, student: Student) -> None:
    url = reverse("people:student_detail", kwargs={"student_id": student.pk})
    assert world.client_for(key).get(url).status_code == 200


def diary_view(world: World, key: str, student: Student) -> None:
    """What the diary logs when a member of staff opens a student's diary."""
    user = world.user(key)
    AuditEvent.objects.create(
        organization=world.org,
        actor=user,
        actor_name=user.display_name(),
        actor_role="teacher",
        action=AuditEvent.Action.VIEW,
        object_type="people.student",
        object_id=str(student.pk),
        object_repr=str(student),
        changes={"page": "week"},
    )


def test_the_parent_sees_the_curator_open_the_card(
    world: World, now: time_machine.Traveller
) -> None:
    now.move_to(dt.datetime(2026, 11, 16, 9, 30, tzinfo=ZoneInfo("Asia/Tomsk")))
    open_card(world, "curator", world.college.student)
    diary_view(world, "teacher", world.college.student)
    open_card(world, "admin", world.college.other_student)
    response = world.client_for("parent").get(LOG)
    assert response.status_code == 200
    lines = response.context["lines"]
    assert [(line.who, line.role, line.in_diary) for line in lines] == [
        ("Учителев Пётр Андреевич", "Преподаватель", True),
        ("Кураторова Елена Викторовна", "Куратор группы", False),
    ]
    page = response.content.decode()
    assert "16.11.2026 09:30" in page
    assert "личная карточка" in page
    assert "электронный дневник" in page
    assert "Админова" not in page


def test_the_student_sees_their_own(world: World) -> None:
    open_card(world, "curator", world.college.student)
    open_card(world, "admin", world.college.other_student)
    lines = world.client_for("student").get(LOG).context["lines"]
    assert [line.who for line in lines] == ["Кураторова Елена Викторовна"]


def test_views_by_students_and_parents_are_not_listed(world: World) -> None:
    AuditEvent.objects.create(
        organization=world.org,
        actor=world.user("parent"),
        actor_name="Студентова Мария Ивановна",
        actor_role="parent",
        action=AuditEvent.Action.VIEW,
        object_type="people.student",
        object_id=str(world.college.student.pk),
    )
    assert world.client_for("parent").get(LOG).context["lines"] == []


def test_someone_elses_child_is_404(world: World) -> None:
    other = {"student": world.college.other_student.pk}
    assert world.client_for("parent").get(LOG, other).status_code == 404
    assert world.client_for("student").get(LOG, other).status_code == 404
    assert world.client_for("parent").get(LOG, {"student": "x"}).status_code == 404


def test_a_child_of_another_college_is_404(world: World) -> None:
    # A link across colleges can only come from bad data; the log of another college's
    # student stays closed all the same.
    Guardianship.objects.create(
        student=world.stranger.student, guardian=world.college.parent, kind="mother"
    )
    client = world.client_for("parent")
    assert client.get(LOG, {"student": world.stranger.student.pk}).status_code == 404
    assert client.get(LOG).context["students"] == [world.college.student]


def test_a_parent_of_two_chooses_the_child(world: World) -> None:
    Guardianship.objects.create(
        student=world.college.other_student, guardian=world.college.parent, kind="mother"
    )
    open_card(world, "admin", world.college.other_student)
    client = world.client_for("parent")
    response = client.get(LOG, {"student": world.college.other_student.pk})
    assert [line.who for line in response.context["lines"]] == ["Админова Анна Сергеевна"]
    assert "Ёлкин Семён Ильич" in response.content.decode()
    # Without a choice: the first child by surname («Ё» sorts with «Е»).
    assert client.get(LOG).context["student"] == world.college.other_student


def test_staff_get_403(world: World) -> None:
    assert world.client_for("teacher").get(LOG).status_code == 403
    assert world.client_for("admin").get(LOG).status_code == 403


def test_linked_from_the_profile(world: World) -> None:
    page = world.client_for("parent").get(reverse("accounts:profile")).content.decode()
    assert f"{LOG}?student={world.college.student.pk}" in page
    page = world.client_for("student").get(reverse("accounts:profile")).content.decode()
    assert LOG in page


def test_query_count_is_fixed(world: World, django_assert_num_queries: Any) -> None:
    client = world.client_for("parent")
    open_card(world, "curator", world.college.student)
    client.get(LOG)  # warm the session
    # the children, the count and the page of events
    with django_assert_num_queries(BASE_QUERIES + 3):
        client.get(LOG)
    for _number in range(30):
        open_card(world, "curator", world.college.student)
    with django_assert_num_queries(BASE_QUERIES + 3):
        response = client.get(LOG)
    assert len(response.context["lines"]) == 31
