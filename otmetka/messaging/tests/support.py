"""Helpers shared by the messaging tests (no tests here)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from otmetka.messaging.models import Announcement, Message
from otmetka.messaging.services import announcement_create, message_send
from otmetka.test import World

PDF = b"%PDF-1.4\n% test document\n"


def pdf(name: str = "Справка.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def send(
    world: World,
    sender: str,
    to: list[str],
    subject: str = "Родительское собрание",
    body: str = "Собрание в пятницу в 18:00, ауд. 214.",
    **extra: Any,
) -> Message:
    return message_send(
        actor=world.actor(sender),
        recipient_ids=[world.user(key).pk for key in to],
        subject=subject,
        body=body,
        **extra,
    )


def publish(
    world: World,
    author: str = "director",
    *,
    title: str = "День открытых дверей",
    audience: str = Announcement.Audience.ORGANIZATION,
    valid_from: dt.date = dt.date(2026, 11, 10),
    valid_to: dt.date = dt.date(2026, 11, 30),
    **extra: Any,
) -> Announcement:
    return announcement_create(
        actor=world.actor(author),
        title=title,
        body="Приглашаем абитуриентов и родителей.",
        audience=audience,
        valid_from=valid_from,
        valid_to=valid_to,
        **extra,
    )
