"""Marks by subject with weighted averages and attestation, every semester of every year;
attendance by subject and month; the charts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from otmetka.academics.models import Workload
from otmetka.diary.charts import attendance_chart, averages_chart
from otmetka.diary.selectors import attendance_by_student, semester_results
from otmetka.diary.tests.factories import DiaryWorld, build_diary_week, lesson
from otmetka.journal.models import (
    Attendance,
    AttendanceCode,
    AttestationMark,
    AttestationSheet,
    Mark,
)
from otmetka.org.models import AcademicYear, Period
from otmetka.test import World

MARKS = reverse("diary:marks")
ATTENDANCE = reverse("diary:attendance")


@pytest.fixture
def data(world: World) -> DiaryWorld:
    data = build_diary_week(world)
    college = world.college
    student = college.student
    workload = college.workload
    # Ответ 4 (weight 1), контрольная 3 (weight 2), зачтено (not in the average).
    october = lesson(workload, dt.date(2026, 10, 5), 1)
    Mark.objects.create(lesson=october, student=student, value="4", work_kind=data.answer)
    Mark.objects.create(lesson=october, student=student, slot=2, value="3", work_kind=data.test)
    november = lesson(workload, dt.date(2026, 11, 2), 1)
    Mark.objects.create(lesson=november, student=student, value="зч", work_kind=data.answer)
    sheet = AttestationSheet.objects.create(
        group=college.group, item=college.mdk, period=college.semester1, form="diff_credit"
    )
    AttestationMark.objects.create(sheet=sheet, student=student, value="4")
    return data


@pytest.fixture
def past_year(world: World, data: DiaryWorld) -> Period:
    """2025/2026: the student was in ИС-21 then too, with a mark and an exam in spring."""
    college = world.college
    year = AcademicYear.objects.create(
        organization=world.org,
        name="2025/2026",
        date_from=dt.date(2025, 9, 1),
        date_to=dt.date(2026, 8, 31),
    )
    Period.objects.create(
        academic_year=year,
        kind=Period.Kind.SEMESTER,
        number=1,
        name="1 семестр",
        date_from=dt.date(2025, 9, 1),
        date_to=dt.date(2025, 12, 28),
    )
    spring = Period.objects.create(
        academic_year=year,
        kind=Period.Kind.SEMESTER,
        number=2,
        name="2 семестр",
        date_from=dt.date(2026, 1, 12),
        date_to=dt.date(2026, 6, 30),
    )
    old = Workload.objects.create(
        academic_year=year,
        teacher=college.employees["teacher"],
        group=college.group,
        item=college.discipline,
        hours_second=60,
    )
    earlier = lesson(old, dt.date(2026, 3, 10), 1)
    Mark.objects.create(
        lesson=earlier, student=college.student, value="2", work_kind=data.answer, comment="Долг"
    )
    sheet = AttestationSheet.objects.create(
        group=college.group, item=college.discipline, period=spring, form="exam", status="closed"
    )
    AttestationMark.objects.create(sheet=sheet, student=college.student, value="5")
    return spring


def test_weighted_average_per_subject_and_attestation(data: DiaryWorld) -> None:
    college = data.world.college
    subjects = semester_results(
        organization_id=data.world.org.pk, student_id=college.student.pk, period=college.semester1
    )
    assert [subject.index for subject in subjects] == ["МДК.01.01"]
    mdk = subjects[0]
    # (4×1 + 3×2 + 5×1) / 4 = 3.75; «зч» does not count.
    assert mdk.average == Decimal("3.75")
    assert [(m.date, m.value, m.kind) for m in mdk.marks] == [
        (dt.date(2026, 10, 5), "4", "Устный ответ"),
        (dt.date(2026, 10, 5), "3", "Контрольная работа"),
        (dt.date(2026, 11, 2), "зч", "Устный ответ"),
        (dt.date(2026, 11, 16), "5", "Устный ответ"),
    ]
    assert mdk.attestation == "4"


def test_marks_page_lists_subjects_averages_attestation_and_a_chart(data: DiaryWorld) -> None:
    response = data.world.client_for("parent").get(MARKS)
    html = response.content.decode()
    assert "Отметки: 1 семестр, 2026/2027" in html
    assert "3,75" in html
    assert "Отличный ответ" in html and "Контрольная работа" in html
    assert '<svg class="chart-svg"' in html and "chart-avg-4" in html
    assert 'aria-describedby="averages-table"' in html and 'id="averages-table"' in html
    assert "style=" not in html and "<script>" not in html


def test_every_semester_of_every_year_stays_open(data: DiaryWorld, past_year: Period) -> None:
    world = data.world
    client = world.client_for("student")
    html = client.get(MARKS).content.decode()
    assert "2025/2026 учебный год" in html and "2026/2027 учебный год" in html
    # The spring semester of 2026/2027 has not begun: not listed yet.
    assert f'value="{world.college.semester2.pk}"' not in html
    html = client.get(MARKS, {"period": past_year.pk}).content.decode()
    assert "Отметки: 2 семестр, 2025/2026" in html
    assert "Долг" in html and "ОП.01" in html
    assert "Отличный ответ" not in html
    subjects = semester_results(
        organization_id=world.org.pk, student_id=world.college.student.pk, period=past_year
    )
    assert [(s.index, s.average, s.attestation) for s in subjects] == [
        ("ОП.01", Decimal("2.00"), "5")
    ]


def test_a_semester_of_another_organization_or_nonsense_is_404(data: DiaryWorld) -> None:
    client = data.world.client_for("student")
    assert client.get(MARKS, {"period": data.world.stranger.semester1.pk}).status_code == 404
    assert client.get(ATTENDANCE, {"period": "x"}).status_code == 404


def absences(data: DiaryWorld) -> None:
    college = data.world.college
    student = college.student
    workload = college.workload
    rows = [
        (dt.date(2026, 10, 5), AttendanceCode.ILLNESS, 2),
        (dt.date(2026, 10, 6), AttendanceCode.ABSENT, 2),
        (dt.date(2026, 11, 3), AttendanceCode.UNEXCUSED, 4),
        (dt.date(2026, 11, 4), AttendanceCode.LATE, 2),
        (dt.date(2026, 11, 10), AttendanceCode.EXCUSED, 2),
    ]
    for day, code, hours in rows:
        target = lesson(workload, day, 3, hours=hours)
        Attendance.objects.create(lesson=target, student=student, code=code)


def test_attendance_by_subject_and_month(data: DiaryWorld) -> None:
    absences(data)
    college = data.world.college
    summary = attendance_by_student(
        organization_id=data.world.org.pk,
        student_ids=[college.student.pk],
        date_from=college.semester1.date_from,
        date_to=college.semester1.date_to,
        months_to=dt.date(2026, 11, 16),
    )[college.student.pk]
    # The week's «Н» on 17.11 (2 h) and «ОП» on 18.11 count too.
    assert (summary.total.excused, summary.total.unexcused, summary.total.late) == (4, 8, 2)
    months = {m.month: (m.excused, m.unexcused, m.late) for m in summary.months}
    assert months == {
        dt.date(2026, 9, 1): (0, 0, 0),
        dt.date(2026, 10, 1): (2, 2, 0),
        dt.date(2026, 11, 1): (2, 6, 2),
    }
    assert [(s.index, s.excused, s.unexcused, s.late) for s in summary.subjects] == [
        ("МДК.01.01", 4, 8, 2)
    ]
    chart = attendance_chart(summary.months)
    assert chart is not None
    assert {bar.css for bar in chart.bars} == {"chart-excused", "chart-unexcused"}


def test_attendance_page_with_chart_and_tables(data: DiaryWorld) -> None:
    absences(data)
    html = data.world.client_for("student").get(ATTENDANCE).content.decode()
    assert "Посещаемость: 1 семестр, 2026/2027" in html
    assert 'id="months-table"' in html and 'aria-describedby="months-table"' in html
    assert "chart-unexcused" in html and "Ноябрь 2026" in html
    assert "<b>12</b>пропущено часов" in html


def test_no_chart_without_marks_or_absences() -> None:
    assert averages_chart([]) is None
    assert attendance_chart([]) is None


def test_marks_and_attendance_query_budgets(
    data: DiaryWorld, django_assert_num_queries: Any
) -> None:
    client = data.world.client_for("parent")
    client.get(MARKS)
    # 7 = 3 base + the student + semesters + marks + attestation marks.
    with django_assert_num_queries(7):
        assert client.get(MARKS).status_code == 200
    # 6 = 3 base + the student + semesters + attendance.
    with django_assert_num_queries(6):
        assert client.get(ATTENDANCE).status_code == 200
