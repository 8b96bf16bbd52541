"""The student's personal card and what hangs on it: edit, guardians, consents, the check."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from otmetka.audit.models import AuditEvent
from otmetka.people.models import Consent, Guardianship, Person, Student
from otmetka.people.tests.factories import make_consent, make_student
from otmetka.test import TODAY, World

pytestmark = pytest.mark.django_db


def the_student(world: World) -> Student:
    assert world.college.student is not None
    return world.college.student


def other_student(world: World) -> Student:
    assert world.college.other_student is not None
    return world.college.other_student


def card_url(name: str, student: Student) -> str:
    return reverse(f"people:{name}", kwargs={"student_id": student.pk})


def stranger_client(world: World, key: str) -> Client:
    return world.client_for(world.stranger.users[key])


# --- The card -------------------------------------------------------------------------------------


@pytest.mark.parametrize("owner", ["secretary", "head", "director", "admin", "deputy"])
def test_card_owner_stranger_reader(world: World, owner: str) -> None:
    url = card_url("student_detail", the_student(world))
    assert world.client_for(owner).get(url).status_code == 200
    assert stranger_client(world, owner).get(url).status_code == 404
    assert world.client_for("teacher").get(url).status_code == 403
    assert world.client_for("hr").get(url).status_code == 403
    assert world.client_for("student").get(url).status_code == 403


def test_curator_sees_own_group_only(world: World) -> None:
    curator = world.client_for("curator", role="curator")
    assert curator.get(card_url("student_detail", the_student(world))).status_code == 200
    assert curator.get(card_url("student_detail", other_student(world))).status_code == 404
    assert world.client_for("curator", role="teacher").get(
        card_url("student_detail", the_student(world))
    ).status_code == 403


def test_card_shows_the_personal_card_fields(world: World) -> None:
    student = the_student(world)
    parent = world.college.parent
    assert parent is not None
    make_consent(parent, signed_on=dt.date(2025, 9, 2))
    Person.objects.filter(pk=parent.pk).update(phone="+7 913 765-43-21")
    Student.objects.filter(pk=student.pk).update(card_checked_at=dt.date(2026, 10, 1))
    html = world.client_for("secretary").get(card_url("student_detail", student)).content.decode()
    for text in ("Студентов Иван Петрович", "14.03.2009", "мужской", "112-233-445 95", "РФ",
                 "123/25", "№ 45-к от 25.08.2025", "бюджет", "обучается", "ИС-21",
                 "01.09.2025", "по настоящее время", "Приказ 45-к", "Студентова Мария Ивановна",
                 "мать", "+7 913 765-43-21", "подписано 02.09.2025", "01.10.2026"):
        assert text in html, text


def test_opening_a_card_is_recorded(world: World) -> None:
    student = the_student(world)
    world.client_for("secretary").get(card_url("student_detail", student))
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert event.object_type == "people.student" and event.object_id == str(student.pk)
    assert event.actor == world.user("secretary")
    assert event.organization_id == world.org.pk
    assert event.actor_role == "secretary"


def test_a_refused_card_is_not_recorded_as_viewed(world: World) -> None:
    stranger_client(world, "secretary").get(card_url("student_detail", the_student(world)))
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).exists()


def test_card_query_count_does_not_grow_with_guardians_and_consents(
    world: World, django_assert_num_queries: Callable[..., Any]
) -> None:
    student = the_student(world)
    client = world.client_for("secretary")
    url = card_url("student_detail", student)
    client.get(url)  # the first request of a session also writes the session

    def card() -> None:
        # session, user, active role, the student with person (scoped), the VIEW
        # audit row, memberships with groups, guardians with persons, their consents,
        # the student's consents, the applied orders with their groups.
        with django_assert_num_queries(10):
            assert client.get(url).status_code == 200

    card()
    for index in range(5):
        guardian = Person.objects.create(organization=world.org, last_name=f"Опекунов{index}",
                                         first_name="Иван")
        Guardianship.objects.create(student=student, guardian=guardian, kind="other")
        make_consent(guardian)
        Consent.objects.create(person=student.person, signed_on=dt.date(2020, 1, index + 1),
                               document="Заявление", revoked_on=dt.date(2021, 1, 1))
    card()


def test_department_head_with_a_department_sees_only_its_students(world: World) -> None:
    from otmetka.accounts.models import RoleAssignment
    from otmetka.org.models import Department

    elsewhere = Department.objects.create(organization=world.org, name="Заочное отделение")
    RoleAssignment.objects.filter(user=world.user("head")).update(department=elsewhere)
    url = card_url("student_detail", the_student(world))
    assert world.client_for("head").get(url).status_code == 404
    RoleAssignment.objects.filter(user=world.user("head")).update(
        department=world.college.department
    )
    assert world.client_for("head").get(url).status_code == 200


# --- Editing the card -----------------------------------------------------------------------------


def card_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "last_name": "Студентов", "first_name": "Иван", "middle_name": "Петрович",
        "birth_date": "2009-03-14", "sex": "M", "snils": "112-233-445 95", "phone": "",
        "email": "", "address": "", "citizenship": "РФ", "personal_file_no": "123/25",
        "enrolment_order_no": "45-к", "enrolment_order_date": "2025-08-25",
        "education_base": "9", "funding": "budget",
    }
    data.update(overrides)
    return data


def test_edit_owner_stranger_reader(world: World) -> None:
    url = card_url("student_edit", the_student(world))
    assert world.client_for("secretary").get(url).status_code == 200
    assert stranger_client(world, "secretary").get(url).status_code == 404
    assert world.client_for("director").get(url).status_code == 403
    assert world.client_for("teacher").get(url).status_code == 403


def test_secretary_edits_the_whole_card(world: World) -> None:
    student = the_student(world)
    client = world.client_for("secretary")
    form = client.get(card_url("student_edit", student)).content.decode()
    assert 'value="112-233-445 95"' in form and 'value="2009-03-14"' in form
    response = client.post(card_url("student_edit", student),
                           card_form(last_name="Студентов-Ли", funding="contract"), follow=True)
    html = response.content.decode()
    assert "Карточка сохранена." in html and "Студентов-Ли Иван Петрович" in html
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_id=str(student.pk))
    assert event.changes == {
        "last_name": ["Студентов", "Студентов-Ли"],
        "funding": ["budget", "contract"],
        "education_base": ["", "9"],
    }


def test_bad_snils_on_the_card_is_shown_next_to_the_field(world: World) -> None:
    student = the_student(world)
    response = world.client_for("secretary").post(
        card_url("student_edit", student), card_form(snils="112-233-445 96", last_name="Другой")
    )
    assert response.status_code == 200
    assert re.search(r'id="id_snils_error">Контрольное число СНИЛС не сходится',
                     response.content.decode())
    student.person.refresh_from_db()
    assert student.person.last_name == "Студентов"
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).exists()


def test_curator_gets_the_contacts_form_for_own_student(world: World) -> None:
    student = the_student(world)
    client = world.client_for("curator", role="curator")
    html = client.get(card_url("student_edit", student)).content.decode()
    assert 'name="phone"' in html and 'name="last_name"' not in html
    client.post(card_url("student_edit", student),
                {"phone": "+7 913 000-00-01", "email": "", "address": "Томск",
                 "last_name": "Взломов"})
    student.person.refresh_from_db()
    assert student.person.phone == "+7 913 000-00-01" and student.person.address == "Томск"
    assert student.person.last_name == "Студентов"


def test_curator_cannot_edit_a_student_of_another_group(world: World) -> None:
    url = card_url("student_edit", other_student(world))
    client = world.client_for("curator", role="curator")
    assert client.get(url).status_code == 404
    assert client.post(url, {"phone": "123456"}).status_code == 404
    other = other_student(world)
    other.person.refresh_from_db()
    assert other.person.phone == ""


def test_card_checked(world: World) -> None:
    student = the_student(world)
    url = card_url("student_card_checked", student)
    client = world.client_for("curator", role="curator")
    assert client.get(url).status_code == 405
    response = client.post(url, {"on": TODAY.isoformat()}, follow=True)
    assert "Отмечено: карточка проверена." in response.content.decode()
    student.refresh_from_db()
    assert student.card_checked_at == TODAY
    assert client.post(card_url("student_card_checked", other_student(world))).status_code == 404
    assert world.client_for("teacher").post(url).status_code == 403
    assert stranger_client(world, "curator").post(url).status_code == 404


def test_card_checked_in_the_future_is_refused(world: World) -> None:
    student = the_student(world)
    response = world.client_for("secretary").post(
        card_url("student_card_checked", student), {"on": "2030-01-01"}, follow=True
    )
    assert "Дата не может быть позже сегодняшней." in response.content.decode()
    response = world.client_for("secretary").post(
        card_url("student_card_checked", student), {"on": "31.02.2026"}, follow=True
    )
    assert "Дата проверки: Введите правильную дату." in response.content.decode()
    student.refresh_from_db()
    assert student.card_checked_at is None


# --- Guardians ------------------------------------------------------------------------------------


def guardian_form(**overrides: Any) -> dict[str, Any]:
    data = {"kind": "father", "last_name": "Ёлкин", "first_name": "Илья",
            "middle_name": "Семёнович", "phone": "+7 913 222-33-44", "email": "",
            "receives_diary": "on"}
    data.update(overrides)
    return data


def test_guardian_add_owner_stranger_reader(world: World) -> None:
    url = card_url("guardian_add", the_student(world))
    assert world.client_for("head").get(url).status_code == 200
    assert world.client_for("curator", role="curator").get(url).status_code == 200
    assert stranger_client(world, "head").get(url).status_code == 404
    assert world.client_for("secretary").get(url).status_code == 403
    assert world.client_for("teacher").get(url).status_code == 403


def test_head_adds_a_new_guardian(world: World) -> None:
    student = other_student(world)
    response = world.client_for("head").post(card_url("guardian_add", student), guardian_form(),
                                             follow=True)
    html = response.content.decode()
    assert "Родитель (законный представитель) присоединён." in html
    assert "Ёлкин Илья Семёнович" in html and "+7 913 222-33-44" in html
    assert Guardianship.objects.get(student=student, guardian__first_name="Илья").kind == "father"


def test_guardian_form_errors_are_next_to_the_fields(world: World) -> None:
    links = Guardianship.objects.count()
    response = world.client_for("head").post(card_url("guardian_add", other_student(world)),
                                             guardian_form(last_name="", email="x"))
    html = response.content.decode()
    assert 'id="id_last_name_error"' in html and 'id="id_email_error"' in html
    assert Guardianship.objects.count() == links


def test_search_and_link_an_existing_parent(world: World) -> None:
    sibling = make_student(world.org, "Студентова", "Анна", group=world.college.group)
    parent = world.college.parent
    assert parent is not None
    client = world.client_for("curator", role="curator")
    url = card_url("guardian_add", sibling)
    html = client.get(url + "?q=студентова").content.decode()
    assert "Студентова Мария Ивановна" in html
    assert f'name="person_id" value="{parent.pk}"' in html
    response = client.post(url, {"person_id": parent.pk, "kind": "mother"}, follow=True)
    assert "Студентова Мария Ивановна" in response.content.decode()
    link = Guardianship.objects.get(student=sibling)
    assert link.guardian == parent and link.receives_diary is False
    again = client.post(url, {"person_id": parent.pk, "kind": "mother"})
    assert "Студентова Мария Ивановна уже присоединена к этому обучающемуся." in (
        again.content.decode()
    )


def test_search_does_not_offer_parents_of_another_college(world: World) -> None:
    html = world.client_for("head").get(
        card_url("guardian_add", other_student(world)) + "?q=Студентова"
    ).content.decode()
    stranger_parent = world.stranger.parent
    parent = world.college.parent
    assert stranger_parent is not None and parent is not None
    assert f'value="{stranger_parent.pk}"' not in html
    assert f'name="person_id" value="{parent.pk}"' in html


def test_guardian_remove(world: World) -> None:
    link = Guardianship.objects.get(student=the_student(world))
    url = reverse("people:guardian_remove", kwargs={"guardianship_id": link.pk})
    assert world.client_for("head").get(url).status_code == 405
    assert stranger_client(world, "head").post(url).status_code == 404
    assert world.client_for("teacher").post(url).status_code == 403
    assert world.client_for("secretary").post(url).status_code == 403
    assert Guardianship.objects.filter(pk=link.pk).exists()
    response = world.client_for("head").post(url, follow=True)
    assert "отсоединён" in response.content.decode()
    assert not Guardianship.objects.filter(pk=link.pk).exists()


# --- Consents -------------------------------------------------------------------------------------


def test_consent_add_owner_stranger_reader(world: World) -> None:
    parent = world.college.parent
    assert parent is not None
    url = reverse("people:consent_add", kwargs={"person_id": parent.pk})
    assert world.client_for("curator", role="curator").get(url).status_code == 200
    assert world.client_for("secretary").get(url).status_code == 200
    assert stranger_client(world, "secretary").get(url).status_code == 404
    assert world.client_for("teacher").get(url).status_code == 403
    teacher_person = world.college.employees["teacher"].person
    other_url = reverse("people:consent_add", kwargs={"person_id": teacher_person.pk})
    assert world.client_for("secretary").get(other_url).status_code == 404


def test_curator_records_a_parent_consent_and_returns_to_the_card(world: World) -> None:
    parent = world.college.parent
    student = the_student(world)
    assert parent is not None
    url = reverse("people:consent_add", kwargs={"person_id": parent.pk})
    response = world.client_for("curator", role="curator").post(
        url, {"signed_on": "2026-09-01", "document": "Заявление-согласие № 15",
              "student": student.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == card_url("student_detail", student)
    consent = Consent.objects.get(person=parent)
    assert consent.signed_on == dt.date(2026, 9, 1) and consent.is_active


def test_consent_in_the_future_is_shown_next_to_the_date(world: World) -> None:
    student = the_student(world)
    url = reverse("people:consent_add", kwargs={"person_id": student.person_id})
    response = world.client_for("secretary").post(
        url, {"signed_on": "2030-01-01", "document": "Заявление"}
    )
    assert re.search(r'id="id_signed_on_error">Дата не может быть позже сегодняшней',
                     response.content.decode())
    assert not Consent.objects.exists()


def test_consent_revoke(world: World) -> None:
    student = the_student(world)
    consent = make_consent(student.person, signed_on=dt.date(2026, 9, 1))
    url = reverse("people:consent_revoke", kwargs={"consent_id": consent.pk})
    client = world.client_for("secretary")
    assert client.get(url).status_code == 405
    today = {"revoked_on": "2026-11-16"}
    assert stranger_client(world, "secretary").post(url, today).status_code == 404
    assert world.client_for("teacher").post(url, today).status_code == 403
    response = client.post(url, {"revoked_on": "2026-08-01"}, follow=True)
    assert "раньше даты подписания (01.09.2026)" in response.content.decode()
    consent.refresh_from_db()
    assert consent.revoked_on is None
    response = client.post(url, {"revoked_on": "2026-11-16"}, follow=True)
    assert response.redirect_chain[-1][0] == card_url("student_detail", student)
    assert "отозвано 16.11.2026" in response.content.decode()
