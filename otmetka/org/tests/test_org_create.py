"""`manage.py org_create`: how a region's operator onboards a college."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from otmetka.accounts.models import RoleAssignment, User
from otmetka.audit.models import AuditEvent
from otmetka.org.models import AcademicYear, Organization, Period
from otmetka.test import World

ARGS = ["--name", "ОГБПОУ «Северский техникум»", "--short-name", "СТ", "--admin-login",
        "admin2"]


def run(*args: str) -> str:
    out = StringIO()
    call_command("org_create", *args, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, ...]:
    return (Organization.objects.count(), AcademicYear.objects.count(), Period.objects.count(),
            User.objects.count(), RoleAssignment.objects.count(), AuditEvent.objects.count())


def test_creates_the_college_its_year_and_its_administrator(db: None, now: Any) -> None:
    output = run(*ARGS, "--timezone", "Asia/Novosibirsk")
    organization = Organization.objects.get(short_name="СТ")
    assert organization.name == "ОГБПОУ «Северский техникум»"
    assert organization.timezone == "Asia/Novosibirsk"
    year = AcademicYear.objects.get(organization=organization)
    assert (year.name, year.date_from, year.date_to) == (
        "2026/2027", dt.date(2026, 9, 1), dt.date(2027, 8, 31)
    )
    assert list(year.periods.order_by("date_from").values_list("name", flat=True)) == [
        "1 семестр", "Зимние каникулы", "2 семестр", "Летние каникулы"
    ]
    admin = User.objects.get(username="admin2")
    assert admin.organization == organization
    assert admin.must_change_password
    assert admin.password_expires_at is not None
    assert admin.password_expires_at.date() == dt.date(2026, 11, 30)  # 14 days
    assert list(admin.role_assignments.values_list("role", "organization")) == [
        ("admin", organization.pk)
    ]
    assert "admin2" in output and "2026/2027" in output
    events = AuditEvent.objects.filter(organization=organization)
    assert events.filter(actor=None, object_type="org.organization", action="create").exists()
    assert events.filter(object_type="org.period").count() == 4
    assert events.filter(object_type="accounts.user", action="create").exists()
    assert events.filter(object_type="accounts.user", action="role_grant").exists()


def test_the_year_in_spring_is_the_one_that_began_last_autumn(db: None) -> None:
    with time_machine.travel(dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)):
        run(*ARGS)
    assert AcademicYear.objects.get(organization__short_name="СТ").name == "2026/2027"


def test_the_administrator_must_change_the_password_at_first_login(db: None, now: Any) -> None:
    output = run(*ARGS)
    match = re.search(r"Временный пароль: (\S+)", output)
    assert match is not None
    password = match[1]
    client = Client()
    response = client.post(reverse("accounts:login"),
                           {"username": "admin2", "password": password}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:password_change")
    # Every other page sends them back there until the password is changed.
    response = client.get(reverse("org:settings"))
    assert response["Location"] == reverse("accounts:password_change")
    response = client.post(reverse("accounts:password_change"), {
        "old_password": password, "new_password1": "Sibirskaya-berëza-2026",
        "new_password2": "Sibirskaya-berëza-2026",
    })
    assert response.status_code == 302
    assert client.get(reverse("org:settings")).status_code == 200


def test_refuses_a_duplicate_short_name(world: World) -> None:
    before = counts()
    with pytest.raises(CommandError) as refused:
        run("--name", "Ещё один", "--short-name", "тпт", "--admin-login", "admin2")
    assert refused.value.returncode == 1
    assert "Краткое наименование «тпт» уже занято другой организацией." in str(refused.value)
    assert counts() == before


def test_refuses_a_duplicate_login_and_creates_nothing(world: World) -> None:
    before = counts()
    with pytest.raises(CommandError) as refused:
        run("--name", "Новый техникум", "--short-name", "НТ", "--admin-login", "Admin")
    assert refused.value.returncode == 1
    assert "Логин «admin» уже занят." in str(refused.value)
    assert counts() == before


@pytest.mark.parametrize(("args", "message"), [
    (["--timezone", "Europe/Atlantis"], "Неизвестный часовой пояс «Europe/Atlantis»"),
    (["--admin-login", "ад"], "Логин: от 2 до 63 латинских букв"),
])
def test_refuses_bad_input(db: None, now: Any, args: list[str], message: str) -> None:
    before = counts()
    with pytest.raises(CommandError, match=message):
        run(*ARGS, *args)
    assert counts() == before


def test_dry_run_checks_and_creates_nothing(db: None, now: Any) -> None:
    before = counts()
    output = run(*ARGS, "--dry-run")
    assert "ничего не создано" in output
    assert "СТ" in output and "admin2" in output and "Зимние каникулы" in output
    assert "Временный пароль" not in output
    assert counts() == before


def test_dry_run_reports_a_refusal(world: World) -> None:
    with pytest.raises(CommandError, match="уже занято"):
        run("--name", "Ещё один", "--short-name", "ТПТ", "--admin-login", "admin2", "--dry-run")


def test_runs_from_the_command_line_with_exit_code_1(world: World) -> None:
    from django.core.management import ManagementUtility

    utility = ManagementUtility(["manage.py", "org_create", "--name", "X", "--short-name", "ТПТ",
                                 "--admin-login", "admin2"])
    with pytest.raises(SystemExit) as exited:
        utility.execute()
    assert exited.value.code == 1
