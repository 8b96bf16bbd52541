"""Sending letters: the rules, group broadcasts, files, replies, read marks and notices."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from otmetka.accounts.roles import Role
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.messaging.models import Message, MessageAttachment, MessageRecipient
from otmetka.messaging.services import (
    GroupBroadcast,
    message_archive,
    message_send,
    thread_mark_read,
)
from otmetka.messaging.tests.support import pdf, send
from otmetka.notifications.models import Notification
from otmetka.test import World, make_person, make_user


def test_a_curator_writes_to_a_parent_and_the_parent_is_notified(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        letter = send(world, "curator", ["parent"])
    assert letter.thread_id == letter.pk
    assert letter.subject_key == "родительское собрание"
    assert list(letter.recipients.values_list("user_id", flat=True)) == [world.user("parent").pk]
    notice = Notification.objects.get(user=world.user("parent"))
    assert notice.kind == Notification.Kind.MESSAGE
    assert notice.title == "Новое сообщение: Родительское собрание"
    assert notice.url == f"/messages/threads/{letter.pk}/"
    assert not Notification.objects.filter(user=world.user("curator")).exists()


@pytest.mark.parametrize(
    ("sender", "recipient"),
    [
        ("parent", "other_teacher"),  # not a teacher of the child's group
        ("parent", "director"),
        ("student", "other_student"),
        ("other_parent", "parent"),
        # A teacher writes first only to the families of the groups they teach (ИС-22).
        ("other_teacher", "parent"),
    ],
)
def test_forbidden_recipients_are_refused_and_nothing_is_saved(
    world: World, sender: str, recipient: str
) -> None:
    with pytest.raises(NotAllowed, match="не можете писать"):
        send(world, sender, ["curator", recipient] if sender != "teacher" else [recipient])
    assert not Message.objects.exists()
    assert not MessageRecipient.objects.exists()


def test_a_user_of_another_organization_is_refused(world: World) -> None:
    with pytest.raises(NotAllowed):
        message_send(
            actor=world.actor("director"),
            recipient_ids=[world.stranger.users["director"].pk],
            subject="Привет",
            body="Текст",
        )
    assert not Message.objects.exists()


def test_subject_body_and_recipients_are_required(world: World) -> None:
    with pytest.raises(DomainError, match="Тема"):
        send(world, "parent", ["curator"], subject="  ")
    with pytest.raises(DomainError, match="Текст"):
        send(world, "parent", ["curator"], body="")
    with pytest.raises(DomainError, match="хотя бы одного"):
        send(world, "parent", [])


def test_group_broadcast_expands_to_todays_roll(world: World) -> None:
    # A second student of the group, with an account, and one without: only accounts get it.
    college = world.college
    extra = make_person(world.org, "Абрамов", "Олег", "Ильич")
    student = college.student.__class__.objects.create(person=extra)
    college.group.memberships.create(student=student, date_from=college.semester1.date_from)
    extra_user = make_user(world.org, "abramov", Role.STUDENT, person=extra)
    nobody = make_person(world.org, "Безучётный", "Пётр")
    no_account = college.student.__class__.objects.create(person=nobody)
    college.group.memberships.create(student=no_account, date_from=college.semester1.date_from)

    letter = send(
        world,
        "curator",
        [],
        group_broadcast=GroupBroadcast(group_id=college.group.pk, audience="students"),
    )
    got = set(letter.recipients.values_list("user_id", flat=True))
    assert got == {world.user("student").pk, extra_user.pk}
    assert letter.broadcast_label == "Всем обучающимся группы ИС-21"

    parents = send(
        world,
        "curator",
        [],
        group_broadcast=GroupBroadcast(group_id=college.group.pk, audience="parents"),
    )
    assert list(parents.recipients.values_list("user_id", flat=True)) == [world.user("parent").pk]


def test_a_curator_may_not_broadcast_to_a_group_they_do_not_curate(world: World) -> None:
    with pytest.raises(NotAllowed):
        send(
            world,
            "curator",
            [],
            group_broadcast=GroupBroadcast(
                group_id=world.college.other_group.pk, audience="parents"
            ),
        )
    with pytest.raises(NotAllowed):
        send(
            world,
            "other_teacher",
            [],
            group_broadcast=GroupBroadcast(group_id=world.college.group.pk, audience="parents"),
        )
    assert not Message.objects.exists()


def test_files_are_checked_by_size_type_and_content(world: World) -> None:
    with pytest.raises(DomainError, match="10 МБ"):
        send(world, "parent", ["curator"], attachments=[pdf(content=b"%PDF-" + b"0" * 10_485_760)])
    with pytest.raises(DomainError, match="Такие файлы"):
        send(world, "parent", ["curator"], attachments=[SimpleUploadedFile("virus.exe", b"MZ")])
    with pytest.raises(DomainError, match="не похоже на PDF"):
        send(world, "parent", ["curator"], attachments=[pdf(content=b"MZ\x90\x00 not a pdf")])
    with pytest.raises(DomainError, match="Не больше 5"):
        send(world, "parent", ["curator"], attachments=[pdf(f"{i}.pdf") for i in range(6)])
    assert not Message.objects.exists()
    assert not MessageAttachment.objects.exists()

    letter = send(world, "parent", ["curator"], attachments=[pdf(), pdf("Фото.pdf")])
    files = list(letter.attachments.all())
    assert [f.original_name for f in files] == ["Справка.pdf", "Фото.pdf"]
    assert files[0].content_type == "application/pdf"
    # On disk under a random name inside messages/, never the name the user gave.
    assert files[0].file.name.startswith("messages/")
    assert "Справка" not in files[0].file.name


def test_a_reply_stays_in_the_thread_and_goes_to_allowed_participants(world: World) -> None:
    letter = send(world, "parent", ["teacher"], subject="Пропуск занятия")
    answer = message_send(
        actor=world.actor("teacher"),
        recipient_ids=[world.user("parent").pk],
        subject="",
        body="Хорошо, передайте справку куратору.",
        reply_to=letter,
    )
    assert answer.thread_id == letter.pk
    assert answer.subject == "Re: Пропуск занятия"
    again = message_send(
        actor=world.actor("parent"),
        recipient_ids=[world.user("teacher").pk],
        subject="",
        body="Спасибо!",
        reply_to=answer,
    )
    assert again.subject == "Re: Пропуск занятия"
    # A reply cannot bring somebody new into the thread.
    with pytest.raises(NotAllowed):
        message_send(
            actor=world.actor("teacher"),
            recipient_ids=[world.user("director").pk],
            subject="",
            body="Пересылаю",
            reply_to=letter,
        )


def test_only_participants_may_reply(world: World) -> None:
    letter = send(world, "parent", ["teacher"])
    with pytest.raises(NotAllowed):
        message_send(
            actor=world.actor("curator"),
            recipient_ids=[world.user("parent").pk],
            subject="",
            body="Вмешиваюсь",
            reply_to=letter,
        )


def test_read_marks_and_archive(world: World) -> None:
    letter = send(world, "curator", ["parent", "student"])
    assert thread_mark_read(user_id=world.user("parent").pk, thread=letter) == 1
    assert thread_mark_read(user_id=world.user("parent").pk, thread=letter) == 0
    receipts = dict(letter.recipients.values_list("user__username", "read_at"))
    assert receipts["parent"] is not None and receipts["student"] is None

    message_archive(actor=world.actor("parent"), message=letter)
    assert MessageRecipient.objects.get(message=letter, user=world.user("parent")).archived
    message_archive(actor=world.actor("curator"), message=letter)
    letter.refresh_from_db()
    assert letter.sender_archived
    with pytest.raises(NotAllowed):
        message_archive(actor=world.actor("teacher"), message=letter)
