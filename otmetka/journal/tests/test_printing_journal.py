"""Printed journals: a document built on the worker, kept as the journal's archive copy; who
may download it."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from pypdf import PdfReader

from otmetka.documents.models import Document
from otmetka.journal.models import Substitution
from otmetka.journal.selectors import journal_print_data
from otmetka.journal.services.printing import JOURNAL_PRINT
from otmetka.journal.tests.factories_attest import absence, lesson, mark, work_kind
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
    copy = Document.objects.get()
    assert copy.kind == JOURNAL_PRINT
    assert copy.status == Document.Status.READY, copy.error
    assert copy.finished_at is not None and copy.owner == world.user("teacher")
    # The teacher lands on the copy's page, which offers the file.
    assert response.redirect_chain[-1][0] == reverse(
        "documents:detail", kwargs={"document_id": copy.pk}
    )
    data = copy.file.read()
    assert data.startswith(b"%PDF") and len(data) > 1000
    pages = PdfReader(io.BytesIO(data)).pages
    text = "\n".join(page.extract_text() for page in pages)
    assert "ИС-21" in text and "Студентов" in text
    # Title, student list, marks, lessons, legend; each page numbered and headed as filed.
    assert len(pages) >= 5
    for number, page in enumerate(pages, start=1):
        assert f"стр. {number} из {len(pages)}" in page.extract_text()
        assert "Журнал учебных занятий · ИС-21" in page.extract_text()
    assert copy.done == copy.total == len(pages)


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
    # the workload; the roll; the held lessons with teachers and substitutions; marks with
    # their weights; attendance; the attestation marks of the semester's sheet.
    with django_assert_num_queries(6):
        journal_print_data(world.college.workload, world.college.semester1)


def test_a_failure_marks_the_copy_failed(
    world: World, media: Path, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    def broken(template: str, context: dict[str, Any], **kwargs: Any) -> bytes:
        raise RuntimeError("нет шрифта")

    monkeypatch.setattr("otmetka.journal.services.printing.render_pdf", broken)
    _request(world, world.client_for("teacher"), django_capture_on_commit_callbacks)
    copy = Document.objects.get()
    assert copy.status == Document.Status.FAILED
    assert "нет шрифта" in copy.error and not copy.file


def test_who_may_request_a_copy(world: World, media: Path) -> None:
    from otmetka.journal.services.printing import journal_print_request

    with pytest.raises(NotAllowed):
        journal_print_request(
            actor=world.actor("curator"), workload=world.college.workload,
            period=world.college.semester1,
        )
    url = reverse("journal:print_request", kwargs={"workload_id": world.college.workload.pk})
    assert world.client_for("curator").post(url, {"period": 1}).status_code == 403
    stranger = world.client_for(world.stranger.users["teacher"])
    assert stranger.post(url, {"period": world.college.semester1.pk}).status_code == 404
    assert not Document.objects.exists()


def _ready_copy(world: World) -> Document:
    copy = Document.objects.create(
        organization=world.org, owner=world.user("teacher"), kind=JOURNAL_PRINT,
        title="Журнал ИС-21",
        params={"workload": world.college.workload.pk, "period": world.college.semester1.pk},
        status=Document.Status.READY, filename="ИС-21.pdf", content_type="application/pdf",
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
    # the copies with their requester; the semesters (to pick the current one and to name
    # each copy's) and the semesters of the request form.
    with django_assert_num_queries(8):
        client.get(url)
    assert world.client_for(world.stranger.users["teacher"]).get(url).status_code == 404
    assert world.client_for("student").get(url).status_code == 403
