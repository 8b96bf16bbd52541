"""Benchmarks of the electronic diary (DESIGN.md §6: ≤ 8 queries, p95 ≤ 50 ms, ≥ 150 pages/s).

- ``diary_week``: the week page of the demo parent (two children), in this process, many runs.
- ``diary_load``: concurrent clients (locust, `bench/diary_load.py`) against gunicorn serving
  the benchmark database on loopback, signed in as demo students and parents whose consent is
  recorded; pages per second and locust's p50/p95.

Django is set up by `bench.run` before these run; models are imported inside the functions.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.harness import Context, Entry, benchmark, entry, measure

ROOT = Path(__file__).resolve().parent.parent
PARENT = "parent"
LOAD_USERS = 60  # distinct students and parents whose sessions the clients use
LOAD_CLIENTS = 16
LOAD_SECONDS = 20
GUNICORN_WORKERS = 3


def diary_client(username: str) -> Any:
    """A test client signed in as the demo user in their first role."""
    from django.test import Client

    from otmetka.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@benchmark("diary_week")
def diary_week(context: Context) -> Entry | None:
    """The demo parent's diary week, alternating between their children, as a warm process."""
    from django.urls import reverse

    from otmetka.accounts.models import User
    from otmetka.people.models import Student

    if not User.objects.filter(username=PARENT).exists():
        context.notes.append("diary_week: в демо нет пользователя parent")
        return None
    children = list(
        Student.objects.filter(guardianships__guardian__user__username=PARENT)
        .order_by("person__sort_key")
        .values_list("pk", flat=True)
    )
    client = diary_client(PARENT)
    url = reverse("diary:week")
    for child in children:  # the choice is remembered: then every page reads as a steady one
        client.get(url, {"student": child})
    client.get(url, {"student": children[0]} if children else {})

    def open_week() -> None:
        response = client.get(url)
        if response.status_code != 200 or b"diary-day" not in response.content:
            raise RuntimeError(f"diary week answered {response.status_code}")

    timing = measure(open_week, repeat=max(context.repeat, 200), warmup=context.warmup)
    context.notes.append(
        f"diary_week: родитель {PARENT}, детей {len(children)}; цель ≤ 8 запросов, p95 ≤ 50 мс"
    )
    return timing.as_entry("diary_week")


def load_sessions(limit: int) -> list[str]:
    """Session keys of demo students and parents of the main college who may read a diary:
    signed in once, before the load, with the role chosen (no session write per page)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from otmetka.accounts.middleware import ROLE_SESSION_KEY, TOUCH_SESSION_KEY
    from otmetka.accounts.models import RoleAssignment
    from otmetka.accounts.roles import Role
    from otmetka.diary.selectors import active_consents
    from otmetka.lib.dates import local_today
    from otmetka.org.models import Organization

    organization = Organization.objects.order_by("pk").first()
    if organization is None:
        return []
    today = local_today(organization.timezone)
    assignments = (
        RoleAssignment.objects.filter(
            organization=organization,
            role__in=(Role.STUDENT, Role.PARENT),
            user__is_active=True,
            user__person__isnull=False,
        )
        .select_related("user__person")
        .order_by("user__username")
    )
    keys: list[str] = []
    for assignment in assignments:
        user = assignment.user
        person = user.person
        if not active_consents(person.pk, today).exists():
            continue
        if assignment.role == Role.PARENT and not person.wards.filter(receives_diary=True).exists():
            continue
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "otmetka.accounts.backends.AccountBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[ROLE_SESSION_KEY] = assignment.pk
        session[TOUCH_SESSION_KEY] = int(time.time())
        session.create()
        assert session.session_key is not None
        keys.append(session.session_key)
        if len(keys) >= limit:
            break
    return keys


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 (loopback)
                if answer.status < 500:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer at {url}")


def _cpu_seconds(parent_pid: int) -> float:
    """User + system CPU seconds of the children of a process (gunicorn's workers), from /proc
    (0 where /proc is missing)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    try:
        children = Path(f"/proc/{parent_pid}/task/{parent_pid}/children").read_text().split()
    except OSError:
        return 0.0
    for child in children:
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _aggregated(stats_csv: Path) -> dict[str, str]:
    with stats_csv.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row.get("Name") == "Aggregated":
                return row
    raise RuntimeError(f"no aggregated row in {stats_csv}")


def server_environment(database: str, var_dir: Path) -> dict[str, str]:
    """Production-like settings for the server: DEBUG off, its own static files and secret."""
    from django.conf import settings

    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "0",
            "DATABASE_URL": f"sqlite:///{database}",
            "OTMETKA_VAR_DIR": str(var_dir),
            # The sessions were signed in this process: the server checks them with its key.
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Sync workers serve one request at a time: each keeps its SQLite connection.
            "SQLITE_CONN_MAX_AGE": "600",
            "DJANGO_SETTINGS_MODULE": "otmetka.settings",
        }
    )
    env.pop("OTMETKA_TESTING", None)
    return env


@benchmark("diary_load")
def diary_load(context: Context) -> Entry | None:
    """Pages per second of the diary week under concurrent clients (locust → gunicorn)."""
    from django.conf import settings

    bin_dir = Path(sys.executable).parent
    locust = bin_dir / "locust"
    gunicorn = bin_dir / "gunicorn"
    if not locust.exists() or not gunicorn.exists():
        context.notes.append(
            "diary_load: нет locust или gunicorn в окружении (pip install -e '.[dev]')"
        )
        return None
    keys = load_sessions(LOAD_USERS)
    if not keys:
        context.notes.append("diary_load: нет обучающихся и родителей с согласием")
        return None
    database = str(settings.DATABASES["default"]["NAME"])
    with tempfile.TemporaryDirectory(prefix="otmetka-diary-load-") as scratch:
        work = Path(scratch)
        env = server_environment(database, work)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        port = _free_port()
        server = subprocess.Popen(
            [
                str(gunicorn),
                "otmetka.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(GUNICORN_WORKERS),
                "--preload",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        try:
            host = f"http://127.0.0.1:{port}"
            _wait_until_up(f"{host}/login/")
            sessions = work / "sessions.json"
            sessions.write_text(json.dumps(keys), encoding="utf-8")
            prefix = work / "locust"
            load_env = dict(env, OTMETKA_LOAD_SESSIONS=str(sessions))
            server_cpu = _cpu_seconds(server.pid)
            client_cpu = os.times()
            subprocess.run(
                [
                    str(locust),
                    "-f",
                    str(ROOT / "bench" / "diary_load.py"),
                    "--headless",
                    "--users",
                    str(LOAD_CLIENTS),
                    "--spawn-rate",
                    str(LOAD_CLIENTS),
                    "--run-time",
                    f"{LOAD_SECONDS}s",
                    "--host",
                    host,
                    "--csv",
                    str(prefix),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                    "--stop-timeout",
                    "5",
                ],
                cwd=ROOT,
                env=load_env,
                check=False,
                stdout=subprocess.DEVNULL,
                timeout=LOAD_SECONDS + 120,
            )
            server_cpu = _cpu_seconds(server.pid) - server_cpu
            after = os.times()
            client_cpu_seconds = (after.children_user + after.children_system) - (
                client_cpu.children_user + client_cpu.children_system
            )
            row = _aggregated(Path(f"{prefix}_stats.csv"))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    requests = int(row["Request Count"])
    failures = int(row["Failure Count"])
    if requests == 0 or failures:
        raise RuntimeError(f"diary_load: {failures} of {requests} requests failed")
    context.notes.append(
        f"diary_load: {LOAD_CLIENTS} клиентов locust, gunicorn × {GUNICORN_WORKERS}, "
        f"{LOAD_SECONDS} с, {len(keys)} учётных записей, {requests} страниц; цель ≥ 150 стр./с"
    )
    if server_cpu > 0:
        # Other work on the machine takes cores from the test: the CPU spent per page tells
        # what the two cores would serve alone.
        per_page = (server_cpu + client_cpu_seconds) * 1000 / requests
        context.notes.append(
            f"diary_load: процессор на страницу {server_cpu * 1000 / requests:.1f} мс сервера "
            f"+ {client_cpu_seconds * 1000 / requests:.1f} мс locust; свободные "
            f"{os.cpu_count()} ядра дали бы ≈ {(os.cpu_count() or 1) * 1000 / per_page:.0f} стр./с"
        )
    return entry(
        "diary_load",
        p50_ms=float(row["50%"]),
        p95_ms=float(row["95%"]),
        rps=round(float(row["Requests/s"]), 1),
        seconds=float(LOAD_SECONDS),
    )
