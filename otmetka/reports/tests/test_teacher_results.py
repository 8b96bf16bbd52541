"""Итоги успеваемости по дисциплинам: every number of a hand-made November, files and access."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from otmetka.academics.models import Workload
from otmetka.accounts.models import RoleAssignment
from otmetka.journal.models import Attendance, Lesson, Mark, WorkKind
from otmetka.journal.tests.factories_grid import make_lesson, make_plan, make_student
from otmetka.org.models import Department
from otmetka.test import BASE_QUERIES, World

NOVEMBER: dict[str, Any] = {"date_from": "2026-11-01", "date_to": "2026-11-30"}


def url(name: str = "reports:teacher_results", **query: Any) -> str:
    address = reverse(name)
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def november(world: World) -> dict[str, Any]:
    """The teacher's МДК in ИС-21 (80 h in the first semester, a КТП of three 2-hour topics)
    and a second journal, ОП.01 (30 h + 40 h), with no lessons yet.

    Lessons of the МДК: 03.11 (2 h), 10.11 (2 h), 12.11 (4 h); not counted: a cancelled one on
    13.11, one on 20.10 (before the period), one planned for 20.11 (after today, 16.11).
    Marks (О weighs 1, КР weighs 2):
      Студентов 5 (О), 4 (КР)          → (5 + 8) / 3 = 4,33 → «4»: passing, good;
      Абрамов   3 (О), 2 (О)           → 2,5 → «3»: passing;
      Борисов   2 (КР), зачтено        → 2 → «2».
    Absences: Студентов ill on 12.11 (4 h, excused), Абрамов «Н» on 10.11 (2 h); Борисов late
    on 03.11 (no absence).
    """
    college = world.college
    mdk = college.workload
    make_plan(mdk, "Тема 1", "Тема 2", "Тема 3")
    second = Workload.objects.create(
        academic_year=college.year,
        teacher=college.employees["teacher"],
        group=college.group,
        item=college.discipline,
        hours_first=30,
        hours_second=40,
    )
    first = make_lesson(mdk, dt.date(2026, 11, 3), pair=1)
    tenth = make_lesson(mdk, dt.date(2026, 11, 10), pair=1)
    twelfth = make_lesson(mdk, dt.date(2026, 11, 12), pair=1, hours=4)
    cancelled = make_lesson(mdk, dt.date(2026, 11, 13), pair=1, status=Lesson.Status.CANCELLED)
    october = make_lesson(mdk, dt.date(2026, 10, 20), pair=1)
    make_lesson(mdk, dt.date(2026, 11, 20), pair=1, status=Lesson.Status.PLANNED)
    oral = WorkKind.objects.get(organization=world.org, short_name="О")
    test = WorkKind.objects.get(organization=world.org, short_name="КР")
    me = college.student
    abramov = make_student(world, "Абрамов")
    borisov = make_student(world, "Борисов")

    def mark(lesson: Lesson, student: Any, value: str, kind: WorkKind = oral) -> None:
        Mark.objects.create(lesson=lesson, student=student, value=value, work_kind=kind)

    mark(first, me, "5")
    mark(tenth, me, "4", test)
    mark(first, abramov, "3")
    mark(twelfth, abramov, "2")
    mark(tenth, borisov, "2", test)
    mark(twelfth, borisov, "зч")
    mark(cancelled, me, "2")
    mark(october, abramov, "2")
    Attendance.objects.create(lesson=twelfth, student=me, code="Б")
    Attendance.objects.create(lesson=tenth, student=abramov, code="Н")
    Attendance.objects.create(lesson=first, student=borisov, code="ОП")
    Attendance.objects.create(lesson=october, student=borisov, code="НП")
    return {"mdk": mdk, "second": second}


def numbers(result: Any) -> dict[str, Any]:
    return {
        "counts": result.counts,
        "average": result.average,
        "students": (result.students, result.passing, result.good),
        "progress": result.progress,
        "quality": result.quality,
        "missed": (result.missed_hours, result.excused_hours),
        "held": (result.lessons_held, result.hours_held),
        "planned": (result.hours_planned, result.hours_plan_ktp),
    }


def test_the_teachers_november(world: World, november: dict[str, Any]) -> None:
    response = world.client_for("teacher").get(url(**NOVEMBER))
    assert response.status_code == 200
    results = response.context["results"]
    # In the curriculum's order: ОП.01 before МДК.01.01.
    assert [r.workload for r in results.journals] == [november["second"], november["mdk"]]
    second, mdk = results.journals
    # (5·1 + 4·2 + 3·1 + 2·1 + 2·2) / (1 + 2 + 1 + 1 + 2) = 22 / 7 = 3,14.
    assert numbers(mdk) == {
        "counts": {"5": 1, "4": 1, "3": 1, "2": 2},
        "average": Decimal("3.14"),
        "students": (3, 2, 1),
        "progress": Decimal("66.7"),
        "quality": Decimal("33.3"),
        "missed": (6, 4),
        "held": (3, 8),
        "planned": (80, 6),
    }
    assert numbers(second) == {
        "counts": {"5": 0, "4": 0, "3": 0, "2": 0},
        "average": None,
        "students": (0, 0, 0),
        "progress": None,
        "quality": None,
        "missed": (0, 0),
        "held": (0, 0),
        "planned": (30, 0),
    }
    assert numbers(results.total) == {**numbers(mdk), "planned": (110, 6)}
    body = response.content.decode()
    assert "Итоги успеваемости по дисциплинам: Учителев Пётр Андреевич" in body
    assert reverse("journal:grid", kwargs={"workload_id": november["mdk"].pk}) in body
    assert "Качество = обучающиеся с текущей отметкой 4 и 5" in body


def test_a_period_across_the_new_year_plans_both_semesters(
    world: World, november: dict[str, Any]
) -> None:
    response = world.client_for("teacher").get(url(date_from="2026-12-01", date_to="2027-01-31"))
    second, mdk = response.context["results"].journals
    assert (mdk.hours_planned, second.hours_planned) == (80, 70)
    assert mdk.marks == 0


def test_the_default_period_is_the_current_semester(world: World, november: dict[str, Any]) -> None:
    results = world.client_for("teacher").get(url()).context["results"]
    assert (results.date_from, results.date_to) == (dt.date(2026, 9, 1), dt.date(2026, 12, 28))
    # The October mark now counts too: Абрамов's average is (3 + 2 + 2) / 3 = 2,33 → «2».
    mdk = results.journals[1]
    assert mdk.counts == {"5": 1, "4": 1, "3": 1, "2": 3}
    assert (mdk.students, mdk.passing) == (3, 1)


def test_the_deputy_chooses_any_teacher(world: World, november: dict[str, Any]) -> None:
    client = world.client_for("deputy")
    empty = client.get(url(**NOVEMBER))
    assert empty.context["results"] is None
    assert "Выберите преподавателя." in empty.content.decode()
    assert client.get(url("reports:teacher_results_xlsx", **NOVEMBER)).status_code == 404
    teacher = world.college.employees["teacher"].pk
    results = client.get(url(**NOVEMBER, teacher=teacher)).context["results"]
    assert results.total.marks == 5
    other = world.college.employees["other_teacher"].pk
    results = client.get(url(**NOVEMBER, teacher=other)).context["results"]
    assert [r.workload for r in results.journals] == [world.college.other_workload]


def test_a_teacher_cannot_ask_for_someone_else(world: World, november: dict[str, Any]) -> None:
    other = world.college.employees["other_teacher"].pk
    response = world.client_for("teacher").get(url(**NOVEMBER, teacher=other))
    assert [r.workload for r in response.context["results"].journals] == [
        november["second"],
        november["mdk"],
    ]
    assert "teacher" not in response.context["form"].fields


def test_a_head_sees_their_department_only(world: World, november: dict[str, Any]) -> None:
    elsewhere = Department.objects.create(organization=world.org, name="Заочное отделение")
    RoleAssignment.objects.filter(user=world.user("head")).update(department=elsewhere)
    teacher = world.college.employees["teacher"].pk
    results = world.client_for("head").get(url(**NOVEMBER, teacher=teacher)).context["results"]
    assert results.journals == []


def test_a_stranger_learns_nothing(world: World, november: dict[str, Any]) -> None:
    teacher = world.college.employees["teacher"].pk
    response = world.client_for(world.stranger.users["deputy"]).get(
        url(**NOVEMBER, teacher=teacher)
    )
    assert response.status_code == 200
    assert response.context["results"] is None
    assert response.context["form"].errors["teacher"]


def test_bad_dates_say_so(world: World, november: dict[str, Any]) -> None:
    client = world.client_for("teacher")
    response = client.get(url(date_from="2026-11-30", date_to="2026-11-01"))
    assert "Конец периода раньше его начала." in response.content.decode()
    assert response.context["results"].date_from == dt.date(2026, 9, 1)
    assert (
        "Период не длиннее года."
        in client.get(url(date_from="2025-01-01", date_to="2026-11-30")).content.decode()
    )


def test_the_workbook_and_the_printout(world: World, november: dict[str, Any]) -> None:
    client = world.client_for("teacher")
    response = client.get(url("reports:teacher_results_xlsx", **NOVEMBER))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Итоги успеваемости по дисциплинам: Учителев Пётр Андреевич"
    assert rows[1][0] == "с 01.11.2026 по 30.11.2026"
    assert rows[2][:4] == ("Группа", "Дисциплина", "5", "4")
    assert rows[3][:3] == ("ИС-21", "ОП.01 Операционные системы", 0)
    assert rows[4] == (
        "ИС-21", "МДК.01.01 Разработка программных модулей", 1, 1, 1, 2, 5, 3.14, 3, 66.7,
        33.3, 6, 4, 3, 8, 80, 6,
    )  # fmt: skip
    assert rows[5][:7] == ("Итого", None, 1, 1, 1, 2, 5)
    pdf = client.get(url("reports:teacher_results_pdf", **NOVEMBER))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("key", "role", "status"),
    [
        ("teacher", None, 200),
        ("deputy", None, 200),
        ("director", None, 200),
        ("head", None, 200),
        ("curator", "curator", 403),
        ("hr", None, 403),
        ("dispatcher", None, 403),
        ("student", None, 403),
    ],
)
@pytest.mark.parametrize(
    "name",
    ["reports:teacher_results", "reports:teacher_results_xlsx", "reports:teacher_results_pdf"],
)
def test_who_may_open_it(world: World, key: str, role: str | None, status: int, name: str) -> None:
    query = {"teacher": world.college.employees["teacher"].pk}
    assert world.client_for(key, role=role).get(url(name, **query)).status_code == status


@pytest.mark.parametrize("students", [0, 10])
def test_query_budget(
    world: World, november: dict[str, Any], django_assert_num_queries: Any, students: int
) -> None:
    lesson = Lesson.objects.get(workload=november["mdk"], date=dt.date(2026, 11, 3))
    oral = WorkKind.objects.get(organization=world.org, short_name="О")
    for number in range(students):
        student = make_student(world, f"Добавленный{number:02}")
        Mark.objects.create(lesson=lesson, student=student, value="4", work_kind=oral)
    client = world.client_for("teacher")
    client.get(url(**NOVEMBER))
    # BASE_QUERIES, the current semester (the default period), then the report's six: the
    # journals, the semesters of their years, marks by journal × student × mark, absences by
    # journal × code, lessons held by journal, the КТП's hours by journal.
    with django_assert_num_queries(BASE_QUERIES + 7):
        response = client.get(url(**NOVEMBER))
    assert response.context["results"].journals[1].students == 3 + students
