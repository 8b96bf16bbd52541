"""Login throttling that slows guessing without letting anyone lock another person out.

Per account: the first `free` failures in an hour cost nothing; after that each attempt must
wait a delay that doubles up to a ceiling, and past an hourly cap only a trusted device (a
browser where the owner has signed in before) may try. The delay alone keeps an attacker below
the cap; the trusted-device cookie lets the owner in whatever anyone else does, from whatever
address. Per address: a cap on failures from one address across all accounts, applied after the
trusted device, to which made-up user names add only a bounded part. Attempts refused by the
throttle check no password and count as nothing.

An attempt that may go ahead is recorded as a failure before the password hash runs, under a
lock of its account (and address), and forgotten if the password was right: parallel guesses
queue there, and each one sees the ones before it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import math
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import connections, router, transaction
from django.http import HttpRequest
from django.utils import timezone

from otmetka.accounts.models import LoginFailure

TRUSTED_DEVICE_COOKIE = "otmetka_device"
_SALT = "otmetka.accounts.trusted-device"
# PostgreSQL advisory lock classes (any two 32-bit numbers that nothing else in the database uses).
_ACCOUNT_LOCKS = 0x4F544D41
_ADDRESS_LOCKS = 0x4F544D42
_PROXY_WORDS = {"": 0, "0": 0, "false": 0, "no": 0, "off": 0, "true": 1, "yes": 1, "on": 1}
MAX_TRUSTED_PROXIES = 10


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    wait_seconds: int = 0
    # The failure recorded in advance for an allowed attempt (attempt_start).
    attempt_id: int | None = None


def trusted_proxy_count() -> int | None:
    """How many proxies of our own stand in front (LOGIN_TRUST_X_FORWARDED_FOR); None: malformed."""
    value = settings.LOGIN_TRUST_X_FORWARDED_FOR
    if isinstance(value, bool) or value is None:
        return int(bool(value))
    text = str(value).strip().lower()
    if text in _PROXY_WORDS:
        return _PROXY_WORDS[text]
    if text.isascii() and text.isdigit() and int(text) <= MAX_TRUSTED_PROXIES:
        return int(text)
    return None


def _ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The client's address as the nearest hop we do not run saw it.

    That is REMOTE_ADDR, or behind N proxies of our own the N-th X-Forwarded-For entry from the
    right: the one our outermost proxy appended. Entries further left are whatever the client
    sent. A header with fewer entries than proxies came past them, and proves nothing either.
    """
    proxies = trusted_proxy_count() or 0
    if proxies:
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(hops) >= proxies and (seen := _ip(hops[-proxies])):
            return seen
    return _ip(request.META.get("REMOTE_ADDR"))


def _delay_for(failures: int) -> int:
    free = settings.LOGIN_ACCOUNT_FREE_FAILURES
    if failures < free:
        return 0
    return int(min(settings.LOGIN_ACCOUNT_MAX_DELAY_SECONDS, math.pow(2, failures - free)))


def check(*, username: str, address: str | None, trusted_device: bool) -> Verdict:
    """May this attempt go ahead? Queries only the failures of the last hour."""
    if trusted_device:
        # The owner's own browser: no failures of anyone else, from any address, shut it out.
        return Verdict(True)
    now = timezone.now()
    hour_ago = now - dt.timedelta(hours=1)
    if address:
        counted = LoginFailure.objects.filter(address=address, at__gte=hour_ago)
        total = counted.count()
        cap = settings.LOGIN_ADDRESS_HOURLY_CAP
        if total >= cap:
            # Open again once enough of them are an hour old to bring the count below the cap.
            at = counted.order_by("at").values_list("at", flat=True)[max(0, total - cap) :]
            freeing = at.first() or now
            wait = (freeing + dt.timedelta(hours=1) - now).total_seconds()
            return Verdict(False, max(1, math.ceil(wait)))
    recent = LoginFailure.objects.filter(username=username, at__gte=hour_ago)
    failures = recent.count()
    if failures >= settings.LOGIN_ACCOUNT_HOURLY_CAP:
        oldest = recent.order_by("at").values_list("at", flat=True).first() or now
        return Verdict(False, max(1, int((oldest + dt.timedelta(hours=1) - now).total_seconds())))
    delay = _delay_for(failures)
    if delay:
        last = recent.order_by("-at").values_list("at", flat=True).first() or now
        wait = (last + dt.timedelta(seconds=delay) - now).total_seconds()
        if wait > 0:
            return Verdict(False, math.ceil(wait))
    return Verdict(True)


def attempt_start(
    *, username: str, address: str | None, trusted_device: bool, account_exists: bool
) -> Verdict:
    """Check the throttle and, when the attempt may go ahead, record it as a failure at once.

    Call before the password hash runs; call attempt_succeeded() if the password was right.
    Checking and recording hold the lock of the account (and of the address), so parallel
    guesses for one account go through one at a time and each sees the failures before it.
    """
    name = username[:150] or "-"
    using = router.db_for_write(LoginFailure)
    with transaction.atomic(using=using):
        _lock(using, _ACCOUNT_LOCKS, name)
        if address and not trusted_device:
            _lock(using, _ADDRESS_LOCKS, address)
        verdict = check(username=name, address=address, trusted_device=trusted_device)
        if not verdict.allowed:
            return verdict
        failure = LoginFailure.objects.create(
            username=name,
            # A trusted device's failures do not count against the address it shares.
            address=None if trusted_device else _address_to_count(address, account_exists),
            account_exists=account_exists,
        )
    return Verdict(True, attempt_id=failure.pk)


def attempt_succeeded(verdict: Verdict) -> None:
    """The password was right: forget the failure that attempt_start recorded in advance."""
    if verdict.attempt_id is not None:
        LoginFailure.objects.filter(pk=verdict.attempt_id).delete()


def unknown_names_bound() -> int:
    """How many failures on unknown user names may count against one address in an hour.

    Always below the address cap: made-up names alone never shut an address that a whole
    college may share (a school NAT, a proxy not trusted).
    """
    return max(
        0,
        min(
            settings.LOGIN_ADDRESS_UNKNOWN_NAMES_HOURLY_CAP,
            settings.LOGIN_ADDRESS_HOURLY_CAP - 1,
        ),
    )


def _address_to_count(address: str | None, account_exists: bool) -> str | None:
    if address is None or account_exists:
        return address
    hour_ago = timezone.now() - dt.timedelta(hours=1)
    unknown = LoginFailure.objects.filter(
        address=address, account_exists=False, at__gte=hour_ago
    ).count()
    # Past the bound the failure is still recorded under its name, so that the name's own
    # delay looks the same as a real account's.
    return address if unknown < unknown_names_bound() else None


def _lock(using: str, kind: int, key: str) -> None:
    """Hold the lock of one account or address until the transaction ends.

    PostgreSQL: a transaction-level advisory lock keyed by a hash (two names that share one
    merely wait for each other). SQLite opens every transaction with BEGIN IMMEDIATE
    (settings), which already lets one writer at a time through.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(key.encode(), digest_size=4).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)",
            [kind, int.from_bytes(digest, "big", signed=True)],
        )


def forget_failures_before(moment: dt.datetime) -> int:
    deleted, _ = LoginFailure.objects.filter(at__lt=moment).delete()
    return deleted


def _trusted_users(request: HttpRequest) -> list[int]:
    token = request.COOKIES.get(TRUSTED_DEVICE_COOKIE)
    if not token:
        return []
    try:
        data = signing.loads(
            token, salt=_SALT, max_age=dt.timedelta(days=settings.LOGIN_TRUSTED_DEVICE_DAYS)
        )
    except signing.BadSignature:
        return []
    users = data.get("u") if isinstance(data, dict) else None
    return [item for item in users if isinstance(item, int)] if isinstance(users, list) else []


def trusted_device_token(request: HttpRequest, user_id: int) -> str:
    """The cookie value after `user_id` signed in here (a family computer keeps several)."""
    users = [item for item in _trusted_users(request) if item != user_id][-4:] + [user_id]
    return signing.dumps({"u": users}, salt=_SALT)


def is_trusted_device(request: HttpRequest, user_id: int | None) -> bool:
    return user_id is not None and user_id in _trusted_users(request)
