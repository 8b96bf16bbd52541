"""Production settings come from the environment and fail loudly without a secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _load(env: dict[str, str], code: str = "") -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "DATABASE_URL"}
    }
    clean.update({"OTMETKA_TESTING": "0", **env})
    script = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'otmetka.settings');"
    )
    script += "from django.conf import settings; settings.SECRET_KEY;" + code
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_refuses_to_start_without_a_secret() -> None:
    result = _load({})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_reads_the_secret_from_a_file_and_the_database_from_the_environment(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t-from-file\n")
    result = _load(
        {
            "SECRET_KEY_FILE": str(secret),
            "ALLOWED_HOSTS": "journal.example.ru",
            "DATABASE_URL": "postgres://otm:pw@db.example:5432/otmetka",
        },
        "print(settings.SECRET_KEY, settings.ALLOWED_HOSTS,"
        " settings.DATABASES['default']['ENGINE'], settings.SESSION_COOKIE_SECURE, settings.DEBUG)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "s3cr3t-from-file",
        "['journal.example.ru']",
        "django.db.backends.postgresql",
        "True",
        "False",
    ]


def test_debug_runs_without_a_secret() -> None:
    result = _load({"DEBUG": "1"}, "print(settings.DEBUG)")
    assert result.returncode == 0, result.stderr


def test_the_app_server_refuses_to_start_without_a_secret() -> None:
    result = _load({}, "import otmetka.wsgi")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_management_commands_that_sign_nothing_run_without_a_secret() -> None:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "DATABASE_URL"}
    }
    clean["OTMETKA_TESTING"] = "0"
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_kept_database_connections_are_checked_and_connecting_gives_up_soon() -> None:
    code = "d = settings.DATABASES['default']; print(d['CONN_HEALTH_CHECKS'], d['OPTIONS'])"
    url = "postgres://otm:pw@db.example:5432/otmetka"
    result = _load({"DEBUG": "1", "DATABASE_URL": url}, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "{'connect_timeout':", "5}"]
    result = _load({"DEBUG": "1", "DATABASE_URL": url + "?connect_timeout=2"}, code)
    assert result.stdout.split() == ["True", "{'connect_timeout':", "2}"]
    result = _load({"DEBUG": "1", "DATABASE_URL": url, "DATABASE_CONNECT_TIMEOUT": "10"}, code)
    assert result.stdout.split() == ["True", "{'connect_timeout':", "10}"]
