"""E-mail delivery of notifications: immediate e-mails with retries, and the weekly digest.

Run by the task worker (`notifications.tasks`) and by the cron commands `send_pending_emails`
and `send_digests`, never inside a request. The in-product notification is the record: a mail
server that is down only delays the e-mail, the notice itself is never lost.

The address is the user's `person.email` (people.Person, reached through the ORM so that this
layer-0 app imports nothing above it).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from otmetka.notifications.models import Delivery, Notification, NotificationPreference

logger = logging.getLogger(__name__)

Status = Notification.EmailStatus
# Waits after the 1st, 2nd, 3rd and 4th failed attempt; the 5th failure gives up.
RETRY_DELAYS = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# How long a sender holds a notice it is sending before another sender may take it over.
SENDING_LEASE = dt.timedelta(minutes=10)
# The sweep leaves fresh notices to the task that notify() has just queued for them.
SWEEP_GRACE = dt.timedelta(minutes=2)
DIGEST_DAYS = 7
# A digest holds what came since the user's last one, but never notices older than this.
DIGEST_LOOKBACK = dt.timedelta(days=14)


def site_url(path: str) -> str:
    """An absolute link for an e-mail (OTMETKA_SITE_URL + path)."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.OTMETKA_SITE_URL}/{path.lstrip('/')}"


@dataclass(frozen=True)
class Recipient:
    email: str
    active: bool
    preference: NotificationPreference
    # The organization's time zone: times in an e-mail are the reader's local ones.
    time_zone: str


def _recipients(user_ids: Iterable[int]) -> dict[int, Recipient]:
    """Address, activity, time zone and preferences of these users: two queries."""
    ids = sorted(set(user_ids))
    users = (
        get_user_model()
        .objects.filter(pk__in=ids)
        .values_list("pk", "is_active", "person__email", "organization__timezone")
    )
    preferences = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=ids)}
    return {
        user_id: Recipient(
            email=(email or "").strip(),
            active=active,
            preference=preferences.get(user_id) or NotificationPreference(user_id=user_id),
            time_zone=time_zone or settings.TIME_ZONE,
        )
        for user_id, active, email, time_zone in users
    }


def _decide(notification: Notification, recipient: Recipient | None) -> str:
    """What to do with one pending notice's e-mail: a status, PENDING meaning «send now»."""
    if recipient is None or not recipient.active:
        return Status.NOT_NEEDED
    preference = recipient.preference
    delivery = preference.delivery_for(notification.kind)
    if not preference.email_enabled or delivery == Delivery.OFF:
        return Status.NOT_NEEDED
    if delivery == Delivery.DIGEST:
        return Status.DIGEST if preference.digest_enabled else Status.NOT_NEEDED
    if not recipient.email:
        return Status.SKIPPED
    return Status.PENDING


def notice_message(
    notification: Notification, email: str, connection: Any
) -> EmailMultiAlternatives:
    """The e-mail of one notice: plain text and simple HTML, in Russian, with absolute links."""
    context = {
        "notification": notification,
        "link": site_url(
            reverse("notifications:open", kwargs={"notification_id": notification.pk})
        ),
        "settings_link": site_url(reverse("notifications:settings")),
    }
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string("notifications/email/notice.txt", context)
        html = render_to_string("notifications/email/notice.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(notification.title.split())[:200],
        body=text,
        to=[email],
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message


@dataclass
class DeliveryReport:
    processed: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    digest: int = 0
    not_needed: int = 0
    # When to try again → the notices to try then (the task re-enqueues itself for them).
    retry: dict[dt.datetime, list[int]] = field(default_factory=dict)

    def add(self, other: DeliveryReport) -> None:
        for name in ("processed", "sent", "failed", "skipped", "digest", "not_needed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for retry_at, ids in other.retry.items():
            self.retry.setdefault(retry_at, []).extend(ids)

    def as_dict(self) -> dict[str, int]:
        return {
            "sent": self.sent,
            "failed": self.failed,
            "skipped": self.skipped,
            "digest": self.digest,
            "not_needed": self.not_needed,
            "retry": sum(len(ids) for ids in self.retry.values()),
        }


def _due(now: dt.datetime) -> Q:
    return Q(email_status=Status.PENDING) & (
        Q(email_next_attempt_at__isnull=True) | Q(email_next_attempt_at__lte=now)
    )


def emails_deliver(
    *, notification_ids: Iterable[int] | None = None, dry_run: bool = False, limit: int = 500
) -> DeliveryReport:
    """Send the due e-mails of pending notices (these ids, or up to `limit` for the sweep).

    Each notice is claimed before its e-mail is sent (an UPDATE that only one sender wins), so
    the task and the cron sweep never send one twice. A failure records the error and the
    attempt and schedules the next try (RETRY_DELAYS); after MAX_ATTEMPTS it is FAILED.
    """
    now = timezone.now()
    pending = Notification.objects.filter(_due(now)).order_by("pk")
    if notification_ids is not None:  # one notify() call: all of its recipients
        rows = list(pending.filter(pk__in=list(notification_ids)))
    else:  # the sweep, in portions
        rows = list(pending.filter(created_at__lte=now - SWEEP_GRACE)[:limit])
    report = DeliveryReport(processed=len(rows))
    if not rows:
        return report
    recipients = _recipients(row.user_id for row in rows)
    to_send: list[tuple[Notification, str]] = []
    decided: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        status = _decide(row, recipients.get(row.user_id))
        if status == Status.PENDING:
            to_send.append((row, recipients[row.user_id].email))
        else:
            decided[status].append(row.pk)
    for status, ids in decided.items():
        setattr(report, status, getattr(report, status) + len(ids))
        if not dry_run:
            Notification.objects.filter(pk__in=ids, email_status=Status.PENDING).update(
                email_status=status
            )
    if dry_run:
        report.sent = len(to_send)
        return report
    if to_send:
        _send_all(to_send, report)
    return report


def _send_all(to_send: list[tuple[Notification, str]], report: DeliveryReport) -> None:
    connection = get_connection(fail_silently=False)
    try:
        for notification, email in to_send:
            _send_one(notification, email, connection, report)
    finally:
        try:
            connection.close()
        except Exception:  # closing a broken SMTP session must not hide what was recorded
            logger.warning("Closing the e-mail connection failed", exc_info=True)


def _send_one(
    notification: Notification, email: str, connection: Any, report: DeliveryReport
) -> None:
    now = timezone.now()
    claimed = (
        Notification.objects.filter(_due(now), pk=notification.pk).update(
            email_next_attempt_at=now + SENDING_LEASE
        )
        == 1
    )
    if not claimed:  # another sender has it, or it was sent meanwhile
        return
    try:
        notice_message(notification, email, connection).send()
    except Exception as error:
        attempts = notification.email_attempts + 1
        message = f"{type(error).__name__}: {error}"[:500]
        logger.warning(
            "E-mail of notification %s failed (attempt %s): %s", notification.pk, attempts, message
        )
        if attempts >= MAX_ATTEMPTS:
            Notification.objects.filter(pk=notification.pk).update(
                email_status=Status.FAILED,
                email_attempts=attempts,
                email_error=message,
                email_next_attempt_at=None,
            )
            report.failed += 1
            return
        # Whole minutes, so that one outage re-enqueues a few tasks, not one per notice.
        retry_at = (timezone.now() + RETRY_DELAYS[attempts - 1]).replace(
            second=0, microsecond=0
        ) + dt.timedelta(minutes=1)
        Notification.objects.filter(pk=notification.pk).update(
            email_attempts=attempts, email_error=message, email_next_attempt_at=retry_at
        )
        report.retry.setdefault(retry_at, []).append(notification.pk)
        return
    Notification.objects.filter(pk=notification.pk).update(
        email_status=Status.SENT,
        email_attempts=notification.email_attempts + 1,
        email_error="",
        email_next_attempt_at=None,
        emailed_at=timezone.now(),
    )
    report.sent += 1


# --- the weekly digest -------------------------------------------------------------------


def iso_week(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class DigestReport:
    week: str
    sent: int = 0
    failed: int = 0
    already_sent: int = 0
    not_wanted: int = 0
    no_address: int = 0
    # user id → how many notices their digest holds (what --dry-run shows).
    planned: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class DigestItem:
    notification: Notification
    link: str


@dataclass(frozen=True)
class DigestGroup:
    kind: str
    label: str
    items: list[DigestItem]


def digest_groups(notifications: Iterable[Notification]) -> list[DigestGroup]:
    """The digest's notices grouped by kind, in the order of the kinds, newest first."""
    by_kind: dict[str, list[DigestItem]] = defaultdict(list)
    for notification in notifications:
        link = site_url(reverse("notifications:open", kwargs={"notification_id": notification.pk}))
        by_kind[notification.kind].append(DigestItem(notification=notification, link=link))
    labels = dict(Notification.Kind.choices)
    return [
        DigestGroup(kind=kind, label=str(labels[kind]).capitalize(), items=by_kind[kind])
        for kind in Notification.Kind.values
        if by_kind.get(kind)
    ]


def digest_message(
    *,
    email: str,
    groups: list[DigestGroup],
    connection: Any,
    time_zone: str | None = None,
) -> EmailMultiAlternatives:
    """The weekly digest: plain text and simple HTML, in Russian, with absolute links and the
    times of the notices in the reader's organization's time zone."""
    count = sum(len(group.items) for group in groups)
    context = {
        "groups": groups,
        "count": count,
        "list_link": site_url(reverse("notifications:list")),
        "settings_link": site_url(reverse("notifications:settings")),
    }
    with (
        translation.override(settings.LANGUAGE_CODE),
        timezone.override(ZoneInfo(time_zone or settings.TIME_ZONE)),
    ):
        subject = _("Отметка: сводка уведомлений за неделю (%(count)s)") % {"count": count}
        text = render_to_string("notifications/email/digest.txt", context)
        html = render_to_string("notifications/email/digest.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[email], connection=connection)
    message.attach_alternative(html, "text/html")
    return message


def digests_send(*, today: dt.date | None = None, dry_run: bool = False) -> DigestReport:
    """Send each user who wants it the digest of the week's notices of digest kinds.

    A digest holds the notices of digest kinds not e-mailed yet, since the user's previous
    digest (the last DIGEST_DAYS days for a first one). Once per user and ISO week: the week is
    remembered on the user's preferences (claimed before sending, released again if the send
    fails, so a rerun retries only the failures).
    """
    now = timezone.now()
    week = iso_week(today or timezone.localdate())
    report = DigestReport(week=week)
    due = Notification.objects.filter(
        email_status=Status.DIGEST, emailed_at__isnull=True, created_at__gte=now - DIGEST_LOOKBACK
    )
    user_ids = sorted(set(due.values_list("user_id", flat=True)))
    recipients = _recipients(user_ids)
    connection = None if dry_run else get_connection(fail_silently=False)
    try:
        for user_id in user_ids:
            recipient = recipients.get(user_id)
            if recipient is None or not recipient.active:
                report.not_wanted += 1
                continue
            preference = recipient.preference
            if not (preference.email_enabled and preference.digest_enabled):
                report.not_wanted += 1
                continue
            if not recipient.email:
                report.no_address += 1
                continue
            if preference.last_digest_week == week:
                report.already_sent += 1
                continue
            since = now - dt.timedelta(days=DIGEST_DAYS)
            if preference.last_digest_at is not None:
                since = max(min(since, preference.last_digest_at), now - DIGEST_LOOKBACK)
            notices = list(
                due.filter(user_id=user_id, created_at__gte=since).order_by("-created_at", "-id")
            )
            if not notices:
                continue
            if dry_run:
                report.planned[user_id] = len(notices)
                continue
            _send_digest(user_id, recipient, week, notices, connection, report)
    finally:
        if connection is not None:
            try:
                connection.close()
            except Exception:
                logger.warning("Closing the e-mail connection failed", exc_info=True)
    return report


def _send_digest(
    user_id: int,
    recipient: Recipient,
    week: str,
    notices: list[Notification],
    connection: Any,
    report: DigestReport,
) -> None:
    preference, _created = NotificationPreference.objects.get_or_create(user_id=user_id)
    previous = preference.last_digest_week
    claimed = (
        NotificationPreference.objects.filter(pk=preference.pk, last_digest_week=previous).update(
            last_digest_week=week
        )
        == 1
    )
    if not claimed or previous == week:  # another run of this week got there first
        report.already_sent += 1
        return
    try:
        digest_message(
            email=recipient.email,
            groups=digest_groups(notices),
            connection=connection,
            time_zone=recipient.time_zone,
        ).send()
    except Exception:
        logger.warning("The weekly digest for user %s failed", user_id, exc_info=True)
        NotificationPreference.objects.filter(pk=preference.pk, last_digest_week=week).update(
            last_digest_week=previous
        )
        report.failed += 1
        return
    sent_at = timezone.now()
    NotificationPreference.objects.filter(pk=preference.pk).update(last_digest_at=sent_at)
    Notification.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=sent_at)
    report.sent += 1
