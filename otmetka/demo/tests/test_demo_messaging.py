"""The demo mail: the curator's thread with the parent, a broadcast, two announcements."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from otmetka.accounts.models import User
from otmetka.demo.generator import DEMO_TODAY
from otmetka.messaging.models import Announcement, Message

pytestmark = pytest.mark.django_db


@time_machine.travel(
    dt.datetime.combine(DEMO_TODAY, dt.time(10, 0), tzinfo=ZoneInfo("Asia/Tomsk")), tick=False
)
def test_the_demo_has_threads_and_announcements_that_people_see(client: Any) -> None:
    """Read on the demo's own day: the announcements run for days around it, not for ever."""
    call_command("seed_demo", size="small", today=DEMO_TODAY, stdout=io.StringIO())
    meeting = Message.objects.get(subject="Родительское собрание")
    assert meeting.sender.username == "curator"
    assert list(meeting.recipients.values_list("user__username", flat=True)) == ["parent"]
    answer = Message.objects.get(subject="Re: Родительское собрание")
    assert (answer.thread_id, answer.sender.username) == (meeting.pk, "parent")
    broadcast = Message.objects.get(subject="Экскурсия на предприятие")
    assert broadcast.recipients.filter(user__username="student").exists()
    assert Announcement.objects.count() == 2

    client.force_login(User.objects.get(username="curator"))
    inbox = client.get(reverse("messaging:inbox"))
    assert inbox.context["unread"] == 1  # the parent's answer
    thread = client.get(reverse("messaging:thread", kwargs={"thread_id": meeting.pk}))
    assert "родитель: Смирнов А. Д." in thread.content.decode()
    client.force_login(User.objects.get(username="student"))
    slot = client.get(reverse("messaging:announcement_slot")).content.decode()
    assert "День открытых дверей" in slot and "Собрание группы" in slot
