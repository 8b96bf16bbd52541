"""Посещаемость: a group's month by reason, the ведомость пропусков, students over the threshold,
totals per group, department and college; numbers, links, queries, rights, files."""

from __future__ import annotations

import datetime as dt
import io
import re
from html import unescape
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from otmetka.academics.models import Group, Membership
from otmetka.accounts.models import RoleAssignment
from otmetka.journal.models import Attendance, Lesson
from otmetka.org.models import Department, Organization
from otmetka.people.models import Person, Student
from otmetka.reports.attendance import (
    absence_sheet,
    attendance_totals,
    group_attendance,
    over_threshold,
)
from otmetka.test import World

pytestmark = pytest.mark.django_db

NOV_1, NOV_30 = dt.date(2026, 11, 1), dt.date(2026, 11, 30)


def _student(
    world: World, last: str, first: str, group: Group | None = None, **dates: Any
) -> Student:
    person = Person.objects.create(organization=world.org, last_name=last, first_name=first)
    student = Student.objects.create(person=person)
    Membership.objects.create(
        group=group or world.college.group,
        student=student,
        date_from=dates.get("since", dt.date(2025, 9, 1)),
        date_to=dates.get("until"),
    )
    return student


class Made:
    """ИС-21 in November 2026 with absences whose hours are counted by hand below.

    | student   | day   | code | h | kind                                    |
    |-----------|-------|------|---|-----------------------------------------|
    | Студентов | 03.11 | Б    | 2 | illness                                 |
    | Студентов | 03.11 | НП   | 2 | unexcused (the same day, pair 2)        |
    | Студентов | 05.11 | Н    | 2 | unexcused, reason not set               |
    | Студентов | 10.11 | ОП   | 2 | late: not counted                       |
    | Студентов | 12.11 | УП   | 1 | excused                                 |
    | Студентов | 31.10 | НП   | 2 | October: not counted                    |
    | Студентов | 01.12 | Б    | 2 | December: not counted                   |
    | Аверина   | 03.11 | ОТ   | 2 | excused                                 |
    | Аверина   | 04.11 | ОСВ  | 2 | excused                                 |
    | Аверина   | 06.11 | НП   | 2 | a cancelled lesson: not counted         |
    | Уходов    | 05.11 | НП   | 2 | unexcused; left the group on 10.11      |
    | Ёжикова   | —     |      |   | nothing                                 |
    | Ёлкин     | 05.11 | НП   | 6 | ИС-22 (other group)                     |
    """

    def __init__(self, world: World) -> None:
        c = world.college
        self.world = world
        self.ivanov = c.student
        self.averina = _student(world, "Аверина", "Анна")
        self.yozhikova = _student(world, "Ёжикова", "Ольга")
        self.leaver = _student(world, "Уходов", "Пётр", until=dt.date(2026, 11, 10))
        self.elkin = c.other_student
        teacher = c.employees["teacher"]

        def absent(
            student: Student,
            day: dt.date,
            code: str,
            *,
            hours: int = 2,
            pair: int = 1,
            workload: Any = c.workload,
            **extra: Any,
        ) -> None:
            lesson = Lesson.objects.create(
                workload=workload,
                date=day,
                pair_number=pair,
                hours=hours,
                teacher=teacher,
                **extra,
            )
            Attendance.objects.create(lesson=lesson, student=student, code=code)

        nov = lambda day: dt.date(2026, 11, day)  # noqa: E731
        absent(self.ivanov, nov(3), "Б")
        absent(self.ivanov, nov(3), "НП", pair=2)
        absent(self.ivanov, nov(5), "Н")
        absent(self.ivanov, nov(10), "ОП")
        absent(self.ivanov, nov(12), "УП", hours=1)
        absent(self.ivanov, dt.date(2026, 10, 31), "НП")
        absent(self.ivanov, dt.date(2026, 12, 1), "Б")
        absent(self.averina, nov(3), "ОТ", pair=3)
        absent(self.averina, nov(4), "ОСВ")
        absent(self.averina, nov(6), "НП", status=Lesson.Status.CANCELLED)
        absent(self.leaver, nov(5), "НП", pair=2)
        absent(self.elkin, nov(5), "НП", hours=6, workload=c.other_workload)


@pytest.fixture
def made(world: World) -> Made:
    return Made(world)


def _by_name(lines: list[Any]) -> dict[str, list[int]]:
    return {line.student.person.last_name: line.hours.values() for line in lines}


# --- The numbers, counted by hand (table in Made) ---------------------------------------------


def test_the_group_month_matches_a_hand_count(world: World, made: Made) -> None:
    report = group_attendance(world.college.group, NOV_1, NOV_30)
    # всего, болезнь, уважительная, неуважительная, из них не указана
    assert _by_name(report.lines) == {
        "Аверина": [4, 0, 4, 0, 0],
        "Ёжикова": [0, 0, 0, 0, 0],
        "Студентов": [7, 2, 1, 4, 2],
        "Уходов": [2, 0, 0, 2, 0],
    }
    assert [line.student.person.last_name for line in report.lines] == [
        "Аверина",
        "Ёжикова",
        "Студентов",
        "Уходов",
    ]
    assert report.totals.values() == [13, 2, 5, 6, 2]
    leaver = report.lines[-1]
    assert leaver.left_on == dt.date(2026, 11, 10)


def test_any_period_of_dates(world: World, made: Made) -> None:
    """31.10–03.11: the October НП and the third of November only."""
    report = group_attendance(world.college.group, dt.date(2026, 10, 31), dt.date(2026, 11, 3))
    assert _by_name(report.lines)["Студентов"] == [6, 2, 0, 4, 0]
    assert _by_name(report.lines)["Аверина"] == [2, 0, 2, 0, 0]


def test_the_absence_sheet_has_a_cell_a_day(world: World, made: Made) -> None:
    sheet = absence_sheet(world.college.group, 2026, 11)
    assert len(sheet.days) == 30 and sheet.days[0] == NOV_1
    ivanov = next(line for line in sheet.lines if line.student == made.ivanov)
    cells = {i + 1: cell for i, cell in enumerate(ivanov.cells) if cell is not None}
    assert {day: (cell.hours, cell.codes) for day, cell in cells.items()} == {
        3: (4, ["Б", "НП"]),
        5: (2, ["Н"]),
        12: (1, ["УП"]),
    }
    assert cells[3].text == "4 Б/НП"
    assert [total for total in sheet.day_totals if total] == [6, 2, 4, 1]
    assert sheet.day_totals[2] == 6 and sheet.day_totals[4] == 4  # 3rd and 5th
    assert ivanov.hours.values() == [7, 2, 1, 4, 2]
    assert sheet.totals.values() == [13, 2, 5, 6, 2]


def test_totals_per_group_department_and_college(world: World, made: Made) -> None:
    groups = Group.objects.filter(organization=world.org)
    report = attendance_totals(groups, NOV_1, NOV_30, college="ТПТ")
    (block,) = report.departments
    assert block.name == "Очное отделение"
    lines = {
        line.label: (line.students, line.hours.values(), line.per_student) for line in block.lines
    }
    # On roll on 30.11: ИС-21 without the leaver (3), ИС-22 Ёлкин (1).
    assert lines == {
        "ИС-21": (3, [13, 2, 5, 6, 2], "4,3"),
        "ИС-22": (1, [6, 0, 0, 6, 0], "6,0"),
    }
    assert (block.total.students, block.total.hours.values()) == (4, [19, 2, 5, 12, 2])
    assert block.total.per_student == "4,8"  # 19 ÷ 4 = 4,75, rounded half up
    assert (report.total.students, report.total.hours.values()) == (4, [19, 2, 5, 12, 2])


def test_a_second_department_gets_its_own_block(world: World, made: Made) -> None:
    extramural = Department.objects.create(organization=world.org, name="Заочное отделение")
    Group.objects.filter(pk=world.college.other_group.pk).update(department=extramural)
    report = attendance_totals(
        Group.objects.filter(organization=world.org), NOV_1, NOV_30, college="ТПТ"
    )
    assert [(b.name, b.total.hours.total) for b in report.departments] == [
        ("Заочное отделение", 6),
        ("Очное отделение", 13),
    ]
    assert report.total.hours.total == 19


def test_over_the_threshold_is_strictly_more(world: World, made: Made) -> None:
    groups = Group.objects.filter(organization=world.org)
    lines = over_threshold(groups, NOV_1, NOV_30, 3)
    assert [
        (line.student.person.last_name, line.group.name, line.hours.values()) for line in lines
    ] == [
        ("Ёлкин", "ИС-22", [6, 0, 0, 6, 0]),
        ("Студентов", "ИС-21", [7, 2, 1, 4, 2]),
    ]
    assert [line.student for line in over_threshold(groups, NOV_1, NOV_30, 4)] == [made.elkin]
    assert over_threshold(groups, NOV_1, NOV_30, 20) == []
    own = Group.objects.filter(pk=world.college.group.pk)
    assert [line.student for line in over_threshold(own, NOV_1, NOV_30, 3)] == [made.ivanov]


# --- Pages: every number leads to the absences it counts --------------------------------------


def _url(world: World, name: str, group: Group | None = None, query: str = "") -> str:
    kwargs = {"group_id": (group or world.college.group).pk} if group is not False else {}
    return reverse(f"reports:{name}", kwargs=kwargs) + (f"?{query}" if query else "")


def _numbers_and_links(html: str) -> list[tuple[str, int]]:
    absences = re.findall(r'<a href="([^"]*/absences/\?[^"]*)">(?:<strong>)?(\d+)', html)
    return [(unescape(href), int(number)) for href, number in absences]


@pytest.mark.parametrize(
    ("name", "query"),
    [("attendance_group", "month=2026-11"), ("attendance_sheet", "month=2026-11")],
)
def test_every_number_of_the_group_pages_sums_its_absences(
    world: World, made: Made, name: str, query: str
) -> None:
    client = world.client_for("curator", role="curator")
    response = client.get(_url(world, name, query=query))
    assert response.status_code == 200
    links = _numbers_and_links(response.content.decode())
    assert len(links) > 20
    for href, number in links:
        listed = client.get(href)
        assert listed.status_code == 200, href
        assert listed.context["hours"] == number, href


def test_the_totals_and_the_over_list_link_to_what_they_count(world: World, made: Made) -> None:
    Organization.objects.filter(pk=world.org.pk).update(unexcused_hours_threshold=3)
    client = world.client_for("deputy")
    for name in ("attendance", "attendance_over"):
        response = client.get(reverse(f"reports:{name}"), {"month": "2026-11"})
        assert response.status_code == 200
        links = _numbers_and_links(response.content.decode())
        assert links
        for href, number in links:
            assert client.get(href).context["hours"] == number, href
    page = client.get(reverse("reports:attendance_over")).content.decode()
    assert "более 3 ч" in page and "Студентов Иван Петрович" in page


def test_the_absences_list_names_each_lesson(world: World, made: Made) -> None:
    client = world.client_for("deputy")
    url = _url(
        world,
        "attendance_absences",
        query=f"month=2026-11&student={made.ivanov.pk}&reason=unexcused",
    )
    response = client.get(url)
    text = response.content.decode()
    assert [row.code for row in response.context["rows"]] == ["НП", "Н"]
    assert "03.11.2026" in text and "05.11.2026" in text and "МДК.01.01" in text
    # A student outside the group, or a reason not known, is not a list.
    assert (
        client.get(_url(world, "attendance_absences", query=f"student={made.elkin.pk}")).status_code
        == 404
    )
    assert client.get(_url(world, "attendance_absences", query="reason=x")).status_code == 404


def test_the_choose_form_leads_to_the_report(world: World) -> None:
    client = world.client_for("curator", role="curator")
    for target in ("attendance_group", "attendance_sheet"):
        response = client.get(
            reverse(f"reports:{target}_choose"),
            {"group": str(world.college.group.pk), "month": "2026-10"},
        )
        assert response.status_code == 302
        assert response["Location"] == _url(world, target, query="month=2026-10")
    refused = client.get(
        reverse("reports:attendance_group_choose"),
        {"group": str(world.college.other_group.pk), "month": "2026-10"},
    )
    assert refused.status_code == 200 and refused.context["form"].errors["group"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"month": "2026-13"}, "month", "Укажите месяц между 2000 и 2100 годами."),
        ({"month": "ноябрь"}, "month", "Укажите месяц в виде ГГГГ-ММ, например 2026-11."),
        (
            {"date_from": "2026-11-10", "date_to": "2026-11-01"},
            "date_to",
            "Конец периода раньше его начала.",
        ),
        ({"date_from": "2026-11-10"}, "date_to", "Укажите обе даты периода или выберите месяц."),
        (
            {"date_from": "2025-01-01", "date_to": "2026-11-01"},
            "date_to",
            "Период не длиннее года.",
        ),
        ({"course": "9"}, "course", "Выберите корректный вариант"),
    ],
)
def test_bad_filters_are_named_and_the_month_stays(
    world: World, made: Made, query: dict[str, str], field: str, message: str
) -> None:
    response = world.client_for("deputy").get(reverse("reports:attendance"), query)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    report = response.context["report"]
    assert (report.date_from, report.date_to) == (NOV_1, NOV_30)  # this month, as with none


def test_filters_narrow_the_totals(world: World, made: Made) -> None:
    client = world.client_for("deputy")

    def groups(**query: str | int) -> list[str]:
        report = client.get(reverse("reports:attendance"), query).context["report"]
        return [line.label for block in report.departments for line in block.lines]

    assert groups() == ["ИС-21", "ИС-22"]
    assert groups(group=world.college.other_group.pk) == ["ИС-22"]
    assert groups(course=2) == ["ИС-21", "ИС-22"]  # intake 2025: 2nd course in 2026/2027
    assert groups(course=1) == []
    other = Department.objects.create(organization=world.org, name="Заочное отделение")
    assert groups(department=other.pk) == []
    report = client.get(
        reverse("reports:attendance"), {"date_from": "2026-10-01", "date_to": "2026-10-31"}
    ).context["report"]
    assert report.total.hours.values() == [2, 0, 0, 2, 0]


# --- Queries: a fixed number whatever the size ------------------------------------------------


def _queries(client: Any, url: str) -> int:
    client.get(url)  # the first request of a session writes the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(world: World, n: int = 12) -> None:
    """Twelve more students in each group, each with an absence on a day of their own."""
    teacher = world.college.employees["teacher"]
    for group, workload in (
        (world.college.group, world.college.workload),
        (world.college.other_group, world.college.other_workload),
    ):
        for i in range(n):
            student = _student(world, f"Добавленный{i:02}", "Тест", group=group)
            lesson = Lesson.objects.create(
                workload=workload, date=dt.date(2026, 11, 1 + i), teacher=teacher
            )
            Attendance.objects.create(lesson=lesson, student=student, code="НП")


def test_the_query_counts_do_not_grow(world: World, made: Made) -> None:
    client = world.client_for("deputy")
    urls = {
        # Session, user, roles (3); the group and its curators (2); the roster, the hours per
        # student and code (2).
        "group": (_url(world, "attendance_group", query="month=2026-11"), 7),
        # The same, with the hours per student, day and code.
        "sheet": (_url(world, "attendance_sheet", query="month=2026-11"), 7),
        # Session, user, roles (3); the filter form's departments and groups (2); the groups
        # with departments, the students on roll per group, the hours per group and code (3).
        "totals": (reverse("reports:attendance") + "?month=2026-11", 8),
        # Session, user, roles (3); the form's departments and groups (2); the hours summed
        # per student and group kept over the threshold, their students, their groups (3).
        "over": (reverse("reports:attendance_over") + "?month=2026-11", 8),
        # Session, user, roles (3); the group and its curators (2); the roster (whose absences
        # count); the absences with their lessons, items and teachers (2).
        "absences": (
            _url(world, "attendance_absences", query=f"month=2026-11&student={made.ivanov.pk}"),
            7,
        ),
        "group_absences": (_url(world, "attendance_absences", query="month=2026-11"), 7),
    }
    Organization.objects.filter(pk=world.org.pk).update(unexcused_hours_threshold=1)
    small = {key: _queries(client, url) for key, (url, _n) in urls.items()}
    assert small == {key: n for key, (_url_, n) in urls.items()}
    _grow(world)
    assert {key: _queries(client, url) for key, (url, _n) in urls.items()} == small


# --- Rights -----------------------------------------------------------------------------------

GROUP_PAGES = (
    "attendance_group",
    "attendance_group_xlsx",
    "attendance_sheet",
    "attendance_sheet_pdf",
    "attendance_absences",
)
LIST_PAGES = (
    "attendance",
    "attendance_xlsx",
    "attendance_over",
    "attendance_over_pdf",
    "attendance_group_choose",
    "attendance_sheet_choose",
)


@pytest.mark.parametrize(
    ("who", "role", "status"),
    [
        ("director", None, 200),
        ("deputy", None, 200),
        ("head", None, 200),
        ("curator", "curator", 200),
        ("curator", "teacher", 403),
        ("teacher", None, 403),
        ("secretary", None, 403),
        ("hr", None, 403),
        ("dispatcher", None, 403),
        ("student", None, 403),
        ("parent", None, 403),
    ],
)
def test_who_may_open_the_attendance_reports(
    world: World, who: str, role: str | None, status: int
) -> None:
    client = world.client_for(who, role=role)
    for name in GROUP_PAGES:
        assert client.get(_url(world, name)).status_code == status, name
    for name in LIST_PAGES:
        assert client.get(reverse(f"reports:{name}")).status_code == status, name


def test_a_curator_sees_own_groups_only(world: World, made: Made) -> None:
    client = world.client_for("curator", role="curator")
    for name in GROUP_PAGES:
        assert client.get(_url(world, name, world.college.other_group)).status_code == 404
    report = client.get(reverse("reports:attendance")).context["report"]
    assert [line.label for block in report.departments for line in block.lines] == ["ИС-21"]
    Organization.objects.filter(pk=world.org.pk).update(unexcused_hours_threshold=3)
    over = client.get(reverse("reports:attendance_over")).context["lines"]
    assert [line.student for line in over] == [made.ivanov]  # not Ёлкин of ИС-22


def test_a_department_head_sees_own_department_only(world: World, made: Made) -> None:
    other = Department.objects.create(organization=world.org, name="Заочное отделение")
    RoleAssignment.objects.filter(user=world.user("head")).update(department=other)
    client = world.client_for("head")
    assert client.get(_url(world, "attendance_group")).status_code == 404
    response = client.get(reverse("reports:attendance"))
    assert response.context["report"].departments == []
    offered = response.context["form"].fields["department"].queryset
    assert list(offered) == [other]  # not the departments of others
    Group.objects.filter(pk=world.college.other_group.pk).update(department=other)
    assert client.get(_url(world, "attendance_group", world.college.other_group)).status_code == 200
    report = client.get(reverse("reports:attendance")).context["report"]
    assert [b.name for b in report.departments] == ["Заочное отделение"]


def test_a_stranger_college_gets_404(world: World, made: Made) -> None:
    client = world.client_for(world.stranger.users["deputy"])
    for name in GROUP_PAGES:
        assert client.get(_url(world, name)).status_code == 404, name
    report = client.get(reverse("reports:attendance")).context["report"]
    assert report.total.hours.total == 0 and report.total.label == "ДРУГОЙ"


def test_the_index_lists_the_attendance_reports(world: World) -> None:
    text = world.client_for("curator", role="curator").get(reverse("reports:index")).content
    for name in (
        "attendance",
        "attendance_over",
        "attendance_group_choose",
        "attendance_sheet_choose",
    ):
        assert reverse(f"reports:{name}").encode() in text


# --- Files ------------------------------------------------------------------------------------


def _rows(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    return list(book.worksheets[0].iter_rows(values_only=True))


def test_the_workbooks_keep_hours_as_numbers(world: World, made: Made) -> None:
    client = world.client_for("deputy")
    rows = _rows(client.get(_url(world, "attendance_group_xlsx", query="month=2026-11")))
    assert rows[0][0] == "Посещаемость группы ИС-21"
    ivanov = next(row for row in rows if row[1] == "Студентов Иван Петрович")
    assert ivanov[2:] == (7, 2, 1, 4, 2)
    assert rows[-1][1:] == ("Итого по группе", 13, 2, 5, 6, 2)

    rows = _rows(client.get(_url(world, "attendance_sheet_xlsx", query="month=2026-11")))
    header = next(row for row in rows if row[0] == "№")
    assert header[2] == "1" and header[31] == "30"
    ivanov = next(row for row in rows if row[1] == "Студентов Иван Петрович")
    assert ivanov[2 + 2] == "4 Б/НП" and ivanov[2 + 4] == "2 Н" and ivanov[32:] == (7, 2, 1, 4)
    assert rows[-1][32:] == (13, 2, 5, 6)

    rows = _rows(client.get(reverse("reports:attendance_xlsx"), {"month": "2026-11"}))
    assert ("Очное отделение", "ИС-21", 3, 13, 2, 5, 6, 2, "4,3") in rows
    assert rows[-1][2:8] == (4, 19, 2, 5, 12, 2)


def _pdf_text(response: Any) -> tuple[PdfReader, str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize(
    ("name", "title", "signature"),
    [
        ("attendance_group_pdf", "Посещаемость группы ИС-21", "Куратор группы"),
        ("attendance_sheet_pdf", "Ведомость пропусков группы ИС-21", "Куратор группы"),
        ("attendance_pdf", "Посещаемость по группам и отделениям", "Заместитель директора по УМР"),
        (
            "attendance_over_pdf",
            "пропустившие без уважительной причины более",
            "Заместитель директора по УМР",
        ),
    ],
)
def test_the_printouts_are_titled_numbered_and_signed(
    world: World, made: Made, name: str, title: str, signature: str
) -> None:
    group_page = name.startswith("attendance_group") or name.startswith("attendance_sheet")
    url = _url(world, name) if group_page else reverse(f"reports:{name}")
    reader, text = _pdf_text(world.client_for("deputy").get(url, {"month": "2026-11"}))
    assert world.org.name in text
    assert title in text and "ноябрь 2026" in text
    assert f"стр. 1 из {len(reader.pages)}" in text
    assert signature in text


def test_thirty_students_by_thirty_one_days_print_legibly(world: World) -> None:
    """December: 31 days; every student absent every day, every name whole on a landscape A4."""
    teacher = world.college.employees["teacher"]
    students = [_student(world, f"Длиннофамильная{n:02}", "Александра") for n in range(29)]
    students.append(world.college.student)
    for day in range(1, 32):
        lesson = Lesson.objects.create(
            workload=world.college.workload, date=dt.date(2026, 12, day), teacher=teacher
        )
        Attendance.objects.bulk_create(
            Attendance(lesson=lesson, student=student, code="НП" if day % 2 else "Б")
            for student in students
        )
    url = _url(world, "attendance_sheet_pdf", query="month=2026-12")
    reader, text = _pdf_text(world.client_for("deputy").get(url))
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    assert len(reader.pages) <= 2
    for n in range(29):
        assert f"Длиннофамильная{n:02} Александра" in text
    assert "Студентов Иван Петрович" in text
    assert "62" in text  # a student's month: 31 lessons × 2 h
    assert "1860" in text  # the group's month: 30 × 62
