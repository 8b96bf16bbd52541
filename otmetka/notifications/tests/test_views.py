"""Notifications: only the user's own, open marks read and follows the link, the badge, and
the e-mail settings page (any signed-in user, always their own settings)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from otmetka.notifications.models import Delivery, Notification, NotificationPreference
from otmetka.notifications.tests.helpers import give_address
from otmetka.test import BASE_QUERIES, World


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


def test_list_shows_email_status_and_links_the_settings(world: World) -> None:
    _notice(world, "teacher", email_status=Notification.EmailStatus.SKIPPED)
    _notice(world, "teacher", title="Отметка", email_status=Notification.EmailStatus.DIGEST)
    page = world.client_for("teacher").get(reverse("notifications:list")).content.decode()
    assert "нет адреса e-mail" in page and "войдёт в сводку" in page
    assert reverse("notifications:settings") in page


@pytest.mark.parametrize("key", ["teacher", "student", "parent", "admin", "stranger:teacher"])
def test_settings_page_for_any_signed_in_user(world: World, key: str) -> None:
    user = world.stranger.users[key.split(":")[1]] if key.startswith("stranger:") else key
    response = world.client_for(user).get(reverse("notifications:settings"))
    assert response.status_code == 200
    assert "Настройки уведомлений" in response.content.decode()


def test_settings_page_needs_a_login(world: World) -> None:
    from django.test import Client

    response = Client().get(reverse("notifications:settings"))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_settings_page_shows_the_defaults(world: World, django_assert_num_queries: Any) -> None:
    client = world.client_for("parent")
    client.get(reverse("notifications:settings"))
    # BASE_QUERIES (session, user with person, role assignments), the preferences
    with django_assert_num_queries(BASE_QUERIES + 1):
        response = client.get(reverse("notifications:settings"))
    form = response.context["form"]
    assert form["delivery_mark"].value() == Delivery.DIGEST
    assert form["delivery_message"].value() == Delivery.IMMEDIATE
    assert form["email_enabled"].value() and form["digest_enabled"].value()
    assert "Адрес e-mail не указан" in response.content.decode()
    assert not NotificationPreference.objects.exists()  # created lazily, on the first save


def _settings_data(**changes: str) -> dict[str, str]:
    data = {"email_enabled": "on", "digest_enabled": "on"}
    data.update({f"delivery_{kind}": Delivery.IMMEDIATE for kind in Notification.Kind.values})
    data.update(changes)
    return data


def test_saving_changes_only_the_users_own_settings(world: World) -> None:
    give_address(world, "parent", "mama@example.org")
    NotificationPreference.objects.create(user=world.user("student"), digest_enabled=True)
    client = world.client_for("parent")
    data = _settings_data(delivery_mark=Delivery.OFF, delivery_absence=Delivery.DIGEST)
    del data["digest_enabled"]
    response = client.post(reverse("notifications:settings"), data, follow=True)
    assert "Настройки уведомлений сохранены" in response.content.decode()
    assert "mama@example.org" in response.content.decode()
    mine = NotificationPreference.objects.get(user=world.user("parent"))
    assert not mine.digest_enabled and mine.email_enabled
    assert mine.delivery_for(Notification.Kind.MARK) == Delivery.OFF
    assert mine.delivery_for(Notification.Kind.ABSENCE) == Delivery.DIGEST
    assert mine.delivery_for(Notification.Kind.MESSAGE) == Delivery.IMMEDIATE
    assert NotificationPreference.objects.get(user=world.user("student")).digest_enabled


def test_bad_choice_is_refused_and_nothing_saved(world: World) -> None:
    client = world.client_for("teacher")
    response = client.post(
        reverse("notifications:settings"), _settings_data(delivery_mark="sometimes")
    )
    assert response.status_code == 200
    assert "Выберите корректный вариант" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_settings_page_needs_post_for_changes_and_csrf(world: World) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("teacher"))
    response = client.post(reverse("notifications:settings"), _settings_data())
    assert response.status_code == 403
    assert not NotificationPreference.objects.exists()


def test_profile_links_the_settings(world: World) -> None:
    page = world.client_for("parent").get(reverse("accounts:profile")).content.decode()
    assert reverse("notifications:settings") in page
