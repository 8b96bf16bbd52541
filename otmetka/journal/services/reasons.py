"""Reasons for absences, set weekly by the group's curator (Положение 4.5).

The teacher records «Н»; the curator turns it into Б, ОТ, УП, НП or ОСВ (or back to Н).
Lateness (ОП) is not an absence and keeps its code. The edit lock applies as to any change of
attendance.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from otmetka.academics.models import Group
from otmetka.accounts.permissions import ActiveRole
from otmetka.journal.history import history_record
from otmetka.journal.locks import lesson_guard
from otmetka.journal.models import ABSENCE_CODES, Attendance, AttendanceCode, JournalHistory
from otmetka.journal.permissions import can_set_attendance_reasons
from otmetka.lib.dates import week_monday
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.lib.text import bounded_text

REASON_CODES = (
    AttendanceCode.ABSENT,
    AttendanceCode.ILLNESS,
    AttendanceCode.BY_ORDER,
    AttendanceCode.EXCUSED,
    AttendanceCode.UNEXCUSED,
    AttendanceCode.EXEMPT,
)


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of the week containing `day`."""
    monday = week_monday(day)
    return monday, monday + dt.timedelta(days=6)


def _loaded(attendance_id: int) -> Attendance:
    return (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("lesson__workload__group__organization", "student__person")
        .get(pk=attendance_id)
    )


def _apply(*, actor: ActiveRole, attendance: Attendance, code: str, note: str) -> Attendance:
    workload = attendance.lesson.workload
    if workload.group.organization_id != actor.organization_id or not can_set_attendance_reasons(
        actor, workload
    ):
        raise NotAllowed(_("Причины пропусков указывает куратор группы %(group)s.") % {
            "group": workload.group
        })
    if code not in REASON_CODES:
        raise DomainError(
            _("Недопустимая причина «%(code)s». Возможны: %(allowed)s.")
            % {"code": code, "allowed": ", ".join(REASON_CODES)},
            field="code",
        )
    if attendance.code == AttendanceCode.LATE:
        raise DomainError(
            _("Опоздание (ОП) — не пропуск: причину для него не указывают."), field="code"
        )
    if attendance.code not in ABSENCE_CODES:
        raise DomainError(_("Это не пропуск занятия."), field="code")
    note = bounded_text(note, limit=300, field="note")
    if attendance.code == code and attendance.note == note:
        return attendance
    unlock_reason = lesson_guard(workload=workload, day=attendance.lesson.date, field="code")
    old = {"code": attendance.code, "note": attendance.note}
    attendance.code = code
    attendance.note = note
    attendance.version += 1
    attendance.updated_by = actor.user
    attendance.save(update_fields=["code", "note", "version", "updated_by", "updated_at"])
    history_record(
        actor=actor.user,
        organization_id=workload.group.organization_id,
        workload_id=workload.pk,
        entity=JournalHistory.Entity.ATTENDANCE,
        action=JournalHistory.Action.UPDATE,
        entity_id=attendance.pk,
        lesson_id=attendance.lesson_id,
        student_id=attendance.student_id,
        old=old,
        new={"code": code, "note": note},
        reason=unlock_reason,
    )
    return attendance


@transaction.atomic
def reason_set(
    *, actor: ActiveRole, attendance: Attendance, code: str, note: str = ""
) -> Attendance:
    """Set the reason of one absence (the curator of the student's group)."""
    return _apply(actor=actor, attendance=_loaded(attendance.pk), code=code, note=note)


@transaction.atomic
def reasons_week_set(
    *, actor: ActiveRole, group: Group, week_start: dt.date, changes: dict[int, str]
) -> int:
    """Set the reasons of a week's absences of the group at once, all or nothing.

    `changes` maps attendance ids to codes. Returns how many rows changed.
    """
    monday, sunday = week_of(week_start)
    if group.organization_id != actor.organization_id:
        raise NotAllowed(_("Группа не найдена."))
    rows = {
        row.pk: row
        for row in Attendance.objects.select_for_update(of=("self",))
        .select_related("lesson__workload__group__organization", "student__person")
        .filter(
            pk__in=list(changes),
            lesson__workload__group_id=group.pk,
            lesson__date__gte=monday,
            lesson__date__lte=sunday,
        )
    }
    if set(changes) - set(rows):
        raise DomainError(
            _("Часть пропусков не относится к группе %(group)s на этой неделе: обновите страницу.")
            % {"group": group}
        )
    changed = 0
    for attendance_id, code in changes.items():
        row = rows[attendance_id]
        if row.code == code:
            continue
        try:
            _apply(actor=actor, attendance=row, code=code, note=row.note)
        except DomainError as error:
            raise type(error)(
                _("%(date)s, %(student)s: %(message)s")
                % {
                    "date": f"{row.lesson.date:%d.%m.%Y}",
                    "student": row.student.person.full_name,
                    "message": error.message,
                },
                field=error.field,
            ) from error
        changed += 1
    return changed
