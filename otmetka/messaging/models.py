"""Internal mail (переписка) and announcements (объявления), Положение 3.9, 4.5, 4.11, 4.12."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from otmetka.accounts.roles import Role


def search_key(text: str) -> str:
    """Lower case with «ё» as «е»: what the search compares, the same on every database."""
    return " ".join(text.split()).lower().replace("ё", "е")


class Message(models.Model):
    """One letter; a thread is the first message and every reply pointing at it."""

    organization = models.ForeignKey(
        "org.Organization", on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sent_messages",
        verbose_name=_("отправитель"),
    )
    subject = models.CharField(_("тема"), max_length=200)
    # Lower case with «ё» as «е», for search that ignores case on SQLite too (its LIKE folds
    # only Latin letters); written by the service.
    subject_key = models.CharField(max_length=200, editable=False, default="")
    body = models.TextField(_("текст"))
    created_at = models.DateTimeField(_("отправлено"), auto_now_add=True, db_index=True)
    # The first message of a thread points at itself; set right after insert by the service.
    thread = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="thread_messages",
        verbose_name=_("переписка"),
    )
    reply_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("ответ на"),
    )
    # Set when the message went to a whole group («всем родителям группы ИС-21»).
    broadcast_label = models.CharField(_("рассылка"), max_length=200, blank=True)
    sender_archived = models.BooleanField(_("скрыто из отправленных"), default=False)

    class Meta:
        verbose_name = _("сообщение")
        verbose_name_plural = _("сообщения")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["sender", "created_at"], name="message_sent"),
            models.Index(fields=["thread", "created_at"], name="message_thread"),
        ]

    def __str__(self) -> str:
        return self.subject


class MessageRecipient(models.Model):
    """A recipient's copy: read receipt and whether they moved it to the archive."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="received_messages",
        verbose_name=_("получатель"),
    )
    read_at = models.DateTimeField(_("прочитано"), null=True, blank=True)
    archived = models.BooleanField(_("в архиве"), default=False)

    class Meta:
        verbose_name = _("получатель сообщения")
        verbose_name_plural = _("получатели сообщений")
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="message_recipient_unique")
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="message_unread")]

    def __str__(self) -> str:
        return f"{self.message} → {self.user}"


class MessageAttachment(models.Model):
    """A file of a message; MEDIA is never served directly, only through the download view."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="messages/%Y/%m/")
    original_name = models.CharField(_("имя файла"), max_length=255)
    size = models.PositiveIntegerField(_("размер, байт"))
    content_type = models.CharField(max_length=100)

    class Meta:
        verbose_name = _("файл сообщения")
        verbose_name_plural = _("файлы сообщений")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class AnnouncementQuerySet(models.QuerySet["Announcement"]):
    def active_on(self, day: dt.date) -> AnnouncementQuerySet:
        return self.filter(valid_from__lte=day, valid_to__gte=day)


class Announcement(models.Model):
    """Объявление for the whole organization, one group or everyone holding one role."""

    class Audience(models.TextChoices):
        ORGANIZATION = "organization", _("вся организация")
        GROUP = "group", _("группа")
        ROLE = "role", _("роль")

    organization = models.ForeignKey(
        "org.Organization", on_delete=models.CASCADE, related_name="announcements"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="announcements",
        verbose_name=_("автор"),
    )
    title = models.CharField(_("заголовок"), max_length=200)
    body = models.TextField(_("текст"))
    audience = models.CharField(
        _("для кого"), max_length=16, choices=Audience.choices, default=Audience.ORGANIZATION
    )
    group = models.ForeignKey(
        "academics.Group",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="announcements",
        verbose_name=_("группа"),
    )
    role = models.CharField(_("роль"), max_length=16, blank=True)
    valid_from = models.DateField(_("показывать с"))
    valid_to = models.DateField(_("показывать по"))
    created_at = models.DateTimeField(_("опубликовано"), auto_now_add=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        verbose_name = _("объявление")
        verbose_name_plural = _("объявления")
        ordering = ["-valid_from", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=F("valid_from")), name="announcement_dates"
            ),
            models.CheckConstraint(
                condition=(
                    Q(audience="organization", group__isnull=True, role="")
                    | Q(audience="group", group__isnull=False, role="")
                    | (Q(audience="role", group__isnull=True) & ~Q(role=""))
                ),
                name="announcement_audience",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "valid_from", "valid_to"], name="announcement_active"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else self.role


class AnnouncementAttachment(models.Model):
    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to="announcements/%Y/%m/")
    original_name = models.CharField(_("имя файла"), max_length=255)
    size = models.PositiveIntegerField(_("размер, байт"))
    content_type = models.CharField(max_length=100)

    class Meta:
        verbose_name = _("файл объявления")
        verbose_name_plural = _("файлы объявлений")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name
