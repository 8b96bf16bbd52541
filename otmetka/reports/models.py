"""The approval of a group's сводная ведомость for a semester (Положение 4.3.8–4.3.9, 4.8)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SummaryApproval(models.Model):
    """Where one group's сводная ведомость for one semester stands: prepared by the department
    (or the curator), agreed by the deputy for УМР, printed, signed (visa of the deputy). The
    fingerprint is the ведомость's content when it was prepared: a later change to a mark or an
    absence shows, and the next step is refused until it is prepared again. Every step is also
    an audit event; the row keeps the latest of each."""

    class State(models.TextChoices):
        PREPARED = "prepared", _("подготовлена, ждёт согласования")
        RETURNED = "returned", _("возвращена на доработку")
        AGREED = "agreed", _("согласована")
        PRINTED = "printed", _("распечатана")
        SIGNED = "signed", _("подписана")

    organization = models.ForeignKey("org.Organization", on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey("academics.Group", on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey("org.Period", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("состояние"), max_length=16, choices=State.choices)
    fingerprint = models.CharField(max_length=64, editable=False)
    comment = models.TextField(_("замечание"), blank=True)
    prepared_at = models.DateTimeField(null=True, blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    printed_at = models.DateTimeField(null=True, blank=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("согласование сводной ведомости")
        verbose_name_plural = _("согласования сводных ведомостей")
        constraints = [
            models.UniqueConstraint(fields=["group", "period"], name="summary_approval_unique")
        ]
        indexes = [models.Index(fields=["organization", "state"], name="summary_approval_state")]

    def __str__(self) -> str:
        return f"{self.group} {self.period}: {self.get_state_display()}"
