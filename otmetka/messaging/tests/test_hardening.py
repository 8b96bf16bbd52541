"""Edge cases found in review: hand-typed ids, reply pages that grew with the thread, parents
without the e-diary, former employees who are parents, hidden sent letters, follow-ups to a
letter to the whole group, unknown broadcast audiences, the ✉ link, budgets at real sizes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from otmetka.accounts.models import RoleAssignment, User
from otmetka.accounts.roles import Role
from otmetka.lib.errors import DomainError
from otmetka.messaging.models import Announcement, Message
from otmetka.messaging.permissions import recipients_for, reply_recipients_for
from otmetka.messaging.selectors import children_of_parents
from otmetka.messaging.services import GroupBroadcast, message_send
from otmetka.messaging.tests.support import pdf, publish, send
from otmetka.people.models import Employee, Guardianship, Student
from otmetka.test import TODAY, World, make_person, make_user

TOO_BIG = "9" * 25  # beyond any database integer
NOT_ASCII = "²"  # str.isdigit() says yes, int() says no


# --- Ids typed by hand never make a server error -------------------------------------------


def test_odd_recipient_ids_in_an_address_are_ignored(world: World) -> None:
    client = world.client_for("curator")
    for value in (NOT_ASCII, TOO_BIG, "-1", "0"):
        page = client.get(reverse("messaging:compose"), {"to": value})
        assert page.status_code == 200, value
        assert page.context["chosen"] == []


@pytest.mark.parametrize("value", [NOT_ASCII, TOO_BIG, "-1"])
def test_odd_recipient_ids_in_a_form_are_refused_with_a_message(world: World, value: str) -> None:
    client = world.client_for("curator")
    compose = client.post(
        reverse("messaging:compose"), {"recipients": [value], "subject": "Тема", "body": "Текст"}
    )
    assert compose.status_code == 400
    assert "Адресаты выбраны неверно" in compose.content.decode()

    letter = send(world, "parent", ["curator"])
    reply = client.post(
        reverse("messaging:reply", kwargs={"message_id": letter.pk}),
        {"recipients": [value], "body": "Ответ"},
    )
    assert reply.status_code == 400
    assert "Адресаты выбраны неверно" in reply.content.decode()
    assert Message.objects.count() == 1


# --- The reply page costs the same however many parents answered ---------------------------


def _parent_in_group(world: World, number: int) -> User:
    college = world.college
    child = Student.objects.create(person=make_person(world.org, f"Ребёнков{number}", "Пётр"))
    college.group.memberships.create(student=child, date_from=college.semester1.date_from)
    person = make_person(world.org, f"Родителева{number}", "Анна")
    Guardianship.objects.create(student=child, guardian=person, kind=Guardianship.Kind.MOTHER)
    return make_user(world.org, f"parent{number}", Role.PARENT, person=person)


def _queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_reply_page_does_not_grow_with_the_parents_who_answered(world: World) -> None:
    parents = [world.user("parent"), *(_parent_in_group(world, n) for n in range(6))]
    letter = send(
        world,
        "curator",
        [],
        group_broadcast=GroupBroadcast(group_id=world.college.group.pk, audience="parents"),
    )
    url = reverse("messaging:reply", kwargs={"message_id": letter.pk})
    client = world.client_for("curator")

    def answer(parent: User) -> None:
        message_send(
            actor=world.actor(parent),
            recipient_ids=[world.user("curator").pk],
            subject="",
            body="Приду.",
            reply_to=letter,
        )

    answer(parents[0])
    one = _queries(client, url)
    for parent in parents[1:]:
        answer(parent)
    assert _queries(client, url) == one


# --- A guardian who does not receive the e-diary is not the child's parent here ------------


def test_a_guardian_without_the_e_diary_is_not_a_parent_of_the_group(world: World) -> None:
    Guardianship.objects.filter(guardian=world.college.parent).update(receives_diary=False)
    parent = world.user("parent")
    # Writes to none of the child's teachers and is offered to no curator.
    assert not recipients_for(world.actor("parent")).exists()
    assert parent not in recipients_for(world.actor("curator"))
    with pytest.raises(DomainError, match="некому писать"):
        send(
            world,
            "curator",
            [],
            group_broadcast=GroupBroadcast(group_id=world.college.group.pk, audience="parents"),
        )
    # Does not read the group's announcements, nor is the child named next to them.
    item = publish(
        world, "curator", audience=Announcement.Audience.GROUP, group=world.college.group
    )
    detail = reverse("messaging:announcement_detail", kwargs={"announcement_id": item.pk})
    assert world.client_for("parent").get(detail).status_code == 404
    slot = world.client_for("parent").get(reverse("messaging:announcement_slot"))
    assert item.title not in slot.content.decode()
    named = children_of_parents(user_ids=[parent.pk], organization_id=world.org.pk, day=TODAY)
    assert named == {}


# --- Hidden sent letters can be brought back -----------------------------------------------


def test_a_hidden_sent_letter_can_be_found_and_restored(world: World) -> None:
    letter = send(world, "curator", ["parent"])
    client = world.client_for("curator")
    archive = reverse("messaging:archive", kwargs={"message_id": letter.pk})
    assert client.post(archive, {"from": "sent"})["Location"] == reverse("messaging:sent")
    assert len(client.get(reverse("messaging:sent")).context["page"]) == 0
    page = client.get(reverse("messaging:sent"))
    assert f'href="{reverse("messaging:sent")}?archived=1"' in page.content.decode()

    hidden = client.get(reverse("messaging:sent"), {"archived": "1"})
    assert len(hidden.context["page"]) == 1
    html = hidden.content.decode()
    assert 'name="restore" value="1"' in html and "Вернуть" in html
    response = client.post(archive, {"from": "sent", "restore": "1"})
    assert response["Location"] == reverse("messaging:sent")
    assert len(client.get(reverse("messaging:sent")).context["page"]) == 1


# --- A reply to one's own group letter does not list the group's parents -------------------


def test_a_reply_to_the_whole_group_keeps_the_group_label(world: World) -> None:
    second = _parent_in_group(world, 1)
    letter = send(
        world,
        "curator",
        [],
        group_broadcast=GroupBroadcast(group_id=world.college.group.pk, audience="parents"),
    )
    everyone = sorted(letter.recipients.values_list("user_id", flat=True))
    follow_up = message_send(
        actor=world.actor("curator"),
        recipient_ids=everyone,
        subject="",
        body="Собрание переносится на 19:00.",
        reply_to=letter,
    )
    assert follow_up.broadcast_label == "Всем родителям группы ИС-21"
    page = world.client_for("parent").get(
        reverse("messaging:thread", kwargs={"thread_id": letter.pk})
    )
    assert second.display_name() not in page.content.decode()

    # Chosen one by one, the letter names its recipients again.
    only_one = message_send(
        actor=world.actor("curator"),
        recipient_ids=[world.user("parent").pk],
        subject="",
        body="Вас жду в 18:30.",
        reply_to=letter,
    )
    assert only_one.broadcast_label == ""


# --- The service refuses a broadcast audience it does not know -----------------------------


def test_an_unknown_broadcast_audience_is_refused(world: World) -> None:
    bad: Any = GroupBroadcast(group_id=world.college.group.pk, audience="teachers")
    with pytest.raises(DomainError):
        send(world, "curator", [], group_broadcast=bad)
    assert not Message.objects.exists()


# --- The ✉ link in the top bar always has a name -------------------------------------------


def test_the_mail_badge_link_is_never_empty(world: World) -> None:
    send(world, "curator", ["parent"])
    quiet = world.client_for("curator").get(reverse("messaging:badge")).content.decode()
    assert "✉" in quiet and "Сообщения" in quiet and 'class="badge' not in quiet
    busy = world.client_for("parent").get(reverse("messaging:badge")).content.decode()
    assert "✉" in busy and "Непрочитанных сообщений" in busy and ">1<" in busy


# --- Budgets hold at real sizes -------------------------------------------------------------


def test_inbox_and_thread_cost_the_same_with_200_letters_and_50_replies(world: World) -> None:
    curator = world.client_for("curator")
    first = send(world, "parent", ["curator"], attachments=[pdf()])
    inbox = reverse("messaging:inbox")
    thread = reverse("messaging:thread", kwargs={"thread_id": first.pk})
    small = (_queries(curator, inbox), _queries(curator, thread))

    for number in range(199):
        sender = ("parent", "student", "teacher")[number % 3]
        send(world, sender, ["curator"], subject=f"Вопрос {number}")
    reply = first
    for number in range(50):
        sender, to = ("curator", "parent") if number % 2 == 0 else ("parent", "curator")
        files = [pdf()] if number % 5 == 0 else []
        reply = send(world, sender, [to], subject="", reply_to=reply, attachments=files)
    assert (_queries(curator, inbox), _queries(curator, thread)) == small
    assert len(curator.get(thread).context["letters"]) == 51


def test_read_receipts_are_the_senders_only(world: World) -> None:
    letter = send(world, "curator", ["parent", "student"])
    url = reverse("messaging:thread", kwargs={"thread_id": letter.pk})
    world.client_for("parent").get(url)
    student_view = world.client_for("student").get(url).content.decode()
    assert "прочитано" not in student_view
    assert "прочитано 16.11.2026" in world.client_for("curator").get(url).content.decode()


def test_search_wildcards_match_literally(world: World) -> None:
    send(world, "parent", ["curator"], subject="Справка")
    client = world.client_for("curator")
    for text in ("%", "_", "%%", "\\"):
        for name in ("messaging:inbox", "messaging:sent"):
            page = client.get(reverse(name), {"q": text})
            assert page.status_code == 200 and len(page.context["page"]) == 0, (name, text)


# --- A former employee who is a parent is still a parent ------------------------------------


def test_a_dismissed_employee_who_is_a_parent_still_gets_the_curators_letters(
    world: World,
) -> None:
    Employee.objects.create(
        person=world.college.parent,
        hire_date=dt.date(2015, 9, 1),
        dismissal_date=dt.date(2024, 6, 30),
    )
    parent = world.user("parent")
    assert parent in recipients_for(world.actor("curator"))
    letter = send(
        world,
        "curator",
        [],
        group_broadcast=GroupBroadcast(group_id=world.college.group.pk, audience="parents"),
    )
    assert list(letter.recipients.values_list("user_id", flat=True)) == [parent.pk]
    # As staff they are gone: no colleague is offered them.
    RoleAssignment.objects.create(user=parent, organization=world.org, role=Role.TEACHER)
    # (The other teacher: the group's own teacher writes to its parents anyway.)
    assert parent not in recipients_for(world.actor("other_teacher"))


def test_a_dismissed_colleague_is_not_answered(world: World) -> None:
    letter = send(world, "teacher", ["other_teacher"])
    colleague = world.actor("other_teacher")
    assert list(reply_recipients_for(colleague, letter)) == [world.user("teacher")]
    Employee.objects.filter(pk=world.college.employees["teacher"].pk).update(
        dismissal_date=dt.date(2026, 11, 1)
    )
    assert not reply_recipients_for(colleague, letter).exists()
