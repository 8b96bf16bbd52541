"""The movement book (книга движения): orders on students and their items (Положение 4.8, 4.9).

An order is a state machine: draft → signed → applied, or cancelled from draft or signed. Only
applying changes the contingent (dated memberships, the student's status, names); an applied
order is never edited — a mistake is corrected by a new order.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OrderKind(models.TextChoices):
    ENROLMENT = "enrolment", _("зачисление")
    EXPULSION = "expulsion", _("отчисление")
    TRANSFER = "transfer", _("перевод в другую группу или на другую специальность")
    LEAVE = "leave", _("академический отпуск")
    LEAVE_RETURN = "leave_return", _("выход из академического отпуска")
    REINSTATEMENT = "reinstatement", _("восстановление")
    NAME_CHANGE = "name_change", _("смена ФИО")


class ExpulsionReason(models.TextChoices):
    OWN_WISH = "own_wish", _("по собственному желанию")
    ACADEMIC_FAILURE = "academic_failure", _("за академическую неуспеваемость")
    TRANSFER_OUT = "transfer_out", _("в связи с переводом в другую образовательную организацию")
    GRADUATION = "graduation", _("в связи с окончанием обучения")
    DISCIPLINE = "discipline", _("за нарушение устава и правил внутреннего распорядка")
    CONTRACT = "contract", _("в связи с неисполнением обязательств по договору")
    HEALTH = "health", _("по состоянию здоровья")
    DEATH = "death", _("в связи со смертью")
    OTHER = "other", _("по иным основаниям")


class OrderQuerySet(models.QuerySet["Order"]):
    def for_organization(self, organization_id: int) -> OrderQuerySet:
        return self.filter(organization_id=organization_id)

    def open(self) -> OrderQuerySet:
        """Orders still waiting to be applied."""
        return self.filter(status__in=[Order.Status.DRAFT, Order.Status.SIGNED])


class Order(models.Model):
    """A приказ on the contingent: one kind, one or more students."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("черновик")
        SIGNED = "signed", _("подписан")
        APPLIED = "applied", _("проведён")
        CANCELLED = "cancelled", _("отменён")

    organization = models.ForeignKey(
        "org.Organization", on_delete=models.CASCADE, related_name="orders"
    )
    academic_year = models.ForeignKey(
        "org.AcademicYear",
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("учебный год"),
    )
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("отделение"),
    )
    number = models.CharField(_("номер"), max_length=20, help_text=_("Например: 12-к"))
    date = models.DateField(_("дата приказа"))
    kind = models.CharField(_("вид"), max_length=16, choices=OrderKind.choices)
    status = models.CharField(
        _("состояние"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("заголовок"), max_length=300, blank=True)
    basis = models.TextField(_("основание"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("создан"), auto_now_add=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(_("подписан"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    applied_at = models.DateTimeField(_("проведён"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("отменён"), null=True, blank=True)
    cancel_reason = models.CharField(_("причина отмены"), max_length=300, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("приказ")
        verbose_name_plural = _("приказы")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "academic_year", "number"], name="order_number_unique"
            ),
            models.CheckConstraint(
                condition=~Q(status="applied") | Q(applied_at__isnull=False),
                name="order_applied_has_time",
            ),
        ]
        indexes = [models.Index(fields=["organization", "date"])]

    def __str__(self) -> str:
        return _("Приказ № %(number)s от %(date)s") % {
            "number": self.number,
            "date": self.date.strftime("%d.%m.%Y"),
        }

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class OrderItem(models.Model):
    """One student in an order, with the fields its kind needs."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    student = models.ForeignKey(
        "people.Student",
        on_delete=models.PROTECT,
        related_name="order_items",
        verbose_name=_("обучающийся"),
    )
    effective_date = models.DateField(_("дата вступления в силу"))
    from_group = models.ForeignKey(
        "academics.Group",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("из группы"),
    )
    to_group = models.ForeignKey(
        "academics.Group",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("в группу"),
    )
    reason = models.CharField(
        _("причина отчисления"), max_length=20, choices=ExpulsionReason.choices, blank=True
    )
    leave_until = models.DateField(_("отпуск по"), null=True, blank=True)
    new_last_name = models.CharField(_("новая фамилия"), max_length=100, blank=True)
    new_first_name = models.CharField(_("новое имя"), max_length=100, blank=True)
    new_middle_name = models.CharField(_("новое отчество"), max_length=100, blank=True)
    note = models.CharField(_("примечание"), max_length=300, blank=True)
    # What applying did (previous status, names, membership ids), for the card's history.
    applied_changes = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("пункт приказа")
        verbose_name_plural = _("пункты приказа")
        ordering = ["order_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "student"], name="order_item_student_unique"),
            models.CheckConstraint(
                condition=Q(leave_until__isnull=True)
                | Q(leave_until__gte=models.F("effective_date")),
                name="order_item_leave_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} — {self.student}"
