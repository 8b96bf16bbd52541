"""A journal's marks as XLSX: every cell of a small hand-made journal, and who may have it."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from otmetka.journal.models import Attendance, Lesson, Mark, Substitution, WorkKind
from otmetka.journal.tests.factories_grid import make_lesson, make_student
from otmetka.test import BASE_QUERIES, World


def url(world: World, **query: Any) -> str:
    address = reverse("journal:marks_xlsx", kwargs={"workload_id": world.college.workload.pk})
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def sheet_rows(content: bytes, title: str) -> list[tuple[Any, ...]]:
    book = load_workbook(io.BytesIO(content))
    return list(book[title].iter_rows(values_only=True))


@pytest.fixture
def journal(world: World) -> dict[str, Any]:
    """Three lessons (the second holds two marks for one student), three students.

    Студентов: 5 and 4/3 (weights 1, control work 2), absent ill on the third lesson (2 h).
    Абрамов: «Н» on the first lesson (2 h), зачтено on the second, late with a 2 on the third.
    Ушедший left on 10.11: off the roll for the third lesson.
    """
    college = world.college
    workload = college.workload
    first = make_lesson(workload, dt.date(2026, 11, 2), pair=1)
    second = make_lesson(workload, dt.date(2026, 11, 9), pair=1)
    third = make_lesson(workload, dt.date(2026, 11, 9), pair=2, hours=2)
    make_lesson(workload, dt.date(2026, 11, 10), pair=1, status=Lesson.Status.CANCELLED)
    plain = WorkKind.objects.get(organization=world.org, short_name="О")  # weight 1
    heavy = WorkKind.objects.get(organization=world.org, short_name="КР")  # weight 2
    assert (plain.weight, heavy.weight) == (Decimal(1), Decimal(2))
    me = college.student
    abramov = make_student(world, "Абрамов")
    leaver = make_student(world, "Ушедший", date_to=dt.date(2026, 11, 8))

    def mark(lesson: Lesson, student: Any, value: str, slot: int = 1, kind: Any = plain) -> None:
        Mark.objects.create(lesson=lesson, student=student, value=value, slot=slot, work_kind=kind)

    mark(first, me, "5")
    mark(second, me, "4", 1)
    mark(second, me, "3", 2, heavy)
    Attendance.objects.create(lesson=third, student=me, code="Б")
    Attendance.objects.create(lesson=first, student=abramov, code="Н")
    mark(second, abramov, "зч")
    mark(third, abramov, "2")
    Attendance.objects.create(lesson=third, student=abramov, code="ОП")
    mark(first, leaver, "3")
    return {"lessons": (first, second, third), "abramov": abramov, "leaver": leaver}


def test_every_cell_of_the_workbook(world: World, journal: dict[str, Any]) -> None:
    response = world.client_for("teacher").get(url(world))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = sheet_rows(response.content, "Отметки")
    assert rows[0] == ("Журнал группы ИС-21: МДК.01.01 Разработка программных модулей",) + (
        None,
    ) * (len(rows[3]) - 1)
    assert rows[1][0] == (
        "Преподаватель: Учителев Пётр Андреевич. 1 семестр 2026/2027, 01.09.2026 – 28.12.2026"
    )
    assert rows[3] == (
        "№",
        "Обучающийся",
        "02.11",
        "09.11, 1 пара",
        "09.11, 1 пара, отметка 2",
        "09.11, 2 пара",
        "Отметок",
        "Пропущено, ч",
        "Средний балл",
    )
    # Students in Russian alphabetical order; a cancelled lesson is not a column.
    # Студентов: (5·1 + 4·1 + 3·2) / 4 = 3.75; absent ill for 2 hours.
    # Абрамов: only the 2 counts (зачтено has no number): 2.0; «Н» 2 hours (ОП is no absence).
    assert rows[4:] == [
        (1, "Абрамов Тест Тестович", "Н", "зч", None, 2, 2, 2, 2.0),
        (2, "Студентов Иван Петрович", 5, 4, 3, "Б", 3, 2, 3.75),
        (3, "Ушедший Тест Тестович (выбыл(а))", 3, None, None, None, 1, 0, 3.0),
    ]
    codes = sheet_rows(response.content, "Посещаемость")
    assert codes[2] == (
        "№",
        "Обучающийся",
        "02.11",
        "09.11, 1 пара",
        "09.11, 2 пара",
        "Пропущено, ч",
    )
    assert codes[3:] == [
        (1, "Абрамов Тест Тестович", "Н", None, "ОП", 2),
        (2, "Студентов Иван Петрович", None, None, "Б", 2),
        (3, "Ушедший Тест Тестович (выбыл(а))", None, None, None, 0),
    ]
    legend = dict(sheet_rows(response.content, "Коды")[1:])
    assert legend["Б"] == "болезнь"
    assert legend["ОП"] == "опоздал"


def test_another_semester_and_a_bad_one(world: World, journal: dict[str, Any]) -> None:
    client = world.client_for("teacher")
    second = client.get(url(world, period=world.college.semester2.pk))
    assert second.status_code == 200
    rows = sheet_rows(second.content, "Отметки")
    assert rows[3] == ("№", "Обучающийся", "Отметок", "Пропущено, ч", "Средний балл")
    assert client.get(url(world, period=world.stranger.semester1.pk)).status_code == 404
    assert client.get(url(world, period="abc")).status_code == 404


def test_the_substitute_gets_only_the_substituted_lesson(
    world: World, journal: dict[str, Any]
) -> None:
    _first, _second, third = journal["lessons"]
    college = world.college
    Substitution.objects.create(
        lesson=third,
        absent_teacher=college.employees["teacher"],
        substitute=college.employees["other_teacher"],
        reason="Курсы",
    )
    response = world.client_for("other_teacher").get(url(world))
    assert response.status_code == 200
    rows = sheet_rows(response.content, "Отметки")
    assert rows[3][2:-3] == ("09.11",)
    # The leaver was off the roll that day and is not in the substitute's file at all.
    assert [row[1] for row in rows[4:]] == ["Абрамов Тест Тестович", "Студентов Иван Петрович"]


@pytest.mark.parametrize(
    ("key", "role", "status"),
    [
        ("teacher", None, 200),
        ("curator", "curator", 200),
        ("deputy", None, 200),
        ("head", None, 200),
        ("other_teacher", None, 404),
        ("stranger:deputy", None, 404),
        ("student", None, 403),
        ("parent", None, 403),
        ("hr", None, 403),
    ],
)
def test_who_may_have_the_file(world: World, key: str, role: str | None, status: int) -> None:
    user = world.stranger.users[key.split(":")[1]] if key.startswith("stranger:") else key
    assert world.client_for(user, role=role).get(url(world)).status_code == status


def test_the_grid_links_to_the_file(world: World) -> None:
    body = (
        world.client_for("teacher")
        .get(reverse("journal:grid", kwargs={"workload_id": world.college.workload.pk}))
        .content.decode()
    )
    assert url(world, period=world.college.semester1.pk).replace("&", "&amp;") in body


@pytest.mark.parametrize("students", [1, 12])
def test_query_budget(
    world: World, journal: dict[str, Any], django_assert_num_queries: Any, students: int
) -> None:
    for number in range(students):
        make_student(world, f"Добавленный{number:02}")
    client = world.client_for("teacher")
    client.get(url(world))
    # BASE_QUERIES, then the journal, the semesters with lock state, the lessons, the roll,
    # marks and attendance (one UNION): the grid's own queries, whatever the group's size.
    with django_assert_num_queries(BASE_QUERIES + 5):
        response = client.get(url(world))
    assert len(sheet_rows(response.content, "Отметки")) == 4 + 3 + students
