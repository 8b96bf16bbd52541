"""A task for the outage tests: one that is still running when the database goes away."""

from __future__ import annotations

import time
from pathlib import Path

from django_tasks import task
from django_tasks_db.models import DBTaskResult


@task()
def read_the_database_when(path: str) -> int:
    """Wait (at most 60 s) until the test creates `path`, then read the database."""
    deadline = time.monotonic() + 60
    while not Path(path).exists():
        if time.monotonic() > deadline:
            raise TimeoutError(path)
        time.sleep(0.05)
    return DBTaskResult.objects.count()
