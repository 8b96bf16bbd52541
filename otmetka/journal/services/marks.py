"""Marks and attendance typed into a cell of the journal grid."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import partial

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from otmetka.academics.models import Membership, SubgroupMembership
from otmetka.accounts.models import User
from otmetka.accounts.permissions import ActiveRole
from otmetka.journal.history import history_record
from otmetka.journal.locks import lesson_guard
from otmetka.journal.models import (
    ABSENCE_CODES,
    Attendance,
    AttendanceCode,
    JournalHistory,
    Lesson,
    LessonType,
    Mark,
    MarkValue,
    WorkKind,
)
from otmetka.journal.permissions import can_edit_lesson
from otmetka.journal.selectors import cell_text
from otmetka.journal.services.work_kinds import work_kinds_ensure_defaults
from otmetka.journal.tasks import notify_cell_change
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.lib.text import FEMALE, MALE, bounded_text
from otmetka.people.models import Student

logger = logging.getLogger(__name__)

MAX_MARKS = 3
_SPACES = re.compile(r"\s+")
# What a teacher types for attendance, and how a stored code shows in the cell.
_TYPED_CODES = {"н": AttendanceCode.ABSENT, "оп": AttendanceCode.LATE}
_WORK_KIND_BY_LESSON_TYPE = {
    LessonType.PRACTICAL: "Практическая работа",
    LessonType.LABORATORY: "Лабораторная работа",
    LessonType.CONTROL: "Контрольная работа",
}
_DEFAULT_WORK_KIND = "Устный ответ"
# Latin letters that look like the Cyrillic ones a teacher means.
_LOOKALIKES = str.maketrans({"h": "н", "H": "н", "o": "о", "O": "о", "n": "п", "c": "с"})


@dataclass(frozen=True)
class ParsedCell:
    values: list[str] = field(default_factory=list)
    code: str | None = None


def cell_parse(text: str) -> ParsedCell:
    """`5`, `4/5`, `зч`, `н`, `оп`, empty → what the cell should hold; DomainError otherwise."""
    cleaned = _SPACES.sub(" ", (text or "").strip().lower()).replace("ё", "е")
    if not cleaned:
        return ParsedCell()
    if cleaned in _TYPED_CODES:
        return ParsedCell(code=_TYPED_CODES[cleaned])
    latin = cleaned.translate(_LOOKALIKES)
    if latin in _TYPED_CODES:
        return ParsedCell(code=_TYPED_CODES[latin])
    parts = [part.strip() for part in re.split(r"[/,; ]+", cleaned) if part.strip()]
    if len(parts) > MAX_MARKS:
        raise DomainError(
            _("В одной клетке не больше %(n)s отметок.") % {"n": MAX_MARKS}, field="value"
        )
    scale = set(MarkValue.values)
    for part in parts:
        if part in _TYPED_CODES:
            raise DomainError(
                _("Отсутствующему нельзя поставить отметку: либо «н», либо отметки."),
                field="value",
            )
        if part not in scale:
            raise DomainError(
                _("«%(value)s» — не отметка. Можно: 5, 4, 3, 2, зч, нз, н, оп, или 4/5.")
                % {"value": part},
                field="value",
            )
    return ParsedCell(values=parts)


@dataclass
class CellResult:
    text: str
    changed: bool
    marks: list[Mark] = field(default_factory=list)
    attendance: Attendance | None = None


def on_roll(lesson: Lesson, student: Student) -> bool:
    """Whether the student was in the journal's group (and subgroup) on the lesson's date."""
    workload = lesson.workload
    in_group = (
        Membership.objects.filter(group_id=workload.group_id, student_id=student.pk)
        .on_day(lesson.date)
        .exists()
    )
    if not in_group or workload.subgroup_id is None:
        return in_group
    return (
        SubgroupMembership.objects.filter(subgroup_id=workload.subgroup_id, student_id=student.pk)
        .on_day(lesson.date)
        .exists()
    )


def _work_kind(organization_id: int, lesson: Lesson, work_kind_id: int | None) -> WorkKind:
    kinds = WorkKind.objects.filter(organization_id=organization_id, is_active=True)
    if work_kind_id is not None:
        kind = kinds.filter(pk=work_kind_id).first()
        if kind is None:
            raise DomainError(_("Такого вида работы нет."), field="work_kind")
        return kind
    name = _WORK_KIND_BY_LESSON_TYPE.get(lesson.lesson_type, _DEFAULT_WORK_KIND)  # type: ignore[call-overload]
    wanted = [name, _DEFAULT_WORK_KIND]
    found = {kind.name: kind for kind in kinds.filter(name__in=wanted)}
    if not found and not WorkKind.objects.filter(organization_id=organization_id).exists():
        work_kinds_ensure_defaults(organization_id)
        found = {kind.name: kind for kind in kinds.filter(name__in=wanted)}
    kind = found.get(name) or found.get(_DEFAULT_WORK_KIND) or kinds.first()
    if kind is None:
        raise DomainError(_("В организации не настроены виды работ."), field="work_kind")
    return kind


def _mark_state(mark: Mark) -> dict[str, object]:
    return {"value": mark.value, "slot": mark.slot, "work_kind": mark.work_kind_id}


def _changed_by(marks: list[Mark], attendance: Attendance | None, value: str) -> str:
    """«Ячейку уже изменила Другова Дарья Олеговна: сейчас там 4», the verb agreeing with her."""
    rows: list[Mark | Attendance] = [*marks, *([attendance] if attendance else [])]
    latest = max(rows, key=lambda row: row.updated_at) if rows else None
    user = None
    if latest is not None and latest.updated_by_id is not None:
        user = User.objects.filter(pk=latest.updated_by_id).select_related("person").first()
    if user is None:
        return _("Ячейку уже изменил кто-то другой: сейчас там %(value)s") % {"value": value}
    person = getattr(user, "person", None)
    params = {"who": user.display_name(), "value": value}
    sex = person.grammatical_sex if person is not None else ""
    if sex == FEMALE:
        return _("Ячейку уже изменила %(who)s: сейчас там %(value)s") % params
    if sex == MALE:
        return _("Ячейку уже изменил %(who)s: сейчас там %(value)s") % params
    return _("Ячейку уже изменил(а) %(who)s: сейчас там %(value)s") % params


@transaction.atomic
def cell_save(
    *,
    actor: ActiveRole,
    lesson: Lesson,
    student: Student,
    text: str,
    work_kind_id: int | None = None,
    expected: str | None = None,
) -> CellResult:
    """Save what the teacher typed into the cell (lesson × student), with history rows.

    `expected` is the cell's text as the page showed it; when the cell has changed since, the
    save is refused with the current value, so that nobody's input is lost silently.
    """
    workload = lesson.workload
    organization_id = workload.group.organization_id
    if organization_id != actor.organization_id or not can_edit_lesson(actor, lesson):
        raise NotAllowed(_("Заполнять этот журнал вы не можете."))
    if lesson.date > local_today(workload.group.organization.timezone):
        raise DomainError(_("Занятие ещё не наступило: отметки ставить рано."), field="value")
    # Saves into one lesson take turns on its row, which exists, before reading the cell's
    # marks: under READ COMMITTED a mark another save is inserting would not be seen, and two
    # saves against the same version could both succeed.
    list(Lesson.objects.select_for_update().filter(pk=lesson.pk).order_by().values_list("pk"))
    reason = lesson_guard(workload=workload, day=lesson.date)
    if not on_roll(lesson, student):
        raise DomainError(
            _("%(name)s не в списке группы на %(date)s.")
            % {"name": student.person.full_name, "date": lesson.date.strftime("%d.%m.%Y")},
            field="value",
        )
    marks = list(
        Mark.objects.select_for_update()
        .filter(lesson_id=lesson.pk, student_id=student.pk)
        .order_by("slot")
    )
    attendance = (
        Attendance.objects.select_for_update()
        .filter(lesson_id=lesson.pk, student_id=student.pk)
        .first()
    )
    current_code = attendance.code if attendance is not None else None
    current = cell_text([mark.value for mark in marks], current_code)
    if expected is not None and expected.strip() != current:
        raise DomainError(
            _changed_by(marks, attendance, current or "—"),
            field="value",
        )
    if _SPACES.sub(" ", (text or "").strip().lower()) == current:
        return CellResult(text=current, changed=False, marks=marks, attendance=attendance)
    parsed = cell_parse(text)
    target_code = parsed.code
    # «н» over a reason the curator has set keeps the reason.
    if target_code == AttendanceCode.ABSENT and current_code in ABSENCE_CODES:
        target_code = current_code
    changed = False
    # What the student and their parents hear about: marks put or corrected, attendance set.
    noticed_marks: list[int] = []
    corrected = False
    noticed_code: str | None = None

    def record(entity: str, action: str, entity_id: int, old: dict, new: dict) -> None:
        history_record(
            actor=actor.user,
            organization_id=organization_id,
            workload_id=workload.pk,
            entity=entity,
            action=action,
            entity_id=entity_id,
            lesson_id=lesson.pk,
            student_id=student.pk,
            old=old,
            new=new,
            reason=reason,
        )

    try:
        with transaction.atomic():
            by_slot = {mark.slot: mark for mark in marks}
            kind: WorkKind | None = None
            result_marks: list[Mark] = []
            for slot in range(1, MAX_MARKS + 1):
                existing = by_slot.get(slot)
                value = parsed.values[slot - 1] if slot <= len(parsed.values) else None
                if value is None:
                    if existing is not None:
                        old = _mark_state(existing)
                        existing_id = existing.pk
                        existing.delete()
                        record(JournalHistory.Entity.MARK, "delete", existing_id, old, {})
                        changed = True
                    continue
                if existing is None:
                    kind = kind or _work_kind(organization_id, lesson, work_kind_id)
                    mark = Mark.objects.create(
                        lesson=lesson,
                        student=student,
                        slot=slot,
                        value=value,
                        work_kind=kind,
                        updated_by=actor.user,
                    )
                    record(JournalHistory.Entity.MARK, "create", mark.pk, {}, _mark_state(mark))
                    changed = True
                    noticed_marks.append(mark.pk)
                    result_marks.append(mark)
                    continue
                new_kind = work_kind_id if work_kind_id is not None else existing.work_kind_id
                if existing.value != value or existing.work_kind_id != new_kind:
                    if existing.value != value:
                        noticed_marks.append(existing.pk)
                        corrected = True
                    if work_kind_id is not None:
                        _work_kind(organization_id, lesson, work_kind_id)
                    old = _mark_state(existing)
                    existing.value = value
                    existing.work_kind_id = new_kind
                    existing.version += 1
                    existing.updated_by = actor.user
                    existing.save()
                    record(
                        JournalHistory.Entity.MARK,
                        "update",
                        existing.pk,
                        old,
                        _mark_state(existing),
                    )
                    changed = True
                result_marks.append(existing)
            if target_code != current_code:
                if attendance is not None and target_code is None:
                    old_code = {"code": attendance.code}
                    attendance_id = attendance.pk
                    attendance.delete()
                    attendance = None
                    record(JournalHistory.Entity.ATTENDANCE, "delete", attendance_id, old_code, {})
                elif attendance is None and target_code is not None:
                    attendance = Attendance.objects.create(
                        lesson=lesson, student=student, code=target_code, updated_by=actor.user
                    )
                    record(
                        JournalHistory.Entity.ATTENDANCE,
                        "create",
                        attendance.pk,
                        {},
                        {"code": target_code},
                    )
                    noticed_code = target_code
                elif attendance is not None and target_code is not None:
                    old_code = {"code": attendance.code}
                    attendance.code = target_code
                    attendance.version += 1
                    attendance.updated_by = actor.user
                    attendance.save()
                    record(
                        JournalHistory.Entity.ATTENDANCE,
                        "update",
                        attendance.pk,
                        old_code,
                        {"code": target_code},
                    )
                    noticed_code = target_code
                changed = True
    except IntegrityError as error:
        raise DomainError(
            _("Ячейку одновременно изменил другой пользователь: обновите страницу."),
            field="value",
        ) from error
    if noticed_marks or noticed_code is not None:
        transaction.on_commit(
            partial(
                _cell_notice_enqueue,
                lesson_id=lesson.pk,
                student_id=student.pk,
                mark_ids=noticed_marks,
                corrected=corrected,
                attendance_code=noticed_code,
            )
        )
    final_code = attendance.code if attendance is not None else None
    return CellResult(
        text=cell_text([mark.value for mark in result_marks], final_code),
        changed=changed,
        marks=result_marks,
        attendance=attendance,
    )


def _cell_notice_enqueue(
    *,
    lesson_id: int,
    student_id: int,
    mark_ids: list[int],
    corrected: bool,
    attendance_code: str | None,
) -> None:
    """Queue the notice to the student and parents: one INSERT; recipients resolved later."""
    try:
        notify_cell_change.enqueue(
            lesson_id=lesson_id,
            student_id=student_id,
            mark_ids=mark_ids,
            corrected=corrected,
            attendance_code=attendance_code,
        )
    except Exception:  # the mark is saved and committed; a lost notice must not fail the save
        logger.exception(
            "Could not queue the notice of lesson %s, student %s", lesson_id, student_id
        )


@transaction.atomic
def mark_update(
    *, actor: ActiveRole, mark: Mark, work_kind_id: int | None = None, comment: str | None = None
) -> Mark:
    """Change a mark's work kind or the comment the student sees."""
    lesson = mark.lesson
    workload = lesson.workload
    organization_id = workload.group.organization_id
    if organization_id != actor.organization_id or not can_edit_lesson(actor, lesson):
        raise NotAllowed(_("Заполнять этот журнал вы не можете."))
    reason = lesson_guard(workload=workload, day=lesson.date)
    old = {"work_kind": mark.work_kind_id, "comment": mark.comment}
    if work_kind_id is not None and work_kind_id != mark.work_kind_id:
        mark.work_kind = _work_kind(organization_id, lesson, work_kind_id)
    if comment is not None:
        mark.comment = bounded_text(comment, limit=500, field="comment")
    new = {"work_kind": mark.work_kind_id, "comment": mark.comment}
    if new == old:
        return mark
    mark.version += 1
    mark.updated_by = actor.user
    mark.save()
    history_record(
        actor=actor.user,
        organization_id=organization_id,
        workload_id=workload.pk,
        entity=JournalHistory.Entity.MARK,
        action=JournalHistory.Action.UPDATE,
        entity_id=mark.pk,
        lesson_id=lesson.pk,
        student_id=mark.student_id,
        old=old,
        new=new,
        reason=reason,
    )
    return mark
