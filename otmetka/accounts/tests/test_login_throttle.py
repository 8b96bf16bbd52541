"""Login throttling under attack: parallel guesses, a shared address, proxies in front."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import checks
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from otmetka.accounts import throttle
from otmetka.accounts.checks import proxy_settings_check
from otmetka.accounts.models import LoginFailure
from otmetka.audit.models import AuditEvent
from otmetka.test import PASSWORD, World

LOGIN = reverse("accounts:login")
WRONG = "Неверный логин или пароль."
REFUSED = "Слишком много неудачных попыток входа"
NAT = "192.0.2.10"  # the college's one public address: everybody inside shares it


def post_login(client: Client, username: str, password: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": password})


def outcome(response: Any) -> str:
    if response.status_code == 302:
        return "signed in"
    text = response.content.decode()
    if REFUSED in text:
        return "refused"
    assert WRONG in text, text
    return "checked"


def sign_in_and_out(client: Client, username: str) -> None:
    """The owner signs in once on this browser, which makes it her trusted device."""
    assert post_login(client, username, PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))


class TestParallelGuesses:
    """Parallel wrong passwords for one account queue behind each other before the hash runs."""

    @pytest.mark.parametrize(
        ("earlier_failures", "parallel", "checked"),
        [
            # A fresh account: its free failures and not one more inside the frozen instant.
            (0, 40, settings.LOGIN_ACCOUNT_FREE_FAILURES),
            # An account at the 60-second ceiling whose delay has just passed: exactly one.
            (30, 20, 1),
        ],
    )
    def test_the_delay_holds(
        self,
        transactional_db: None,
        world: World,
        earlier_failures: int,
        parallel: int,
        checked: int,
    ) -> None:
        if connection.vendor != "postgresql":
            pytest.skip("SQLite serialises writers: parallel logins are tested on PostgreSQL")
        teacher = world.user("teacher")
        # The real hasher, so that a guess spends as long in Argon2 as it does in production.
        argon2 = settings.PASSWORD_HASHERS[1:]
        with override_settings(PASSWORD_HASHERS=argon2):
            teacher.set_password(PASSWORD)
            teacher.save()
        moment = timezone.now()
        LoginFailure.objects.bulk_create(
            LoginFailure(
                username="teacher",
                address="198.51.100.1",
                at=moment - dt.timedelta(seconds=61 + 60 * (earlier_failures - number)),
            )
            for number in range(earlier_failures)
        )
        outcomes: list[str] = []
        barrier = threading.Barrier(parallel)

        def guess(number: int) -> None:
            try:
                client = Client(REMOTE_ADDR=f"203.0.113.{number + 1}")  # a botnet
                barrier.wait()
                outcomes.append(outcome(post_login(client, "teacher", f"guess-{number}")))
            finally:
                connection.close()

        # The clock stands still: every guess falls inside one instant, so none may wait out
        # a delay that an earlier guess in the same burst started.
        with override_settings(PASSWORD_HASHERS=argon2), time_machine.travel(moment, tick=False):
            threads = [threading.Thread(target=guess, args=(n,)) for n in range(parallel)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        assert len(outcomes) == parallel
        assert outcomes.count("checked") == checked
        assert outcomes.count("refused") == parallel - checked
        assert LoginFailure.objects.filter(username="teacher").count() == (
            earlier_failures + checked
        )
        assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).count() == checked


class TestSharedAddress:
    """One address shared by a whole college (a school NAT, or a proxy not trusted)."""

    def test_random_names_from_the_college_address_lock_nobody_out(
        self, world: World, now: time_machine.Traveller
    ) -> None:
        owner = Client(REMOTE_ADDR=NAT)
        sign_in_and_out(owner, "teacher")
        attacker = Client(REMOTE_ADDR=NAT)
        for number in range(320):
            post_login(attacker, f"fake{number:04d}", "wrong")
        # The owner on her own browser, and a colleague on a computer she never used, get in.
        assert post_login(owner, "teacher", PASSWORD).status_code == 302
        assert post_login(Client(REMOTE_ADDR=NAT), "curator", PASSWORD).status_code == 302

    def test_trusted_device_passes_an_address_at_its_cap(
        self, world: World, now: time_machine.Traveller, settings: Any
    ) -> None:
        settings.LOGIN_ADDRESS_HOURLY_CAP = 20
        owner = Client(REMOTE_ADDR=NAT)
        sign_in_and_out(owner, "teacher")
        attacker = Client(REMOTE_ADDR=NAT)
        for name in ("director", "deputy", "hr"):  # sprays real accounts: the cap is for this
            for _ in range(settings.LOGIN_ACCOUNT_FREE_FAILURES):
                post_login(attacker, name, "wrong")
        assert LoginFailure.objects.filter(address=NAT).count() == 20
        assert outcome(post_login(Client(REMOTE_ADDR=NAT), "curator", PASSWORD)) == "refused"
        # The trusted device is checked before the address cap.
        assert post_login(owner, "teacher", PASSWORD).status_code == 302
        assert post_login(Client(REMOTE_ADDR="198.51.100.7"), "head", PASSWORD).status_code == 302

    def test_mistakes_on_a_trusted_device_do_not_count_against_the_address(
        self, world: World, now: time_machine.Traveller, settings: Any
    ) -> None:
        settings.LOGIN_ADDRESS_HOURLY_CAP = 3
        owner = Client(REMOTE_ADDR=NAT)
        sign_in_and_out(owner, "teacher")
        for _ in range(5):
            assert outcome(post_login(owner, "teacher", "typo")) == "checked"
        assert LoginFailure.objects.filter(username="teacher").count() == 5
        assert post_login(Client(REMOTE_ADDR=NAT), "curator", PASSWORD).status_code == 302

    def test_address_at_its_cap_says_when_it_opens(
        self, world: World, now: time_machine.Traveller, settings: Any
    ) -> None:
        settings.LOGIN_ADDRESS_HOURLY_CAP = 2
        attacker = Client(REMOTE_ADDR=NAT)
        post_login(attacker, "director", "wrong")
        now.shift(dt.timedelta(minutes=20))
        post_login(attacker, "deputy", "wrong")
        now.shift(dt.timedelta(minutes=10))
        verdict = throttle.check(username="hr", address=NAT, trusted_device=False)
        assert not verdict.allowed
        assert 30 * 60 - 2 <= verdict.wait_seconds <= 30 * 60 + 1  # the first one's hour ends

    def test_unknown_names_add_at_most_the_bound_to_the_address(
        self, world: World, now: time_machine.Traveller, settings: Any
    ) -> None:
        bound = settings.LOGIN_ADDRESS_UNKNOWN_NAMES_HOURLY_CAP
        assert bound < settings.LOGIN_ADDRESS_HOURLY_CAP
        attacker = Client(REMOTE_ADDR=NAT)
        for number in range(bound * 3):
            assert outcome(post_login(attacker, f"fake{number:04d}", "wrong")) == "checked"
        assert LoginFailure.objects.filter(address=NAT).count() == bound
        # Every name still has its own record, so its delay looks like a real account's.
        assert LoginFailure.objects.filter(username__startswith="fake").count() == bound * 3
        # Failures on real accounts still count on top of the bound.
        for _ in range(3):
            post_login(attacker, "director", "wrong")
        assert LoginFailure.objects.filter(address=NAT).count() == bound + 3
        # An hour later the bound starts afresh.
        now.shift(dt.timedelta(hours=1, seconds=1))
        post_login(attacker, "fake9999", "wrong")
        hour_ago = timezone.now() - dt.timedelta(hours=1)
        assert LoginFailure.objects.filter(address=NAT, at__gte=hour_ago).count() == 1

    def test_bound_never_reaches_a_small_address_cap(
        self, world: World, now: time_machine.Traveller, settings: Any
    ) -> None:
        settings.LOGIN_ADDRESS_HOURLY_CAP = 20
        attacker = Client(REMOTE_ADDR=NAT)
        for number in range(60):
            post_login(attacker, f"fake{number:04d}", "wrong")
        assert LoginFailure.objects.filter(address=NAT).count() == 19
        assert post_login(Client(REMOTE_ADDR=NAT), "curator", PASSWORD).status_code == 302

    def test_an_unknown_name_past_the_bound_waits_like_a_real_one(
        self, world: World, now: time_machine.Traveller, settings: Any
    ) -> None:
        settings.LOGIN_ADDRESS_UNKNOWN_NAMES_HOURLY_CAP = 5
        attacker = Client(REMOTE_ADDR=NAT)
        for number in range(5):
            post_login(attacker, f"fake{number}", "wrong")
        free = settings.LOGIN_ACCOUNT_FREE_FAILURES
        for name in ("nobody", "director"):
            outcomes = [outcome(post_login(attacker, name, "wrong")) for _ in range(free + 1)]
            assert outcomes == ["checked"] * free + ["refused"], name


class TestForwardedFor:
    """Behind our own proxies the address is the one the outermost proxy saw."""

    def test_failure_and_audit_take_the_address_nginx_saw(
        self, world: World, settings: Any
    ) -> None:
        settings.LOGIN_TRUST_X_FORWARDED_FOR = "1"
        client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
        post_login(client, "teacher", "wrong")
        assert LoginFailure.objects.get().address == "203.0.113.5"
        event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
        assert event.address == "203.0.113.5"
        assert post_login(client, "teacher", PASSWORD).status_code == 302
        assert AuditEvent.objects.get(action=AuditEvent.Action.LOGIN).address == "203.0.113.5"
        assert LoginFailure.objects.count() == 1  # the right password left no failure behind

    def test_forged_entries_do_not_escape_the_address_cap(
        self, world: World, now: time_machine.Traveller, settings: Any
    ) -> None:
        settings.LOGIN_TRUST_X_FORWARDED_FOR = "1"
        settings.LOGIN_ADDRESS_HOURLY_CAP = 20
        outcomes = []
        for number in range(30):
            attacker = Client(
                REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.0.{number}.1, 203.0.113.5"
            )
            name = ("director", "deputy", "hr")[number // 10]
            outcomes.append(outcome(post_login(attacker, name, "wrong")))
        assert outcomes == ["checked"] * 20 + ["refused"] * 10
        other = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.7")
        assert post_login(other, "curator", PASSWORD).status_code == 302

    @pytest.mark.parametrize(
        ("trusted", "forwarded", "expected"),
        [
            ("", "6.6.6.6", "127.0.0.1"),  # no proxy of ours: the header is anyone's
            ("1", "6.6.6.6, 203.0.113.5", "203.0.113.5"),
            ("true", "203.0.113.5", "203.0.113.5"),
            ("2", "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
            ("2", "10.0.0.2", "127.0.0.1"),  # fewer hops than proxies: it bypassed one
            ("1", "", "127.0.0.1"),
            ("1", "6.6.6.6, unknown", "127.0.0.1"),
            ("1", "6.6.6.6, 2001:DB8::1", "2001:db8::1"),
            ("nginx", "6.6.6.6, 203.0.113.5", "127.0.0.1"),  # malformed: the check reports it
        ],
    )
    def test_client_address(
        self, settings: Any, trusted: str, forwarded: str, expected: str
    ) -> None:
        settings.LOGIN_TRUST_X_FORWARDED_FOR = trusted
        request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
        assert throttle.client_address(request) == expected


class TestProxyCheck:
    def ids(self) -> list[str]:
        return [message.id for message in proxy_settings_check(None) if message.id]

    def test_silent_in_development(self) -> None:
        assert self.ids() == []

    def test_malformed_setting_is_an_error(self, settings: Any) -> None:
        settings.LOGIN_TRUST_X_FORWARDED_FOR = "nginx"
        assert self.ids() == ["accounts.E001"]
        assert "OTMETKA_TRUST_X_FORWARDED_FOR" in str(proxy_settings_check(None)[0].hint)

    def test_behind_a_proxy_without_trusting_it_warns(self, settings: Any) -> None:
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        assert self.ids() == ["accounts.W001"]
        settings.LOGIN_TRUST_X_FORWARDED_FOR = "1"
        assert self.ids() == []

    def test_registered_with_django(self, settings: Any) -> None:
        settings.LOGIN_TRUST_X_FORWARDED_FOR = "nginx"
        found = [message.id for message in checks.run_checks(tags=[checks.Tags.security])]
        assert "accounts.E001" in found
