"""Mail pages as people use them: inbox, sent, thread, compose, reply, files, search, badge."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from otmetka.accounts.rights import DEFAULT_RIGHTS
from otmetka.accounts.roles import Role
from otmetka.accounts.services import rights_set
from otmetka.messaging.models import Message, MessageRecipient
from otmetka.messaging.services import GroupBroadcast
from otmetka.messaging.tests.support import pdf, send
from otmetka.test import BASE_QUERIES, World

PEOPLE = ("student", "parent", "other_parent", "other_student", "teacher", "curator")


def _get(world: World, key: str, url: str, role: str | None = None) -> int:
    client = world.client_for(world.stranger.users["curator"] if key == "stranger" else key, role)
    return client.get(url).status_code


@pytest.fixture
def letter(world: World) -> Message:
    """The curator writes to the parent, with a file."""
    return send(world, "curator", ["parent"], attachments=[pdf()])


# --- Who opens what ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("curator", 200),
        ("parent", 200),
        ("student", 404),
        ("other_parent", 404),
        ("other_student", 404),
        ("teacher", 404),
        ("stranger", 404),
    ],
)
def test_who_opens_a_thread_its_reply_page_and_its_file(
    world: World, letter: Message, key: str, status: int
) -> None:
    file = letter.attachments.get()
    urls = [
        reverse("messaging:thread", kwargs={"thread_id": letter.pk}),
        reverse("messaging:reply", kwargs={"message_id": letter.pk}),
        reverse("messaging:attachment", kwargs={"message_attachment_id": file.pk}),
    ]
    assert [_get(world, key, url) for url in urls] == [status] * 3


def test_a_role_without_the_right_to_correspond_gets_403(world: World, letter: Message) -> None:
    rights = set(DEFAULT_RIGHTS[Role.PARENT]) - {"messages.send"}
    rights_set(actor=world.actor("admin"), role=Role.PARENT, rights=rights)
    thread = reverse("messaging:thread", kwargs={"thread_id": letter.pk})
    for url in (reverse("messaging:inbox"), reverse("messaging:compose"), thread):
        assert _get(world, "parent", url) == 403


@pytest.mark.parametrize("key", PEOPLE)
def test_everyone_who_corresponds_has_an_inbox_and_a_compose_page(world: World, key: str) -> None:
    assert _get(world, key, reverse("messaging:inbox")) == 200
    assert _get(world, key, reverse("messaging:sent")) == 200
    assert _get(world, key, reverse("messaging:compose")) == 200


def test_the_attachment_downloads_as_an_attachment(world: World, letter: Message) -> None:
    file = letter.attachments.get()
    response = world.client_for("parent").get(
        reverse("messaging:attachment", kwargs={"message_attachment_id": file.pk})
    )
    assert response["Content-Disposition"].startswith("attachment")
    assert (
        "filename*=utf-8''%D0%A1%D0%BF%D1%80%D0%B0%D0%B2%D0%BA%D0%B0.pdf"
        in (response["Content-Disposition"])
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.getvalue().startswith(b"%PDF")


# --- Inbox, thread, read receipts ----------------------------------------------------------


def test_inbox_shows_unread_in_bold_and_the_thread_marks_it_read(
    world: World, letter: Message
) -> None:
    client = world.client_for("parent")
    inbox = client.get(reverse("messaging:inbox"))
    assert inbox.context["unread"] == 1
    assert '<li class="unread">' in inbox.content.decode()
    assert "Родительское собрание" in inbox.content.decode()

    page = client.get(reverse("messaging:thread", kwargs={"thread_id": letter.pk}))
    assert page.context["letters"][0].unread  # still shown as new on this visit
    assert "Справка.pdf" in page.content.decode()
    assert client.get(reverse("messaging:inbox")).context["unread"] == 0
    assert 'class="badge' not in client.get(reverse("messaging:badge")).content.decode()


def test_the_sender_sees_read_receipts(world: World, letter: Message) -> None:
    url = reverse("messaging:thread", kwargs={"thread_id": letter.pk})
    before = world.client_for("curator").get(url).content.decode()
    assert "не прочитано" in before
    world.client_for("parent").get(url)
    after = world.client_for("curator").get(url).content.decode()
    assert "прочитано 16.11.2026 10:" in after
    sent = world.client_for("curator").get(reverse("messaging:sent")).content.decode()
    assert "прочитано 1 из 1" in sent


def test_the_curator_sees_whose_parent_wrote(world: World) -> None:
    letter = send(world, "parent", ["curator"], subject="Справка")
    page = world.client_for("curator").get(
        reverse("messaging:thread", kwargs={"thread_id": letter.pk})
    )
    assert "родитель: Студентов И. П. (ИС-21)" in page.content.decode()
    inbox = world.client_for("curator").get(reverse("messaging:inbox")).content.decode()
    assert "Студентов И. П. (ИС-21)" in inbox


def test_in_a_broadcast_thread_a_parent_sees_only_their_own_exchange(world: World) -> None:
    college = world.college
    letter = send(
        world,
        "director",
        [],
        group_broadcast=GroupBroadcast(group_id=college.group.pk, audience="parents"),
    )
    other = send(
        world,
        "director",
        [],
        group_broadcast=GroupBroadcast(group_id=college.other_group.pk, audience="parents"),
    )
    assert other.thread_id != letter.thread_id
    client = world.client_for("parent")
    response = client.post(
        reverse("messaging:reply", kwargs={"message_id": letter.pk}),
        {"recipients": [world.user("director").pk], "body": "Приду."},
    )
    assert response.status_code == 302
    thread = reverse("messaging:thread", kwargs={"thread_id": letter.pk})
    director_view = world.client_for("director").get(thread).context["letters"]
    assert [x.message.body for x in director_view] == [letter.body, "Приду."]
    # The broadcast shows its label, not the list of other parents.
    page = client.get(thread).content.decode()
    assert "Всем родителям группы ИС-21" in page


def test_inbox_query_budget(
    world: World, django_assert_num_queries: Any, django_assert_max_num_queries: Any
) -> None:
    for number in range(12):
        send(world, "parent", ["curator"], subject=f"Вопрос {number}", attachments=[pdf()])
        send(world, "student", ["curator"], subject=f"Вопрос ученика {number}")
    client = world.client_for("curator")
    client.get(reverse("messaging:inbox"))
    # BASE_QUERIES; the count and the page of letters (sender, files flag), the children of
    # the parents among the senders, the unread count.
    with django_assert_num_queries(BASE_QUERIES + 4):
        response = client.get(reverse("messaging:inbox"))
    assert len(response.context["page"]) == 24


def test_sent_query_budget(world: World, django_assert_num_queries: Any) -> None:
    for number in range(10):
        send(world, "curator", ["parent", "student", "teacher"], subject=f"Новость {number}")
    client = world.client_for("curator")
    client.get(reverse("messaging:sent"))
    # BASE_QUERIES; the count, the page with read counts, the recipients with their names.
    with django_assert_num_queries(BASE_QUERIES + 3):
        response = client.get(reverse("messaging:sent"))
    assert len(response.context["page"]) == 10


def test_thread_query_budget(world: World, django_assert_num_queries: Any) -> None:
    letter = send(world, "parent", ["curator"], attachments=[pdf()])
    reply_to = letter
    for number in range(8):
        sender, to = ("curator", "parent") if number % 2 == 0 else ("parent", "curator")
        reply_to = send(world, sender, [to], subject="", reply_to=reply_to, body=f"Ответ {number}")
    client = world.client_for("curator")
    url = reverse("messaging:thread", kwargs={"thread_id": letter.pk})
    client.get(url)
    # BASE_QUERIES; the thread; its letters for this user; their recipients; their files; the
    # parents' children; marking the user's copies read.
    with django_assert_num_queries(BASE_QUERIES + 6):
        response = client.get(url)
    assert len(response.context["letters"]) == 9


# --- Search ------------------------------------------------------------------------------


def test_search_by_subject_and_by_person_ignores_case_and_yo(world: World) -> None:
    send(world, "parent", ["curator"], subject="Справка о болезни")
    send(world, "student", ["curator"], subject="Курсовая работа")
    client = world.client_for("curator")

    def subjects(url: str, text: str) -> list[str]:
        page = client.get(url, {"q": text}).context["page"]
        return sorted(
            row.message.subject if hasattr(row, "message") else row.subject for row in page
        )

    inbox = reverse("messaging:inbox")
    assert subjects(inbox, "СПРАВКА") == ["Справка о болезни"]
    assert subjects(inbox, "студентов иван") == ["Курсовая работа"]  # the student
    assert subjects(inbox, "Студентова Мария") == ["Справка о болезни"]  # the parent
    assert subjects(inbox, "нет такого") == []

    send(world, "curator", ["other_teacher"], subject="Замена в четверг")
    sent = reverse("messaging:sent")
    assert subjects(sent, "другова") == ["Замена в четверг"]
    assert subjects(sent, "замена") == ["Замена в четверг"]
    assert subjects(sent, "собрание") == []


def test_staff_search_offers_only_allowed_people(world: World) -> None:
    client = world.client_for("curator")
    url = reverse("messaging:recipient_search")
    found = client.get(url, {"q": "учителев"}).content.decode()
    assert "Учителев Пётр Андреевич" in found and "Преподаватель" in found
    assert "Учителев" not in world.client_for("teacher").get(url, {"q": "ёлкина"}).content.decode()
    assert "Ёлкина" not in client.get(url, {"q": "ёлкина"}).content.decode()
    director = world.client_for("director").get(url, {"q": "елкина"}).content.decode()
    assert "Ёлкина Анна Сергеевна" in director


# --- Compose and reply pages -------------------------------------------------------------


def test_a_parent_picks_from_the_curator_and_the_teachers(world: World) -> None:
    page = world.client_for("parent").get(reverse("messaging:compose"))
    groups = [(g.label, [o.name for o in g.options]) for g in page.context["groups"]]
    assert groups == [
        ("Куратор", ["Кураторова Елена Викторовна"]),
        ("Преподаватели", ["Учителев Пётр Андреевич"]),
    ]
    assert "Разработка программных модулей" in page.content.decode()
    assert "broadcast" not in page.context["form"].fields


def test_the_curator_picks_students_and_parents_of_their_group(world: World) -> None:
    page = world.client_for("curator").get(reverse("messaging:compose"))
    groups = [(g.label, [o.name for o in g.options]) for g in page.context["groups"]]
    assert groups == [
        ("Обучающиеся группы ИС-21", ["Студентов Иван Петрович"]),
        ("Родители группы ИС-21", ["Студентова Мария Ивановна"]),
    ]
    choices = dict(page.context["form"].fields["broadcast"].choices)
    assert choices[f"parents:{world.college.group.pk}"] == "Всем родителям группы ИС-21"
    assert f"parents:{world.college.other_group.pk}" not in choices


def test_a_teacher_writes_first_to_the_families_of_the_groups_they_teach(world: World) -> None:
    """Положение 4.6: a teacher «организует обмен информацией с обучающимися и родителями»."""
    client = world.client_for("teacher")
    page = client.get(reverse("messaging:compose"))
    groups = [(g.label, [o.name for o in g.options]) for g in page.context["groups"]]
    assert groups == [
        ("Обучающиеся группы ИС-21", ["Студентов Иван Петрович"]),
        ("Родители группы ИС-21", ["Студентова Мария Ивановна"]),
    ]
    choices = dict(page.context["form"].fields["broadcast"].choices)
    assert choices[f"students:{world.college.group.pk}"] == "Всем обучающимся группы ИС-21"
    assert f"students:{world.college.other_group.pk}" not in choices
    response = client.post(
        reverse("messaging:compose"),
        {"recipients": [world.user("parent").pk], "subject": "Долг по МДК", "body": "Текст"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("messaging:compose"),
        {
            "broadcast": f"students:{world.college.group.pk}",
            "subject": "Контрольная",
            "body": "В четверг.",
        },
    )
    assert response.status_code == 302
    letters = Message.objects.filter(sender=world.user("teacher")).order_by("pk")
    assert [list(m.recipients.values_list("user_id", flat=True)) for m in letters] == [
        [world.user("parent").pk],
        [world.user("student").pk],
    ]
    # Not to the families of a group they do not teach.
    refused = client.post(
        reverse("messaging:compose"),
        {"recipients": [world.user("other_parent").pk], "subject": "Тема", "body": "Текст"},
    )
    assert refused.status_code == 400
    assert Message.objects.count() == 2


def test_compose_sends_and_opens_the_thread(world: World) -> None:
    response = world.client_for("parent").post(
        reverse("messaging:compose"),
        {
            "recipients": [world.user("curator").pk, world.user("teacher").pk],
            "subject": "Пропуск 20 ноября",
            "body": "Сын будет у врача.",
            "attachments": [pdf(), SimpleUploadedFile("notes.txt", "Привет".encode())],
        },
    )
    letter = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("messaging:thread", kwargs={"thread_id": letter.pk})
    assert letter.recipients.count() == 2
    assert letter.attachments.count() == 2


def test_compose_refuses_a_forbidden_recipient_with_a_message(world: World) -> None:
    response = world.client_for("parent").post(
        reverse("messaging:compose"),
        {
            "recipients": [world.user("director").pk],
            "subject": "Жалоба",
            "body": "Текст",
        },
    )
    assert response.status_code == 400
    assert "кому вы не можете писать" in response.content.decode()
    assert not Message.objects.exists()


def test_compose_refuses_a_bad_file_with_a_message(world: World) -> None:
    response = world.client_for("parent").post(
        reverse("messaging:compose"),
        {
            "recipients": [world.user("curator").pk],
            "subject": "Справка",
            "body": "Текст",
            "attachments": [SimpleUploadedFile("справка.pdf", b"MZ not a pdf")],
        },
    )
    assert response.status_code == 400
    assert "Содержимое файла не похоже на PDF" in response.content.decode()
    assert not Message.objects.exists()


def test_compose_with_a_group_broadcast(world: World) -> None:
    response = world.client_for("curator").post(
        reverse("messaging:compose"),
        {
            "broadcast": f"parents:{world.college.group.pk}",
            "subject": "Собрание",
            "body": "В пятницу в 18:00.",
        },
    )
    assert response.status_code == 302
    letter = Message.objects.get()
    assert list(letter.recipients.values_list("user_id", flat=True)) == [world.user("parent").pk]


def test_compose_prefills_the_recipient_from_the_address(world: World) -> None:
    page = world.client_for("teacher").get(
        reverse("messaging:compose"), {"to": world.user("director").pk}
    )
    assert [o.name for o in page.context["chosen"]] == ["Криволапов Игорь Николаевич"]
    # Someone the teacher may not write to (a parent of a group they do not teach) is not shown.
    page = world.client_for("teacher").get(
        reverse("messaging:compose"), {"to": world.user("other_parent").pk}
    )
    assert page.context["chosen"] == []


def test_reply_page_offers_the_sender_and_sends(world: World, letter: Message) -> None:
    client = world.client_for("parent")
    url = reverse("messaging:reply", kwargs={"message_id": letter.pk})
    page = client.get(url)
    assert [o.name for o in page.context["allowed"]] == ["Кураторова Елена Викторовна"]
    assert page.context["chosen_ids"] == {world.user("curator").pk}
    response = client.post(url, {"recipients": [world.user("curator").pk], "body": "Буду."})
    assert response.status_code == 302
    reply = Message.objects.exclude(pk=letter.pk).get()
    assert (reply.thread_id, reply.subject) == (letter.pk, "Re: Родительское собрание")
    assert MessageRecipient.objects.get(message=reply).user == world.user("curator")


def test_archive_hides_from_the_inbox_and_restores(world: World, letter: Message) -> None:
    client = world.client_for("parent")
    url = reverse("messaging:archive", kwargs={"message_id": letter.pk})
    assert client.post(url).status_code == 302
    assert len(client.get(reverse("messaging:inbox")).context["page"]) == 0
    assert len(client.get(reverse("messaging:inbox"), {"archived": "1"}).context["page"]) == 1
    client.post(url, {"restore": "1"})
    assert len(client.get(reverse("messaging:inbox")).context["page"]) == 1
    assert world.client_for("student").post(url).status_code == 404


def test_the_badge_counts_unread_letters(world: World, letter: Message) -> None:
    badge = world.client_for("parent").get(reverse("messaging:badge")).content.decode()
    assert ">1<" in badge and "Непрочитанных сообщений" in badge
    quiet = world.client_for("curator").get(reverse("messaging:badge")).content.decode()
    assert 'class="badge' not in quiet
