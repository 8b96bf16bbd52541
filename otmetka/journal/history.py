"""Writing the journal's history: one append-only row per change, in the change's transaction."""

from __future__ import annotations

from typing import Any

from otmetka.journal.models import JournalHistory


def history_record(
    *,
    actor: Any,
    organization_id: int,
    workload_id: int,
    entity: str,
    action: str,
    entity_id: int | None,
    lesson_id: int | None = None,
    student_id: int | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    reason: str = "",
) -> JournalHistory:
    user = actor if getattr(actor, "pk", None) else None
    return JournalHistory.objects.create(
        organization_id=organization_id,
        actor=user,
        actor_name=user.display_name()[:200] if user is not None else "",
        workload_id=workload_id,
        lesson_ref=lesson_id,
        student_id=student_id,
        entity=entity,
        entity_id=entity_id,
        action=action,
        old=old or {},
        new=new or {},
        reason=reason[:500],
    )
