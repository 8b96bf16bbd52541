"""Вычитка часов: plan against delivered hours, substitutions, exports and rights."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from otmetka.academics.models import CurriculumItem, Workload
from otmetka.documents.tests.factories import build, ordered
from otmetka.journal.models import Lesson, Substitution
from otmetka.people.models import Employee, Person
from otmetka.schedule.services.hours import REPORT_MONTHS, hours_by_teacher
from otmetka.test import World

pytestmark = pytest.mark.django_db


def lesson(
    workload: Workload,
    day: dt.date,
    *,
    teacher: Employee | None = None,
    hours: int = 2,
    status: str = Lesson.Status.HELD,
) -> Lesson:
    return Lesson.objects.create(
        workload=workload,
        date=day,
        pair_number=1,
        hours=hours,
        teacher=teacher or workload.teacher,
        status=status,
    )


def substituted(workload: Workload, day: dt.date, substitute: Employee) -> Lesson:
    held = lesson(workload, day, teacher=substitute)
    Substitution.objects.create(
        lesson=held, absent_teacher=workload.teacher, substitute=substitute, reason="Болезнь"
    )
    return held


@pytest.fixture
def journal(world: World, now: Any) -> World:
    college = world.college
    lesson(college.workload, dt.date(2026, 9, 7))
    lesson(college.workload, dt.date(2026, 9, 30), hours=1)
    lesson(college.workload, dt.date(2026, 10, 1))
    lesson(college.workload, dt.date(2026, 11, 16))  # today counts
    lesson(college.workload, dt.date(2026, 11, 17))  # tomorrow does not
    lesson(college.workload, dt.date(2026, 10, 5), status=Lesson.Status.CANCELLED)
    substituted(college.workload, dt.date(2026, 10, 12), college.employees["other_teacher"])
    lesson(college.other_workload, dt.date(2026, 11, 2))
    return world


def test_substitute_gets_the_hours_and_the_absent_teacher_loses_them(journal: World) -> None:
    college = journal.college
    report = hours_by_teacher(college.organization.pk, college.year)
    teachers = {t.employee.pk: t for t in report.teachers}
    teacher = teachers[college.employees["teacher"].pk]
    other = teachers[college.employees["other_teacher"].pk]
    # 2 (07.09) + 1 (30.09) + 2 (01.10) + 2 (16.11); not the cancelled, the future, the replaced.
    assert teacher.planned == 80
    assert teacher.delivered == 7
    assert teacher.balance == 73
    assert teacher.substitutions_received == 2
    assert teacher.substitutions_given == 0
    assert other.delivered == 2 + 2
    assert other.substitutions_given == 2
    assert [line.own for line in other.lines] == [True, False]
    assert report.delivered == 11
    assert report.planned == 80 + 56


def test_months_and_half_years_follow_the_lesson_dates(journal: World) -> None:
    college = journal.college
    lesson(college.workload, dt.date(2026, 9, 1))
    report = hours_by_teacher(
        college.organization.pk, college.year, teacher_id=college.employees["teacher"].pk
    )
    [teacher] = report.teachers
    months = dict(zip(REPORT_MONTHS, teacher.months(), strict=True))
    assert months[9] == 5 and months[10] == 2 and months[11] == 2 and months[12] == 0
    assert teacher.delivered_first == 9 and teacher.delivered_second == 0


def test_one_teacher_report_and_department_and_surname_filters(journal: World) -> None:
    college = journal.college
    other = college.employees["other_teacher"]
    report = hours_by_teacher(college.organization.pk, college.year, teacher_id=other.pk)
    assert [t.employee for t in report.teachers] == [other]
    surname = other.person.last_name
    report = hours_by_teacher(college.organization.pk, college.year, surname=surname)
    assert other in [t.employee for t in report.teachers]
    assert all(t.employee.person.last_name.startswith(surname[:3]) for t in report.teachers)


def test_query_count_does_not_grow_with_teachers(
    journal: World, django_assert_num_queries: Any
) -> None:
    college = journal.college
    # Queries: the second semester's start, the lessons aggregated, the workload lines, the
    # teachers with their persons and departments.
    with django_assert_num_queries(4):
        hours_by_teacher(college.organization.pk, college.year)
    for key in ("curator", "head", "dispatcher"):
        workload = Workload.objects.create(
            academic_year=college.year,
            teacher=college.employees[key],
            group=college.group,
            item=college.discipline,
            hours_first=30,
        )
        lesson(workload, dt.date(2026, 10, 20))
    with django_assert_num_queries(4):
        report = hours_by_teacher(college.organization.pk, college.year)
    assert len(report.teachers) == 5


def test_deputy_sees_the_report_for_all_teachers(journal: World) -> None:
    response = journal.client_for("deputy").get(reverse("schedule:hours_report"))
    assert response.status_code == 200
    content = response.content.decode()
    assert journal.college.employees["teacher"].person.full_name in content
    assert "Итого" in content
    assert journal.client_for("dispatcher").get(reverse("schedule:hours_report")).status_code == 200


def test_report_page_query_budget_is_constant(
    journal: World, django_assert_max_num_queries: Any
) -> None:
    client = journal.client_for("deputy")
    url = reverse("schedule:hours_report")
    client.get(url)
    with django_assert_max_num_queries(14):
        assert client.get(url + "?q=Пре").status_code == 200


@pytest.mark.parametrize("key", ["teacher", "student", "parent"])
def test_all_teachers_report_is_refused_to_others(journal: World, key: str) -> None:
    assert journal.client_for(key).get(reverse("schedule:hours_report")).status_code == 403


def test_teacher_sees_own_hours_per_line(journal: World) -> None:
    response = journal.client_for("teacher").get(reverse("schedule:hours_my"))
    assert response.status_code == 200
    assert journal.college.mdk.name in response.content.decode()
    assert journal.client_for("student").get(reverse("schedule:hours_my")).status_code == 403


def test_xlsx_has_headers_rows_and_the_totals_row(journal: World) -> None:
    response = journal.client_for("deputy").get(reverse("schedule:hours_xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "Преподаватель" and rows[1][1] == "План, ч"
    assert rows[-1][0] == "Итого"
    assert rows[-1][1] == 136
    assert sheet.freeze_panes == "B3"


def test_pdf_of_the_report_and_of_a_teacher(
    journal: World, settings: Any, tmp_path: Path
) -> None:
    # Laid out in the background (4 s for a college): ordered, then built by the worker.
    settings.MEDIA_ROOT = tmp_path
    client = journal.client_for("deputy")
    assert client.get(reverse("schedule:hours_pdf")).status_code == 405
    document = build(ordered(client.post(reverse("schedule:hours_pdf"))))
    assert document.title == "Вычитка часов преподавателей (PDF)"
    text = PdfReader(document.file.path).pages[0].extract_text()
    assert "Вычитка часов преподавателей, 2026/2027 учебный год" in text
    assert "стр. 1 из 1" in text and "Итого" in text
    teacher = journal.college.employees["teacher"]
    document = build(ordered(client.post(reverse("schedule:hours_pdf") + f"?teacher={teacher.pk}")))
    assert document.title == "Вычитка часов: Учителев П. А. (PDF)"
    assert "Учителев Пётр Андреевич" in PdfReader(document.file.path).pages[0].extract_text()


def test_teacher_exports_only_their_own(journal: World) -> None:
    client = journal.client_for("teacher")
    own = journal.college.employees["teacher"].pk
    other = journal.college.employees["other_teacher"].pk
    assert client.get(reverse("schedule:hours_xlsx") + f"?teacher={own}").status_code == 200
    assert client.get(reverse("schedule:hours_xlsx") + f"?teacher={other}").status_code == 404
    assert client.post(reverse("schedule:hours_pdf") + f"?teacher={other}").status_code == 404
    assert client.post(reverse("schedule:hours_pdf") + f"?teacher={own}").status_code == 302


def test_stranger_sees_nothing_of_this_college(journal: World) -> None:
    teacher = journal.college.employees["teacher"].pk
    client = journal.client_for(journal.stranger.users["deputy"])
    assert client.get(reverse("schedule:hours_xlsx") + f"?teacher={teacher}").status_code == 404
    response = client.get(reverse("schedule:hours_report"))
    assert response.status_code == 200
    # The same persona names, but only the stranger college's teachers and no lesson of ours.
    report = response.context["report"]
    assert report.teachers
    assert {t.employee.person.organization_id for t in report.teachers} == {
        journal.stranger.organization.pk
    }
    assert report.delivered == 0
    assert journal.client_for("student").get(reverse("schedule:hours_xlsx")).status_code == 403


def test_xlsx_writes_formula_like_names_as_plain_text(journal: World) -> None:
    # Names come from people and imported files; «=…» must not become a live formula.
    college = journal.college
    teacher = college.employees["teacher"]
    Person.objects.filter(pk=teacher.person_id).update(last_name="=cmd|' /C calc'!A0")
    CurriculumItem.objects.filter(pk=college.workload.item_id).update(name="x", index="+cmd|'")
    report = journal.client_for("deputy").get(reverse("schedule:hours_xlsx"))
    sheet = load_workbook(io.BytesIO(report.content)).active
    assert sheet is not None
    name = next(row[0] for row in sheet.iter_rows(min_row=3) if row[0].value != "Итого"
                and str(row[0].value).startswith("="))
    assert name.data_type == "s" and name.quotePrefix
    assert name.value == "=cmd|' /C calc'!A0 Пётр Андреевич"
    own = journal.client_for("teacher").get(
        reverse("schedule:hours_xlsx") + f"?teacher={teacher.pk}"
    )
    sheet = load_workbook(io.BytesIO(own.content)).active
    assert sheet is not None
    subject = next(row[1] for row in sheet.iter_rows(min_row=3) if row[1].value == "+cmd|' x")
    assert subject.data_type == "s" and subject.value == "+cmd|' x"
    # The layout stays: the bold title, the bold header, the frozen corner, the sheet's name.
    assert sheet.title == "Вычитка часов" and sheet["A1"].font.bold and sheet["A2"].font.bold
    assert sheet.freeze_panes == "B3"
