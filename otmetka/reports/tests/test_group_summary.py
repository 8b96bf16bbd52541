"""The сводная ведомость of a group for a semester: numbers, queries, rights, files."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from otmetka.academics.models import (
    AttestationForm,
    CurriculumHours,
    CurriculumItem,
    Group,
    Membership,
    Workload,
)
from otmetka.accounts.models import RoleAssignment
from otmetka.journal.models import (
    Attendance,
    AttestationMark,
    AttestationSheet,
    Lesson,
    Mark,
    WorkKind,
)
from otmetka.org.models import Department
from otmetka.people.models import Person, Student
from otmetka.reports.summary import GroupSummary, group_summary
from otmetka.test import World

pytestmark = pytest.mark.django_db


def _student(world: World, last: str, first: str, middle: str = "", **dates: Any) -> Student:
    person = Person.objects.create(
        organization=world.org, last_name=last, first_name=first, middle_name=middle
    )
    student = Student.objects.create(person=person)
    Membership.objects.create(
        group=world.college.group,
        student=student,
        date_from=dates.get("since", dt.date(2025, 9, 1)),
        date_to=dates.get("until"),
    )
    return student


class Made:
    """A small group with marks whose results are worked out by hand in the tests."""

    def __init__(self, world: World) -> None:
        c = world.college
        self.world = world
        self.credit = CurriculumItem.objects.create(
            curriculum=c.curriculum,
            kind=CurriculumItem.Kind.DISCIPLINE,
            index="ОП.02",
            name="Физическая культура",
            position=4,
        )
        CurriculumHours.objects.create(
            item=self.credit, semester=3, total=36, theory=36,
            attestation_form=AttestationForm.CREDIT,
        )
        self.ivanov = c.student  # Студентов Иван Петрович
        self.averina = _student(world, "Аверина", "Анна", "Олеговна")
        self.yozhikova = _student(world, "Ёжикова", "Ольга")
        self.ershov = _student(world, "Ершов", "Глеб")  # е and ё sort as one letter
        self.leaver = _student(world, "Уходов", "Пётр", until=dt.date(2026, 10, 15))
        teacher = c.employees["teacher"]
        one = WorkKind.objects.create(organization=world.org, name="Ответ", short_name="О")
        two = WorkKind.objects.create(
            organization=world.org, name="Контрольная", short_name="К", weight=Decimal(2)
        )
        day = iter(dt.date(2026, 9, 1) + dt.timedelta(days=n) for n in range(200))

        def lesson(workload: Workload = c.workload, **extra: Any) -> Lesson:
            return Lesson.objects.create(
                workload=workload, date=extra.pop("date", next(day)), teacher=teacher, hours=2,
                **extra,
            )

        def mark(student: Student, value: str, kind: WorkKind = one, **extra: Any) -> None:
            Mark.objects.create(lesson=lesson(**extra), student=student, value=value,
                                work_kind=kind)

        # МДК (дифзачёт), sheet open: the averages.
        mark(self.averina, "5")
        mark(self.averina, "4", two)  # (5·1 + 4·2) ÷ 3 = 4,33 → «4»
        mark(self.ivanov, "3")
        mark(self.ivanov, "4")  # 3,50 → «4»
        mark(self.ivanov, "2", status=Lesson.Status.CANCELLED)  # a cancelled lesson counts not
        mark(self.ivanov, "2", date=dt.date(2027, 2, 1))  # the next semester counts not
        mark(self.leaver, "2")  # 2,00 → «2», but he left
        mark(self.ershov, "зч")  # зачёт has no number: no average
        AttestationSheet.objects.create(
            group=c.group, item=c.mdk, period=c.semester1, form=AttestationForm.DIFF_CREDIT
        )
        # ОП.01 (экзамен) and ОП.02 (зачёт), closed.
        on_roll = [self.averina, self.yozhikova, self.ershov, self.ivanov]
        for item, form, values in (
            (c.discipline, AttestationForm.EXAM, ["5", "н/я", "3", "4"]),
            (self.credit, AttestationForm.CREDIT,
             ["зачтено", "зачтено", "зачтено", "не зачтено"]),
        ):
            sheet = AttestationSheet.objects.create(
                group=c.group, item=item, period=c.semester1, form=form,
                status=AttestationSheet.Status.CLOSED, closed_roll=[s.pk for s in on_roll],
            )
            for student, value in zip(on_roll, values, strict=True):
                AttestationMark.objects.create(sheet=sheet, student=student, value=value)
        # Absences, in hours (2 a lesson): Студентов 6 of which 2 excused, Аверина 2 excused.
        for student, code in (
            (self.ivanov, "Б"), (self.ivanov, "НП"), (self.ivanov, "Н"), (self.ivanov, "ОП"),
            (self.averina, "УП"),
        ):
            Attendance.objects.create(lesson=lesson(), student=student, code=code)
        Attendance.objects.create(
            lesson=lesson(date=dt.date(2027, 2, 2)), student=self.ivanov, code="НП"
        )

    def summary(self) -> GroupSummary:
        c = self.world.college
        period = type(c.semester1).objects.select_related("academic_year").get(
            pk=c.semester1.pk
        )
        return group_summary(c.group, period)


@pytest.fixture
def made(world: World) -> Made:
    return Made(world)


def test_the_numbers_match_a_hand_count(made: Made) -> None:
    summary = made.summary()
    assert [(c.index, c.form_short, c.closed) for c in summary.columns] == [
        ("ОП.01", "экз.", True), ("МДК.01.01", "дз", False), ("ОП.02", "з", True),
    ]
    assert [row.student.person.last_name for row in summary.rows] == [
        "Аверина", "Ёжикова", "Ершов", "Студентов", "Уходов",
    ]
    texts = {
        row.student.person.last_name: [cell.text if cell else "" for cell in row.cells]
        for row in summary.rows
    }
    assert texts == {
        "Аверина": ["5", "4,33", "зач."],
        "Ёжикова": ["н/я", "", "зач."],
        "Ершов": ["3", "", "зач."],
        "Студентов": ["4", "3,50", "незач."],
        "Уходов": ["", "2,00", ""],
    }
    rows = {row.student.person.last_name: row for row in summary.rows}
    # 5, 4, 3, 2, н/а, незачёт, hours missed, of them excused
    def counts(row: Any) -> tuple[int, ...]:
        c = row.counts
        return (c["5"], c["4"], c["3"], c["2"], c["not_attested"], c["failed"],
                row.missed_hours, row.excused_hours)

    assert counts(rows["Аверина"]) == (1, 1, 0, 0, 0, 0, 2, 2)
    assert counts(rows["Ёжикова"]) == (0, 0, 0, 0, 1, 0, 0, 0)
    assert counts(rows["Ершов"]) == (0, 0, 1, 0, 0, 0, 0, 0)
    assert counts(rows["Студентов"]) == (0, 2, 0, 0, 0, 1, 6, 2)
    assert rows["Аверина"].average == Decimal("4.50")  # (5 + 4) ÷ 2
    assert rows["Студентов"].average == Decimal("4.00")  # (4 + 4) ÷ 2
    assert rows["Ёжикова"].average is None
    assert rows["Уходов"].left_on == dt.date(2026, 10, 15) and not rows["Уходов"].on_roll
    assert [r.preliminary for r in summary.rows] == [True, False, False, True, True]
    # On roll at the end: 4. Without 2/н/а/незачёт: Аверина, Ершов. Only 5 and 4: Аверина.
    assert (summary.students, summary.successful, summary.good) == (4, 2, 1)
    assert summary.success_percent == Decimal("50.0")
    assert summary.quality_percent == Decimal("25.0")
    assert summary.average == Decimal("4.00")  # (5 + 4 + 3 + 4 + 4) ÷ 5
    assert summary.totals == [1, 3, 1, 0, 1, 1, 8, 4, Decimal("4.00")]


def _url(world: World, name: str = "reports:group_summary", group: Group | None = None) -> str:
    group = group or world.college.group
    return f"{reverse(name, kwargs={'group_id': group.pk})}?period={world.college.semester1.pk}"


def test_the_page_shows_marks_averages_and_formulas(world: World, made: Made) -> None:
    response = world.client_for("deputy").get(_url(world))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Сводная ведомость успеваемости группы ИС-21" in text
    assert '<td class="preliminary">4,33</td>' in text
    assert "дз, предв." in text
    assert "Абсолютная успеваемость" in text and "50,0 %" in text
    assert "обучающиеся только с «5» и «4» ÷ все обучающиеся × 100 % = 1 ÷ 4 × 100 %" in text
    assert "выбыл(а) 15.10.2026" in text


def test_the_filter_form_leads_to_the_group(world: World) -> None:
    client = world.client_for("deputy")
    choose = reverse("reports:group_summary_choose")
    assert client.get(choose).status_code == 200
    response = client.get(
        choose, {"period": world.college.semester1.pk, "group": world.college.group.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == _url(world)


def _page_queries(world: World) -> int:
    client = world.client_for("deputy")
    client.get(_url(world))  # the first request of a session writes the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(world)).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_group(world: World, made: Made) -> None:
    small = _page_queries(world)
    teacher = world.college.employees["teacher"]
    kind = WorkKind.objects.get(organization=world.org, name="Ответ")
    for n in range(12):
        student = _student(world, f"Добавленный{n:02}", "Тест")
        lesson = Lesson.objects.create(
            workload=world.college.workload, date=dt.date(2026, 10, 1 + n), teacher=teacher
        )
        Mark.objects.create(lesson=lesson, student=student, value="4", work_kind=kind)
        Attendance.objects.create(lesson=lesson, student=made.ivanov, code="Б")
    # Session, user, roles (3); the group and its curators (2); the period asked for; curriculum
    # hours, sheets, memberships, closed marks, marks counted, absences summed (6); the
    # approval with its people (1); the filter form's semesters (twice: Django's Select reads
    # the first option for `required`) and groups (3).
    assert small == 16
    assert _page_queries(world) == small


@pytest.mark.parametrize(
    ("who", "role", "status"),
    [
        ("director", None, 200),
        ("deputy", None, 200),
        ("admin", None, 200),
        ("head", None, 200),
        ("curator", "curator", 200),
        ("curator", "teacher", 403),
        ("teacher", None, 403),
        # Положение 4.9: the secretaries take part in printing the сводные ведомости.
        ("secretary", None, 200),
        ("methodist", None, 403),
        ("hr", None, 403),
        ("dispatcher", None, 403),
        ("student", None, 403),
        ("parent", None, 403),
    ],
)
def test_who_may_open_the_group_summary(world: World, who: str, role: str | None,
                                        status: int) -> None:
    client = world.client_for(who, role=role)
    assert client.get(_url(world)).status_code == status
    assert client.get(_url(world, "reports:group_summary_xlsx")).status_code == status


def test_a_curator_sees_only_own_groups(world: World) -> None:
    client = world.client_for("curator", role="curator")
    assert client.get(_url(world, group=world.college.other_group)).status_code == 404
    choose = reverse("reports:group_summary_choose")
    response = client.get(
        choose, {"period": world.college.semester1.pk, "group": world.college.other_group.pk}
    )
    assert response.status_code == 200  # not offered: the form says so, no report
    assert response.context["summary"] is None


def test_a_department_head_sees_only_own_department(world: World) -> None:
    other = Department.objects.create(organization=world.org, name="Заочное отделение")
    RoleAssignment.objects.filter(user=world.user("head")).update(department=other)
    client = world.client_for("head")
    assert client.get(_url(world)).status_code == 404
    world.college.group.department = other
    world.college.group.save(update_fields=["department"])
    assert client.get(_url(world)).status_code == 200


def test_a_stranger_college_gets_404(world: World) -> None:
    client = world.client_for(world.stranger.users["deputy"])
    assert client.get(_url(world)).status_code == 404
    assert client.get(_url(world, "reports:group_summary_pdf")).status_code == 404
    # Nor may the stranger's own group be shown in the first college's semester.
    foreign_period = f"?period={world.college.semester1.pk}"
    own = reverse("reports:group_summary", kwargs={"group_id": world.stranger.group.pk})
    assert client.get(own + foreign_period).status_code == 404
    assert client.get(own).status_code == 200


def test_the_group_page_links_to_the_summary(world: World) -> None:
    url = reverse("academics:group_detail", kwargs={"group_id": world.college.group.pk})
    link = reverse("reports:group_summary", kwargs={"group_id": world.college.group.pk})
    assert link in world.client_for("curator", role="curator").get(url).content.decode()
    assert link not in world.client_for("secretary").get(url).content.decode()


def test_the_workbook_keeps_numbers_as_numbers(world: World, made: Made) -> None:
    response = world.client_for("deputy").get(_url(world, "reports:group_summary_xlsx"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Сводная ведомость", "Показатели группы"]
    rows = list(book["Сводная ведомость"].iter_rows(values_only=True))
    header = next(row for row in rows if row[0] == "№")
    assert header[2:5] == (
        "ОП.01 Операционные системы (экз.)",
        "МДК.01.01 Разработка программных модулей (дз, предв.)",
        "ОП.02 Физическая культура (з)",
    )
    averina = next(row for row in rows if row[1] and str(row[1]).startswith("Аверина"))
    assert averina[2:] == (5, 4.33, "зач.", 1, 1, 0, 0, 0, 0, 2, 2, 4.5)
    totals = rows[-1]
    assert totals[5:] == (1, 3, 1, 0, 1, 1, 8, 4, 4.0)
    figures = list(book["Показатели группы"].iter_rows(values_only=True))
    assert ("Абсолютная успеваемость", 50.0, "%") == figures[-3][:3]
    assert ("Средний балл", 4.0, "") == (figures[-1][0], figures[-1][1], figures[-1][2] or "")


def test_the_printout_is_a_numbered_landscape_pdf(world: World, made: Made) -> None:
    response = world.client_for("deputy").get(_url(world, "reports:group_summary_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert f"стр. 1 из {len(reader.pages)}" in text
    assert "Сводная ведомость успеваемости группы ИС-21" in text
    for signature in ("Куратор группы", "Заведующий отделением", "Заместитель директора по УМР"):
        assert signature in text


def test_thirty_students_by_fifteen_items_print_legibly(world: World) -> None:
    c = world.college
    for n in range(13):
        item = CurriculumItem.objects.create(
            curriculum=c.curriculum, kind=CurriculumItem.Kind.DISCIPLINE,
            index=f"ОП.{10 + n}", name=f"Дисциплина с длинным названием номер {n}",
            position=10 + n,
        )
        CurriculumHours.objects.create(
            item=item, semester=3, total=36, theory=36, attestation_form=AttestationForm.EXAM
        )
    for n in range(29):
        _student(world, f"Длиннофамильный-Обучающийся{n:02}", "Константин", "Александрович")
    response = world.client_for("deputy").get(_url(world, "reports:group_summary_pdf"))
    reader = PdfReader(io.BytesIO(response.content))
    pages = len(reader.pages)
    assert pages <= 3
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "ОП.22" in text and "Обучающийся28" in text
    assert f"стр. {pages} из {pages}" in text
