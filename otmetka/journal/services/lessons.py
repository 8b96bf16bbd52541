"""Lessons: the one dated row of a journal — creation, fields, substitutions, homework files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from otmetka.academics.models import Workload
from otmetka.accounts.permissions import ActiveRole
from otmetka.audit.services import audit_delete, audit_record
from otmetka.journal.history import history_record
from otmetka.journal.locks import LessonLocks, lesson_guard, lesson_locks
from otmetka.journal.models import (
    Attendance,
    HomeworkAttachment,
    JournalHistory,
    Lesson,
    LessonType,
    Mark,
    PlannedTopic,
    Substitution,
)
from otmetka.journal.permissions import can_edit_journal, can_edit_lesson
from otmetka.journal.selectors import next_unused_topic
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.lib.text import bounded_text
from otmetka.lib.uploads import upload_check
from otmetka.org.models import Period, Room
from otmetka.people.models import Employee

LESSON_FIELDS = ("topic", "topic_text", "homework", "lesson_type", "hours", "pair_number")


def _lesson_state(lesson: Lesson) -> dict[str, Any]:
    return {
        "date": lesson.date.isoformat(),
        "pair_number": lesson.pair_number,
        "hours": lesson.hours,
        "lesson_type": lesson.lesson_type,
        "topic": lesson.topic_id,
        "topic_text": lesson.topic_text,
        "homework": lesson.homework,
        "teacher": lesson.teacher_id,
    }


def _organization_id(workload: Workload) -> int:
    return workload.group.organization_id


def _check_scope(actor: ActiveRole, workload: Workload) -> None:
    if _organization_id(workload) != actor.organization_id:
        raise NotAllowed(_("Этот журнал недоступен."))


def _locks_of(lessons: Sequence[Lesson]) -> LessonLocks:
    """The locks of these lessons (their workloads come with the group's organization)."""
    if not lessons:
        return lesson_locks([], dt.date.min, dt.date.min)
    return lesson_locks(
        {lesson.workload_id: lesson.workload for lesson in lessons}.values(),
        min(lesson.date for lesson in lessons),
        max(lesson.date for lesson in lessons),
    )


def _calendar_refusal(kinds: set[str], year: object) -> str:
    """Why a lesson cannot be on a day whose periods are of these kinds ("" when it can)."""
    if Period.Kind.HOLIDAYS in kinds:
        return _("Эта дата приходится на каникулы.")
    if Period.Kind.SEMESTER not in kinds:
        return _("Дата вне семестров учебного года %(year)s.") % {"year": year}
    return ""


def _pair_clash_message(day: dt.date, pair_number: int) -> str:
    return _("На %(date)s уже есть занятие на %(pair)s-й паре.") % {
        "date": day.strftime("%d.%m.%Y"),
        "pair": pair_number,
    }


def _check_date(workload: Workload, day: dt.date) -> None:
    today = local_today(workload.group.organization.timezone)
    if day > today:
        raise DomainError(_("Занятие не может быть в будущем."), field="date")
    periods = Period.objects.filter(academic_year_id=workload.academic_year_id).on_day(day)
    refusal = _calendar_refusal(set(periods.values_list("kind", flat=True)), workload.academic_year)
    if refusal:
        raise DomainError(refusal, field="date")


def _check_topic(workload: Workload, topic: PlannedTopic | None) -> None:
    if topic is not None and topic.plan.workload_id != workload.pk:
        raise DomainError(_("Эта тема не из КТП этого журнала."), field="topic")


def _check_pair(
    workload: Workload, day: dt.date, pair_number: int | None, exclude: int | None = None
) -> None:
    if pair_number is None:
        return
    if not 1 <= pair_number <= 12:
        raise DomainError(_("Номер пары — от 1 до 12."), field="pair_number")
    clash = Lesson.objects.filter(workload_id=workload.pk, date=day, pair_number=pair_number)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise DomainError(_pair_clash_message(day, pair_number), field="pair_number")


def _check_hours(hours: int) -> None:
    if not 1 <= hours <= 12:
        raise DomainError(_("Часов — от 1 до 12."), field="hours")


@transaction.atomic
def lesson_create(
    *,
    actor: ActiveRole,
    workload: Workload,
    date: dt.date,
    pair_number: int | None = None,
    hours: int = 2,
    lesson_type: str | None = None,
    topic: PlannedTopic | None = None,
    topic_text: str = "",
    homework: str = "",
    teacher: Employee | None = None,
    source: str = Lesson.Source.MANUAL,
) -> Lesson:
    """Add a lesson to a journal: the one way lessons come to exist (by hand or from timetable)."""
    _check_scope(actor, workload)
    if not (can_edit_journal(actor, workload) or actor.has("timetable.edit")):
        raise NotAllowed(_("Добавлять занятия в этот журнал вы не можете."))
    _check_date(workload, date)
    reason = lesson_guard(workload=workload, day=date)
    _check_pair(workload, date, pair_number)
    _check_hours(hours)
    _check_topic(workload, topic)
    topic_text = bounded_text(topic_text, limit=500, field="topic_text")
    if topic is None and not topic_text and source == Lesson.Source.MANUAL:
        topic = next_unused_topic(workload)
    if teacher is None:
        teacher = workload.teacher
    elif teacher.person.organization_id != actor.organization_id:
        raise DomainError(_("Преподаватель не из этой организации."), field="teacher")
    if topic is not None:
        topic_text = topic_text.strip() or topic.title
        lesson_type = lesson_type or topic.lesson_type
        homework = homework.strip() or topic.homework
    if lesson_type not in LessonType.values:
        lesson_type = LessonType.THEORY
    lesson = Lesson.objects.create(
        workload=workload,
        date=date,
        pair_number=pair_number,
        hours=hours,
        lesson_type=lesson_type,
        topic=topic,
        topic_text=topic_text,
        homework=homework.strip(),
        teacher=teacher,
        source=source,
        filled_at=timezone.now() if (topic_text.strip() or homework.strip()) else None,
        created_by=actor.user,
    )
    history_record(
        actor=actor.user,
        organization_id=_organization_id(workload),
        workload_id=workload.pk,
        entity=JournalHistory.Entity.LESSON,
        action=JournalHistory.Action.CREATE,
        entity_id=lesson.pk,
        lesson_id=lesson.pk,
        new=_lesson_state(lesson),
        reason=reason,
    )
    return lesson


@transaction.atomic
def lesson_update(*, actor: ActiveRole, lesson: Lesson, **fields: Any) -> Lesson:
    """Change a lesson's topic, homework, type, hours or pair; one history row for the change."""
    unknown = set(fields) - set(LESSON_FIELDS)
    if unknown:
        raise TypeError(f"lesson_update: unknown fields {sorted(unknown)}")
    workload = lesson.workload
    _check_scope(actor, workload)
    if not can_edit_lesson(actor, lesson):
        raise NotAllowed(_("Изменять это занятие вы не можете."))
    reason = lesson_guard(workload=workload, day=lesson.date)
    if "topic" in fields:
        _check_topic(workload, fields["topic"])
    if "hours" in fields:
        _check_hours(int(fields["hours"]))
    if "pair_number" in fields:
        _check_pair(workload, lesson.date, fields["pair_number"], exclude=lesson.pk)
    if "lesson_type" in fields and fields["lesson_type"] not in LessonType.values:
        raise DomainError(_("Неизвестный вид занятия."), field="lesson_type")
    if "topic_text" in fields:
        fields["topic_text"] = bounded_text(fields["topic_text"], limit=500, field="topic_text")
    before = _lesson_state(lesson)
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(lesson, name, value)
    if lesson.topic is not None and not lesson.topic_text:
        lesson.topic_text = lesson.topic.title
    after = _lesson_state(lesson)
    changed = {name for name in after if after[name] != before[name]}
    if not changed:
        return lesson
    if lesson.filled_at is None and (lesson.topic_text or lesson.homework):
        lesson.filled_at = timezone.now()
    lesson.save()
    history_record(
        actor=actor.user,
        organization_id=_organization_id(workload),
        workload_id=workload.pk,
        entity=JournalHistory.Entity.LESSON,
        action=JournalHistory.Action.UPDATE,
        entity_id=lesson.pk,
        lesson_id=lesson.pk,
        old={name: before[name] for name in sorted(changed)},
        new={name: after[name] for name in sorted(changed)},
        reason=reason,
    )
    return lesson


@transaction.atomic
def lesson_delete(*, actor: ActiveRole, lesson: Lesson) -> None:
    """Remove a lesson added by mistake; refused while it carries marks or attendance."""
    workload = lesson.workload
    _check_scope(actor, workload)
    if not can_edit_journal(actor, workload):
        raise NotAllowed(_("Удалять занятия этого журнала вы не можете."))
    reason = lesson_guard(workload=workload, day=lesson.date)
    if lesson.marks.exists() or lesson.attendance.exists():
        raise DomainError(
            _("У занятия есть отметки или пропуски: сначала очистите их, потом удаляйте занятие.")
        )
    state = _lesson_state(lesson)
    lesson_id = lesson.pk
    files = [attachment.file for attachment in lesson.attachments.all()]
    lesson.delete()
    history_record(
        actor=actor.user,
        organization_id=_organization_id(workload),
        workload_id=workload.pk,
        entity=JournalHistory.Entity.LESSON,
        action=JournalHistory.Action.DELETE,
        entity_id=lesson_id,
        lesson_id=lesson_id,
        old=state,
        reason=reason,
    )
    for stored in files:
        transaction.on_commit(partial(stored.storage.delete, stored.name))


def can_set_substitution(actor: ActiveRole) -> bool:
    return actor.has_any("timetable.edit", "journal.edit_all")


@transaction.atomic
def substitution_set(
    *,
    actor: ActiveRole,
    lesson: Lesson,
    absent_teacher: Employee,
    substitute: Employee,
    reason: str,
) -> Substitution:
    """Record who replaced whom; the substitute keeps this lesson's journal and its hours."""
    workload = lesson.workload
    _check_scope(actor, workload)
    if not can_set_substitution(actor):
        raise NotAllowed(_("Оформлять замещения вы не можете."))
    for employee in (absent_teacher, substitute):
        if employee.person.organization_id != actor.organization_id:
            raise DomainError(_("Преподаватель не из этой организации."), field="substitute")
    if absent_teacher.pk == substitute.pk:
        raise DomainError(
            _("Замещающий и отсутствующий — один и тот же человек."), field="substitute"
        )
    reason = bounded_text(reason, limit=300, field="reason")
    if not reason:
        raise DomainError(_("Укажите причину замещения."), field="reason")
    # Who conducted a lesson is part of the record (and of the hours delivered): it is locked
    # with the rest of the lesson.
    unlock_reason = lesson_guard(workload=workload, day=lesson.date)
    before = _lesson_state(lesson)
    substitution, _created = Substitution.objects.update_or_create(
        lesson=lesson,
        defaults={
            "absent_teacher": absent_teacher,
            "substitute": substitute,
            "reason": reason,
            "created_by": actor.user,
        },
    )
    lesson.teacher = substitute
    lesson.save(update_fields=["teacher", "updated_at"])
    history_record(
        actor=actor.user,
        organization_id=_organization_id(workload),
        workload_id=workload.pk,
        entity=JournalHistory.Entity.LESSON,
        action=JournalHistory.Action.UPDATE,
        entity_id=lesson.pk,
        lesson_id=lesson.pk,
        old={"teacher": before["teacher"]},
        new={"teacher": substitute.pk, "absent_teacher": absent_teacher.pk},
        reason="; ".join(part for part in (reason, unlock_reason) if part),
    )
    audit_record(
        actor=actor.user,
        action="update",
        organization_id=actor.organization_id,
        obj=substitution,
        changes={"substitute": [str(absent_teacher), str(substitute)]},
        reason=reason,
    )
    return substitution


@transaction.atomic
def substitution_remove(*, actor: ActiveRole, lesson: Lesson, reason: str) -> None:
    """Undo a substitution: the journal's own teacher keeps the lesson (and its hours) again."""
    workload = lesson.workload
    _check_scope(actor, workload)
    if not can_set_substitution(actor):
        raise NotAllowed(_("Оформлять замещения вы не можете."))
    substitution = Substitution.objects.filter(lesson=lesson).first()
    if substitution is None:
        return
    unlock_reason = lesson_guard(workload=workload, day=lesson.date)
    substitute_id = lesson.teacher_id
    lesson.teacher_id = substitution.absent_teacher_id
    lesson.save(update_fields=["teacher", "updated_at"])
    history_record(
        actor=actor.user,
        organization_id=_organization_id(workload),
        workload_id=workload.pk,
        entity=JournalHistory.Entity.LESSON,
        action=JournalHistory.Action.UPDATE,
        entity_id=lesson.pk,
        lesson_id=lesson.pk,
        old={"teacher": substitute_id},
        new={"teacher": substitution.absent_teacher_id},
        reason="; ".join(part for part in (reason, unlock_reason) if part),
    )
    audit_delete(
        actor=actor.user,
        instance=substitution,
        organization_id=actor.organization_id,
        fields=["absent_teacher", "substitute", "reason"],
        reason=reason,
    )
    substitution.delete()


@transaction.atomic
def lessons_restore_planned(*, actor: ActiveRole, lesson_ids: Iterable[int], reason: str) -> int:
    """Put cancelled timetable lessons back to planned (their cancellation was withdrawn).

    All or nothing: a locked lesson refuses the whole call.
    """
    if not actor.has("timetable.edit"):
        raise NotAllowed(_("Планировать занятия по расписанию вы не можете."))
    lessons = list(
        Lesson.objects.filter(
            pk__in=list(lesson_ids),
            workload__group__organization_id=actor.organization_id,
            source=Lesson.Source.TIMETABLE,
            status=Lesson.Status.CANCELLED,
        ).select_related("workload__group__organization")
    )
    locks = _locks_of(lessons)
    for lesson in lessons:
        locks.guard(lesson.workload, lesson.date)
    for lesson in lessons:
        lesson.status = Lesson.Status.PLANNED
        lesson.save(update_fields=["status", "updated_at"])
        history_record(
            actor=actor.user,
            organization_id=lesson.workload.group.organization_id,
            workload_id=lesson.workload_id,
            entity=JournalHistory.Entity.LESSON,
            action=JournalHistory.Action.UPDATE,
            entity_id=lesson.pk,
            lesson_id=lesson.pk,
            old={"status": Lesson.Status.CANCELLED},
            new={"status": Lesson.Status.PLANNED},
            reason=reason,
        )
    return len(lessons)


@transaction.atomic
def lessons_set_rooms(*, actor: ActiveRole, rooms: dict[int, int | None]) -> int:
    """Give planned timetable lessons (id → room id) the room the timetable now says.

    Only lessons still planned from the timetable follow it: a held or manual lesson keeps the
    room it had, and so does a locked one. A fixed number of queries whatever the number of
    lessons: the rooms, the lessons, the locks, one bulk update.
    """
    if not actor.has("timetable.edit"):
        raise NotAllowed(_("Планировать занятия по расписанию вы не можете."))
    if not rooms:
        return 0
    room_ids = {room_id for room_id in rooms.values() if room_id is not None}
    if room_ids and Room.objects.filter(
        pk__in=room_ids, organization_id=actor.organization_id
    ).count() != len(room_ids):
        raise DomainError(_("Кабинет не из этой организации."), field="room")
    moving = [
        lesson
        for lesson in Lesson.objects.filter(
            pk__in=list(rooms),
            workload__group__organization_id=actor.organization_id,
            source=Lesson.Source.TIMETABLE,
            status=Lesson.Status.PLANNED,
        ).select_related("workload__group__organization")
        if lesson.room_id != rooms[lesson.pk]
    ]
    locks = _locks_of(moving)
    lessons = [lesson for lesson in moving if not locks.refusal(lesson.workload, lesson.date)]
    for lesson in lessons:
        lesson.room_id = rooms[lesson.pk]
    if lessons:
        Lesson.objects.bulk_update(lessons, ["room"])
    return len(lessons)


@dataclass(frozen=True)
class PlannedLessonRow:
    """A lesson the timetable wants: journal, date, pair; a substitute when a change says so."""

    workload_id: int
    date: dt.date
    pair_number: int
    teacher_id: int | None = None  # None: the workload's teacher
    absent_teacher_id: int | None = None  # set when `teacher_id` substitutes for someone
    reason: str = ""
    room_id: int | None = None  # the timetable's room (or a moved or extra pair's room)


@dataclass
class PlanOutcome:
    created: list[Lesson] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def _row_label(workload: Workload, day: dt.date, pair_number: int | None) -> str:
    label = _("Занятие %(date)s, %(pair)s пара, %(group)s %(item)s") % {
        "date": day.strftime("%d.%m.%Y"),
        "pair": pair_number if pair_number is not None else "—",
        "group": workload.group.name,
        "item": f"{workload.item.index} {workload.item.name}".strip(),
    }
    if workload.subgroup_id is not None and workload.subgroup is not None:
        label += f" ({workload.subgroup.name})"
    return label


@transaction.atomic
def lessons_plan(*, actor: ActiveRole, rows: Sequence[PlannedLessonRow]) -> PlanOutcome:
    """Create planned lessons from the timetable in bulk: the same rules as `lesson_create`.

    Future dates are allowed (the lessons are planned); holidays, dates outside the semesters,
    locked days and taken pairs are refused per row with a message. A fixed number of
    queries whatever the number of rows: workloads, periods, existing lessons, teachers,
    semesters, closed sheets, unlocks, then one insert each for lessons, substitutions and
    history.
    """
    if not actor.has("timetable.edit"):
        raise NotAllowed(_("Планировать занятия по расписанию вы не можете."))
    outcome = PlanOutcome()
    if not rows:
        return outcome
    workloads = {
        workload.pk: workload
        for workload in Workload.objects.filter(
            pk__in={row.workload_id for row in rows}
        ).select_related("group__organization", "item", "subgroup", "academic_year")
    }
    if any(
        row.workload_id not in workloads
        or workloads[row.workload_id].group.organization_id != actor.organization_id
        for row in rows
    ):
        raise NotAllowed(_("Этот журнал недоступен."))
    date_from = min(row.date for row in rows)
    date_to = max(row.date for row in rows)
    periods = list(
        Period.objects.filter(
            academic_year_id__in={w.academic_year_id for w in workloads.values()}
        ).overlapping(date_from, date_to)
    )
    taken = set(
        Lesson.objects.filter(
            workload_id__in=workloads,
            date__gte=date_from,
            date__lte=date_to,
            pair_number__isnull=False,
        ).values_list("workload_id", "date", "pair_number")
    )
    teacher_ids = {row.teacher_id for row in rows if row.teacher_id is not None}
    teacher_ids |= {row.absent_teacher_id for row in rows if row.absent_teacher_id is not None}
    known_teachers = (
        set(
            Employee.objects.filter(
                pk__in=teacher_ids, person__organization_id=actor.organization_id
            ).values_list("pk", flat=True)
        )
        if teacher_ids
        else set()
    )
    locks = lesson_locks(workloads.values(), date_from, date_to, periods=periods)
    user = actor.user if getattr(actor.user, "pk", None) else None
    lessons: list[Lesson] = []
    substitutes: list[tuple[Lesson, PlannedLessonRow]] = []
    for row in sorted(rows, key=lambda r: (r.date, r.pair_number, r.workload_id)):
        workload = workloads[row.workload_id]
        label = _row_label(workload, row.date, row.pair_number)
        day_periods = [
            p
            for p in periods
            if p.academic_year_id == workload.academic_year_id
            and p.date_from <= row.date <= p.date_to
        ]
        refusal = _calendar_refusal(
            {p.kind for p in day_periods}, workload.academic_year
        ) or locks.refusal(workload, row.date)
        if not refusal and not 1 <= row.pair_number <= 12:
            refusal = _("Номер пары — от 1 до 12.")
        key = (workload.pk, row.date, row.pair_number)
        if not refusal and key in taken:
            refusal = _pair_clash_message(row.date, row.pair_number)
        for teacher_id in (row.teacher_id, row.absent_teacher_id):
            if not refusal and teacher_id is not None and teacher_id not in known_teachers:
                refusal = _("Преподаватель не из этой организации.")
        if refusal:
            outcome.refused.append(f"{label}: {refusal}")
            continue
        taken.add(key)
        lesson = Lesson(
            workload=workload,
            date=row.date,
            pair_number=row.pair_number,
            lesson_type=LessonType.THEORY,
            teacher_id=row.teacher_id or workload.teacher_id,
            room_id=row.room_id,
            status=Lesson.Status.PLANNED,
            source=Lesson.Source.TIMETABLE,
            created_by=user,
        )
        lessons.append(lesson)
        if row.absent_teacher_id is not None and row.absent_teacher_id != lesson.teacher_id:
            substitutes.append((lesson, row))
    if not lessons:
        return outcome
    Lesson.objects.bulk_create(lessons)
    if substitutes:
        Substitution.objects.bulk_create(
            Substitution(
                lesson=lesson,
                absent_teacher_id=row.absent_teacher_id or lesson.teacher_id,
                substitute_id=lesson.teacher_id,
                reason=(row.reason.strip() or _("Замена по расписанию"))[:300],
                created_by=user,
            )
            for lesson, row in substitutes
        )
    actor_name = user.display_name()[:200] if user is not None else ""
    JournalHistory.objects.bulk_create(
        JournalHistory(
            organization_id=actor.organization_id,
            actor=user,
            actor_name=actor_name,
            workload_id=lesson.workload_id,
            lesson_ref=lesson.pk,
            entity=JournalHistory.Entity.LESSON,
            action=JournalHistory.Action.CREATE,
            entity_id=lesson.pk,
            new={**_lesson_state(lesson), "status": lesson.status, "source": lesson.source},
            reason=_("по расписанию"),
        )
        for lesson in lessons
    )
    outcome.created = lessons
    return outcome


def _kept_because(has_marks: bool, has_attendance: bool, lesson: Lesson, files: bool) -> str:
    if has_marks:
        return _("в нём есть отметки")
    if has_attendance:
        return _("в нём есть отметки посещаемости")
    if lesson.topic_id is not None or lesson.topic_text.strip():
        return _("в нём указана тема")
    if lesson.homework.strip() or files:
        return _("в нём есть домашнее задание")
    if lesson.source != Lesson.Source.TIMETABLE:
        return _("оно добавлено вручную")
    if lesson.status == Lesson.Status.HELD:
        return _("оно уже проведено")
    return ""


@transaction.atomic
def lessons_unplan(
    *, actor: ActiveRole, lesson_ids: Iterable[int], cancel: bool = False
) -> list[str]:
    """Delete (or, with `cancel`, mark cancelled) planned timetable lessons that hold nothing.

    A lesson with marks, attendance, a topic or homework, a manual one, or a held one is kept:
    the result has one line per kept lesson saying why. Fixed queries: the lessons with their
    data flags, then one delete or update and one insert of history rows.
    """
    if not actor.has("timetable.edit"):
        raise NotAllowed(_("Планировать занятия по расписанию вы не можете."))
    ids = set(lesson_ids)
    if not ids:
        return []
    lessons = list(
        Lesson.objects.filter(pk__in=ids, workload__group__organization_id=actor.organization_id)
        .select_related("workload__group__organization", "workload__item", "workload__subgroup")
        .annotate(
            has_marks=Exists(Mark.objects.filter(lesson_id=OuterRef("pk"))),
            has_attendance=Exists(Attendance.objects.filter(lesson_id=OuterRef("pk"))),
            has_files=Exists(HomeworkAttachment.objects.filter(lesson_id=OuterRef("pk"))),
        )
        .order_by("date", "pair_number", "pk")
    )
    if len(lessons) != len(ids):
        raise NotAllowed(_("Этот журнал недоступен."))
    kept: list[str] = []
    removable: list[Lesson] = []
    locks = _locks_of(lessons)
    for lesson in lessons:
        if cancel and lesson.status == Lesson.Status.CANCELLED:
            continue
        why = locks.refusal(lesson.workload, lesson.date) or _kept_because(
            lesson.has_marks,  # type: ignore[attr-defined]
            lesson.has_attendance,  # type: ignore[attr-defined]
            lesson,
            lesson.has_files,  # type: ignore[attr-defined]
        )
        if why:
            label = _row_label(lesson.workload, lesson.date, lesson.pair_number)
            verb = _("не отменено") if cancel else _("не удалено")
            kept.append(f"{label} {verb}: {why}")
        else:
            removable.append(lesson)
    if not removable:
        return kept
    removed_ids = [lesson.pk for lesson in removable]
    if cancel:
        Lesson.objects.filter(pk__in=removed_ids).update(
            status=Lesson.Status.CANCELLED, updated_at=timezone.now()
        )
    else:
        Lesson.objects.filter(pk__in=removed_ids).delete()
    user = actor.user if getattr(actor.user, "pk", None) else None
    actor_name = user.display_name()[:200] if user is not None else ""
    JournalHistory.objects.bulk_create(
        JournalHistory(
            organization_id=actor.organization_id,
            actor=user,
            actor_name=actor_name,
            workload_id=lesson.workload_id,
            lesson_ref=lesson.pk,
            entity=JournalHistory.Entity.LESSON,
            action=JournalHistory.Action.UPDATE if cancel else JournalHistory.Action.DELETE,
            entity_id=lesson.pk,
            old=_lesson_state(lesson) if not cancel else {"status": lesson.status},
            new={"status": Lesson.Status.CANCELLED} if cancel else {},
            reason=_("по расписанию"),
        )
        for lesson in removable
    )
    return kept


@transaction.atomic
def attachment_add(
    *, actor: ActiveRole, lesson: Lesson, uploaded_file: UploadedFile
) -> HomeworkAttachment:
    """Attach a homework file: at most 10 MB, of an allowed type by name and by content."""
    workload = lesson.workload
    _check_scope(actor, workload)
    if not can_edit_lesson(actor, lesson):
        raise NotAllowed(_("Изменять это занятие вы не можете."))
    reason = lesson_guard(workload=workload, day=lesson.date)
    checked = upload_check(uploaded_file)
    attachment = HomeworkAttachment(
        lesson=lesson,
        original_name=checked.name,
        size=checked.size,
        content_type=checked.content_type,
        uploaded_by=actor.user,
    )
    attachment.file.save(checked.name, uploaded_file, save=False)
    attachment.save()
    history_record(
        actor=actor.user,
        organization_id=_organization_id(workload),
        workload_id=workload.pk,
        entity=JournalHistory.Entity.LESSON,
        action=JournalHistory.Action.UPDATE,
        entity_id=lesson.pk,
        lesson_id=lesson.pk,
        new={"attachment": attachment.original_name, "size": checked.size},
        reason=reason,
    )
    return attachment


@transaction.atomic
def attachment_delete(*, actor: ActiveRole, attachment: HomeworkAttachment) -> None:
    lesson = attachment.lesson
    workload = lesson.workload
    _check_scope(actor, workload)
    if not can_edit_lesson(actor, lesson):
        raise NotAllowed(_("Изменять это занятие вы не можете."))
    reason = lesson_guard(workload=workload, day=lesson.date)
    name = attachment.original_name
    stored = attachment.file
    attachment.delete()
    history_record(
        actor=actor.user,
        organization_id=_organization_id(workload),
        workload_id=workload.pk,
        entity=JournalHistory.Entity.LESSON,
        action=JournalHistory.Action.UPDATE,
        entity_id=lesson.pk,
        lesson_id=lesson.pk,
        old={"attachment": name},
        reason=reason,
    )
    transaction.on_commit(partial(stored.storage.delete, stored.name))
