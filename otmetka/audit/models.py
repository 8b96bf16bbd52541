"""The append-only audit log: who did what, when (UTC), old → new."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_organization(self, organization_id: int) -> AuditEventQuerySet:
        return self.filter(organization_id=organization_id)

    def update(self, **kwargs: Any) -> int:
        raise RuntimeError("Audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Audit events are append-only")


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("создание")
        UPDATE = "update", _("изменение")
        DELETE = "delete", _("удаление")
        LOGIN = "login", _("вход")
        LOGIN_FAILED = "login_failed", _("неудачный вход")
        LOGOUT = "logout", _("выход")
        PASSWORD_CHANGE = "password_change", _("смена пароля")
        CREDENTIALS_ISSUE = "credentials_issue", _("выдача реквизитов")
        ROLE_GRANT = "role_grant", _("назначение роли")
        ROLE_REVOKE = "role_revoke", _("снятие роли")
        RIGHTS_CHANGE = "rights_change", _("изменение прав роли")
        VIEW = "view", _("просмотр персональных данных")

    at = models.DateTimeField(_("когда (UTC)"), auto_now_add=True, db_index=True)
    organization = models.ForeignKey(
        "org.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("кто"), max_length=200, blank=True)
    actor_role = models.CharField(_("роль"), max_length=32, blank=True)
    action = models.CharField(_("действие"), max_length=32, choices=Action.choices)
    object_type = models.CharField(_("тип объекта"), max_length=64, blank=True)
    object_id = models.CharField(_("id объекта"), max_length=64, blank=True)
    object_repr = models.CharField(_("объект"), max_length=300, blank=True)
    changes = models.JSONField(_("изменения"), default=dict, blank=True)
    reason = models.TextField(_("причина"), blank=True)
    address = models.GenericIPAddressField(_("адрес"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("событие журнала аудита")
        verbose_name_plural = _("журнал аудита")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-at"], name="audit_org_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise RuntimeError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Audit events are append-only")
