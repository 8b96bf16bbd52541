"""Background work of notifications (django-tasks): e-mail never blocks a request."""

from __future__ import annotations

from django_tasks import task


@task()
def send_notification_emails(notification_ids: list[int]) -> dict[str, int]:
    """E-mail these notices now; the failed ones are queued again after a backoff."""
    from otmetka.notifications.emails import emails_deliver

    report = emails_deliver(notification_ids=notification_ids)
    for retry_at, ids in sorted(report.retry.items()):
        send_notification_emails.using(run_after=retry_at).enqueue(notification_ids=ids)
    return report.as_dict()
