"""History is a legal record: no code path, and on PostgreSQL no SQL, can change or delete it."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from otmetka.audit.models import AuditEvent
from otmetka.audit.services import audit_change, snapshot
from otmetka.test import World


def test_audit_change_records_old_and_new(world: World) -> None:
    group = world.college.group
    before = snapshot(group, ["name", "intake_year"])
    group.name = "ИС-31"
    group.intake_year = 2024
    group.save()
    event = audit_change(
        actor=world.user("head"),
        instance=group,
        before=before,
        organization_id=world.org.pk,
        fields=["name", "intake_year"],
    )
    assert event is not None
    assert event.changes == {"name": ["ИС-21", "ИС-31"], "intake_year": [2025, 2024]}
    assert event.actor_name == "Заведующая Ирина Юрьевна"


def test_nothing_changed_writes_nothing(world: World) -> None:
    group = world.college.group
    before = snapshot(group, ["name"])
    assert (
        audit_change(
            actor=None, instance=group, before=before, organization_id=world.org.pk, fields=["name"]
        )
        is None
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_database_refuses_update_and_delete(world: World) -> None:
    AuditEvent.objects.create(action=AuditEvent.Action.LOGIN, organization=world.org)
    for sql in ("UPDATE audit_auditevent SET reason = 'x'", "DELETE FROM audit_auditevent"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.filter(reason="").exists()
