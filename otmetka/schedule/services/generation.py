"""Lessons from the timetable: the journal's planned lessons follow the effective timetable.

Each run compares the pairs the timetable (with its changes) wants on each day with the
timetable lessons that exist, matched by (workload, date, pair): missing ones are planned
through the journal's `lessons_plan`, those no longer wanted are removed through
`lessons_unplan` (a lesson holding marks, attendance, a topic or homework is kept and
reported), cancelled pairs cancel their lesson. Manual lessons are never touched; a manual
lesson on the same pair counts as the wanted one. A second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from otmetka.accounts.permissions import ActiveRole
from otmetka.journal.models import Lesson
from otmetka.journal.services.lessons import (
    PlannedLessonRow,
    lessons_plan,
    lessons_set_rooms,
    lessons_unplan,
    substitution_set,
)
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.people.models import Employee
from otmetka.schedule.permissions import can_edit_timetable
from otmetka.schedule.selectors import Slot, range_slots

BATCH_DAYS = 28  # the timetable and lessons are read a batch of days at a time
MAX_DAYS = 400

Key = tuple[int, dt.date, int]


@dataclass
class GenerationReport:
    date_from: dt.date
    date_to: dt.date
    dry_run: bool = False
    created: int = 0
    removed: int = 0
    cancelled: int = 0
    substituted: int = 0
    rooms: int = 0  # planned lessons that followed the timetable to another room
    kept: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.created or self.removed or self.cancelled or self.substituted or self.rooms
        )


class _DryRun(Exception):
    """Raised inside the transaction of a dry run so that nothing is written."""


def _batches(date_from: dt.date, date_to: dt.date) -> Iterable[tuple[dt.date, dt.date]]:
    start = date_from
    while start <= date_to:
        end = min(date_to, start + dt.timedelta(days=BATCH_DAYS - 1))
        yield start, end
        start = end + dt.timedelta(days=1)


def lessons_generate(
    *,
    actor: ActiveRole,
    organization_id: int,
    date_from: dt.date,
    date_to: dt.date,
    group_ids: Iterable[int] | None = None,
    dry_run: bool = False,
) -> GenerationReport:
    """Bring the planned lessons of date_from..date_to in line with the effective timetable.

    Each batch of days costs a fixed number of queries (the timetable, the lessons, then the
    bulk writes of the journal's services), whatever the size of the college. With `dry_run`
    everything is computed and counted, then rolled back.
    """
    if not can_edit_timetable(actor) or actor.organization_id != organization_id:
        raise NotAllowed(_("Создавать занятия по расписанию вы не можете."))
    if date_to < date_from:
        raise DomainError(_("Дата окончания раньше даты начала."), field="date_to")
    if (date_to - date_from).days + 1 > MAX_DAYS:
        raise DomainError(
            _("Слишком длинный период: не больше %(days)s дней.") % {"days": MAX_DAYS},
            field="date_to",
        )
    groups = sorted(set(group_ids)) if group_ids is not None else None
    report = GenerationReport(date_from=date_from, date_to=date_to, dry_run=dry_run)
    try:
        with transaction.atomic():
            for start, end in _batches(date_from, date_to):
                _generate_batch(actor, organization_id, start, end, groups, report)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _generate_batch(
    actor: ActiveRole,
    organization_id: int,
    date_from: dt.date,
    date_to: dt.date,
    group_ids: list[int] | None,
    report: GenerationReport,
) -> None:
    slots = range_slots(
        organization_id, date_from, date_to, group_ids=group_ids, include_cancelled=True
    )
    wanted: dict[Key, Slot] = {}
    cancelled: set[Key] = set()
    for slot in slots:
        key = (slot.workload_id, slot.date, slot.pair_number)
        if slot.is_cancelled:
            cancelled.add(key)
        else:
            wanted[key] = slot
    cancelled -= set(wanted)  # a pair cancelled and then refilled by another change
    lessons = Lesson.objects.filter(
        workload__group__organization_id=organization_id,
        date__gte=date_from,
        date__lte=date_to,
        pair_number__isnull=False,
    )
    if group_ids is not None:
        lessons = lessons.filter(workload__group_id__in=group_ids)
    existing: dict[Key, tuple[int, str, str, int, int | None]] = {
        (workload_id, date, pair or 0): (pk, source, status, teacher_id, room_id)
        for pk, workload_id, date, pair, source, status, teacher_id, room_id in (
            lessons.values_list(
                "pk",
                "workload_id",
                "date",
                "pair_number",
                "source",
                "status",
                "teacher_id",
                "room_id",
            )
        )
    }
    to_plan: list[PlannedLessonRow] = []
    to_replace: list[tuple[int, Slot]] = []
    moved_rooms: dict[int, int | None] = {}
    for key, slot in wanted.items():
        found = existing.get(key)
        if found is None:
            to_plan.append(
                PlannedLessonRow(
                    workload_id=slot.workload_id,
                    date=slot.date,
                    pair_number=slot.pair_number,
                    teacher_id=slot.teacher_id,
                    absent_teacher_id=slot.original_teacher_id,
                    reason=slot.change_reason,
                    room_id=slot.room_id,
                )
            )
            continue
        pk, source, status, teacher_id, room_id = found
        if source == Lesson.Source.TIMETABLE and status == Lesson.Status.PLANNED:
            if room_id != slot.room_id:
                moved_rooms[pk] = slot.room_id  # the timetable or a change moved the room
        if (
            source == Lesson.Source.TIMETABLE
            and status == Lesson.Status.PLANNED
            and slot.original_teacher_id is not None
            and teacher_id != slot.teacher_id
        ):
            to_replace.append((pk, slot))
    to_remove: list[int] = []
    to_cancel: list[int] = []
    for key, (pk, source, status, _teacher_id, _room_id) in existing.items():
        if source != Lesson.Source.TIMETABLE or key in wanted:
            continue
        if key in cancelled:
            if status != Lesson.Status.CANCELLED:
                to_cancel.append(pk)
        else:
            to_remove.append(pk)
    if to_remove:
        kept = lessons_unplan(actor=actor, lesson_ids=to_remove)
        report.kept.extend(kept)
        report.removed += len(to_remove) - len(kept)
    if to_cancel:
        kept = lessons_unplan(actor=actor, lesson_ids=to_cancel, cancel=True)
        report.kept.extend(kept)
        report.cancelled += len(to_cancel) - len(kept)
    if to_plan:
        outcome = lessons_plan(actor=actor, rows=to_plan)
        report.created += len(outcome.created)
        report.refused.extend(outcome.refused)
    if to_replace:
        _apply_replacements(actor, to_replace, report)
    if moved_rooms:
        report.rooms += lessons_set_rooms(actor=actor, rooms=moved_rooms)


def _apply_replacements(
    actor: ActiveRole, pending: list[tuple[int, Slot]], report: GenerationReport
) -> None:
    """Substitutions decided after the lesson was planned (rare: a few per day)."""
    lessons = Lesson.objects.select_related("workload__group__organization").in_bulk(
        [pk for pk, _ in pending]
    )
    teacher_ids = {slot.teacher_id for _pk, slot in pending}
    teacher_ids |= {slot.original_teacher_id for _pk, slot in pending if slot.original_teacher_id}
    teachers = Employee.objects.select_related("person").in_bulk(teacher_ids)
    for pk, slot in pending:
        lesson = lessons.get(pk)
        substitute = teachers.get(slot.teacher_id)
        absent = teachers.get(slot.original_teacher_id or 0)
        if lesson is None or substitute is None or absent is None:
            continue
        try:
            substitution_set(
                actor=actor,
                lesson=lesson,
                absent_teacher=absent,
                substitute=substitute,
                reason=slot.change_reason or _("Замена по расписанию"),
            )
        except DomainError as refusal:  # a locked lesson keeps who conducted it
            report.refused.append(
                _("Замена %(date)s, %(pair)s пара: %(reason)s")
                % {"date": lesson.date.strftime("%d.%m.%Y"), "pair": slot.pair_number,
                   "reason": refusal.message}
            )
            continue
        report.substituted += 1
