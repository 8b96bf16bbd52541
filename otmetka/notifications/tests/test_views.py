"""Notifications: only the user's own, open marks read and follows the link, the badge."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from otmetka.notifications.models import Notification
from otmetka.test import World


def _notice(world: World, key: str, **fields: Any) -> Notification:
    values = {
        "user": world.college.users[key],
        "organization": world.org,
        "kind": Notification.Kind.TIMETABLE_CHANGE,
        "title": f"Замена для {key}",
        "url": "/timetable/changes/?date=2026-11-17",
    }
    values.update(fields)
    return Notification.objects.create(**values)


def test_list_shows_only_own(world: World, django_assert_num_queries: Any) -> None:
    for _ in range(60):
        _notice(world, "teacher")
    _notice(world, "curator")
    client = world.client_for("teacher")
    client.get(reverse("notifications:list"))
    # session, user, role assignments, count, page of notifications
    with django_assert_num_queries(5):
        page = client.get(reverse("notifications:list")).content.decode()
    assert page.count("Замена для teacher") == 50
    assert "Замена для curator" not in page


def test_open_marks_read_and_redirects(world: World) -> None:
    notice = _notice(world, "teacher")
    url = reverse("notifications:open", kwargs={"notification_id": notice.pk})
    assert world.client_for("curator").get(url).status_code == 404
    response = world.client_for("teacher").get(url)
    assert response.status_code == 302 and response["Location"] == notice.url
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_open_refuses_offsite_links(world: World) -> None:
    notice = _notice(world, "teacher", url="https://evil.example/")
    url = reverse("notifications:open", kwargs={"notification_id": notice.pk})
    assert world.client_for("teacher").get(url)["Location"] == reverse("notifications:list")


def test_mark_all_read_and_badge(world: World) -> None:
    _notice(world, "teacher")
    _notice(world, "teacher")
    client = world.client_for("teacher")
    assert ">2<" in client.get(reverse("notifications:badge")).content.decode()
    assert client.get(reverse("notifications:mark_read")).status_code == 405
    client.post(reverse("notifications:mark_read"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert ">2<" not in client.get(reverse("notifications:badge")).content.decode()


def test_anonymous_goes_to_login(world: World) -> None:
    from django.test import Client

    assert Client().get(reverse("notifications:list")).status_code == 302
