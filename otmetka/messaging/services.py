"""Writes of the messaging app: sending, reading, archiving mail; publishing announcements."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from otmetka.academics.models import Group
from otmetka.accounts.models import RoleAssignment, User
from otmetka.accounts.permissions import ActiveRole
from otmetka.accounts.roles import Role
from otmetka.audit.models import AuditEvent
from otmetka.audit.services import audit_change, audit_delete, audit_record, diff, snapshot
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.lib.uploads import CheckedUpload, upload_check
from otmetka.messaging.models import (
    Announcement,
    AnnouncementAttachment,
    Message,
    MessageAttachment,
    MessageRecipient,
    search_key,
)
from otmetka.messaging.permissions import (
    can_edit_announcement,
    can_publish,
    messages_visible_to,
    parents_of,
    publishable_groups,
    recipients_for,
    reply_recipients_for,
    students_of,
    today_of,
    writable_groups,
)
from otmetka.notifications.models import Notification
from otmetka.notifications.services import notify

MAX_ATTACHMENTS = 5
MAX_BODY = 20_000
MAX_ANNOUNCEMENT_DAYS = 366


@dataclass(frozen=True)
class GroupBroadcast:
    """«Всем обучающимся группы» or «всем родителям группы», expanded at send time."""

    group_id: int
    audience: str  # "students" or "parents"

    STUDENTS = "students"
    PARENTS = "parents"


def _check_files(attachments: Sequence[UploadedFile], field: str) -> list[CheckedUpload]:
    if len(attachments) > MAX_ATTACHMENTS:
        raise DomainError(
            _("Не больше %(count)s файлов в одном сообщении.") % {"count": MAX_ATTACHMENTS},
            field=field,
        )
    return [upload_check(file, field=field) for file in attachments]


def _stored_name(name: str) -> str:
    """A random file name on disk: the original one is kept in the row, never in the path."""
    return f"{uuid.uuid4().hex}{PurePath(name).suffix.lower()}"


def _text(value: str, *, field: str, label: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(_("Заполните поле «%(label)s».") % {"label": label}, field=field)
    if len(value) > limit:
        raise DomainError(
            _("Поле «%(label)s» длиннее %(limit)s символов.") % {"label": label, "limit": limit},
            field=field,
        )
    return value


def broadcast_users(actor: ActiveRole, broadcast: GroupBroadcast) -> tuple[Group, list[int]]:
    """The group and the accounts its broadcast reaches today (students or their parents)."""
    if broadcast.audience not in (GroupBroadcast.STUDENTS, GroupBroadcast.PARENTS):
        raise DomainError(_("Выберите, кому в группе писать."), field="broadcast")
    group = writable_groups(actor).filter(pk=broadcast.group_id).first()
    if group is None:
        raise NotAllowed(_("Писать этой группе вы не можете."), field="broadcast")
    day = today_of(actor)
    groups = Group.objects.filter(pk=group.pk).values("pk")
    audience = (
        students_of(groups, day)
        if broadcast.audience == GroupBroadcast.STUDENTS
        else parents_of(groups, day)
    )
    users = recipients_for(actor).filter(audience)
    return group, list(users.values_list("pk", flat=True))


def _broadcast_label(group: Group, audience: str) -> str:
    if audience == GroupBroadcast.STUDENTS:
        return _("Всем обучающимся группы %(group)s") % {"group": group.name}
    return _("Всем родителям группы %(group)s") % {"group": group.name}


def _reply_label(
    actor: ActiveRole, reply_to: Message, chosen: set[int], allowed_users: QuerySet[User]
) -> str:
    """A follow-up to one's own letter to a whole group, sent to everyone of it still allowed,
    keeps the group's label: its recipients do not see the list of the group's families."""
    if not reply_to.broadcast_label or reply_to.sender_id != actor.user.pk:
        return ""
    addressed = reply_to.recipients.values("user_id")
    still = set(allowed_users.filter(pk__in=addressed).values_list("pk", flat=True))
    return reply_to.broadcast_label if chosen == still else ""


@transaction.atomic
def message_send(
    *,
    actor: ActiveRole,
    recipient_ids: Iterable[int],
    subject: str,
    body: str,
    attachments: Sequence[UploadedFile] = (),
    reply_to: Message | None = None,
    group_broadcast: GroupBroadcast | None = None,
) -> Message:
    """Send a letter (or a reply within a thread) to allowed recipients; they are notified.

    Every recipient is checked against `recipients_for` (a reply: `reply_recipients_for`); one
    recipient the actor may not write to refuses the whole letter, and nothing is saved.
    """
    if not actor.has("messages.send"):
        raise NotAllowed(_("Переписка для вашей роли отключена."))
    thread: Message | None = None
    if reply_to is not None:
        if not messages_visible_to(actor).filter(pk=reply_to.pk).exists():
            raise NotAllowed(_("Ответить на это сообщение нельзя."))
        thread = reply_to.thread or reply_to
        if not subject.strip():
            subject = (
                thread.subject if thread.subject.startswith("Re: ") else f"Re: {thread.subject}"
            )
    subject = _text(subject, field="subject", label=_("Тема"), limit=200)
    body = _text(body, field="body", label=_("Текст"), limit=MAX_BODY)
    checked = _check_files(attachments, "attachments")

    wanted = {int(pk) for pk in recipient_ids}
    label = ""
    if thread is not None:
        if group_broadcast is not None:
            raise DomainError(_("Ответ нельзя разослать всей группе."), field="broadcast")
        allowed_users = reply_recipients_for(actor, thread)
    else:
        allowed_users = recipients_for(actor)
    allowed = set(allowed_users.filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - allowed:
        raise NotAllowed(
            _("Среди адресатов есть те, кому вы не можете писать. Выберите адресатов из списка."),
            field="recipients",
        )
    if reply_to is not None:
        label = _reply_label(actor, reply_to, allowed, allowed_users)
    if group_broadcast is not None:
        group, expanded = broadcast_users(actor, group_broadcast)
        if not expanded:
            raise DomainError(
                _("В группе %(group)s некому писать: ни у кого нет учётной записи.")
                % {"group": group.name},
                field="broadcast",
            )
        allowed |= set(expanded)
        label = _broadcast_label(group, group_broadcast.audience)
    if not allowed:
        raise DomainError(_("Выберите хотя бы одного адресата."), field="recipients")

    message = Message.objects.create(
        organization_id=actor.organization_id,
        sender=actor.user,
        subject=subject,
        subject_key=search_key(subject)[:200],
        body=body,
        reply_to=reply_to,
        broadcast_label=label[:200],
    )
    message.thread_id = thread.pk if thread is not None else message.pk
    message.save(update_fields=["thread"])
    MessageRecipient.objects.bulk_create(
        MessageRecipient(message=message, user_id=user_id) for user_id in sorted(allowed)
    )
    for upload, file in zip(checked, attachments, strict=True):
        attachment = MessageAttachment(
            message=message,
            original_name=upload.name,
            size=upload.size,
            content_type=upload.content_type,
        )
        attachment.file.save(_stored_name(upload.name), file, save=False)
        attachment.save()
    notify(
        user_ids=allowed,
        organization_id=actor.organization_id,
        kind=Notification.Kind.MESSAGE,
        title=_("Новое сообщение: %(subject)s") % {"subject": subject},
        body=_("От: %(sender)s") % {"sender": actor.user.display_name()},
        url=reverse("messaging:thread", kwargs={"thread_id": message.thread_id}),
    )
    return message


def thread_mark_read(*, user_id: int, thread: Message) -> int:
    """Mark the user's copies of the thread's messages read; returns how many were unread."""
    return MessageRecipient.objects.filter(
        user_id=user_id, message__thread_id=thread.pk, read_at__isnull=True
    ).update(read_at=timezone.now())


@transaction.atomic
def message_archive(*, actor: ActiveRole, message: Message, archived: bool = True) -> None:
    """Hide a message from the actor's inbox or sent list (or bring it back)."""
    if message.organization_id != actor.organization_id:
        raise NotAllowed(_("Это сообщение вам недоступно."))
    changed = MessageRecipient.objects.filter(message=message, user_id=actor.user.pk).update(
        archived=archived
    )
    if message.sender_id == actor.user.pk:
        Message.objects.filter(pk=message.pk).update(sender_archived=archived)
        changed += 1
    if not changed:
        raise NotAllowed(_("Это сообщение вам недоступно."))


# --- Announcements ---------------------------------------------------------------------------

ANNOUNCEMENT_FIELDS = ("title", "body", "audience", "group", "role", "valid_from", "valid_to")


def _announcement_audience(
    actor: ActiveRole, *, audience: str, group: Group | None, role: str
) -> tuple[Group | None, str]:
    if audience not in Announcement.Audience.values:
        raise DomainError(_("Выберите, для кого объявление."), field="audience")
    if audience == Announcement.Audience.GROUP:
        if group is None:
            raise DomainError(_("Выберите группу."), field="group")
        if not publishable_groups(actor).filter(pk=group.pk).exists():
            raise NotAllowed(
                _("Объявления для этой группы вы публиковать не можете."), field="group"
            )
        return group, ""
    if not actor.has("announcements.publish_all"):
        raise NotAllowed(
            _("Вы можете публиковать объявления только для своей группы."), field="audience"
        )
    if audience == Announcement.Audience.ROLE:
        if role not in Role.values:
            raise DomainError(_("Выберите роль."), field="role")
        return None, role
    return None, ""


def _announcement_dates(valid_from: dt.date, valid_to: dt.date) -> None:
    if valid_to < valid_from:
        raise DomainError(_("Дата окончания раньше даты начала."), field="valid_to")
    if (valid_to - valid_from).days > MAX_ANNOUNCEMENT_DAYS:
        raise DomainError(_("Объявление можно показывать не дольше года."), field="valid_to")


def announcement_audience_users(announcement: Announcement) -> list[int]:
    """Accounts an announcement is addressed to, as of its first day (one query)."""
    organization_id = announcement.organization_id
    if announcement.audience == Announcement.Audience.GROUP:
        day = max(announcement.valid_from, announcement.created_at.date())
        group_id = announcement.group_id or 0
        groups = Group.objects.filter(pk=group_id).values("pk")
        curators = Group.curators.through.objects.filter(group_id=group_id)
        scope = (
            students_of(groups, day)
            | parents_of(groups, day)
            | Q(person__employee__in=curators.values("employee_id"))
        )
    else:
        assignments = RoleAssignment.objects.filter(organization_id=organization_id)
        if announcement.audience == Announcement.Audience.ROLE:
            assignments = assignments.filter(role=announcement.role)
        scope = Q(pk__in=assignments.values("user_id"))
    users = User.objects.filter(scope, organization_id=organization_id, is_active=True)
    return list(users.exclude(pk=announcement.author_id).values_list("pk", flat=True))


def _delete_file_on_commit(stored: FieldFile) -> None:
    if stored.name:
        transaction.on_commit(partial(stored.storage.delete, stored.name))


def _save_announcement_files(
    announcement: Announcement, attachments: Sequence[UploadedFile]
) -> None:
    checked = _check_files(attachments, "attachments")
    if announcement.attachments.count() + len(checked) > MAX_ATTACHMENTS:
        raise DomainError(
            _("Не больше %(count)s файлов в одном объявлении.") % {"count": MAX_ATTACHMENTS},
            field="attachments",
        )
    for upload, file in zip(checked, attachments, strict=True):
        attachment = AnnouncementAttachment(
            announcement=announcement,
            original_name=upload.name,
            size=upload.size,
            content_type=upload.content_type,
        )
        attachment.file.save(_stored_name(upload.name), file, save=False)
        attachment.save()


@transaction.atomic
def announcement_create(
    *,
    actor: ActiveRole,
    title: str,
    body: str,
    audience: str,
    valid_from: dt.date,
    valid_to: dt.date,
    group: Group | None = None,
    role: str = "",
    attachments: Sequence[UploadedFile] = (),
) -> Announcement:
    """Publish an announcement; its audience is notified."""
    if not can_publish(actor):
        raise NotAllowed(_("Публиковать объявления вы не можете."))
    title = _text(title, field="title", label=_("Заголовок"), limit=200)
    body = _text(body, field="body", label=_("Текст"), limit=MAX_BODY)
    group, role = _announcement_audience(actor, audience=audience, group=group, role=role)
    _announcement_dates(valid_from, valid_to)
    if valid_to < today_of(actor):
        raise DomainError(_("Срок показа уже закончился."), field="valid_to")
    announcement = Announcement.objects.create(
        organization_id=actor.organization_id,
        author=actor.user,
        title=title,
        body=body,
        audience=audience,
        group=group,
        role=role,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    _save_announcement_files(announcement, attachments)
    audit_change(
        actor=actor.user,
        instance=announcement,
        before=None,
        organization_id=actor.organization_id,
        fields=ANNOUNCEMENT_FIELDS,
    )
    notify(
        user_ids=announcement_audience_users(announcement),
        organization_id=actor.organization_id,
        kind=Notification.Kind.ANNOUNCEMENT,
        title=_("Объявление: %(title)s") % {"title": title},
        url=reverse("messaging:announcement_detail", kwargs={"announcement_id": announcement.pk}),
    )
    return announcement


@transaction.atomic
def announcement_update(
    *,
    actor: ActiveRole,
    announcement: Announcement,
    title: str,
    body: str,
    audience: str,
    valid_from: dt.date,
    valid_to: dt.date,
    group: Group | None = None,
    role: str = "",
    attachments: Sequence[UploadedFile] = (),
    remove_attachment_ids: Iterable[int] = (),
) -> Announcement:
    """Change an announcement (its author, or whoever publishes for the organization)."""
    if not can_edit_announcement(actor, announcement):
        raise NotAllowed(_("Изменять это объявление вы не можете."))
    before = snapshot(announcement, ANNOUNCEMENT_FIELDS)
    announcement.title = _text(title, field="title", label=_("Заголовок"), limit=200)
    announcement.body = _text(body, field="body", label=_("Текст"), limit=MAX_BODY)
    announcement.group, announcement.role = _announcement_audience(
        actor, audience=audience, group=group, role=role
    )
    announcement.audience = audience
    _announcement_dates(valid_from, valid_to)
    announcement.valid_from, announcement.valid_to = valid_from, valid_to
    announcement.save()
    removed = list(announcement.attachments.filter(pk__in=list(remove_attachment_ids)))
    for attachment in removed:
        _delete_file_on_commit(attachment.file)
        attachment.delete()
    _save_announcement_files(announcement, attachments)
    changes: dict[str, Any] = diff(before, snapshot(announcement, ANNOUNCEMENT_FIELDS))
    if removed:
        changes["attachments_removed"] = [a.original_name for a in removed]
    if attachments:
        changes["attachments_added"] = [PurePath(f.name or "").name for f in attachments]
    audit_record(
        actor=actor.user,
        action=AuditEvent.Action.UPDATE,
        organization_id=actor.organization_id,
        obj=announcement,
        changes=changes,
    )
    return announcement


@transaction.atomic
def announcement_delete(*, actor: ActiveRole, announcement: Announcement) -> None:
    if not can_edit_announcement(actor, announcement):
        raise NotAllowed(_("Удалять это объявление вы не можете."))
    files = [attachment.file for attachment in announcement.attachments.all()]
    audit_delete(
        actor=actor.user,
        instance=announcement,
        organization_id=actor.organization_id,
        fields=ANNOUNCEMENT_FIELDS,
    )
    announcement.delete()
    for stored in files:
        _delete_file_on_commit(stored)
