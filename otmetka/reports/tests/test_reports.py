"""Contingent reports: counts on a date, movement for a period, the alphabetical book."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from otmetka.academics.models import Membership
from otmetka.documents.models import Document
from otmetka.documents.tests.factories import build, ordered
from otmetka.movement.models import ExpulsionReason, Order, OrderItem, OrderKind
from otmetka.people.models import Person, Student
from otmetka.reports.selectors import contingent_on, movement_between
from otmetka.test import World

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 16)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def book(client: Client, kind: str, params: dict[str, str] | None = None) -> Document:
    """Order the book as the page's button does, and build it as the worker would."""
    url = reverse(f"reports:alphabetical_{kind}")
    query = "&".join(f"{key}={value}" for key, value in (params or {}).items())
    return build(ordered(client.post(f"{url}?{query}" if query else url)))


def book_rows(document: Document) -> list[tuple[Any, ...]]:
    return list(load_workbook(document.file.path).active.iter_rows(values_only=True))


def add_student(
    world: World,
    last: str,
    group: Any,
    *,
    since: dt.date,
    funding: str = "budget",
    until: dt.date | None = None,
) -> Student:
    person = Person.objects.create(organization=world.org, last_name=last, first_name="Тест")
    student = Student.objects.create(person=person, funding=funding)
    Membership.objects.create(group=group, student=student, date_from=since, date_to=until)
    return student


def applied_order(world: World, kind: str, number: str, on: dt.date) -> Order:
    return Order.objects.create(
        organization=world.org,
        academic_year=world.college.year,
        number=number,
        date=on,
        kind=kind,
        status=Order.Status.APPLIED,
        applied_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
        created_by=world.user("head"),
    )


def numbers(report: Any) -> dict[str, tuple[int, int, int]]:
    return {
        line.group_name: (line.budget, line.contract, line.leave)
        for section in report.sections
        for line in section.lines
    }


class TestContingentOnADate:
    def test_counts_by_group_and_funding_follow_the_dated_memberships(self, world: World) -> None:
        college = world.college
        add_student(
            world, "Договорова", college.group, since=dt.date(2026, 9, 1), funding="contract"
        )
        add_student(
            world, "Ушедшая", college.group, since=dt.date(2025, 9, 1), until=dt.date(2026, 10, 31)
        )
        before = contingent_on(world.org.pk, dt.date(2026, 10, 1), today=TODAY)
        after = contingent_on(world.org.pk, TODAY, today=TODAY)
        assert numbers(before) == {"ИС-21": (2, 1, 0), "ИС-22": (1, 0, 0)}
        assert numbers(after) == {"ИС-21": (1, 1, 0), "ИС-22": (1, 0, 0)}
        assert after.total.total == 3 and after.total.contract == 1
        assert [(row.label, row.total) for row in after.by_course] == [("2 курс", 3)]
        assert [(row.label, row.total) for row in after.by_form] == [("очная", 3)]
        # A year earlier the groups were on their first course.
        assert (
            contingent_on(world.org.pk, dt.date(2025, 10, 1), today=TODAY).by_course[0].label
            == "1 курс"
        )

    def test_academic_leave_is_counted_from_applied_orders(self, world: World) -> None:
        college = world.college
        Membership.objects.filter(student=college.student).update(date_to=dt.date(2026, 10, 31))
        order = applied_order(world, OrderKind.LEAVE, "5-а", dt.date(2026, 10, 30))
        OrderItem.objects.create(
            order=order,
            student=college.student,
            effective_date=dt.date(2026, 11, 1),
            from_group=college.group,
            leave_until=dt.date(2027, 10, 31),
        )
        report = contingent_on(world.org.pk, TODAY, today=TODAY)
        assert numbers(report)["ИС-21"] == (0, 0, 1)
        assert report.total.leave == 1 and report.total.total == 1
        assert numbers(contingent_on(world.org.pk, dt.date(2026, 10, 15), today=TODAY))[
            "ИС-21"
        ] == (1, 0, 0)

    def test_other_organizations_and_departments_are_left_out(self, world: World) -> None:
        from otmetka.org.models import Department

        elsewhere = Department.objects.create(organization=world.org, name="Заочное")
        report = contingent_on(world.org.pk, TODAY, today=TODAY, department_id=elsewhere.pk)
        assert report.total.total == 0
        assert contingent_on(world.org.pk, TODAY, today=TODAY).total.total == 2

    def test_page_query_count_does_not_grow_with_groups(
        self, world: World, django_assert_num_queries: Any
    ) -> None:
        client = world.client_for("director")
        url = reverse("reports:contingent")
        client.get(url)
        # session, user, role assignment, rights, memberships counted per group and funding,
        # academic leave per group, the groups with programs and departments.
        with django_assert_num_queries(7):
            page = client.get(url)
        assert page.status_code == 200
        for index in range(5):
            add_student(
                world, f"Новый{index}", world.college.other_group, since=dt.date(2026, 9, 1)
            )
        with django_assert_num_queries(7):
            page = client.get(url)
        assert "ИС-22" in page.content.decode()

    def test_xlsx_has_the_numbers_and_pdf_is_a_pdf(self, world: World) -> None:
        client = world.client_for("deputy")
        answer = client.get(reverse("reports:contingent_xlsx"), {"on": "2026-11-16"})
        sheet = load_workbook(io.BytesIO(answer.content)).active
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert (
            rows[0] == ["Контингент обучающихся на 16.11.2026", *[None] * 7]
            or rows[0][0] == "Контингент обучающихся на 16.11.2026"
        )
        group_row = next(row for row in rows if row[2] == "ИС-21")
        assert group_row[4:8] == [1, 0, 1, 0]
        assert rows[-1][0] == "Всего" and rows[-1][6] == 2
        assert sheet.title == "Контингент"
        assert "%D0%9A%D0%BE%D0%BD" in answer["Content-Disposition"]  # «Кон…».xlsx
        pdf = client.get(reverse("reports:contingent_pdf"))
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
        text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
        assert "ОГБПОУ «ТПТ» · Контингент обучающихся на 16.11.2026" in text
        assert "стр. 1 из 1" in text


class TestMovement:
    def test_arrivals_and_departures_by_kind_and_group(self, world: World) -> None:
        college = world.college
        transfer = applied_order(world, OrderKind.TRANSFER, "7-п", dt.date(2026, 10, 1))
        OrderItem.objects.create(
            order=transfer,
            student=college.student,
            effective_date=dt.date(2026, 10, 2),
            from_group=college.group,
            to_group=college.other_group,
        )
        expulsion = applied_order(world, OrderKind.EXPULSION, "8-о", dt.date(2026, 10, 5))
        OrderItem.objects.create(
            order=expulsion,
            student=college.other_student,
            effective_date=dt.date(2026, 10, 6),
            from_group=college.other_group,
            reason=ExpulsionReason.OWN_WISH,
        )
        draft = applied_order(world, OrderKind.ENROLMENT, "9-к", dt.date(2026, 10, 5))
        Order.objects.filter(pk=draft.pk).update(status=Order.Status.DRAFT)
        OrderItem.objects.create(
            order=draft,
            student=college.student,
            effective_date=dt.date(2026, 10, 6),
            to_group=college.group,
        )
        report = movement_between(world.org.pk, dt.date(2026, 9, 1), TODAY)
        lines = {line.group_name: dict(line.counts) for line in report.lines}
        assert lines == {
            "ИС-21": {"transfer_out": 1},
            "ИС-22": {"transfer_in": 1, "expulsion:own_wish": 1},
        }
        columns = report.columns
        assert report.total.arrived(columns) == 1 and report.total.departed(columns) == 2
        assert movement_between(world.org.pk, dt.date(2026, 10, 3), TODAY).total.counts == {
            "expulsion:own_wish": 1
        }

    def test_page_and_exports(self, world: World) -> None:
        client = world.client_for("head")
        params = {"date_from": "2026-09-01", "date_to": "2026-11-16"}
        assert client.get(reverse("reports:movement"), params).status_code == 200
        answer = client.get(reverse("reports:movement_xlsx"), params)
        sheet = load_workbook(io.BytesIO(answer.content)).active
        assert sheet["A1"].value == "Движение контингента с 01.09.2026 по 16.11.2026"
        assert sheet.title == "Движение"
        assert client.get(reverse("reports:movement_pdf"), params).content.startswith(b"%PDF")

    def test_an_inverted_period_is_refused_with_a_message(self, world: World) -> None:
        page = world.client_for("head").get(
            reverse("reports:movement"), {"date_from": "2026-11-01", "date_to": "2026-10-01"}
        )
        assert "Конец периода раньше его начала." in page.content.decode()


class TestAlphabeticalBook:
    def test_everyone_who_ever_studied_in_name_order(self, world: World) -> None:
        add_student(
            world,
            "Абрамов",
            world.college.group,
            since=dt.date(2024, 9, 1),
            until=dt.date(2025, 6, 30),
        )
        Student.objects.filter(person__last_name="Абрамов").update(status="expelled")
        Student.objects.create(
            person=Person.objects.create(
                organization=world.org, last_name="Безгруппов", first_name="Н"
            )
        )
        client = world.client_for("director")
        page = client.get(reverse("reports:alphabetical")).content.decode()
        assert page.index("Абрамов") < page.index("Ёлкин") < page.index("Студентов")
        assert "Безгруппов" not in page and "отчислен" in page
        assert "ИС-21 с 01.09.2024 по 30.06.2025" in page
        letter = client.get(reverse("reports:alphabetical"), {"letter": "ё"}).content.decode()
        assert "Ёлкин" in letter and "Студентов" not in letter

    def test_page_query_count_is_fixed(self, world: World, django_assert_num_queries: Any) -> None:
        client = world.client_for("director")
        url = reverse("reports:alphabetical")
        client.get(url)
        # session, user, role assignment, rights, the count, the page of students with
        # persons, their memberships with groups and programs, their applied order items,
        # the user's latest documents of the book.
        with django_assert_num_queries(9):
            client.get(url)
        for index in range(4):
            add_student(world, f"Яковлев{index}", world.college.group, since=dt.date(2026, 9, 1))
        with django_assert_num_queries(9):
            client.get(url)

    def test_exports_of_a_selection(self, world: World) -> None:
        client = world.client_for("head")
        workbook = book(client, "xlsx", {"letter": "с"})
        assert workbook.title == "Алфавитная книга (XLSX): на букву «С»"
        sheet = load_workbook(workbook.file.path).active
        rows = list(sheet.iter_rows(values_only=True))
        assert sheet.title == "Алфавитная книга"
        assert rows[1][0] == "на букву «С» · Всего в книге: 1 обучающийся"
        assert [row[1] for row in rows[3:]] == ["Студентов Иван Петрович"]
        assert rows[3][3] == "123/25"
        pdf = book(client, "pdf", {"intake_year": "2025"})
        assert pdf.filename == "Алфавитная книга.pdf" and pdf.rows == 2
        pages = PdfReader(pdf.file.path).pages
        text = pages[0].extract_text()
        assert "Всего в книге: 2 обучающихся" in text and "Студентов" in text
        assert "ОГБПОУ «ТПТ» · Алфавитная книга обучающихся" in text and "стр. 1 из 1" in text

    def test_birth_dates_are_dates_in_the_workbook(self, world: World) -> None:
        Person.objects.filter(pk=world.college.student.person_id).update(
            birth_date=dt.date(2009, 3, 5)
        )
        sheet = load_workbook(book(world.client_for("director"), "xlsx").file.path).active
        cell = next(row[2] for row in sheet.iter_rows(min_row=4) if row[1].value.startswith("Студ"))
        assert cell.value == dt.datetime(2009, 3, 5) and cell.is_date
        assert cell.number_format == "DD.MM.YYYY"

    def test_the_whole_book_however_long(self, world: World) -> None:
        """The book was cut at 2,000 rows without a word; every student is in it now."""
        persons = Person.objects.bulk_create(
            Person(organization=world.org, last_name=f"Книжкин{index:04d}", first_name="Тест",
                   sort_key=f"книжкин{index:04d} тест")
            for index in range(2050)
        )
        students = Student.objects.bulk_create(Student(person=person) for person in persons)
        Membership.objects.bulk_create(
            Membership(group=world.college.group, student=student, date_from=dt.date(2026, 9, 1))
            for student in students
        )
        document = book(world.client_for("director"), "xlsx")
        rows = book_rows(document)
        names = [row[1] for row in rows[3:]]
        assert len(names) == document.rows == 2052  # and the world's two students
        assert rows[-1][0] == 2052 and {"Книжкин0000 Тест", "Книжкин2049 Тест"} <= set(names)
        assert "".join(rows[1][0].split()) == "Всеговкниге:2052обучающихся"

    def test_the_book_is_ordered_not_built_in_the_request(self, world: World) -> None:
        client = world.client_for("director")
        assert client.get(reverse("reports:alphabetical_pdf")).status_code == 405
        document = ordered(client.post(reverse("reports:alphabetical_pdf") + "?letter=с"))
        assert document.status == Document.Status.PENDING and not document.file
        assert document.params == {
            "department": None, "letter": "с", "intake_year": None, "format": "pdf"
        }
        page = client.get(reverse("reports:alphabetical")).content.decode()
        assert reverse("documents:detail", kwargs={"document_id": document.pk}) in page

    def test_a_head_gets_the_book_of_their_department_only(self, world: World) -> None:
        from otmetka.accounts.models import RoleAssignment
        from otmetka.org.models import Department

        RoleAssignment.objects.filter(user=world.user("head")).update(
            department=world.college.department
        )
        elsewhere = Department.objects.create(organization=world.org, name="Заочное")
        document = book(world.client_for("head"), "xlsx", {"department": str(elsewhere.pk)})
        rows = book_rows(document)
        assert rows[1][0].startswith("Очное отделение · Всего в книге: 2")
        assert "Студентов Иван Петрович" in [row[1] for row in rows[3:]]


@pytest.mark.parametrize("name", ["contingent", "movement", "alphabetical"])
class TestRights:
    def test_readers_with_reports_or_movement_rights(self, world: World, name: str) -> None:
        for user in ("director", "deputy", "head"):
            assert world.client_for(user).get(reverse(f"reports:{name}")).status_code == 200

    def test_others_are_refused(self, world: World, name: str) -> None:
        for user in ("teacher", "curator", "hr", "secretary", "student", "parent"):
            client = world.client_for(user)
            assert client.get(reverse(f"reports:{name}")).status_code == 403
            export = client.post if name == "alphabetical" else client.get
            assert export(reverse(f"reports:{name}_xlsx")).status_code == 403
        assert not Document.objects.exists()

    def test_a_stranger_sees_only_their_own_college(self, world: World, name: str) -> None:
        client = world.client_for(world.stranger.users["director"])
        page = client.get(reverse(f"reports:{name}")).content.decode()
        # The stranger college has its own «Студентов» in «ДИС-21»; never ours.
        assert ">ИС-21<" not in page
        assert reverse("people:student_detail", args=[world.college.student.pk]) not in page

    def test_a_department_of_another_college_is_not_accepted(self, world: World, name: str) -> None:
        foreign = world.stranger.department.pk
        page = world.client_for("director").get(reverse(f"reports:{name}"), {"department": foreign})
        assert page.status_code == 200
        assert "Выберите корректный вариант" in page.content.decode()


class TestBookExportsOfPersonalData:
    def test_exports_are_audited_as_views_of_personal_data(self, world: World) -> None:
        from otmetka.audit.models import AuditEvent

        client = world.client_for("head")
        for kind in ("xlsx", "pdf"):
            document = book(client, kind, {"letter": "с"})
            answer = client.get(reverse("documents:download", args=[document.pk]))
            assert answer.status_code == 200
            assert "no-store" in answer["Cache-Control"]
        events = AuditEvent.objects.filter(
            object_type="reports.alphabetical", action=AuditEvent.Action.VIEW
        )
        assert events.count() == 2
        assert {event.organization_id for event in events} == {world.org.pk}
        assert {event.actor_id for event in events} == {world.user("head").pk}

    def test_names_that_look_like_formulas_stay_text(self, world: World) -> None:
        add_student(world, "=HYPERLINK(1)", world.college.group, since=dt.date(2026, 9, 1))
        document = book(world.client_for("director"), "xlsx")
        sheet = load_workbook(document.file.path).active
        cell = next(row[1] for row in sheet.iter_rows() if str(row[1].value or "").startswith("="))
        assert cell.data_type == "s" and cell.quotePrefix
        assert cell.value == "=HYPERLINK(1) Тест"
