"""The pages as a secretary and HR use them: template, upload, preview, commit, exports."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from otmetka.academics.models import Membership
from otmetka.accounts.roles import Role
from otmetka.audit.models import AuditEvent
from otmetka.contingent import imports
from otmetka.contingent.stash import STASH_DIR
from otmetka.contingent.tests.factories import STAFF, staff_row, student_row, xlsx_file
from otmetka.documents.models import Document
from otmetka.documents.services import document_build
from otmetka.documents.tests.factories import build, ordered
from otmetka.lib.snils import snils_make
from otmetka.lib.tables import XLSX_CONTENT_TYPE
from otmetka.people.models import Employee, Person, Position, Student
from otmetka.test import World, make_college, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _everyone(client: Client) -> Document:
    """«Выгрузить всех»: ordered from the page, built as the worker builds it."""
    return build(ordered(client.post(reverse("contingent:students_export"))))


def _upload(client: Client, url_name: str, content: bytes, name: str = "list.xlsx") -> Any:
    return client.post(reverse(url_name), {"file": SimpleUploadedFile(name, content)})


def _sheet(response: Any) -> list[list[Any]]:
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    book = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_the_template_has_the_columns_an_example_and_notes(world: World) -> None:
    response = world.client_for("secretary").get(reverse("contingent:students_template"))
    assert response.status_code == 200
    rows = _sheet(response)
    assert rows[0][:4] == ["Фамилия", "Имя", "Отчество", "Дата рождения"]
    assert "Родитель 2: получает дневник" in rows[0]
    assert rows[1][0] == "Петрова"
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Обучающиеся", "Пояснения"]
    staff = world.client_for("hr").get(reverse("contingent:staff_template"))
    assert _sheet(staff)[0][-3:] == ["Должности", "Дата приёма", "Приказ о приёме"]


def test_upload_preview_then_commit(world: World, settings: Any) -> None:
    client = world.client_for("secretary")
    response = _upload(client, "contingent:students_import", xlsx_file([student_row(1)]))
    assert response.status_code == 200
    token = response.context["token"]
    assert token and response.context["check"].new_count == 1
    assert not Student.objects.filter(person__last_name="Новиков1").exists()
    stash = Path(settings.MEDIA_ROOT) / STASH_DIR
    assert len(list(stash.iterdir())) == 1
    response = client.post(reverse("contingent:students_commit"), {"token": token})
    assert response.status_code == 302
    assert Student.objects.filter(person__last_name="Новиков1").exists()
    assert list(stash.iterdir()) == []
    # The token is spent: posting it again loads nothing.
    again = client.post(reverse("contingent:students_commit"), {"token": token}, follow=True)
    assert "устарела" in again.content.decode()
    assert Student.objects.filter(person__last_name="Новиков1").count() == 1


def test_a_token_of_another_session_is_refused(world: World) -> None:
    first = world.client_for("secretary")
    token = _upload(first, "contingent:students_import", xlsx_file([student_row(1)])).context[
        "token"
    ]
    other = world.client_for("head")
    response = other.post(reverse("contingent:students_commit"), {"token": token})
    assert response.status_code == 302
    assert not Student.objects.filter(person__last_name="Новиков1").exists()


def test_errors_are_listed_by_row_and_nothing_can_be_committed(world: World) -> None:
    rows = [student_row(1), student_row(2, snils="112-233-445 00", group="ЗЗ-1")]
    response = _upload(world.client_for("secretary"), "contingent:students_import", xlsx_file(rows))
    page = response.content.decode()
    assert response.context["token"] == ""
    assert "Ничего не сохранено" in page
    assert "«СНИЛС»: контрольное число 112-233-445 00 не сходится." in page
    assert "«Группа»: в колледже нет обучающейся группы «ЗЗ-1»." in page
    assert [row.line for row in response.context["error_rows"]] == [3]


def test_the_college_changed_between_preview_and_commit(world: World) -> None:
    client = world.client_for("secretary")
    token = _upload(client, "contingent:students_import", xlsx_file([student_row(1)])).context[
        "token"
    ]
    world.college.group.is_active = False
    world.college.group.save()
    response = client.post(reverse("contingent:students_commit"), {"token": token})
    assert response.status_code == 200 and "Ничего не сохранено" in response.content.decode()
    assert not Student.objects.filter(person__last_name="Новиков1").exists()


def test_a_file_that_is_not_a_table(world: World) -> None:
    response = _upload(
        world.client_for("secretary"),
        "contingent:students_import",
        b"PK\x03\x04 not really",
        name="list.xlsx",
    )
    assert "Не удалось прочитать файл XLSX" in response.content.decode()
    response = _upload(
        world.client_for("secretary"), "contingent:students_import", b"MZ\x90\x00", name="list.exe"
    )
    assert "Загрузите файл XLSX или CSV" in response.content.decode()


def test_staff_upload_and_commit(world: World) -> None:
    client = world.client_for("hr")
    response = _upload(client, "contingent:staff_import", xlsx_file([staff_row(1)], STAFF))
    response = client.post(reverse("contingent:staff_commit"), {"token": response.context["token"]})
    assert response.status_code == 302
    assert Employee.objects.filter(person__last_name="Работников1").exists()


def test_preview_of_a_big_file_keeps_a_fixed_query_budget(
    world: World, django_assert_num_queries: Any
) -> None:
    client = world.client_for("secretary")
    client.get(reverse("contingent:index"))  # warm the session and the rights cache
    upload = SimpleUploadedFile("list.xlsx", xlsx_file([student_row(n) for n in range(1, 201)]))
    # session, user (with person), role assignment (with organization); the import's groups
    # and persons; the session saved with the token (savepoint, update, release).
    with django_assert_num_queries(8):
        response = client.post(reverse("contingent:students_import"), {"file": upload})
    assert response.context["check"].new_count == 200


def test_students_export_of_a_group_and_of_all(world: World) -> None:
    client = world.client_for("secretary")
    rows = _sheet(
        client.get(reverse("contingent:students_export_group", args=[world.college.group.pk]))
    )
    assert len(rows) == 2
    header, student = rows
    values = dict(zip(header, student, strict=True))
    assert values["Фамилия"] == "Студентов" and values["Группа"] == "ИС-21"
    assert values["СНИЛС"] == "112-233-445 95"
    assert values["Дата зачисления"] == dt.datetime(2025, 9, 1)  # a date, not text
    assert values["Родитель 1: ФИО"] == "Студентова Мария Ивановна"
    assert values["Родитель 1: кем приходится"] == "мать"
    document = _everyone(client)
    book = load_workbook(document.file.path)
    assert book.sheetnames == ["Обучающиеся"]
    everyone = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    assert sorted(row[0] for row in everyone[1:]) == ["Ёлкин", "Студентов"]
    assert document.rows == 2 and document.filename == "Обучающиеся 16.11.2026.xlsx"
    assert (
        AuditEvent.objects.filter(
            object_type="contingent.export", action=AuditEvent.Action.VIEW
        ).count()
        == 2
    )


def test_export_queries_are_fixed(world: World, django_assert_num_queries: Any) -> None:
    document = ordered(world.client_for("secretary").post(reverse("contingent:students_export")))
    # Claiming the row; the row with its role, user, person and organization; the progress
    # as it starts; students (with person), memberships (with group), guardianships (with
    # guardian); the progress complete; the audit record; the finished row. In between the
    # progress is written at most twice a second, never per row.
    with django_assert_num_queries(9):
        document_build(document_id=document.pk)
    for number in range(5):
        person = Person.objects.create(organization=world.org, last_name=f"Новиков{number}")
        student = Student.objects.create(person=person)
        Membership.objects.create(
            group=world.college.group, student=student, date_from=dt.date(2026, 9, 1)
        )
    Document.objects.filter(pk=document.pk).update(status=Document.Status.PENDING)
    with django_assert_num_queries(9):
        document_build(document_id=document.pk)
    assert build(document).rows == 7


def _student_cards(org_id: int) -> list[tuple[Any, ...]]:
    students = Student.objects.filter(person__organization_id=org_id).select_related("person")
    cards = []
    for student in students.prefetch_related("memberships__group", "guardianships__guardian"):
        p, membership = student.person, student.memberships.all()[0]
        guardians = sorted(
            (g.guardian.full_name, g.guardian.phone, g.guardian.email, g.kind, g.receives_diary)
            for g in student.guardianships.all()
        )
        cards.append(
            (
                p.full_name,
                p.birth_date,
                p.sex,
                p.snils,
                p.phone,
                p.email,
                p.address,
                student.personal_file_no,
                student.citizenship,
                student.education_base,
                student.funding,
                student.enrolment_order_no,
                student.enrolment_order_date,
                membership.group.name,
                membership.date_from,
                guardians,
            )
        )
    return sorted(cards)


def _staff_cards(org_id: int) -> list[tuple[Any, ...]]:
    employees = Employee.objects.filter(person__organization_id=org_id).select_related(
        "person", "department"
    )
    return sorted(
        (
            e.person.full_name,
            e.person.birth_date,
            e.person.snils,
            e.person.phone,
            e.person.email,
            e.department.name if e.department else "",
            sorted(p.name for p in e.positions.all()),
            e.hire_date,
            e.hire_order_no,
        )
        for e in employees.prefetch_related("positions")
    )


def test_export_then_import_into_an_empty_college_gives_the_same_data(world: World) -> None:
    """A college moving to another installation: export, then import; the cards are alike."""
    other = world.college.other_student.person
    other.birth_date, other.address = dt.date(2008, 12, 1), "г. Томск, пр. Мира, 3"
    other.save()
    for number, employee in enumerate(world.college.employees.values(), start=1):
        employee.person.birth_date = dt.date(1980, 1, number)
        employee.person.snils = snils_make(400_000_000 + number)
        employee.person.save()
    students_file = _everyone(world.client_for("secretary")).file.read()
    staff_file = world.client_for("hr").get(reverse("contingent:staff_export"))

    empty = make_college("НОВЫЙ")  # the same groups, department and positions, nobody in it
    for name in Position.objects.filter(organization=world.org).values_list("name", flat=True):
        Position.objects.get_or_create(organization=empty.organization, name=name)
    secretary = world.actor(make_user(empty.organization, "new_secretary", Role.SECRETARY))
    hr = world.actor(make_user(empty.organization, "new_hr", Role.HR))
    created = imports.students_import(actor=secretary, name="s.xlsx", content=students_file)
    staff = imports.staff_import(actor=hr, name="h.xlsx", content=staff_file.content)

    assert created.created == 2 and staff.created == len(world.college.employees)
    assert _student_cards(empty.organization.pk) == _student_cards(world.org.pk)
    assert _staff_cards(empty.organization.pk) == _staff_cards(world.org.pk)
