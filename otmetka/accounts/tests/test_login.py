"""Signing in as a person would: the login page, throttling, one-time passwords, sessions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from otmetka.accounts import throttle
from otmetka.accounts.models import LoginFailure, User
from otmetka.audit.models import AuditEvent
from otmetka.test import PASSWORD, World

LOGIN = reverse("accounts:login")


def post_login(client: Client, username: str, password: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": password})


def test_login_page_is_russian(world: World) -> None:
    response = Client().get(LOGIN)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Вход в «Отметку»" in text
    assert 'lang="ru"' in text
    assert "Забыли пароль?" in text


@pytest.mark.parametrize(
    ("username", "start"),
    [
        ("director", "academics:dashboard"),
        ("admin", "accounts:user_list"),
        ("deputy", "academics:workload_list"),
        ("hr", "people:staff_list"),
        ("curator", "academics:my_groups"),
        ("teacher", "schedule:today"),
        ("dispatcher", "schedule:group_list"),
        ("head", "academics:group_list"),
        ("secretary", "academics:student_list"),
        ("methodist", "academics:program_list"),
        ("student", "diary:week"),
        ("parent", "diary:week"),
    ],
)
def test_each_role_lands_on_its_start_page(world: World, username: str, start: str) -> None:
    client = Client()
    response = post_login(client, username, PASSWORD)
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == reverse(start)
    assert client.get(reverse(start)).status_code == 200


def test_login_is_case_insensitive_and_audited(world: World) -> None:
    client = Client()
    response = post_login(client, "  Teacher ", PASSWORD)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert event.actor == world.user("teacher")
    assert event.organization == world.org


def test_wrong_password_is_refused_recorded_and_audited(world: World) -> None:
    response = post_login(Client(), "teacher", "wrong")
    assert response.status_code == 200
    assert "Неверный логин или пароль." in response.content.decode()
    assert LoginFailure.objects.filter(username="teacher").count() == 1
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert event.object_repr == "teacher"
    assert event.organization == world.org


def test_unknown_login_reads_the_same_as_a_wrong_password(world: World) -> None:
    response = post_login(Client(), "nobody", "wrong")
    assert "Неверный логин или пароль." in response.content.decode()


def test_next_parameter_stays_on_this_site(world: World) -> None:
    client = Client()
    response = client.post(
        LOGIN + "?next=https://evil.example/",
        {
            "username": "teacher",
            "password": PASSWORD,
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse("accounts:home")


def test_inactive_account_cannot_sign_in(world: World) -> None:
    teacher = world.user("teacher")
    teacher.is_active = False
    teacher.save()
    response = post_login(Client(), "teacher", PASSWORD)
    assert "Неверный логин или пароль." in response.content.decode()


def test_passwords_are_hashed_with_argon2(world: World) -> None:
    with override_settings(PASSWORD_HASHERS=settings.PASSWORD_HASHERS[1:]):
        user = User.objects.create_user("argon", "some-long-password")
    assert user.password.startswith("argon2$argon2id$")
    assert "m=47104,t=1,p=1" in user.password


class TestThrottle:
    def fail(self, client: Client, times: int, username: str = "teacher") -> None:
        for _ in range(times):
            post_login(client, username, "wrong")

    def test_ten_failures_cost_nothing_then_the_account_waits(
        self, world: World, now: time_machine.Traveller
    ) -> None:
        attacker = Client(REMOTE_ADDR="10.9.9.9")
        self.fail(attacker, 10)
        assert LoginFailure.objects.count() == 10
        response = post_login(attacker, "teacher", "wrong")
        assert "Слишком много неудачных попыток" in response.content.decode()
        # Refused attempts check no password and are not counted.
        assert LoginFailure.objects.count() == 10

    def test_the_delay_doubles(self, world: World, now: time_machine.Traveller) -> None:
        attacker = Client(REMOTE_ADDR="10.9.9.9")
        self.fail(attacker, 12)  # the 11th and 12th were refused while waiting
        assert LoginFailure.objects.count() == 10
        now.shift(dt.timedelta(seconds=2))
        self.fail(attacker, 1)
        assert LoginFailure.objects.count() == 11
        now.shift(dt.timedelta(seconds=1))
        verdict = throttle.check(username="teacher", address="10.9.9.9", trusted_device=False)
        assert not verdict.allowed
        assert verdict.wait_seconds == 1

    def test_failures_stay_below_one_hundred_an_hour(
        self, world: World, now: time_machine.Traveller
    ) -> None:
        attacker = Client(REMOTE_ADDR="10.9.9.9")
        for _ in range(400):  # an attacker retrying every 10 s for more than an hour
            post_login(attacker, "teacher", "wrong")
            now.shift(dt.timedelta(seconds=10))
        hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
        assert LoginFailure.objects.filter(at__gte=hour_ago).count() < 100
        assert LoginFailure.objects.count() < 100 * 1.2

    def test_nobody_can_lock_the_owner_out(self, world: World, now: time_machine.Traveller) -> None:
        owner = Client(REMOTE_ADDR="192.0.2.10")
        assert post_login(owner, "teacher", PASSWORD).status_code == 302  # a device she used
        owner.post(reverse("accounts:logout"))
        attacker = Client(REMOTE_ADDR="10.9.9.9")
        for _ in range(200):
            post_login(attacker, "teacher", "wrong")
            now.shift(dt.timedelta(seconds=5))
        # Whatever the attacker does, the owner on her own device gets in at once…
        assert post_login(owner, "teacher", PASSWORD).status_code == 302
        # …and on a new device she gets in after the delay has passed.
        now.shift(dt.timedelta(hours=1, seconds=61))
        fresh = Client(REMOTE_ADDR="198.51.100.7")
        assert post_login(fresh, "teacher", PASSWORD).status_code == 302

    def test_owner_on_a_new_device_waits_at_most_the_delay(
        self, world: World, now: time_machine.Traveller
    ) -> None:
        attacker = Client(REMOTE_ADDR="10.9.9.9")
        self.fail(attacker, 15)
        fresh = Client(REMOTE_ADDR="198.51.100.7")
        response = post_login(fresh, "teacher", PASSWORD)
        assert response.status_code == 200
        now.shift(dt.timedelta(seconds=61))
        assert post_login(fresh, "teacher", PASSWORD).status_code == 302

    def test_one_address_cannot_hammer_many_accounts(
        self, world: World, now: time_machine.Traveller, settings: object
    ) -> None:
        settings.LOGIN_ADDRESS_HOURLY_CAP = 20  # type: ignore[attr-defined]
        attacker = Client(REMOTE_ADDR="10.9.9.9")
        for number in range(25):  # each account's free failures, one account after another
            post_login(attacker, ("director", "deputy", "hr")[number // 10], "wrong")
        assert LoginFailure.objects.filter(address="10.9.9.9").count() == 20
        # Another address is not affected.
        assert post_login(Client(REMOTE_ADDR="192.0.2.1"), "teacher", PASSWORD).status_code == 302

    def test_forged_forwarded_for_is_ignored(self, world: World) -> None:
        client = Client(REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
        post_login(client, "teacher", "wrong")
        assert LoginFailure.objects.get().address == "10.9.9.9"


class TestOneTimePassword:
    def issue(self, world: World) -> str:
        admin = world.client_for("admin")
        teacher = world.user("teacher")
        url = reverse("accounts:user_issue_credentials", kwargs={"user_id": teacher.pk})
        response = admin.post(url, {"confirm": "1"})
        assert response.status_code == 200
        return str(response.context["password"])

    def test_first_login_forces_a_change(self, world: World) -> None:
        password = self.issue(world)
        client = Client()
        assert post_login(client, "teacher", password).status_code == 302
        response = client.get(reverse("academics:my_workload"))
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:password_change")
        page = client.get(reverse("accounts:password_change")).content.decode()
        assert "Вы вошли по временному паролю" in page
        response = client.post(
            reverse("accounts:password_change"),
            {
                "old_password": password,
                "new_password1": "Зелёный-чай-2026",
                "new_password2": "Зелёный-чай-2026",
            },
        )
        assert response.status_code == 302
        assert client.get(reverse("academics:my_workload")).status_code == 200
        teacher = User.objects.get(username="teacher")
        assert not teacher.must_change_password
        assert teacher.password_expires_at is None
        assert AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_CHANGE).count() == 1

    def test_weak_new_password_is_refused_next_to_the_field(self, world: World) -> None:
        password = self.issue(world)
        client = Client()
        post_login(client, "teacher", password)
        response = client.post(
            reverse("accounts:password_change"),
            {
                "old_password": password,
                "new_password1": "12345678",
                "new_password2": "12345678",
            },
        )
        assert response.status_code == 200
        assert response.context["form"].errors["new_password1"]
        assert User.objects.get(username="teacher").must_change_password

    def test_expires_after_fourteen_days(self, world: World, now: time_machine.Traveller) -> None:
        password = self.issue(world)
        now.shift(dt.timedelta(days=14, minutes=1))
        response = post_login(Client(), "teacher", password)
        assert response.status_code == 200
        assert "Срок действия временного пароля истёк" in response.content.decode()

    def test_is_audited(self, world: World) -> None:
        self.issue(world)
        event = AuditEvent.objects.get(action=AuditEvent.Action.CREDENTIALS_ISSUE)
        assert event.actor == world.user("admin")
        assert event.object_id == str(world.user("teacher").pk)


def test_session_expires_when_idle(world: World, now: time_machine.Traveller) -> None:
    client = Client()
    post_login(client, "teacher", PASSWORD)
    assert client.get(reverse("academics:my_workload")).status_code == 200
    now.shift(dt.timedelta(hours=7))
    assert client.get(reverse("academics:my_workload")).status_code == 200  # activity slides it
    now.shift(dt.timedelta(hours=8, minutes=10))
    response = client.get(reverse("academics:my_workload"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_logout_needs_post(world: World) -> None:
    client = world.client_for("teacher")
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("academics:my_workload")).status_code == 302


def test_forgot_password_names_who_issues_credentials(world: World) -> None:
    page = Client().get(reverse("accounts:forgot_password")).content.decode()
    assert "куратор" in page
    assert "администратор АИС" in page
    assert "Администратор АИС, каб. 214" in page


def test_security_headers(world: World) -> None:
    response = Client().get(LOGIN)
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_login_form_needs_csrf(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    response = post_login(client, "teacher", PASSWORD)
    assert response.status_code == 403


def test_dismissed_employee_is_shut_out_after_the_dismissal_day(
    world: World, now: time_machine.Traveller
) -> None:
    client = Client()
    assert post_login(client, "teacher", PASSWORD).status_code == 302
    employee = world.college.employees["teacher"]
    employee.dismissal_date = dt.date(2026, 11, 16)  # today: still works to the end of the day
    employee.save()
    assert client.get(reverse("academics:my_workload")).status_code == 200
    now.shift(dt.timedelta(days=1))
    response = client.get(reverse("academics:my_workload"))
    assert response["Location"].startswith(LOGIN)
    assert (
        "Неверный логин или пароль." in post_login(Client(), "teacher", PASSWORD).content.decode()
    )


def test_russian_by_default_whatever_the_browser_asks(world: World) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get(LOGIN)
    assert "Вход в «Отметку»" in response.content.decode()
    assert response["Content-Language"] == "ru"


def test_english_when_chosen(world: World) -> None:
    client = Client()
    response = client.post(reverse("i18n:set_language"), {"language": "en", "next": LOGIN})
    assert response.status_code == 302
    page = client.get(LOGIN).content.decode()
    assert 'lang="en"' in page
    assert "Вход" not in page
    assert "Username" in page
    client.post(reverse("i18n:set_language"), {"language": "ru", "next": LOGIN})
    assert "Вход в «Отметку»" in client.get(LOGIN).content.decode()


def test_expired_session_in_an_htmx_request_sends_the_page_to_login(world: World) -> None:
    response = Client().get(reverse("notifications:badge"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == LOGIN


def test_in_page_requests_wait_for_the_forced_password_change(world: World) -> None:
    teacher = world.user("teacher")
    teacher.must_change_password = True
    teacher.save()
    client = world.client_for(teacher)
    response = client.get(reverse("notifications:badge"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert client.get(reverse("notifications:badge"))["Location"] == reverse(
        "accounts:password_change"
    )
