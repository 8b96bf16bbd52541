"""Login throttling that slows guessing without letting anyone lock another person out.

Per account: the first `free` failures in an hour cost nothing; after that each attempt must
wait a delay that doubles up to a ceiling, and past an hourly cap only a trusted device (a
browser where the owner has signed in before) may try. The delay alone keeps an attacker below
the cap; the trusted-device cookie lets the owner in whatever anyone else does. Per address: a
cap on failures from one address across all accounts. Attempts refused by the throttle check no
password and count as nothing.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django.utils import timezone

from otmetka.accounts.models import LoginFailure

TRUSTED_DEVICE_COOKIE = "otmetka_device"
_SALT = "otmetka.accounts.trusted-device"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    wait_seconds: int = 0


def client_address(request: HttpRequest) -> str | None:
    if settings.LOGIN_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def _delay_for(failures: int) -> int:
    free = settings.LOGIN_ACCOUNT_FREE_FAILURES
    if failures < free:
        return 0
    return int(min(settings.LOGIN_ACCOUNT_MAX_DELAY_SECONDS, math.pow(2, failures - free)))


def check(*, username: str, address: str | None, trusted_device: bool) -> Verdict:
    """May this attempt go ahead? Queries only the failures of the last hour."""
    now = timezone.now()
    hour_ago = now - dt.timedelta(hours=1)
    if address and (
        LoginFailure.objects.filter(address=address, at__gte=hour_ago).count()
        >= settings.LOGIN_ADDRESS_HOURLY_CAP
    ):
        return Verdict(False, 3600)
    if trusted_device:
        return Verdict(True)
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


def record_failure(*, username: str, address: str | None) -> None:
    LoginFailure.objects.create(username=username[:150] or "-", address=address)


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
