"""The notification service every app uses: called from a service, delivered after commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from otmetka.lib.errors import DomainError
from otmetka.notifications.models import Delivery, Notification, NotificationPreference

logger = logging.getLogger(__name__)


def notify(
    *,
    user_ids: Iterable[int],
    organization_id: int,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
) -> None:
    """Tell these users something; written when the caller's transaction commits.

    The in-product notification is the record. Its e-mail is sent by a background task
    (`notifications.tasks.send_notification_emails`), enqueued right after the rows are
    written: two INSERTs after the commit, and the request never waits for a mail server. A
    failed or lost task leaves the rows pending for `send_pending_emails`; the notices stay.
    """
    recipients = sorted(set(user_ids))
    if not recipients:
        return

    def deliver() -> None:
        rows = Notification.objects.bulk_create(
            Notification(
                user_id=user_id,
                organization_id=organization_id,
                kind=kind,
                title=title[:300],
                body=body,
                url=url[:500],
                email_status=Notification.EmailStatus.PENDING,
            )
            for user_id in recipients
        )
        ids = [row.pk for row in rows if row.pk is not None]
        if ids:
            emails_enqueue(ids)

    transaction.on_commit(deliver)


def emails_enqueue(notification_ids: list[int]) -> None:
    """Queue the e-mails of these notices; a queue that fails leaves them to the sweep."""
    from otmetka.notifications.tasks import send_notification_emails

    try:
        send_notification_emails.enqueue(notification_ids=notification_ids)
    except Exception:  # the notices are written; send_pending_emails picks them up later
        logger.exception("Could not queue the e-mails of notifications %s", notification_ids)


def notifications_mark_read(*, user_id: int, ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(user_id=user_id, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def preference_of(user_id: int) -> NotificationPreference:
    """The user's preferences, or the defaults (unsaved) while they have changed nothing."""
    found = NotificationPreference.objects.filter(user_id=user_id).first()
    return found if found is not None else NotificationPreference(user_id=user_id)


@transaction.atomic
def preferences_save(
    *,
    user_id: int,
    email_enabled: bool,
    digest_enabled: bool,
    deliveries: Mapping[str, str],
) -> NotificationPreference:
    """Save how the user wants each kind of notice by e-mail (their own settings only)."""
    for kind, delivery in deliveries.items():
        if kind not in Notification.Kind.values:
            raise DomainError(_("Нет такого вида уведомлений: %(kind)s.") % {"kind": kind})
        if delivery not in Delivery.values:
            raise DomainError(
                _("Недопустимый способ доставки «%(value)s».") % {"value": delivery}, field=kind
            )
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
        user_id=user_id
    )
    preference.email_enabled = email_enabled
    preference.digest_enabled = digest_enabled
    preference.deliveries = {**(preference.deliveries or {}), **dict(deliveries)}
    preference.save(update_fields=["email_enabled", "digest_enabled", "deliveries", "updated_at"])
    return preference
