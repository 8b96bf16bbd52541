"""In-product notifications (and, with the messaging issue, their e-mail delivery)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        TIMETABLE_CHANGE = "timetable_change", _("изменение расписания")
        UNLOCK_ANSWER = "unlock_answer", _("ответ на запрос разблокировки")
        MARK = "mark", _("новая отметка")
        ABSENCE = "absence", _("пропуск")
        MESSAGE = "message", _("сообщение")
        ANNOUNCEMENT = "announcement", _("объявление")
        OTHER = "other", _("другое")

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

    class Meta:
        verbose_name = _("уведомление")
        verbose_name_plural = _("уведомления")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title
