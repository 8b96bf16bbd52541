"""Printed journals: the background task renders a PDF archive copy; who may download it."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from otmetka.journal.models import JournalPrint, Substitution
from otmetka.journal.selectors import journal_print_data
from otmetka.journal.tests.factories_attest import absence, actor, lesson, mark, work_kind
from otmetka.lib.errors import NotAllowed
from otmetka.test import World

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = IMMEDIATE
    return tmp_path


def _fill(world: World) -> None:
    college = world.college
    first = lesson(college.workload, dt.date(2026, 10, 5))
    mark(first, college.student, "5", work_kind(world))
    second = lesson(college.workload, dt.date(2026, 10, 12), pair=2)
    absence(second, college.student)
    Substitution.objects.create(
        lesson=second, absent_teacher=college.employees["teacher"],
        substitute=college.employees["other_teacher"], reason="Болезнь",
    )


def _request(world: World, client: Any, capture: Any) -> Any:
    url = reverse("journal:print_request", kwargs={"workload_id": world.college.workload.pk})
    with capture(execute=True):
        return client.post(url, {"period": world.college.semester1.pk}, follow=True)


def test_the_task_renders_a_pdf_of_the_journal(
    world: World, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    _fill(world)
    response = _request(world, world.client_for("teacher"), django_capture_on_commit_callbacks)
    assert "поставлен в очередь" in response.content.decode()
    copy = JournalPrint.objects.get()
    assert copy.status == JournalPrint.Status.READY, copy.error
    assert copy.finished_at is not None and copy.requested_by == world.user("teacher")
    data = copy.file.read()
    assert data.startswith(b"%PDF") and len(data) > 1000
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", copy.file.path, "-"], capture_output=True, check=True, text=True
        ).stdout
        assert "ИС-21" in text and "Студентов" in text
    else:
        from weasyprint import HTML

        from otmetka.journal.services.printing import render_to_string

        period = world.college.semester1
        print_data = journal_print_data(world.college.workload, period)
        html = render_to_string(
            "journal/print_journal_pdf.html",
            {"data": print_data, "mark_pages": print_data.mark_pages(), "printed_on": None},
        )
        assert "ИС-21" in html
        # Title, student list, marks, lessons, legend.
        assert len(HTML(string=html).render().pages) >= 5


def test_print_data_has_marks_absences_and_the_substitute(world: World) -> None:
    _fill(world)
    data = journal_print_data(world.college.workload, world.college.semester1)
    assert [s.cells for s in data.students] == [["5", "н"]]
    assert [(p.teacher_name, p.substitute) for p in data.lessons] == [
        ("Учителев П. А.", False), ("Другова Д. О.", True),
    ]
    assert data.hours_total == 4


def test_print_data_query_budget(world: World, django_assert_num_queries: Any) -> None:
    _fill(world)
    # the workload; the roll; the lessons with teachers and substitutions; marks; attendance.
    with django_assert_num_queries(5):
        journal_print_data(world.college.workload, world.college.semester1)


def test_a_failure_marks_the_copy_failed(
    world: World, media: Path, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    def broken(template: str, context: dict[str, Any]) -> bytes:
        raise RuntimeError("нет шрифта")

    monkeypatch.setattr("otmetka.journal.services.printing.render_pdf", broken)
    _request(world, world.client_for("teacher"), django_capture_on_commit_callbacks)
    copy = JournalPrint.objects.get()
    assert copy.status == JournalPrint.Status.FAILED
    assert "нет шрифта" in copy.error and not copy.file


def test_who_may_request_a_copy(world: World, media: Path) -> None:
    from otmetka.journal.services.printing import journal_print_request

    with pytest.raises(NotAllowed):
        journal_print_request(
            actor=actor(world, "curator"), workload=world.college.workload,
            period=world.college.semester1,
        )
    url = reverse("journal:print_request", kwargs={"workload_id": world.college.workload.pk})
    assert world.client_for("curator").post(url, {"period": 1}).status_code == 403
    stranger = world.client_for(world.stranger.users["teacher"])
    assert stranger.post(url, {"period": world.college.semester1.pk}).status_code == 404
    assert not JournalPrint.objects.exists()


def _ready_copy(world: World) -> JournalPrint:
    copy = JournalPrint.objects.create(
        workload=world.college.workload, period=world.college.semester1,
        requested_by=world.user("teacher"), status=JournalPrint.Status.READY,
    )
    copy.file.save("journal.pdf", ContentFile(b"%PDF-1.7 test"))
    return copy


def test_download_for_those_who_see_the_journal(world: World, media: Path) -> None:
    url = reverse("journal:print_download", kwargs={"print_id": _ready_copy(world).pk})
    for who in ("teacher", "curator", "deputy"):
        response = world.client_for(who).get(url)
        assert response.status_code == 200, who
        assert response["Content-Disposition"].startswith("attachment")
        assert response.getvalue().startswith(b"%PDF")
    assert world.client_for("other_teacher").get(url).status_code == 404
    assert world.client_for(world.stranger.users["teacher"]).get(url).status_code == 404
    assert world.client_for("student").get(url).status_code == 403


def test_print_list_page(
    world: World, media: Path, django_assert_num_queries: Any
) -> None:
    _ready_copy(world)
    url = reverse("journal:print_list", kwargs={"workload_id": world.college.workload.pk})
    client = world.client_for("teacher")
    assert "Скачать PDF" in client.get(url).content.decode()
    # session; user with person; role assignments; the workload; count of copies;
    # the copies with period and requester; the semesters (to pick the current one) and the
    # semesters of the request form.
    with django_assert_num_queries(8):
        client.get(url)
    assert world.client_for(world.stranger.users["teacher"]).get(url).status_code == 404
    assert world.client_for("student").get(url).status_code == 403
