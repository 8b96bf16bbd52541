"""E-mail of notices: queued after commit, sent by the worker, retried, preferences honoured."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from otmetka.notifications.emails import MAX_ATTEMPTS, emails_deliver
from otmetka.notifications.models import Delivery, Notification, NotificationPreference
from otmetka.notifications.services import notify
from otmetka.notifications.tests.helpers import BROKEN, LOCMEM, give_address, run_queued_tasks
from otmetka.test import World

Status = Notification.EmailStatus


@pytest.fixture(autouse=True)
def _mail(settings: Any) -> None:
    settings.EMAIL_BACKEND = LOCMEM
    settings.OTMETKA_SITE_URL = "https://otmetka.example.org"


def _notify(world: World, *keys: str, kind: str = Notification.Kind.TIMETABLE_CHANGE) -> None:
    notify(
        user_ids=[world.user(key).pk for key in keys],
        organization_id=world.org.pk,
        kind=kind,
        title="Замена 17.11: Программирование",
        body="Болезнь преподавателя",
        url="/timetable/changes/?date=2026-11-17",
    )


def test_notify_writes_the_notices_and_queues_one_task_after_commit(
    world: World, django_capture_on_commit_callbacks: Any, django_assert_num_queries: Any
) -> None:
    give_address(world, "teacher")
    with django_capture_on_commit_callbacks() as callbacks:
        _notify(world, "teacher", "curator")
    assert not Notification.objects.exists() and not DBTaskResult.objects.exists()
    # the notices (one bulk INSERT), the task (one INSERT)
    with django_assert_num_queries(2):
        for callback in callbacks:
            callback()
    assert set(Notification.objects.values_list("email_status", flat=True)) == {Status.PENDING}
    task = DBTaskResult.objects.get()
    assert task.task_path.endswith("send_notification_emails")
    assert sorted(task.args_kwargs["kwargs"]["notification_ids"]) == sorted(
        Notification.objects.values_list("pk", flat=True)
    )
    assert mail.outbox == []


def test_the_worker_sends_the_email_with_an_absolute_link(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    give_address(world, "teacher", "teacher@college.example.org")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(world, "teacher", "curator")  # the curator has no address
    run_queued_tasks()
    sent = {n.user_id: n for n in Notification.objects.all()}
    notice = sent[world.user("teacher").pk]
    assert notice.email_status == Status.SENT
    assert notice.email_attempts == 1 and notice.emailed_at is not None
    assert sent[world.user("curator").pk].email_status == Status.SKIPPED
    [message] = mail.outbox
    assert message.to == ["teacher@college.example.org"]
    assert message.subject == "Замена 17.11: Программирование"
    link = f"https://otmetka.example.org/notifications/{notice.pk}/"
    assert "Болезнь преподавателя" in message.body and link in message.body
    assert "https://otmetka.example.org/notifications/settings/" in message.body
    html, mimetype = message.alternatives[0]  # type: ignore[attr-defined]
    assert mimetype == "text/html" and f'href="{link}"' in html


def test_immediate_backend_sends_at_once(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    give_address(world, "teacher")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(world, "teacher")
    assert len(mail.outbox) == 1
    assert Notification.objects.get().email_status == Status.SENT


@pytest.mark.parametrize(
    ("kind", "preference", "status"),
    [
        (Notification.Kind.TIMETABLE_CHANGE, {}, Status.SENT),
        (Notification.Kind.MESSAGE, {}, Status.SENT),
        (Notification.Kind.MARK, {}, Status.DIGEST),
        (Notification.Kind.ABSENCE, {}, Status.DIGEST),
        (Notification.Kind.MARK, {"deliveries": {"mark": Delivery.IMMEDIATE}}, Status.SENT),
        (Notification.Kind.MESSAGE, {"deliveries": {"message": Delivery.OFF}}, Status.NOT_NEEDED),
        (Notification.Kind.MESSAGE, {"deliveries": {"message": Delivery.DIGEST}}, Status.DIGEST),
        (Notification.Kind.MARK, {"digest_enabled": False}, Status.NOT_NEEDED),
        (Notification.Kind.MESSAGE, {"email_enabled": False}, Status.NOT_NEEDED),
    ],
)
def test_preferences_are_honoured(
    world: World,
    django_capture_on_commit_callbacks: Any,
    kind: str,
    preference: dict[str, Any],
    status: str,
) -> None:
    give_address(world, "parent")
    if preference:
        NotificationPreference.objects.create(user=world.user("parent"), **preference)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(world, "parent", kind=kind)
    run_queued_tasks()
    notice = Notification.objects.get()
    assert notice.email_status == status
    assert len(mail.outbox) == (1 if status == Status.SENT else 0)


def test_inactive_accounts_get_no_email(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    give_address(world, "teacher")
    world.user("teacher").__class__.objects.filter(pk=world.user("teacher").pk).update(
        is_active=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        _notify(world, "teacher")
    run_queued_tasks()
    assert Notification.objects.get().email_status == Status.NOT_NEEDED
    assert mail.outbox == []


def test_a_failed_send_is_retried_later_and_the_notice_stays(
    world: World,
    settings: Any,
    now: time_machine.Traveller,
    django_capture_on_commit_callbacks: Any,
) -> None:
    give_address(world, "teacher")
    settings.EMAIL_BACKEND = BROKEN
    with django_capture_on_commit_callbacks(execute=True):
        _notify(world, "teacher")
    [first] = run_queued_tasks()
    assert first.status == "SUCCESSFUL"  # the task recorded the failure and queued a retry
    notice = Notification.objects.get()
    assert notice.read_at is None and notice.title.startswith("Замена")
    assert notice.email_status == Status.PENDING and notice.email_attempts == 1
    assert "ConnectionRefusedError" in notice.email_error
    retry = DBTaskResult.objects.ready().first()
    assert retry is None  # not due yet: backoff
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after == notice.email_next_attempt_at
    assert dt.timedelta(seconds=55) < retry.run_after - first.finished_at <= dt.timedelta(minutes=2)
    assert retry.args_kwargs["kwargs"] == {"notification_ids": [notice.pk]}

    settings.EMAIL_BACKEND = LOCMEM
    now.shift(dt.timedelta(minutes=3))
    run_queued_tasks()
    notice.refresh_from_db()
    assert notice.email_status == Status.SENT and notice.email_attempts == 2
    assert notice.email_error == "" and len(mail.outbox) == 1


def test_gives_up_after_five_attempts(
    world: World,
    settings: Any,
    now: time_machine.Traveller,
    django_capture_on_commit_callbacks: Any,
) -> None:
    give_address(world, "teacher")
    settings.EMAIL_BACKEND = BROKEN
    with django_capture_on_commit_callbacks(execute=True):
        _notify(world, "teacher")
    waits = []
    for _attempt in range(MAX_ATTEMPTS):
        run_queued_tasks()
        notice = Notification.objects.get()
        if notice.email_next_attempt_at is not None:
            waits.append(notice.email_next_attempt_at - timezone.now())
        now.shift(dt.timedelta(hours=3))
    notice = Notification.objects.get()
    assert notice.email_status == Status.FAILED and notice.email_attempts == MAX_ATTEMPTS
    # 1, 5, 30 minutes and 2 hours, rounded up to the next whole minute
    for wait, minutes in zip(waits, [1, 5, 30, 120], strict=True):
        assert dt.timedelta(minutes=minutes, seconds=-5) < wait <= dt.timedelta(minutes=minutes + 1)
    assert not DBTaskResult.objects.filter(status="READY").exists()
    assert mail.outbox == []
    assert run_queued_tasks() == []


def test_one_notice_is_never_sent_twice(
    world: World, django_capture_on_commit_callbacks: Any, now: time_machine.Traveller
) -> None:
    give_address(world, "teacher")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(world, "teacher")
    notice = Notification.objects.get()
    now.shift(dt.timedelta(minutes=5))
    assert emails_deliver(notification_ids=[notice.pk]).sent == 1
    assert emails_deliver(notification_ids=[notice.pk]).sent == 0
    run_queued_tasks()  # the task notify() queued finds it sent
    call_command("send_pending_emails")
    assert len(mail.outbox) == 1


def test_a_notice_held_by_another_sender_is_left_alone(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    give_address(world, "teacher")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(world, "teacher")
    notice = Notification.objects.get()
    Notification.objects.update(email_next_attempt_at=notice.created_at + dt.timedelta(minutes=10))
    run_queued_tasks()
    assert mail.outbox == []
    assert Notification.objects.get().email_status == Status.PENDING


def test_send_pending_emails_sweeps_what_the_worker_missed(
    world: World,
    django_capture_on_commit_callbacks: Any,
    now: time_machine.Traveller,
    capsys: Any,
) -> None:
    give_address(world, "teacher")
    give_address(world, "parent")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(world, "teacher", "parent", "curator")
        _notify(world, "parent", kind=Notification.Kind.MARK)
    DBTaskResult.objects.all().delete()  # the worker was down and its queue lost
    call_command("send_pending_emails")
    assert mail.outbox == []  # fresh notices are left to their task for a while
    now.shift(dt.timedelta(minutes=3))
    call_command("send_pending_emails", "--dry-run")
    assert "отправили бы 2" in capsys.readouterr().out
    assert mail.outbox == [] and not Notification.objects.exclude(email_status="pending").exists()
    call_command("send_pending_emails", "--limit", "1")  # in portions of one
    assert "Отправлено 2" in capsys.readouterr().out
    assert sorted(m.to[0] for m in mail.outbox) == ["parent@example.org", "teacher@example.org"]
    statuses = sorted(Notification.objects.values_list("email_status", flat=True))
    assert statuses == ["digest", "sent", "sent", "skipped"]
    call_command("send_pending_emails")
    assert len(mail.outbox) == 2
