"""In-product notifications, their e-mail delivery state, and each user's delivery preferences."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        TIMETABLE_CHANGE = "timetable_change", _("изменение расписания")
        UNLOCK_REQUEST = "unlock_request", _("запрос разблокировки журнала")
        UNLOCK_ANSWER = "unlock_answer", _("ответ на запрос разблокировки")
        MARK = "mark", _("новая отметка")
        ABSENCE = "absence", _("пропуск")
        MESSAGE = "message", _("сообщение")
        ANNOUNCEMENT = "announcement", _("объявление")
        OTHER = "other", _("другое")

    class EmailStatus(models.TextChoices):
        """Where the notice's e-mail is; the in-product notice stays whatever happens to it."""

        NOT_NEEDED = "not_needed", _("не нужно")
        PENDING = "pending", _("ожидает отправки")
        DIGEST = "digest", _("в еженедельной сводке")
        SENT = "sent", _("отправлено")
        FAILED = "failed", _("не удалось отправить")
        SKIPPED = "skipped", _("нет адреса e-mail")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("вид"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("заголовок"), max_length=300)
    body = models.TextField(_("текст"), blank=True)
    url = models.CharField(_("ссылка"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("прочитано"), null=True, blank=True)
    # Rows written before e-mail existed (and rows made outside notify()) are not e-mailed.
    email_status = models.CharField(
        _("e-mail"), max_length=12, choices=EmailStatus.choices, default=EmailStatus.NOT_NEEDED
    )
    email_attempts = models.PositiveSmallIntegerField(_("попыток отправки"), default=0)
    email_error = models.CharField(_("последняя ошибка отправки"), max_length=500, blank=True)
    # A pending e-mail is not tried before this moment: the retry backoff, and the lease of
    # the process that is sending it right now (so that two senders never send it twice).
    email_next_attempt_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(_("отправлено по e-mail"), null=True, blank=True)

    class Meta:
        verbose_name = _("уведомление")
        verbose_name_plural = _("уведомления")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread"),
            models.Index(
                fields=["email_next_attempt_at"],
                condition=Q(email_status="pending"),
                name="notification_email_pending",
            ),
            models.Index(
                fields=["user", "created_at"],
                condition=Q(email_status="digest", emailed_at__isnull=True),
                name="notification_digest_due",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Delivery(models.TextChoices):
    """How a user wants one kind of notice by e-mail."""

    IMMEDIATE = "immediate", _("сразу")
    DIGEST = "digest", _("в еженедельной сводке")
    OFF = "off", _("не присылать")


# Marks and absences come often and are read in the diary anyway: weekly by default.
DEFAULT_DELIVERY: dict[str, str] = {
    Notification.Kind.TIMETABLE_CHANGE: Delivery.IMMEDIATE,
    Notification.Kind.UNLOCK_REQUEST: Delivery.IMMEDIATE,
    Notification.Kind.UNLOCK_ANSWER: Delivery.IMMEDIATE,
    Notification.Kind.MARK: Delivery.DIGEST,
    Notification.Kind.ABSENCE: Delivery.DIGEST,
    Notification.Kind.MESSAGE: Delivery.IMMEDIATE,
    Notification.Kind.ANNOUNCEMENT: Delivery.IMMEDIATE,
    Notification.Kind.OTHER: Delivery.IMMEDIATE,
}


class NotificationPreference(models.Model):
    """A user's e-mail settings; created on first save, the defaults hold until then."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_enabled = models.BooleanField(_("присылать уведомления на e-mail"), default=True)
    digest_enabled = models.BooleanField(_("присылать еженедельную сводку"), default=True)
    # Kind → Delivery, only for kinds the user changed; DEFAULT_DELIVERY for the rest.
    deliveries = models.JSONField(default=dict, blank=True)
    # ISO week («2026-W47») of the last digest sent, so a rerun in the same week sends nothing.
    last_digest_week = models.CharField(max_length=8, blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("настройки уведомлений")
        verbose_name_plural = _("настройки уведомлений")

    def __str__(self) -> str:
        return str(self.user)

    def delivery_for(self, kind: str) -> str:
        chosen = (self.deliveries or {}).get(kind)
        if chosen in Delivery.values:
            return str(chosen)
        return DEFAULT_DELIVERY.get(kind, Delivery.IMMEDIATE)
