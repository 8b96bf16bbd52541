"""A database outage: the task worker waits it out, pages say so in Russian (503), and the
first request after the database dropped the app's connections succeeds.

The outages are real where a server is involved: the test database refuses new connections
(ALTER DATABASE … ALLOW_CONNECTIONS false) and its sessions are terminated
(pg_terminate_backend), as when PostgreSQL restarts, while the test's own session stays.
"""

from __future__ import annotations

import logging
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import OperationalError, ProgrammingError, connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from otmetka.lib.outage import RETRY_AFTER_SECONDS
from otmetka.lib.worker import backoff_delay
from otmetka.notifications.tasks import send_notification_emails
from otmetka.test import World
from otmetka.tests.outage_tasks import read_the_database_when

ROOT = Path(__file__).resolve().parents[2]
OUTAGE_TEXT = "Сервис временно недоступен"
postgres_only = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="an outage of a database server: SQLite is a file opened inside the app's own "
    "process, there is no server to go away and no connection for it to drop",
)


# --- the database goes away ---------------------------------------------------------------


def terminate_other_sessions() -> list[int]:
    """End every other client session of the test database (the test's own stays)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        pids = [pid for (pid,) in cursor.fetchall()]
        # One by one: in a single WHERE the planner may terminate before it filters.
        for pid in pids:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    return pids


@contextmanager
def database_refuses_connections() -> Iterator[None]:
    """PostgreSQL refuses new connections to the test database and drops the open ones."""
    name = connection.ops.quote_name(connection.settings_dict["NAME"])
    # PostgreSQL takes this only from a session of another database ("postgres").
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
    try:
        terminate_other_sessions()
        yield
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")


# --- the worker, in its own process -------------------------------------------------------


class WorkerProcess:
    """`manage.py run_worker` on the test database, as systemd or `make run` starts it."""

    def __init__(self) -> None:
        db = connection.settings_dict
        credentials = quote(db["USER"] or "", safe="") + ":" + quote(db["PASSWORD"] or "", safe="")
        address = quote(db["HOST"] or "localhost", safe="") + ":" + str(db["PORT"] or 5432)
        url = f"postgres://{credentials}@{address}/{quote(db['NAME'], safe='')}"
        env = {**os.environ, "DATABASE_URL": url, "OTMETKA_TESTING": "1", "PYTHONUNBUFFERED": "1"}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "run_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval=0.1",
                "--backoff=0.1",
                "--max-backoff=0.5",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def log(self) -> str:
        return "".join(self.lines)

    def wait_until(self, condition: Callable[[], bool], what: str) -> None:
        """Wait for `condition`; fail at once, with the worker's output, if the worker exits."""
        deadline = time.monotonic() + 30
        while not condition():
            if not self.alive:
                self.reader.join(timeout=5)
                pytest.fail(
                    f"the worker exited (code {self.process.returncode}) before "
                    f"{what}; its output:\n{self.log}"
                )
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting until {what}; the worker's output:\n{self.log}")
            time.sleep(0.05)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def count(self, text: str) -> int:
        return sum(text in line for line in list(self.lines))

    def stop(self) -> int:
        """SIGTERM, as systemd stops it; the exit code."""
        if self.alive:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self.reader.join(timeout=5)
        return code


@pytest.fixture
def worker(transactional_db: None) -> Iterator[WorkerProcess]:
    process = WorkerProcess()
    yield process
    process.stop()  # before the test database is flushed


def status(task_id: str) -> str:
    return DBTaskResult.objects.values_list("status", flat=True).get(pk=task_id)


@postgres_only
def test_worker_waits_out_an_outage_and_then_runs_what_was_queued_meanwhile(
    worker: WorkerProcess,
) -> None:
    first = send_notification_emails.enqueue(notification_ids=[])
    worker.wait_until(lambda: status(first.id) == "SUCCESSFUL", "the worker runs a task")

    with database_refuses_connections():
        # It keeps trying, less and less often (0.1 s doubling up to 0.5 s, with jitter)…
        worker.wait_until(lambda: worker.count("Database unavailable") >= 5, "retries")
        queued = send_notification_emails.enqueue(notification_ids=[])
        time.sleep(0.5)
        assert worker.alive, worker.log
        assert status(queued.id) == "READY"
    delays = [float(d) for d in re.findall(r"next in ([0-9.]+) s", worker.log)]
    assert delays[0] <= 0.1 and 0.2 <= max(delays) <= 0.5, worker.log

    # …and once the database is back, the task queued during the outage runs.
    worker.wait_until(lambda: status(queued.id) == "SUCCESSFUL", "the queued task ran")
    assert worker.alive
    assert "The database is back after" in worker.log
    assert worker.stop() == 0, worker.log


@postgres_only
def test_a_task_cut_off_by_the_outage_is_recorded_as_failed_when_the_database_is_back(
    worker: WorkerProcess, tmp_path: Path
) -> None:
    go_on = tmp_path / "go-on"
    cut_off = read_the_database_when.enqueue(path=str(go_on))
    worker.wait_until(lambda: status(cut_off.id) == "RUNNING", "the task starts")

    with database_refuses_connections():
        go_on.touch()  # the task reads the database: its connection is gone, and no new one
        worker.wait_until(lambda: worker.count("Database unavailable") >= 2, "retries")
        assert worker.alive, worker.log
        assert status(cut_off.id) == "RUNNING"  # nobody could write its outcome yet

    # The worker writes the failure as soon as it can (not RUNNING for ever), then goes on.
    worker.wait_until(lambda: status(cut_off.id) == "FAILED", "the failure is recorded")
    row = DBTaskResult.objects.get(pk=cut_off.id)
    assert row.exception_class_path in {
        "django.db.utils.OperationalError",
        "django.db.utils.InterfaceError",
    }
    assert "the database went away while it ran" in worker.log
    after = send_notification_emails.enqueue(notification_ids=[])
    worker.wait_until(lambda: status(after.id) == "SUCCESSFUL", "the next task runs")
    assert worker.stop() == 0, worker.log


def test_backoff_doubles_up_to_the_cap_with_jitter() -> None:
    rng = random.Random(7)
    delays = [backoff_delay(n, first=1, cap=60, rng=rng) for n in range(1, 12)]
    ceilings = [1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60]
    assert all(c / 2 <= d <= c for d, c in zip(delays, ceilings, strict=True)), delays
    assert len({round(d, 6) for d in delays[6:]}) > 1  # jittered, not in step
    assert backoff_delay(10_000, first=1, cap=60) <= 60  # no overflow after a long outage


# --- pages ----------------------------------------------------------------------------------


def open_page(url: str, session_key: str) -> tuple[int, str, Any]:
    """GET through HTTP, as a browser with that session would: status, text, headers."""
    request = urllib.request.Request(
        url, headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers


@pytest.fixture
def teacher_session(world: World, client: Any) -> str:
    client.force_login(world.user("teacher"))
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@postgres_only
def test_first_request_after_the_database_dropped_the_connection_succeeds(
    live_server: Any, teacher_session: str
) -> None:
    # The live server answers in one thread and keeps its connection between requests
    # (CONN_MAX_AGE), as a gunicorn sync worker does.
    url = live_server.url + reverse("schedule:today")
    assert open_page(url, teacher_session)[0] == 200
    assert terminate_other_sessions(), "the server kept no connection: nothing was tested"

    status_code, text, _headers = open_page(url, teacher_session)

    assert status_code == 200, text
    assert "Учителев Пётр Андреевич" in text


@postgres_only
def test_while_the_database_refuses_connections_pages_say_so_in_russian(
    live_server: Any, teacher_session: str, caplog: pytest.LogCaptureFixture
) -> None:
    url = live_server.url + reverse("schedule:today")
    assert open_page(url, teacher_session)[0] == 200

    with caplog.at_level(logging.ERROR, logger="django.request"):
        with database_refuses_connections():
            status_code, text, headers = open_page(url, teacher_session)

    assert status_code == 503, text
    assert OUTAGE_TEXT in text
    assert headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert any(
        getattr(record, "status_code", None) == 503
        and record.exc_info
        and isinstance(record.exc_info[1], OperationalError)
        for record in caplog.records
    )
    # Back without restarting anything, and the person is still signed in.
    status_code, text, _headers = open_page(url, teacher_session)
    assert status_code == 200, text
    assert "Учителев Пётр Андреевич" in text


def refuse(*args: Any) -> Any:
    raise OperationalError("connection to server failed: Connection refused")


def test_outage_page_is_russian_and_needs_no_database(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    client = world.client_for("teacher")
    client.raise_request_exception = False  # what the person gets, not the test's traceback

    # Every query fails, so the 503 page itself may read nothing: not the session, not the
    # user, not the menu.
    with caplog.at_level(logging.ERROR, logger="django.request"):
        with connection.execute_wrapper(refuse):
            response = client.get(reverse("schedule:today"))

    assert response.status_code == 503
    text = response.content.decode()
    assert OUTAGE_TEXT in text
    assert "Обновите страницу через минуту" in text
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Language"] == "ru"
    # The session cookie is neither dropped nor rewritten: people stay signed in.
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    logged = [r for r in caplog.records if getattr(r, "status_code", None) == 503]
    assert logged and logged[0].exc_info and isinstance(logged[0].exc_info[1], OperationalError)


def test_other_errors_still_get_the_500_page(world: World) -> None:
    client = world.client_for("teacher")
    client.raise_request_exception = False

    def broken(*args: Any) -> Any:
        raise ProgrammingError("column journal_lesson.topic does not exist")

    with connection.execute_wrapper(broken):
        response = client.get(reverse("schedule:today"))

    assert response.status_code == 500
    assert "Ошибка сервера" in response.content.decode()
    assert OUTAGE_TEXT not in response.content.decode()
