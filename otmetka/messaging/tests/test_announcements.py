"""Announcements: who publishes for whom, who sees what and when, files, the start page slot."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from otmetka.accounts.roles import Role
from otmetka.audit.models import AuditEvent
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.messaging.models import Announcement, AnnouncementAttachment
from otmetka.messaging.selectors import announcements_for
from otmetka.messaging.services import announcement_delete, announcement_update
from otmetka.messaging.tests.support import pdf, publish
from otmetka.notifications.models import Notification
from otmetka.test import BASE_QUERIES, TODAY, World

Audience = Announcement.Audience


def visible(world: World, key: str, role: str | None = None) -> list[str]:
    page = world.client_for(key, role).get(reverse("messaging:announcement_list"))
    return sorted(a.title for a in page.context["page"])


def test_audience_organization_group_and_role(world: World) -> None:
    publish(world, title="Для всех")
    publish(world, title="Для ИС-21", audience=Audience.GROUP, group=world.college.group)
    publish(world, title="Для ИС-22", audience=Audience.GROUP, group=world.college.other_group)
    publish(world, title="Родителям", audience=Audience.ROLE, role=Role.PARENT)
    publish(world, title="Преподавателям", audience=Audience.ROLE, role=Role.TEACHER)

    assert visible(world, "student") == ["Для ИС-21", "Для всех"]
    assert visible(world, "parent") == ["Для ИС-21", "Для всех", "Родителям"]
    assert visible(world, "other_parent") == ["Для ИС-22", "Для всех", "Родителям"]
    assert visible(world, "other_student") == ["Для ИС-22", "Для всех"]
    assert visible(world, "teacher") == ["Для всех", "Преподавателям"]
    assert visible(world, "curator", Role.CURATOR) == ["Для ИС-21", "Для всех"]
    assert visible(world, "curator", Role.TEACHER) == ["Для всех", "Преподавателям"]
    assert len(visible(world, "deputy")) == 5  # publishes for everyone, sees everything
    assert (
        world.client_for(world.stranger.users["director"])
        .get(reverse("messaging:announcement_list"))
        .context["page"]
        .paginator.count
        == 0
    )


def test_validity_dates_decide_what_is_shown_and_authors_keep_theirs(world: World) -> None:
    publish(
        world,
        "curator",
        title="Прошло",
        audience=Audience.GROUP,
        group=world.college.group,
        valid_from=dt.date(2026, 11, 1),
        valid_to=dt.date(2026, 11, 16),
    )
    old = publish(
        world,
        "curator",
        title="Вчера",
        audience=Audience.GROUP,
        group=world.college.group,
        valid_from=dt.date(2026, 11, 16),
        valid_to=dt.date(2026, 11, 16),
    )
    Announcement.objects.filter(pk=old.pk).update(
        valid_from=dt.date(2026, 11, 1), valid_to=dt.date(2026, 11, 15)
    )
    publish(
        world,
        "curator",
        title="Скоро",
        audience=Audience.GROUP,
        group=world.college.group,
        valid_from=dt.date(2026, 11, 17),
        valid_to=dt.date(2026, 11, 20),
    )
    assert visible(world, "student") == ["Прошло"]  # valid_to is inclusive
    assert visible(world, "curator") == ["Вчера", "Прошло", "Скоро"]
    detail = reverse("messaging:announcement_detail", kwargs={"announcement_id": old.pk})
    assert world.client_for("student").get(detail).status_code == 404
    assert world.client_for("curator").get(detail).status_code == 200


def test_who_may_publish_for_whom(world: World) -> None:
    with pytest.raises(NotAllowed):
        publish(world, "teacher")
    with pytest.raises(NotAllowed):
        publish(world, "parent")
    with pytest.raises(NotAllowed, match="только для своей группы"):
        publish(world, "curator")  # the whole organization
    with pytest.raises(NotAllowed, match="этой группы"):
        publish(world, "curator", audience=Audience.GROUP, group=world.college.other_group)
    stranger_group = world.stranger.group
    with pytest.raises(NotAllowed):
        publish(world, "director", audience=Audience.GROUP, group=stranger_group)
    with pytest.raises(DomainError, match="раньше"):
        publish(world, valid_from=dt.date(2026, 11, 20), valid_to=dt.date(2026, 11, 19))
    with pytest.raises(DomainError, match="закончился"):
        publish(world, valid_from=dt.date(2026, 11, 1), valid_to=dt.date(2026, 11, 15))
    with pytest.raises(DomainError, match="роль"):
        publish(world, audience=Audience.ROLE, role="nobody")
    assert not Announcement.objects.exists()
    publish(world, "curator", audience=Audience.GROUP, group=world.college.group)
    assert Announcement.objects.count() == 1


def test_publishing_notifies_the_audience_and_is_audited(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        item = publish(
            world, "curator", title="Собрание", audience=Audience.GROUP, group=world.college.group
        )
    notified = set(
        Notification.objects.filter(kind=Notification.Kind.ANNOUNCEMENT).values_list(
            "user__username", flat=True
        )
    )
    assert notified == {"student", "parent"}  # the author is not told about their own
    notice = Notification.objects.get(user=world.user("parent"))
    assert notice.title == "Объявление: Собрание"
    assert notice.url == f"/messages/announcements/{item.pk}/"
    event = AuditEvent.objects.get(object_type="messaging.announcement")
    assert (event.action, event.changes["title"]) == ("create", [None, "Собрание"])

    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        publish(world, "director", title="Всем родителям", audience=Audience.ROLE, role=Role.PARENT)
    assert set(Notification.objects.values_list("user__username", flat=True)) == {
        "parent",
        "other_parent",
    }


def test_edit_and_delete_are_for_the_author_and_are_audited(world: World) -> None:
    item = publish(
        world,
        "curator",
        title="Собрание",
        audience=Audience.GROUP,
        group=world.college.group,
        attachments=[pdf("Повестка.pdf")],
    )
    edit = reverse("messaging:announcement_edit", kwargs={"announcement_id": item.pk})
    delete = reverse("messaging:announcement_delete", kwargs={"announcement_id": item.pk})
    assert world.client_for("curator").get(edit).status_code == 200
    assert world.client_for("student").get(edit).status_code == 403  # a reader
    assert world.client_for("teacher").get(edit).status_code == 403
    assert world.client_for(world.stranger.users["curator"]).get(edit).status_code == 404
    assert world.client_for("deputy").get(edit).status_code == 200  # publishes for everyone

    file = item.attachments.get()
    response = world.client_for("curator").post(
        edit,
        {
            "title": "Собрание перенесено",
            "body": "На понедельник.",
            "audience": Audience.GROUP,
            "group": world.college.group.pk,
            "valid_from": "2026-11-16",
            "valid_to": "2026-11-23",
            "remove_attachments": [file.pk],
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.valid_to) == ("Собрание перенесено", dt.date(2026, 11, 23))
    assert not AnnouncementAttachment.objects.exists()
    event = AuditEvent.objects.get(action="update", object_type="messaging.announcement")
    assert event.changes["title"] == ["Собрание", "Собрание перенесено"]
    assert event.changes["attachments_removed"] == ["Повестка.pdf"]

    assert world.client_for("teacher").post(delete).status_code == 403
    assert world.client_for("curator").post(delete).status_code == 302
    assert not Announcement.objects.exists()
    assert AuditEvent.objects.filter(action="delete", object_type="messaging.announcement").exists()


def test_a_curator_who_lost_the_group_cannot_move_an_announcement_to_another(
    world: World,
) -> None:
    item = publish(world, "curator", audience=Audience.GROUP, group=world.college.group)
    with pytest.raises(NotAllowed):
        announcement_update(
            actor=world.actor("curator"),
            announcement=item,
            title=item.title,
            body=item.body,
            audience=Audience.GROUP,
            group=world.college.other_group,
            valid_from=item.valid_from,
            valid_to=item.valid_to,
        )
    with pytest.raises(NotAllowed):
        announcement_delete(actor=world.actor("teacher"), announcement=item)


def test_create_page_for_the_curator_offers_only_their_groups(world: World) -> None:
    client = world.client_for("curator")
    page = client.get(reverse("messaging:announcement_create"))
    form = page.context["form"]
    assert list(form.fields["group"].queryset) == [world.college.group]
    assert [value for value, _label in form.fields["audience"].choices] == ["group"]
    response = client.post(
        reverse("messaging:announcement_create"),
        {
            "title": "Экскурсия",
            "body": "В музей.",
            "audience": "group",
            "group": world.college.group.pk,
            "valid_from": "2026-11-16",
            "valid_to": "2026-11-20",
            "attachments": [pdf("План.pdf")],
        },
    )
    item = Announcement.objects.get()
    assert response["Location"] == reverse(
        "messaging:announcement_detail", kwargs={"announcement_id": item.pk}
    )
    assert item.attachments.get().original_name == "План.pdf"
    assert world.client_for("teacher").get(
        reverse("messaging:announcement_create")
    ).status_code == (403)


def test_bad_dates_are_refused_with_a_message(world: World) -> None:
    response = world.client_for("director").post(
        reverse("messaging:announcement_create"),
        {
            "title": "Экскурсия",
            "body": "В музей.",
            "audience": "organization",
            "valid_from": "2026-11-20",
            "valid_to": "2026-11-16",
        },
    )
    assert response.status_code == 400
    assert "Дата окончания раньше даты начала" in response.content.decode()
    assert not Announcement.objects.exists()


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("student", 200),
        ("parent", 200),
        ("curator", 200),
        ("other_student", 404),
        ("other_parent", 404),
        ("teacher", 404),
        ("stranger", 404),
    ],
)
def test_who_opens_a_group_announcement_and_its_file(world: World, key: str, status: int) -> None:
    item = publish(
        world,
        "curator",
        audience=Audience.GROUP,
        group=world.college.group,
        attachments=[pdf("Повестка.pdf")],
    )
    user = world.stranger.users["director"] if key == "stranger" else key
    client = world.client_for(user)
    detail = reverse("messaging:announcement_detail", kwargs={"announcement_id": item.pk})
    file = reverse(
        "messaging:announcement_attachment",
        kwargs={"announcement_attachment_id": item.attachments.get().pk},
    )
    assert [client.get(detail).status_code, client.get(file).status_code] == [status, status]


def test_the_file_downloads_as_an_attachment(world: World) -> None:
    item = publish(world, attachments=[pdf("Повестка.pdf")])
    response = world.client_for("student").get(
        reverse(
            "messaging:announcement_attachment",
            kwargs={"announcement_attachment_id": item.attachments.get().pk},
        )
    )
    assert response["Content-Disposition"].startswith("attachment")
    assert response.getvalue().startswith(b"%PDF")


def test_announcements_for_is_one_query(world: World, django_assert_num_queries: Any) -> None:
    for number in range(7):
        publish(world, title=f"Новость {number}", valid_from=TODAY - dt.timedelta(days=number))
    publish(
        world, title="Группе", audience=Audience.GROUP, group=world.college.group, valid_from=TODAY
    )
    publish(world, title="Чужой группе", audience=Audience.GROUP, group=world.college.other_group)
    publish(world, title="Родителям", audience=Audience.ROLE, role=Role.PARENT)
    with django_assert_num_queries(1):
        shown = announcements_for(
            organization_id=world.org.pk,
            role=Role.STUDENT,
            group_ids=[world.college.group.pk],
            today=TODAY,
        )
    # Newest first: by the first day shown, then by publication.
    assert [a.title for a in shown] == [
        "Группе",
        "Новость 0",
        "Новость 1",
        "Новость 2",
        "Новость 3",
    ]


def test_start_pages_load_the_slot_and_the_slot_shows_the_roles_announcements(
    world: World, django_assert_num_queries: Any
) -> None:
    publish(world, title="Всем сотрудникам", audience=Audience.ROLE, role=Role.TEACHER)
    publish(
        world, "curator", title="Собрание ИС-21", audience=Audience.GROUP, group=world.college.group
    )
    slot = reverse("messaging:announcement_slot")
    for key, start in [
        ("teacher", "schedule:today"),
        ("director", "academics:dashboard"),
        ("curator", "academics:my_groups"),
        ("admin", "accounts:user_list"),
    ]:
        assert f'hx-get="{slot}"' in world.client_for(key).get(reverse(start)).content.decode()

    teacher = world.client_for("teacher")
    teacher.get(slot)
    # BASE_QUERIES and the announcements (a teacher reads no group's).
    with django_assert_num_queries(BASE_QUERIES + 1):
        html = teacher.get(slot).content.decode()
    assert "Всем сотрудникам" in html and "Собрание ИС-21" not in html
    curator = world.client_for("curator")
    curator.get(slot)
    # BASE_QUERIES, the curated groups, the announcements.
    with django_assert_num_queries(BASE_QUERIES + 2):
        html = curator.get(slot).content.decode()
    assert "Собрание ИС-21" in html and "Всем сотрудникам" not in html
    assert world.client_for("other_student").get(slot).content.decode().strip() == ""
