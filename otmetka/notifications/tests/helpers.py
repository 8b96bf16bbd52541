"""What the notification tests share: running queued tasks as the worker does, addresses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend
from django.test import TestCase
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from otmetka.people.models import Consent, Person
from otmetka.test import World

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
BROKEN = "otmetka.notifications.tests.helpers.BrokenBackend"


class BrokenBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("SMTP-сервер недоступен")


def run_queued_tasks() -> list[DBTaskResult]:
    """Run the tasks that are due, as `db_worker` would (in this test's transaction)."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    done = []
    while (row := DBTaskResult.objects.ready().first()) is not None:
        row.claim(worker.worker_id)
        # The worker runs in autocommit, so what a task defers to on_commit happens at once.
        with TestCase.captureOnCommitCallbacks(execute=True):
            worker.run_task(row)
        row.refresh_from_db()
        done.append(row)
    return done


def give_address(world: World, key: str, email: str | None = None) -> Person:
    person = Person.objects.get(user=world.user(key))
    person.email = email or f"{key}@example.org"
    person.save(update_fields=["email"])
    return person


def sign_consent(person: Person, signed_on: dt.date = dt.date(2026, 9, 1)) -> Consent:
    return Consent.objects.create(person=person, signed_on=signed_on, document="Заявление № 1")
