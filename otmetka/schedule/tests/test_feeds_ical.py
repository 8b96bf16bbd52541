"""iCal feeds: content (events, summary, times, folding, escaping), create and revoke rights."""

from __future__ import annotations

from django.urls import reverse

from otmetka.schedule.models import CalendarFeed
from otmetka.schedule.services.feeds import ical_escape, ical_fold
from otmetka.schedule.tests.test_changes_selector import make_bells, make_entry
from otmetka.test import World


def test_escape_and_fold() -> None:
    assert ical_escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    folded = ical_fold("SUMMARY:" + "Ж" * 100)
    lines = folded.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    assert all(line.startswith(" ") for line in lines[1:])
    assert (
        "".join(line[1:] if i else line for i, line in enumerate(lines)) == "SUMMARY:" + "Ж" * 100
    )


def test_teacher_creates_own_feed_and_reads_it(world: World) -> None:
    make_bells(world)
    make_entry(world)
    client = world.client_for("teacher")
    teacher = world.college.employees["teacher"]
    response = client.post(reverse("schedule:feed_create"), {"employee": teacher.pk})
    assert response.status_code == 302
    feed = CalendarFeed.objects.get()
    assert len(feed.token) >= 43
    page = client.get(reverse("schedule:feed_list")).content.decode()
    assert feed.token in page
    calendar = world.client_for("student").get(
        reverse("schedule:ical", kwargs={"token": feed.token})
    )
    assert calendar["Content-Type"].startswith("text/calendar")
    text = calendar.content.decode()
    # 2 weeks back and 8 ahead of 16.11.2026, minus the winter holidays from 29.12
    assert text.count("BEGIN:VEVENT") == 8  # Tuesdays 03.11–22.12
    assert "SUMMARY:МДК.01.01 ИС-21\r\n" in text
    assert "DTSTART:20261117T031000Z\r\n" in text  # 10:10 in Tomsk
    assert "LOCATION:214\r\n" in text
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")


def test_teacher_may_not_create_other_feeds(world: World) -> None:
    client = world.client_for("teacher")
    other = world.college.employees["other_teacher"]
    assert client.post(reverse("schedule:feed_create"), {"employee": other.pk}).status_code == 404
    group = world.college.other_group
    assert client.post(reverse("schedule:feed_create"), {"group": group.pk}).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_dispatcher_creates_group_feed(world: World) -> None:
    client = world.client_for("dispatcher")
    response = client.post(reverse("schedule:feed_create"), {"group": world.college.group.pk})
    assert response.status_code == 302
    assert CalendarFeed.objects.get().group == world.college.group


def test_revoked_or_unknown_token_is_404(world: World) -> None:
    client = world.client_for("teacher")
    client.post(
        reverse("schedule:feed_create"), {"employee": world.college.employees["teacher"].pk}
    )
    feed = CalendarFeed.objects.get()
    url = reverse("schedule:ical", kwargs={"token": feed.token})
    anonymous = world.client_for("student")
    anonymous.logout()
    assert anonymous.get(url).status_code == 200
    revoke = reverse("schedule:feed_revoke", kwargs={"feed_id": feed.pk})
    assert world.client_for(world.stranger.users["teacher"]).post(revoke).status_code == 404
    assert world.client_for("other_teacher").post(revoke).status_code == 404
    assert client.post(revoke).status_code == 302
    assert anonymous.get(url).status_code == 404
    assert anonymous.get(reverse("schedule:ical", kwargs={"token": "nope"})).status_code == 404
