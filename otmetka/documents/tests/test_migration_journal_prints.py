"""Printed journals move into documents and back, files and all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from otmetka.documents.models import Document
from otmetka.test import build_world, migrate_to_latest

BEFORE = [("journal", "0005_work_kind_oral_answer"), ("documents", "0001_initial")]
AFTER = [("journal", "0006_journal_print_to_documents"), ("documents", "0002_journal_prints")]

@pytest.fixture(autouse=True)
def _schema_restored() -> Iterator[None]:
    """Whatever the test leaves, the next tests find every migration applied."""
    yield
    migrate_to_latest()



def _migrate(targets: list[tuple[str, str]]) -> Any:
    """Journal and documents migrated to `targets`, every other app at its latest."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    apps = {app for app, _name in targets}
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] not in apps]
    return executor.loader.project_state([*others, *targets]).apps


@pytest.mark.django_db(transaction=True)
def test_printed_copies_become_documents_and_back(now: Any) -> None:
    world = build_world()
    workload, semester = world.college.workload, world.college.semester1
    teacher = world.user("teacher")
    apps = _migrate(BEFORE)
    prints = apps.get_model("journal", "JournalPrint").objects
    ready = prints.create(workload_id=workload.pk, period_id=semester.pk,
                          requested_by_id=teacher.pk, status="ready",
                          file="journals/2026/journal-1.pdf", finished_at=timezone.now())
    prints.filter(pk=ready.pk).update(requested_at=dt.datetime(2026, 11, 2, 5, 0, tzinfo=dt.UTC))
    failed = prints.create(workload_id=workload.pk, period_id=semester.pk,
                           requested_by_id=teacher.pk, status="failed", error="нет шрифта")
    queued = prints.create(workload_id=workload.pk, period_id=semester.pk,
                           requested_by_id=teacher.pk, status="pending")
    queued_at = prints.get(pk=queued.pk).requested_at

    _migrate(AFTER)
    assert Document.objects.count() == 3
    copy = Document.objects.get(file="journals/2026/journal-1.pdf")
    assert (copy.kind, copy.status, copy.owner_id) == ("journal.print", "ready", teacher.pk)
    assert copy.organization_id == world.org.pk and copy.role is not None
    assert copy.params == {"workload": workload.pk, "period": semester.pk}
    assert copy.created_at == dt.datetime(2026, 11, 2, 5, 0, tzinfo=dt.UTC)
    assert copy.filename == f"{workload.group.name}-2026-11-02-{ready.pk}.pdf"
    assert copy.title == (
        f"Журнал {workload.group.name} · {workload.item.index} {workload.item.name} · "
        f"{semester.name} {semester.academic_year.name}"
    )
    assert Document.objects.get(error=failed.error).status == "failed"
    left = Document.objects.exclude(pk=copy.pk).exclude(error=failed.error).get()
    # The copy still queued: its task is gone, so it says to order it again.
    assert left.status == "failed" and "закажите её ещё раз" in left.error
    assert left.created_at == queued_at

    apps = _migrate(BEFORE)  # and back
    back = apps.get_model("journal", "JournalPrint").objects.order_by("pk")
    assert [(p.status, p.file.name) for p in back] == [
        ("ready", "journals/2026/journal-1.pdf"), ("failed", ""), ("failed", "")
    ]
    assert not Document.objects.filter(kind="journal.print").exists()
    _migrate(AFTER)
