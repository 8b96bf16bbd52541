"""Writing the audit log; every service that changes a record calls these in its transaction."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

from django.db import models

from otmetka.audit.models import AuditEvent


def _plain(value: Any) -> Any:
    """A JSON-safe representation of a field value for the change record."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(item) for item in value]
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Values of `fields` as they are now, to diff after the change."""
    result: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        assert isinstance(field, models.Field)
        if field.many_to_many:
            result[name] = (
                sorted(str(obj) for obj in getattr(instance, name).all()) if instance.pk else []
            )
        elif field.is_relation:
            related_id = getattr(instance, field.attname)
            result[name] = str(getattr(instance, name)) if related_id is not None else None
        else:
            result[name] = _plain(getattr(instance, name))
    return result


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def audit_record(
    *,
    actor: Any,
    action: str,
    organization_id: int | None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    reason: str = "",
    address: str | None = None,
) -> AuditEvent:
    """Append one event. Call inside the transaction of the change it records."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    actor_obj = actor if getattr(actor, "pk", None) else None
    return AuditEvent.objects.create(
        organization_id=organization_id,
        actor=actor_obj,
        actor_name=actor_obj.display_name()[:200] if actor_obj is not None else "",
        actor_role=getattr(actor_obj, "active_role_code", "") or "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        changes=changes or {},
        reason=reason,
        address=address,
    )


def audit_change(
    *,
    actor: Any,
    instance: models.Model,
    before: dict[str, Any] | None,
    organization_id: int | None,
    fields: Iterable[str],
    reason: str = "",
) -> AuditEvent | None:
    """Record a create (before is None) or an update (only when something changed)."""
    after = snapshot(instance, fields)
    if before is None:
        changes = {
            name: [None, value] for name, value in after.items() if value not in (None, "", [])
        }
        action = AuditEvent.Action.CREATE
    else:
        changes = diff(before, after)
        if not changes:
            return None
        action = AuditEvent.Action.UPDATE
    return audit_record(
        actor=actor,
        action=action,
        organization_id=organization_id,
        obj=instance,
        changes=changes,
        reason=reason,
    )


def audit_delete(
    *,
    actor: Any,
    instance: models.Model,
    organization_id: int | None,
    fields: Iterable[str],
    reason: str = "",
) -> AuditEvent:
    before = snapshot(instance, fields)
    return audit_record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        organization_id=organization_id,
        obj=instance,
        changes={
            name: [value, None] for name, value in before.items() if value not in (None, "", [])
        },
        reason=reason,
    )
