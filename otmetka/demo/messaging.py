"""Demo mail and announcements in the first demo college (ТПТ).

The demo curator invites the demo parent to a parents' meeting and gets an answer; the demo
student asks the curator about a certificate; the curator writes to the whole group; the
director and the curator publish announcements. The rows are dated around the demo's `today`,
which may differ from the real date, so they are written directly (as the generator writes the
rest of the demo) rather than through the services, which date everything now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from otmetka.academics.models import Group, Membership
from otmetka.accounts.models import User
from otmetka.messaging.models import Announcement, Message, MessageRecipient, search_key

DEMO_USERNAMES = ("director", "curator", "teacher", "student", "parent")


def _at(day: dt.date, hour: int, minute: int, tz: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(tz))


@dataclass
class _Letter:
    sender: User
    recipients: list[User]
    subject: str
    body: str
    sent_at: dt.datetime
    reply_to: int | None = None  # index of the letter answered
    read_at: dt.datetime | None = None
    label: str = ""


def _write(letters: list[_Letter]) -> None:
    """Every letter in three queries: the letters, their threads and dates, the recipients."""
    messages = Message.objects.bulk_create(
        Message(
            organization_id=letter.sender.organization_id or 0,
            sender=letter.sender,
            subject=letter.subject,
            subject_key=search_key(letter.subject)[:200],
            body=letter.body,
            broadcast_label=letter.label,
        )
        for letter in letters
    )
    for message, letter in zip(messages, letters, strict=True):
        answered = messages[letter.reply_to] if letter.reply_to is not None else None
        message.reply_to = answered
        message.thread_id = answered.thread_id if answered is not None else message.pk
        # created_at is set on insert; the demo dates the letter itself.
        message.created_at = letter.sent_at
    Message.objects.bulk_update(messages, ["reply_to", "thread", "created_at"])
    MessageRecipient.objects.bulk_create(
        MessageRecipient(message=message, user=user, read_at=letter.read_at)
        for message, letter in zip(messages, letters, strict=True)
        for user in letter.recipients
    )


def seed_messaging(today: dt.date) -> dict[str, int]:
    """Threads and announcements of the demo logins; nothing when they are missing."""
    users = {
        user.username: user
        for user in User.objects.filter(username__in=DEMO_USERNAMES).select_related(
            "organization", "person__employee"
        )
    }
    if set(users) != set(DEMO_USERNAMES):
        return {"messages": 0, "announcements": 0}
    curator, parent, student = users["curator"], users["parent"], users["student"]
    organization = curator.organization
    group = Group.objects.filter(curators__person__user=curator).order_by("name").first()
    if group is None or organization is None:
        return {"messages": 0, "announcements": 0}
    tz = organization.timezone
    two_days_ago, yesterday = today - dt.timedelta(days=2), today - dt.timedelta(days=1)

    classmates = list(
        User.objects.filter(
            person__student__memberships__in=Membership.objects.on_day(today).filter(group=group),
            is_active=True,
        ).order_by("pk")
    )
    curator_name = f"{curator.person.first_name} {curator.person.middle_name}".strip()
    _write(
        [
            _Letter(
                curator,
                [parent],
                _("Родительское собрание"),
                _(
                    "Уважаемые родители! Приглашаю вас на родительское собрание группы "
                    "%(group)s в пятницу в 18:00, аудитория 214. Обсудим итоги первой "
                    "аттестации и практику."
                )
                % {"group": group.name},
                _at(two_days_ago, 9, 15, tz),
                read_at=_at(two_days_ago, 19, 40, tz),
            ),
            _Letter(
                parent,
                [curator],
                _("Re: Родительское собрание"),
                _("Здравствуйте! Спасибо, обязательно приду. Можно ли задать вопрос о практике?"),
                _at(two_days_ago, 19, 42, tz),
                reply_to=0,
            ),
            _Letter(
                student,
                [curator],
                _("Справка о болезни"),
                _("%(name)s, я болел с понедельника, справку принесу завтра.")
                % {"name": curator_name},
                _at(yesterday, 8, 5, tz),
                read_at=_at(yesterday, 8, 30, tz),
            ),
            _Letter(
                curator,
                [student],
                _("Re: Справка о болезни"),
                _("Хорошо, занесите справку в учебную часть, пропуски отмечу как уважительные."),
                _at(yesterday, 8, 32, tz),
                reply_to=2,
                read_at=_at(yesterday, 9, 0, tz),
            ),
            _Letter(
                curator,
                classmates,
                _("Экскурсия на предприятие"),
                _("В четверг после третьей пары едем на экскурсию. Сбор в холле в 13:10."),
                _at(yesterday, 15, 0, tz),
                label=_("Всем обучающимся группы %(group)s") % {"group": group.name},
            ),
        ]
    )
    Announcement.objects.bulk_create(
        [
            Announcement(
                organization_id=organization.pk,
                author=users["director"],
                title=_("День открытых дверей"),
                body=_(
                    "В субботу в 11:00 — день открытых дверей для абитуриентов и их родителей. "
                    "Приглашаем студентов-волонтёров."
                ),
                audience=Announcement.Audience.ORGANIZATION,
                valid_from=today - dt.timedelta(days=3),
                valid_to=today + dt.timedelta(days=14),
            ),
            Announcement(
                organization_id=organization.pk,
                author=curator,
                title=_("Собрание группы %(group)s") % {"group": group.name},
                body=_("Родительское собрание в пятницу в 18:00, аудитория 214."),
                audience=Announcement.Audience.GROUP,
                group=group,
                valid_from=yesterday,
                valid_to=today + dt.timedelta(days=5),
            ),
        ]
    )
    return {"messages": 5, "announcements": 2}
