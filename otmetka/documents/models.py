"""A document built on the background worker for the user who asked for it, and kept for them.

One model for every long document: a printed journal, the alphabetical book, an export of
the students, the hours report. The row is the job (who, what kind, with which parameters,
how far it has got) and, once ready, the file; it stays listed on «Мои документы».
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Document(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("в очереди")
        RUNNING = "running", _("формируется")
        READY = "ready", _("готов")
        FAILED = "failed", _("ошибка")

    organization = models.ForeignKey("org.Organization", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The role it was asked for in decides its rows (a department head's department); when the
    # role is taken away before the worker gets to it, the document is not built.
    role = models.ForeignKey(
        "accounts.RoleAssignment", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    kind = models.CharField(_("вид"), max_length=40)
    title = models.CharField(_("документ"), max_length=300)
    params = models.JSONField(_("параметры"), default=dict, blank=True)
    language = models.CharField(max_length=8, blank=True)  # the language it was ordered in
    status = models.CharField(
        _("состояние"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    # Progress: `done` of `total` (rows written, or pages laid out); total 0 while unknown.
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    step = models.CharField(_("этап"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("строк"), null=True, blank=True)
    file = models.FileField(upload_to="documents/%Y/%m/", max_length=200, blank=True)
    filename = models.CharField(_("имя файла"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    error = models.TextField(_("ошибка"), blank=True)
    created_at = models.DateTimeField(_("заказан"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("готов"), null=True, blank=True)

    class Meta:
        verbose_name = _("документ")
        verbose_name_plural = _("документы")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "organization", "-created_at"], name="document_owner"),
            models.Index(fields=["kind", "organization"], name="document_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total=0) | Q(done__lte=models.F("total")),
                name="document_done_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.created_at:%d.%m.%Y %H:%M})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)

    @property
    def percent(self) -> int | None:
        """How far it has got, 0–100, or None while the total is unknown."""
        if self.status == self.Status.READY:
            return 100
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)
