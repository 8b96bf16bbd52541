"""The printed semester journal as a secretary files it: only lessons held, every grid page
named, the semester's results and the deputy's inspection page."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from otmetka.documents.models import Document
from otmetka.journal.models import AttestationMark, AttestationSheet, Lesson
from otmetka.journal.selectors import journal_print_data
from otmetka.journal.tests.factories_attest import absence, lesson, mark, work_kind
from otmetka.test import TODAY, World

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = IMMEDIATE
    return tmp_path


def _semester(world: World) -> None:
    """24 two-hour lessons held before TODAY, one cancelled, two still to come.

    The student: 5 (weight 1) and 3 (weight 2) → average 11/3 = 3,67 → «4»; absent 2 h ill
    (excused) and 2 h without a reason; the sheet (дифзачёт) gives «4».
    """
    college = world.college
    oral, test = work_kind(world), work_kind(world, "Контрольная работа", "2")
    held = [lesson(college.workload, dt.date(2026, 9, 1) + dt.timedelta(days=i)) for i in range(24)]
    mark(held[0], college.student, "5", oral)
    mark(held[1], college.student, "3", test)
    absence(held[2], college.student, "Б")
    absence(held[3], college.student, "Н")
    cancelled = lesson(college.workload, dt.date(2026, 10, 1), pair=3)
    cancelled.status = Lesson.Status.CANCELLED
    cancelled.save()
    planned = lesson(college.workload, TODAY + dt.timedelta(days=7), pair=1)
    planned.status = Lesson.Status.PLANNED
    planned.save()
    lesson(college.workload, TODAY + dt.timedelta(days=8), pair=1, hours=4)  # entered ahead
    sheet = AttestationSheet.objects.create(
        group=college.group, item=college.mdk, period=college.semester1, form="diff_credit"
    )
    AttestationMark.objects.create(sheet=sheet, student=college.student, value="4")


def test_only_lessons_held_are_counted(world: World) -> None:
    _semester(world)
    data = journal_print_data(world.college.workload, world.college.semester1)
    assert len(data.lessons) == 24
    assert data.hours_total == 48  # not 48 + 2 + 4 of lessons still to come, nor the cancelled
    assert data.hours_planned == 80 and data.held_by == TODAY
    (student,) = data.students
    assert student.average == Decimal("3.67") and student.semester_mark == "4"
    assert student.attestation_mark == "4" and data.attestation_form == "diff_credit"
    assert (student.hours_missed, student.hours_excused) == (4, 2)
    assert not data.sheet_closed


def _printed(world: World, capture: Any) -> list[str]:
    url = reverse("journal:print_request", kwargs={"workload_id": world.college.workload.pk})
    with capture(execute=True):
        world.client_for("teacher").post(url, {"period": world.college.semester1.pk})
    copy = Document.objects.get()
    assert copy.status == Document.Status.READY, copy.error
    return [page.extract_text() for page in PdfReader(io.BytesIO(copy.file.read())).pages]


def test_the_printed_journal_as_filed(
    world: World, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    _semester(world)
    pages = _printed(world, django_capture_on_commit_callbacks)
    text = "\n".join(pages)
    # Hours held, against the workload's plan; the lessons still to come are not printed.
    assert re.search(r"Проведено часов\s*48", text), text
    assert "по нагрузке за семестр — 80" in text
    assert "по 16.11.2026" in text
    assert "23.11" not in text and "24.11" not in text
    # Every page: the running header names group, discipline and teacher; numbered.
    for number, page in enumerate(pages, start=1):
        assert "ИС-21 · МДК.01.01 Разработка программных модулей · Учителев Пётр Андреевич" in page
        assert f"стр. {number} из {len(pages)}" in page
    # 24 lessons → two grid pages, each naming the group, discipline and teacher in its body.
    grids = [page for page in pages if "Учёт успеваемости и посещаемости" in page]
    assert len(grids) == 2
    for page in grids:
        assert "Группа: ИС-21" in page
        assert "Дисциплина: МДК.01.01 Разработка программных модулей" in page
        assert "Преподаватель: Учителев Пётр Андреевич" in page
    # The semester's results: average, semester mark, attestation mark, hours missed/excused.
    (results,) = [" ".join(page.split()) for page in pages if "Итоги семестра" in page]
    assert "Промежуточная аттестация (дифференцированный зачёт)" in results
    name = world.college.student.person.full_name
    assert f"{name} 3,67 4 4 4 2" in results, results
    # The last page, and only it, is left for the deputy's inspection notes.
    last = " ".join(pages[-1].split())
    assert "Замечания по ведению журнала" in last and "Подпись проверяющего" in last
    assert not any("Замечания по ведению журнала" in page for page in pages[:-1])
