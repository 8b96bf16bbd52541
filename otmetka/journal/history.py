"""The journal's history: one append-only row per change, written in the change's transaction,
and read back as the fields it changed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from otmetka.journal.models import JournalHistory

# The fields a cell's history rows hold, in the order a reader wants them, with their names.
# A mark's slot is left out: it is the mark's place in the cell, not something anyone changes.
CELL_FIELDS: tuple[tuple[str, Promise], ...] = (
    ("value", _("отметка")),
    ("code", _("посещаемость")),
    ("work_kind", _("вид работы")),
    ("comment", _("комментарий")),
    ("note", _("примечание")),
)
EMPTY = "—"


@dataclass(frozen=True)
class FieldChange:
    """One field of a history row: its name, and its text before and after the change."""

    label: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.label}: {self.old} → {self.new}"


def work_kind_ids(rows: list[JournalHistory]) -> set[int]:
    """The ids of the work kinds the rows mention, before or after the change."""
    ids: set[int] = set()
    for row in rows:
        for state in (row.old, row.new):
            kind = state.get("work_kind")
            if isinstance(kind, int):
                ids.add(kind)
    return ids


def field_changes(row: JournalHistory, work_kinds: Mapping[int, str]) -> list[FieldChange]:
    """What the row changed, field by field, as «вид работы: Устный ответ → Контрольная работа».

    An update lists the fields whose value changed; a creation or deletion lists every field it
    wrote or removed. `work_kinds` maps the ids the row mentions to their names.
    """

    def text(state: dict[str, Any], name: str) -> str:
        value = state.get(name)
        if value is None or value == "":
            return EMPTY
        if name == "work_kind":
            return work_kinds.get(value, str(_("удалённый вид работы")))
        return str(value)

    changes = []
    for name, label in CELL_FIELDS:
        if name not in row.old and name not in row.new:
            continue
        old, new = text(row.old, name), text(row.new, name)
        if old != new:
            changes.append(FieldChange(str(label), old, new))
    return changes


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
