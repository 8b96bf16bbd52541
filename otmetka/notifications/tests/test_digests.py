"""The weekly digest: the week's notices of digest kinds, grouped by kind, once per ISO week."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from otmetka.notifications.models import Notification, NotificationPreference
from otmetka.notifications.tests.helpers import BROKEN, LOCMEM, give_address
from otmetka.test import World

Kind = Notification.Kind


@pytest.fixture(autouse=True)
def _mail(settings: Any) -> None:
    settings.EMAIL_BACKEND = LOCMEM
    settings.OTMETKA_SITE_URL = "https://otmetka.example.org"


def _digest_notice(world: World, key: str, kind: str, title: str, days_ago: int = 0) -> None:
    notice = Notification.objects.create(
        user=world.user(key),
        organization=world.org,
        kind=kind,
        title=title,
        body="Студентов Степан",
        email_status=Notification.EmailStatus.DIGEST,
    )
    if days_ago:
        Notification.objects.filter(pk=notice.pk).update(
            created_at=timezone.now() - dt.timedelta(days=days_ago)
        )


def _week(world: World) -> None:
    _digest_notice(world, "parent", Kind.MARK, "Новая отметка 5 по МДК.01.01 (16.11)")
    _digest_notice(world, "parent", Kind.MARK, "Новая отметка 4 по ОП.01 (14.11)", days_ago=2)
    _digest_notice(world, "parent", Kind.ABSENCE, "Пропуск занятия по ОП.02 (13.11)", days_ago=3)
    _digest_notice(world, "parent", Kind.MARK, "Старая отметка 3 (01.11)", days_ago=15)
    _digest_notice(world, "student", Kind.MARK, "Новая отметка 5 по МДК.01.01 (16.11)")
    _digest_notice(world, "teacher", Kind.MESSAGE, "Сообщение от куратора")


def test_digest_groups_the_weeks_notices_by_kind(world: World, capsys: Any) -> None:
    give_address(world, "parent")
    give_address(world, "teacher")  # the student has no address
    NotificationPreference.objects.create(user=world.user("teacher"), digest_enabled=False)
    _week(world)
    call_command("send_digests")
    assert "отправлено 1" in capsys.readouterr().out
    [message] = mail.outbox
    assert message.to == ["parent@example.org"]
    assert "(3)" in message.subject
    body = message.body
    assert body.index("Новая отметка (2)") < body.index("Пропуск (1)")
    assert "Новая отметка 5 по МДК.01.01 (16.11)" in body
    assert "Пропуск занятия по ОП.02 (13.11)" in body
    assert "Старая отметка" not in body  # older than a week
    assert "https://otmetka.example.org/notifications/" in body
    html, _mimetype = message.alternatives[0]  # type: ignore[attr-defined]
    assert "<h3>Новая отметка (2)</h3>" in html
    parent = world.user("parent")
    sent = Notification.objects.filter(user=parent, emailed_at__isnull=False)
    assert sent.count() == 3
    preference = NotificationPreference.objects.get(user=parent)
    assert preference.last_digest_week == "2026-W47" and preference.last_digest_at is not None


def test_digest_times_are_the_organizations_local_time(world: World) -> None:
    # One installation serves colleges in several time zones: 10:00 in Tomsk is 06:00 in Moscow.
    world.org.timezone = "Europe/Moscow"
    world.org.save(update_fields=["timezone"])
    give_address(world, "parent")
    _digest_notice(world, "parent", Kind.MARK, "Новая отметка 5 по МДК.01.01 (16.11)")
    call_command("send_digests")
    [message] = mail.outbox
    assert "16.11 06:00" in message.body and "10:00" not in message.body
    html, _mimetype = message.alternatives[0]  # type: ignore[attr-defined]
    assert "16.11 06:00" in html


def test_digest_is_sent_once_per_iso_week(world: World, now: time_machine.Traveller) -> None:
    give_address(world, "parent")
    _week(world)
    call_command("send_digests")
    call_command("send_digests")
    assert len(mail.outbox) == 1
    _digest_notice(world, "parent", Kind.ABSENCE, "Пропуск занятия по ОП.03 (17.11)")
    call_command("send_digests")  # the same week: it waits for the next one
    assert len(mail.outbox) == 1
    now.shift(dt.timedelta(days=7))
    call_command("send_digests")
    assert len(mail.outbox) == 2
    assert "Пропуск занятия по ОП.03" in mail.outbox[1].body
    assert "Новая отметка 5" not in mail.outbox[1].body  # already in last week's digest
    call_command("send_digests")
    assert len(mail.outbox) == 2


def test_dry_run_sends_and_records_nothing(world: World, capsys: Any) -> None:
    give_address(world, "parent")
    _week(world)
    call_command("send_digests", "--dry-run")
    out = capsys.readouterr().out
    assert "сводку получили бы 1" in out and "уведомлений 3" in out
    assert mail.outbox == []
    assert not NotificationPreference.objects.exists()
    assert not Notification.objects.filter(emailed_at__isnull=False).exists()


def test_a_failed_digest_is_sent_on_the_next_run(world: World, settings: Any) -> None:
    give_address(world, "parent")
    _week(world)
    settings.EMAIL_BACKEND = BROKEN
    with pytest.raises(CommandError):
        call_command("send_digests")
    assert NotificationPreference.objects.get().last_digest_week == ""
    assert not Notification.objects.filter(emailed_at__isnull=False).exists()
    settings.EMAIL_BACKEND = LOCMEM
    call_command("send_digests")
    assert len(mail.outbox) == 1


def test_opted_out_users_get_no_digest(world: World) -> None:
    give_address(world, "parent")
    NotificationPreference.objects.create(user=world.user("parent"), email_enabled=False)
    _week(world)
    call_command("send_digests")
    assert mail.outbox == []


def test_bad_date_is_refused(world: World) -> None:
    with pytest.raises(CommandError, match="2026-11-16"):
        call_command("send_digests", "--date", "16.11.2026")
