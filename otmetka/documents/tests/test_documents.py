"""Documents built on the worker: who sees them, how they are built, how far they have got."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from otmetka.accounts.models import RoleAssignment
from otmetka.accounts.navigation import MENU
from otmetka.accounts.roles import Role
from otmetka.contingent.documents import STUDENTS_EXPORT
from otmetka.documents import services
from otmetka.documents.kinds import Job, document_rights
from otmetka.documents.models import Document
from otmetka.documents.services import document_build, document_request
from otmetka.test import World


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _ready(world: World, owner: str = "secretary") -> Document:
    document = Document.objects.create(
        organization=world.org, owner=world.user(owner), kind=STUDENTS_EXPORT,
        title="Выгрузка всех обучающихся (XLSX)", status=Document.Status.READY,
        filename="Обучающиеся.xlsx", content_type="application/octet-stream", rows=2,
    )
    document.file.save("students.xlsx", ContentFile(b"PK\x03\x04 test"))
    return document


@pytest.mark.parametrize("name", ["documents:detail", "documents:row", "documents:download"])
def test_owner_gets_it_stranger_404_reader_403(world: World, name: str) -> None:
    url = reverse(name, kwargs={"document_id": _ready(world).pk})
    assert world.client_for("secretary").get(url).status_code == 200
    # Another user of the college with the same right, and a user of another college.
    assert world.client_for("head").get(url).status_code == 404
    assert world.client_for(world.stranger.users["secretary"]).get(url).status_code == 404
    assert world.client_for("student").get(url).status_code == 403


def test_the_download_is_the_file_under_its_name(world: World) -> None:
    url = reverse("documents:download", kwargs={"document_id": _ready(world).pk})
    response = world.client_for("secretary").get(url)
    assert response.getvalue() == b"PK\x03\x04 test"
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert "%D0%9E%D0%B1%D1%83%D1%87" in response["Content-Disposition"]  # «Обуч…»
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_document_not_ready_has_no_download(world: World) -> None:
    document = _ready(world)
    Document.objects.filter(pk=document.pk).update(status=Document.Status.RUNNING)
    url = reverse("documents:download", kwargs={"document_id": document.pk})
    assert world.client_for("secretary").get(url).status_code == 404


def test_the_list_is_the_owners_own(
    world: World, django_assert_num_queries: Any
) -> None:
    mine = _ready(world)
    other = _ready(world, owner="head")
    client = world.client_for("secretary")
    page = client.get(reverse("documents:list")).content.decode()
    assert reverse("documents:detail", kwargs={"document_id": mine.pk}) in page
    assert reverse("documents:detail", kwargs={"document_id": other.pk}) not in page
    # session; user with person; role assignments; count; the page of documents.
    with django_assert_num_queries(5):
        client.get(reverse("documents:list"))
    assert world.client_for("student").get(reverse("documents:list")).status_code == 403


def test_the_page_polls_while_the_document_is_built(world: World) -> None:
    document = _ready(world)
    Document.objects.filter(pk=document.pk).update(
        status=Document.Status.RUNNING, done=500, total=2000, step="Запись XLSX"
    )
    client = world.client_for("secretary")
    url = reverse("documents:detail", kwargs={"document_id": document.pk})
    page = client.get(url).content.decode()
    assert f'hx-get="{url}" hx-trigger="every 2s"' in page
    assert 'value="25"' in page and "500 из 2" in page and "Запись XLSX" in page
    assert "Скачать" not in page
    Document.objects.filter(pk=document.pk).update(status=Document.Status.READY)
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment and "<html" not in fragment
    assert reverse("documents:download", kwargs={"document_id": document.pk}) in fragment


def test_the_build_is_done_once(world: World, monkeypatch: Any) -> None:
    document = document_request(
        actor=world.actor("secretary"), kind=STUDENTS_EXPORT, title="Выгрузка"
    )
    assert document.status == Document.Status.PENDING and document.language == "ru"
    document_build(document_id=document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.READY and document.rows == 2
    assert document.done == document.total and document.finished_at is not None
    first = document.file.name

    def again(job: Job) -> Any:
        raise AssertionError("built twice")

    monkeypatch.setattr(services, "kind_of", lambda code: again)
    document_build(document_id=document.pk)  # the task delivered a second time
    document.refresh_from_db()
    assert document.status == Document.Status.READY and document.file.name == first


def test_a_worker_that_stopped_leaves_it_to_the_next(world: World) -> None:
    document = document_request(
        actor=world.actor("secretary"), kind=STUDENTS_EXPORT, title="Выгрузка"
    )
    Document.objects.filter(pk=document.pk).update(
        status=Document.Status.RUNNING, started_at=timezone.now()
    )
    document_build(document_id=document.pk)  # another worker is on it: left alone
    assert Document.objects.get(pk=document.pk).status == Document.Status.RUNNING
    Document.objects.filter(pk=document.pk).update(
        started_at=timezone.now() - services.STALE_AFTER - dt.timedelta(minutes=1)
    )
    document_build(document_id=document.pk)
    assert Document.objects.get(pk=document.pk).status == Document.Status.READY


def test_a_role_taken_away_before_the_build_fails_it(world: World) -> None:
    document = document_request(
        actor=world.actor("secretary"), kind=STUDENTS_EXPORT, title="Выгрузка"
    )
    RoleAssignment.objects.filter(user=world.user("secretary"), role=Role.SECRETARY).delete()
    document_build(document_id=document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED and not document.file
    assert document.error == "Роль, в которой заказан документ, больше не назначена."


def test_a_queue_that_refuses_fails_the_document(world: World, monkeypatch: Any) -> None:
    from otmetka.documents import tasks

    def refuse(**kwargs: Any) -> None:
        raise ConnectionError("очередь недоступна")

    monkeypatch.setattr(tasks, "build_document", SimpleNamespace(enqueue=refuse))
    document = document_request(
        actor=world.actor("secretary"), kind=STUDENTS_EXPORT, title="Выгрузка"
    )
    services.document_enqueue(document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert "закажите его ещё раз" in document.error


def test_progress_is_written_for_the_page_to_read(world: World) -> None:
    document = document_request(
        actor=world.actor("secretary"), kind=STUDENTS_EXPORT, title="Выгрузка"
    )
    job = Job(document, world.actor("secretary"))
    job.progress(10, 100, step="Сбор строк")
    job.progress(20, 100)  # within the interval: kept in memory only
    assert Document.objects.values_list("done", "total", "step").get(pk=document.pk) == (
        10, 100, "Сбор строк"
    )
    job.progress(100, 100)  # complete: always written
    assert Document.objects.values_list("done", "total").get(pk=document.pk) == (100, 100)


def test_only_roles_with_the_kinds_right_order_it(world: World) -> None:
    from otmetka.lib.errors import NotAllowed

    with pytest.raises(NotAllowed):
        document_request(actor=world.actor("teacher"), kind=STUDENTS_EXPORT, title="Выгрузка")
    assert not Document.objects.exists()


def test_the_menu_offers_my_documents_to_every_role_that_orders_one() -> None:
    item = next(item for item in MENU if item.url_name == "documents:list")
    assert frozenset(item.rights) == document_rights()
