"""Certificates the secretary issues to students, each numbered and registered.

The journal of issued certificates (журнал регистрации выданных справок) is this table: one
row per certificate with its number in the organization's year, the date, the student, the
kind, where it is to be presented and who issued it. What the certificate says is kept on the
row as it was printed (`content`), so a copy printed later reads the same as the original even
after the student moves to another group or the college changes its details.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Certificate(models.Model):
    class Kind(models.TextChoices):
        ENROLMENT = "enrolment", _("справка с места учёбы")
        STUDY_RECORD = "study_record", _("справка об обучении")

    organization = models.ForeignKey("org.Organization", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("год"))
    number = models.PositiveIntegerField(_("номер"))
    kind = models.CharField(_("вид справки"), max_length=16, choices=Kind.choices)
    student = models.ForeignKey(
        "people.Student", on_delete=models.PROTECT, related_name="certificates"
    )
    issued_on = models.DateField(_("дата выдачи"))
    presented_to = models.CharField(_("для предъявления"), max_length=300)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_by_name = models.CharField(_("кто выдал"), max_length=200)
    issued_at = models.DateTimeField(auto_now_add=True)
    # The group the student was in when the certificate was issued, for the register's filter.
    group = models.ForeignKey(
        "academics.Group", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    content = models.JSONField(default=dict, editable=False)

    class Meta:
        verbose_name = _("справка")
        verbose_name_plural = _("справки")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "number"], name="certificate_number_unique"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="certificate_number_positive"),
        ]
        indexes = [models.Index(fields=["organization", "issued_on"])]

    def __str__(self) -> str:
        return f"№ {self.number}/{self.year}"


class CertificateRequest(models.Model):
    """A student's request for a certificate, which the secretary fulfils by issuing it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("ожидает")
        ISSUED = "issued", _("выдана")

    organization = models.ForeignKey("org.Organization", on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(
        "people.Student", on_delete=models.PROTECT, related_name="certificate_requests"
    )
    kind = models.CharField(_("вид справки"), max_length=16, choices=Certificate.Kind.choices)
    presented_to = models.CharField(_("для предъявления"), max_length=300)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    certificate = models.OneToOneField(
        Certificate, on_delete=models.PROTECT, null=True, blank=True, related_name="request"
    )

    class Meta:
        verbose_name = _("заявка на справку")
        verbose_name_plural = _("заявки на справки")
        ordering = ["requested_at", "pk"]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"
