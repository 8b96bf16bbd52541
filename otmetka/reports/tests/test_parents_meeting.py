"""The group report for a parents' meeting: every mark and hour of a hand-made fortnight, both
layouts, the files, and who may open it."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from otmetka.academics.models import Workload
from otmetka.journal.models import Attendance, Lesson, Mark, WorkKind
from otmetka.journal.tests.factories_grid import make_lesson, make_student
from otmetka.test import BASE_QUERIES, World

PERIOD: dict[str, Any] = {"date_from": "2026-11-01", "date_to": "2026-11-16"}


def url(
    world: World, name: str = "reports:parents_meeting", group: Any = None, **query: Any
) -> str:
    address = reverse(name, kwargs={"group_id": (group or world.college.group).pk})
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def fortnight(world: World) -> dict[str, Any]:
    """ИС-21 from 01.11 to 16.11, two journals: ОП.01 (position 1) and МДК.01.01 (position 3).

    МДК: 03.11 Студентов 5 (О), Абрамов 3 (О), Ушедший 4 (О); 10.11 Студентов 4 (КР, weight
    2), Абрамов 2 (О) and «Н» (2 h); 12.11 (4 h) Абрамов «НП», Студентов late. Not counted: a
    cancelled lesson on 13.11 (Студентов 2), a lesson on 20.10 (Абрамов 5).
    ОП.01: 11.11 Студентов зачтено and ill (2 h), Абрамов 4 (О).
    Ушедший left on 05.11; Новенький joins on 20.11 (after the period: not listed); the other
    group's student has marks in the other group's journal (not counted).
    """
    college = world.college
    mdk = college.workload
    discipline = Workload.objects.create(
        academic_year=college.year,
        teacher=college.employees["other_teacher"],
        group=college.group,
        item=college.discipline,
        hours_first=30,
    )
    me = college.student
    abramov = make_student(world, "Абрамов")
    leaver = make_student(world, "Ушедший", date_to=dt.date(2026, 11, 5))
    make_student(world, "Новенький", date_from=dt.date(2026, 11, 20))
    third = make_lesson(mdk, dt.date(2026, 11, 3), pair=1)
    tenth = make_lesson(mdk, dt.date(2026, 11, 10), pair=1)
    twelfth = make_lesson(mdk, dt.date(2026, 11, 12), pair=1, hours=4)
    cancelled = make_lesson(mdk, dt.date(2026, 11, 13), pair=1, status=Lesson.Status.CANCELLED)
    october = make_lesson(mdk, dt.date(2026, 10, 20), pair=1)
    eleventh = make_lesson(discipline, dt.date(2026, 11, 11), pair=2)
    other = make_lesson(college.other_workload, dt.date(2026, 11, 11), pair=1)
    oral = WorkKind.objects.get(organization=world.org, short_name="О")
    test = WorkKind.objects.get(organization=world.org, short_name="КР")

    def mark(lesson: Lesson, student: Any, value: str, kind: WorkKind = oral) -> None:
        Mark.objects.create(lesson=lesson, student=student, value=value, work_kind=kind)

    mark(third, me, "5")
    mark(third, abramov, "3")
    mark(third, leaver, "4")
    mark(tenth, me, "4", test)
    mark(tenth, abramov, "2")
    mark(cancelled, me, "2")
    mark(october, abramov, "5")
    mark(eleventh, me, "зч")
    mark(eleventh, abramov, "4")
    mark(other, college.other_student, "5")
    Attendance.objects.create(lesson=tenth, student=abramov, code="Н")
    Attendance.objects.create(lesson=twelfth, student=abramov, code="НП")
    Attendance.objects.create(lesson=twelfth, student=me, code="ОП")
    Attendance.objects.create(lesson=eleventh, student=me, code="Б")
    return {"discipline": discipline}


def test_every_mark_and_hour(world: World, fortnight: dict[str, Any]) -> None:
    response = world.client_for("curator", role="curator").get(url(world, **PERIOD))
    assert response.status_code == 200
    report = response.context["report"]
    assert [(item.index, item.name) for item in report.items] == [
        ("ОП.01", "Операционные системы"),
        ("МДК.01.01", "Разработка программных модулей"),
    ]
    assert [
        (
            row.name,
            [(cell.text, cell.average) for cell in row.cells],
            (row.missed_hours, row.excused_hours, row.unexcused_hours),
        )
        for row in report.rows
    ] == [
        ("Абрамов Тест Тестович", [("4", Decimal("4.00")), ("3 2", Decimal("2.50"))], (6, 0, 6)),
        # (5·1 + 4·2) / 3 = 4,33; зачтено has no number.
        ("Студентов Иван Петрович", [("зч", None), ("5 4", Decimal("4.33"))], (2, 2, 0)),
        ("Ушедший Тест Тестович", [("", None), ("4", Decimal("4.00"))], (0, 0, 0)),
    ]
    body = response.content.decode()
    assert "Успеваемость и посещаемость группы ИС-21" in body
    assert "с 01.11.2026 по 16.11.2026" in body
    assert "<strong>4.33</strong>" in body or "<strong>4,33</strong>" in body


def test_a_page_per_student(world: World, fortnight: dict[str, Any]) -> None:
    response = world.client_for("curator", role="curator").get(url(world, **PERIOD, layout="pages"))
    assert response.context["per_student"] is True
    body = response.content.decode()
    assert "<h2>2. Студентов Иван Петрович</h2>" in body
    assert (
        "Пропущено 6 ч, из них по уважительной причине 0 ч, без уважительной причины 6 ч." in body
    )


def test_the_workbook(world: World, fortnight: dict[str, Any]) -> None:
    response = world.client_for("deputy").get(url(world, "reports:parents_meeting_xlsx", **PERIOD))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    averages = list(book["Средние баллы"].iter_rows(values_only=True))
    assert averages[2] == (
        "№", "Обучающийся", "ОП.01 Операционные системы",
        "МДК.01.01 Разработка программных модулей", "Пропущено, ч",
        "из них по уваж. причине, ч", "без уваж. причины, ч",
    )  # fmt: skip
    assert averages[3:] == [
        (1, "Абрамов Тест Тестович", 4.0, 2.5, 6, 0, 6),
        (2, "Студентов Иван Петрович", None, 4.33, 2, 2, 0),
        (3, "Ушедший Тест Тестович", None, 4.0, 0, 0, 0),
    ]
    marks = list(book["Отметки"].iter_rows(values_only=True))
    assert ("Студентов Иван Петрович", "ОП.01 Операционные системы", "зч", None) in marks
    assert ("Абрамов Тест Тестович", "МДК.01.01 Разработка программных модулей", "3 2", 2.5) in (
        marks
    )


@pytest.mark.parametrize("layout", ["table", "pages"])
def test_the_printout(world: World, fortnight: dict[str, Any], layout: str) -> None:
    response = world.client_for("curator", role="curator").get(
        url(world, "reports:parents_meeting_pdf", **PERIOD, layout=layout)
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_choosing_a_group_and_bad_dates(world: World, fortnight: dict[str, Any]) -> None:
    client = world.client_for("curator", role="curator")
    choose = reverse("reports:parents_meeting_choose")
    assert client.get(choose).status_code == 200
    response = client.get(choose, {"group": world.college.group.pk, **PERIOD, "layout": "pages"})
    assert response.status_code == 302
    assert response["Location"] == url(
        world, date_from="2026-11-01", date_to="2026-11-16", layout="pages"
    )
    # The curator does not curate ИС-22: it is not offered.
    refused = client.get(choose, {"group": world.college.other_group.pk, **PERIOD})
    assert refused.status_code == 200
    assert refused.context["form"].errors["group"]
    bad = client.get(url(world, date_from="2026-11-16", date_to="2026-11-01"))
    assert "Конец периода раньше его начала." in bad.content.decode()
    # The default period: from the semester's start to today.
    assert (bad.context["report"].date_from, bad.context["report"].date_to) == (
        dt.date(2026, 9, 1),
        dt.date(2026, 11, 16),
    )


@pytest.mark.parametrize(
    ("key", "role", "group", "status"),
    [
        ("curator", "curator", "group", 200),
        ("deputy", None, "group", 200),
        ("head", None, "group", 200),
        ("director", None, "group", 200),
        ("curator", "curator", "other_group", 404),
        ("stranger:deputy", None, "group", 404),
        ("teacher", None, "group", 403),
        ("student", None, "group", 403),
        ("parent", None, "group", 403),
    ],
)
@pytest.mark.parametrize(
    "name",
    ["reports:parents_meeting", "reports:parents_meeting_xlsx", "reports:parents_meeting_pdf"],
)
def test_who_may_open_it(
    world: World, key: str, role: str | None, group: str, status: int, name: str
) -> None:
    user = world.stranger.users[key.split(":")[1]] if key.startswith("stranger:") else key
    address = url(world, name, group=getattr(world.college, group))
    assert world.client_for(user, role=role).get(address).status_code == status


@pytest.mark.parametrize("extra", [0, 12])
def test_query_budget(
    world: World, fortnight: dict[str, Any], django_assert_num_queries: Any, extra: int
) -> None:
    lesson = Lesson.objects.get(workload=world.college.workload, date=dt.date(2026, 11, 3))
    oral = WorkKind.objects.get(organization=world.org, short_name="О")
    for number in range(extra):
        student = make_student(world, f"Добавленный{number:02}")
        Mark.objects.create(lesson=lesson, student=student, value="4", work_kind=oral)
        Attendance.objects.create(lesson=lesson, student=student, code="Б")
    client = world.client_for("curator", role="curator")
    client.get(url(world, **PERIOD))
    # BASE_QUERIES; the group with its curators (two); the current semester (the default
    # period); the roll, the disciplines, the marks, the absences summed by student and code.
    with django_assert_num_queries(BASE_QUERIES + 7):
        response = client.get(url(world, **PERIOD))
    assert len(response.context["report"].rows) == 3 + extra
