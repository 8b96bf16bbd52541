"""SMTP comes from the environment: a host switches to SMTP, the password may be in a file."""

from __future__ import annotations

from pathlib import Path

from otmetka.tests.test_settings import _load

SHOW = (
    "print(settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT,"
    " settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD, settings.EMAIL_USE_TLS,"
    " settings.DEFAULT_FROM_EMAIL, settings.OTMETKA_SITE_URL)"
)


def test_smtp_from_the_environment(tmp_path: Path) -> None:
    password = tmp_path / "smtp"
    password.write_text("pa55word\n")
    result = _load(
        {
            "DEBUG": "1",
            "EMAIL_HOST": "smtp.college.example",
            "EMAIL_PORT": "587",
            "EMAIL_HOST_USER": "otmetka",
            "EMAIL_HOST_PASSWORD_FILE": str(password),
            "EMAIL_USE_TLS": "1",
            "DEFAULT_FROM_EMAIL": "journal@college.example",
            "OTMETKA_SITE_URL": "https://journal.college.example/",
        },
        SHOW,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.college.example",
        "587",
        "otmetka",
        "pa55word",
        "True",
        "journal@college.example",
        "https://journal.college.example",
    ]


def test_console_by_default_and_a_backend_of_choice() -> None:
    result = _load({"DEBUG": "1"}, "print(settings.EMAIL_BACKEND)")
    assert result.stdout.strip() == "django.core.mail.backends.console.EmailBackend"
    chosen = "django.core.mail.backends.filebased.EmailBackend"
    result = _load({"DEBUG": "1", "EMAIL_BACKEND": chosen}, "print(settings.EMAIL_BACKEND)")
    assert result.stdout.strip() == chosen
