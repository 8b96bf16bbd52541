"""Реестр замещений: every line and hour of a hand-made month, its files, and who sees what."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from otmetka.accounts.models import RoleAssignment
from otmetka.journal.models import Lesson, Substitution
from otmetka.journal.tests.factories_grid import make_lesson
from otmetka.org.models import Department
from otmetka.reports.substitutions import substitution_register
from otmetka.schedule.services.hours import hours_by_teacher
from otmetka.test import BASE_QUERIES, TODAY, World

NOVEMBER: dict[str, Any] = {"date_from": "2026-11-01", "date_to": "2026-11-30"}


def url(name: str = "reports:substitutions", **query: str) -> str:
    address = reverse(name)
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def substitute(lesson: Lesson, absent: Any, by: Any, reason: str) -> Substitution:
    lesson.teacher = by
    lesson.save(update_fields=["teacher"])
    return Substitution.objects.create(
        lesson=lesson, absent_teacher=absent, substitute=by, reason=reason
    )


@pytest.fixture
def month(world: World) -> dict[str, Any]:
    """November: the curator held two pairs of the teacher's МДК (2 h and 4 h), the teacher one
    pair of the other teacher's ОП.01 (2 h). Not counted: a cancelled substituted lesson, one
    in October, one after today, and a substitution in the other college."""
    college = world.college
    teacher, other, curator = (
        college.employees[k] for k in ("teacher", "other_teacher", "curator")
    )
    mdk, discipline = college.workload, college.other_workload
    substitute(make_lesson(mdk, dt.date(2026, 11, 3), pair=2), teacher, curator, "Болезнь")
    substitute(make_lesson(mdk, dt.date(2026, 11, 3), pair=3, hours=4), teacher, curator, "Болезнь")
    substitute(
        make_lesson(discipline, dt.date(2026, 11, 12), pair=1),
        other,
        teacher,
        "Курсы повышения квалификации",
    )
    cancelled = make_lesson(mdk, dt.date(2026, 11, 5), pair=1, status=Lesson.Status.CANCELLED)
    substitute(cancelled, teacher, curator, "Болезнь")
    substitute(make_lesson(mdk, dt.date(2026, 10, 30), pair=1), teacher, other, "Отпуск")
    substitute(
        make_lesson(mdk, TODAY + dt.timedelta(days=2), pair=1, status=Lesson.Status.PLANNED),
        teacher,
        other,
        "Командировка",
    )
    stranger = world.stranger
    substitute(
        make_lesson(stranger.workload, dt.date(2026, 11, 4), pair=1),
        stranger.employees["teacher"],
        stranger.employees["other_teacher"],
        "Чужая",
    )
    return {}


def test_the_register_line_by_line(world: World, month: dict[str, Any]) -> None:
    response = world.client_for("deputy").get(url(**NOVEMBER))
    assert response.status_code == 200
    register = response.context["register"]
    assert [
        (
            line.date,
            line.pair_number,
            line.group,
            line.item,
            line.absent_teacher,
            line.substitute,
            line.hours,
            line.reason,
        )
        for line in register.lines
    ] == [
        (
            dt.date(2026, 11, 3),
            2,
            "ИС-21",
            "МДК.01.01 Разработка программных модулей",
            "Учителев Пётр Андреевич",
            "Кураторова Елена Викторовна",
            2,
            "Болезнь",
        ),
        (
            dt.date(2026, 11, 3),
            3,
            "ИС-21",
            "МДК.01.01 Разработка программных модулей",
            "Учителев Пётр Андреевич",
            "Кураторова Елена Викторовна",
            4,
            "Болезнь",
        ),
        (
            dt.date(2026, 11, 12),
            1,
            "ИС-22",
            "ОП.01 Операционные системы",
            "Другова Дарья Олеговна",
            "Учителев Пётр Андреевич",
            2,
            "Курсы повышения квалификации",
        ),
    ]
    assert [(t.name, t.lessons, t.hours) for t in register.by_substitute] == [
        ("Кураторова Елена Викторовна", 2, 6),
        ("Учителев Пётр Андреевич", 1, 2),
    ]
    assert (register.lessons, register.hours) == (3, 8)
    body = response.content.decode()
    assert "Реестр замещений с 01.11.2026 по 30.11.2026" in body
    assert "Курсы повышения квалификации" in body


def test_the_register_agrees_with_the_hours_report(world: World, month: dict[str, Any]) -> None:
    """The hours the hours report credits for other teachers' lines, for the whole year so
    far, are the register's hours from September to today."""
    hours = hours_by_teacher(world.org.pk, world.college.year, today=TODAY)
    given = {t.employee.person.full_name: t.substitutions_given for t in hours.teachers}
    register = substitution_register(
        world.org.pk, dt.date(2026, 9, 1), dt.date(2027, 8, 31), today=TODAY
    )
    assert {t.name: t.hours for t in register.by_substitute} == {
        name: value for name, value in given.items() if value
    }
    assert register.hours == 2 + 4 + 2 + 2  # November's three and October's one


def test_filters_by_teacher_and_department(world: World, month: dict[str, Any]) -> None:
    college = world.college
    client = world.client_for("deputy")
    teacher = college.employees["teacher"].pk
    # The teacher was substituted twice and substituted once.
    lines = client.get(url(**NOVEMBER, teacher=str(teacher))).context["register"].lines
    assert [(line.substitute, line.hours) for line in lines] == [
        ("Кураторова Елена Викторовна", 2),
        ("Кураторова Елена Викторовна", 4),
        ("Учителев Пётр Андреевич", 2),
    ]
    elsewhere = Department.objects.create(organization=world.org, name="Заочное отделение")
    college.other_group.department = elsewhere
    college.other_group.save(update_fields=["department"])
    register = client.get(url(**NOVEMBER, department=str(elsewhere.pk))).context["register"]
    assert [line.group for line in register.lines] == ["ИС-22"]
    assert (
        "Заочное отделение"
        in client.get(url(**NOVEMBER, department=str(elsewhere.pk))).content.decode()
    )


def test_bad_filters_say_so_in_russian(world: World, month: dict[str, Any]) -> None:
    client = world.client_for("deputy")
    backwards = client.get(url(date_from="2026-11-30", date_to="2026-11-01"))
    assert "Конец периода раньше его начала." in backwards.content.decode()
    too_long = client.get(url(date_from="2025-01-01", date_to="2026-11-30"))
    assert "Период не длиннее года." in too_long.content.decode()
    # Nothing is guessed from a bad filter: the current month is shown.
    assert backwards.context["register"].date_from == dt.date(2026, 11, 1)
    foreign = client.get(url(**NOVEMBER, teacher=str(world.stranger.employees["teacher"].pk)))
    assert foreign.status_code == 200
    assert foreign.context["form"].errors["teacher"]
    assert client.get(url(date_from="вчера")).status_code == 200


def test_a_teacher_sees_own_lines_only(world: World, month: dict[str, Any]) -> None:
    client = world.client_for("other_teacher")
    response = client.get(url(**NOVEMBER, teacher=str(world.college.employees["teacher"].pk)))
    register = response.context["register"]
    # Другова was substituted once in November; the ?teacher= of someone else is ignored.
    assert [(line.absent_teacher, line.substitute) for line in register.lines] == [
        ("Другова Дарья Олеговна", "Учителев Пётр Андреевич")
    ]
    assert "teacher" not in response.context["form"].fields
    assert "Замещения, проведённые мной и вместо меня" in response.content.decode()


def test_the_head_sees_their_department_only(world: World, month: dict[str, Any]) -> None:
    college = world.college
    elsewhere = Department.objects.create(organization=world.org, name="Заочное отделение")
    college.other_group.department = elsewhere
    college.other_group.save(update_fields=["department"])
    RoleAssignment.objects.filter(user=world.user("head")).update(department=college.department)
    register = (
        world.client_for("head")
        .get(url(**NOVEMBER, department=str(elsewhere.pk)))
        .context["register"]
    )
    assert [line.group for line in register.lines] == ["ИС-21", "ИС-21"]


def test_the_workbook_for_payroll(world: World, month: dict[str, Any]) -> None:
    response = world.client_for("deputy").get(url("reports:substitutions_xlsx", **NOVEMBER))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    lines = list(book["Замещения"].iter_rows(values_only=True))
    assert lines[0][0] == "Реестр замещений с 01.11.2026 по 30.11.2026"
    assert lines[1] == (
        "№",
        "Дата",
        "Пара",
        "Группа",
        "Дисциплина",
        "Отсутствовал",
        "Замещал",
        "Часов",
        "Причина",
    )
    assert lines[2][:3] == (1, dt.datetime(2026, 11, 3), 2)
    assert [row[7] for row in lines[2:]] == [2, 4, 2, 8]
    assert lines[-1][1] == "Итого"
    pay = list(book["Часы замещающих"].iter_rows(values_only=True))
    assert pay[1:] == [
        ("Замещал", "Замещений", "Часов"),
        ("Кураторова Елена Викторовна", 2, 6),
        ("Учителев Пётр Андреевич", 1, 2),
        ("Итого", 3, 8),
    ]


def test_the_printout(world: World, month: dict[str, Any]) -> None:
    response = world.client_for("deputy").get(url("reports:substitutions_pdf", **NOVEMBER))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("key", "role", "status"),
    [
        ("deputy", None, 200),
        ("director", None, 200),
        ("dispatcher", None, 200),
        ("head", None, 200),
        ("teacher", None, 200),
        ("curator", "curator", 403),
        ("hr", None, 403),
        ("student", None, 403),
        ("parent", None, 403),
    ],
)
@pytest.mark.parametrize(
    "name", ["reports:substitutions", "reports:substitutions_xlsx", "reports:substitutions_pdf"]
)
def test_who_may_open_the_register(
    world: World, key: str, role: str | None, status: int, name: str
) -> None:
    assert world.client_for(key, role=role).get(url(name)).status_code == status


def test_a_stranger_sees_nothing_of_this_college(world: World, month: dict[str, Any]) -> None:
    response = world.client_for(world.stranger.users["deputy"]).get(url(**NOVEMBER))
    assert [line.reason for line in response.context["register"].lines] == ["Чужая"]


@pytest.mark.parametrize("extra", [0, 15])
def test_query_budget(
    world: World, month: dict[str, Any], django_assert_num_queries: Any, extra: int
) -> None:
    college = world.college
    for number in range(extra):
        substitute(
            make_lesson(
                college.workload,
                dt.date(2026, 11, 1) + dt.timedelta(days=number % 14),
                pair=4 + number // 14,
            ),
            college.employees["teacher"],
            college.employees["other_teacher"],
            "Болезнь",
        )
    client = world.client_for("deputy")
    client.get(url(**NOVEMBER))
    # BASE_QUERIES, then the register's lines and the hours per substitute, then the form's
    # department and teacher lists as the page draws them.
    with django_assert_num_queries(BASE_QUERIES + 4):
        response = client.get(url(**NOVEMBER))
    assert len(response.context["register"].lines) == 3 + extra
