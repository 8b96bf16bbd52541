"""The notification service every app uses: called from a service, delivered after commit."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from otmetka.notifications.models import Notification


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

    The in-product notification is the record; e-mail delivery (the messaging issue) will be
    a background task reading it, so a failed e-mail never loses the notice.
    """
    recipients = sorted(set(user_ids))
    if not recipients:
        return

    def deliver() -> None:
        Notification.objects.bulk_create(
            Notification(
                user_id=user_id,
                organization_id=organization_id,
                kind=kind,
                title=title[:300],
                body=body,
                url=url[:500],
            )
            for user_id in recipients
        )

    transaction.on_commit(deliver)


def notifications_mark_read(*, user_id: int, ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(user_id=user_id, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
