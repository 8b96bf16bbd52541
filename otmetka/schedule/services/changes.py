"""Changes for a date (замены): cancel a pair, replace the teacher, move it, add an extra pair.

Each change is checked against the day's effective timetable, audited, mirrored into the
journal when the lesson already exists, and announced to the affected teachers and curators.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from otmetka.academics.models import Workload
from otmetka.accounts.permissions import ActiveRole
from otmetka.audit.services import audit_change, audit_delete
from otmetka.journal.locks import lesson_guard
from otmetka.journal.models import Lesson
from otmetka.journal.services.lessons import (
    lessons_restore_planned,
    lessons_set_rooms,
    lessons_unplan,
    substitution_remove,
    substitution_set,
)
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.notifications.models import Notification
from otmetka.notifications.services import notify
from otmetka.org.models import AcademicYear, Period, Room
from otmetka.people.models import Employee, Person
from otmetka.schedule.bells import bells_for
from otmetka.schedule.models import ScheduleChange, TimetableEntry
from otmetka.schedule.permissions import can_edit_timetable
from otmetka.schedule.selectors import Slot, day_slots, takes_place

AUDIT_FIELDS = ("date", "kind", "entry", "workload", "pair_number", "room", "teacher", "reason")

WEEKDAY_NAME = {
    1: gettext_lazy("понедельник"),
    2: gettext_lazy("вторник"),
    3: gettext_lazy("среда"),
    4: gettext_lazy("четверг"),
    5: gettext_lazy("пятница"),
    6: gettext_lazy("суббота"),
    7: gettext_lazy("воскресенье"),
}


def _d(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def _check_right(actor: ActiveRole) -> None:
    if not can_edit_timetable(actor):
        raise NotAllowed(_("Изменять расписание вы не можете."))


def _check_workload(actor: ActiveRole, workload: Workload) -> None:
    if workload.group.organization_id != actor.organization_id:
        raise NotAllowed(_("Эта нагрузка недоступна."))


def check_change_date(organization_id: int, day: dt.date) -> AcademicYear:
    """The academic year of a school day; refuse Sundays, holidays and days outside a year."""
    year = AcademicYear.objects.filter(organization_id=organization_id).on_day(day).first()
    if year is None:
        raise DomainError(_("%(date)s — вне учебного года.") % {"date": _d(day)}, field="date")
    holidays = Period.objects.filter(academic_year=year).holidays().on_day(day).first()
    if holidays is not None:
        name = holidays.name[:1].lower() + holidays.name[1:]
        raise DomainError(
            _("%(date)s приходится на %(holidays)s.") % {"date": _d(day), "holidays": name},
            field="date",
        )
    if day.isoweekday() == 7:
        raise DomainError(
            _("%(date)s — воскресенье, занятий нет.") % {"date": _d(day)}, field="date"
        )
    return year


def _check_entry_on(entry: TimetableEntry, day: dt.date, year: AcademicYear) -> None:
    params = {"date": _d(day)}
    if entry.weekday != day.isoweekday():
        raise DomainError(
            _("По расписанию эта пара идёт в день «%(weekday)s», а %(date)s — %(actual)s.")
            % {
                **params,
                "weekday": WEEKDAY_NAME[entry.weekday],
                "actual": WEEKDAY_NAME[day.isoweekday()],
            },
            field="date",
        )
    if not entry.valid_from <= day <= entry.valid_to:
        raise DomainError(
            _("Эта строка расписания действует с %(from)s по %(to)s, а не %(date)s.")
            % {**params, "from": _d(entry.valid_from), "to": _d(entry.valid_to)},
            field="date",
        )
    if not takes_place(entry.parity, year.date_from, day):
        raise DomainError(
            _("%(date)s эта пара не проводится: она идёт %(parity)s.")
            % {**params, "parity": entry.get_parity_display()},
            field="date",
        )


def _check_pair(organization_id: int, day: dt.date, pair_number: int) -> None:
    if pair_number not in bells_for(organization_id, day):
        raise DomainError(
            _("В расписании звонков на %(date)s нет %(pair)s-й пары.")
            % {"date": _d(day), "pair": pair_number},
            field="pair_number",
        )


def _check_room(actor: ActiveRole, room: Room | None) -> None:
    if room is not None and room.organization_id != actor.organization_id:
        raise DomainError(_("Кабинет не из этой организации."), field="room")


def _check_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Укажите причину изменения."), field="reason")
    return reason[:300]


def _check_free(
    *,
    slots: Iterable[Slot],
    day: dt.date,
    pair_number: int,
    workload: Workload,
    teacher_id: int,
    room_id: int | None,
    exclude_entry_id: int | None = None,
    field: str = "pair_number",
) -> None:
    """Refuse with every clash of the pair with the day's effective timetable."""
    problems: list[str] = []
    for slot in slots:
        if slot.pair_number != pair_number or (
            exclude_entry_id is not None and slot.entry_id == exclude_entry_id
        ):
            continue
        where = {"title": slot.title, "teacher": slot.teacher_name}
        if slot.teacher_id == teacher_id:
            problems.append(_("преподаватель %(teacher)s уже ведёт %(title)s") % where)
        if room_id is not None and slot.room_id == room_id:
            problems.append(
                _("кабинет %(room)s занят: %(title)s") % {**where, "room": slot.room_number}
            )
        same_group = slot.group_id == workload.group_id and (
            slot.subgroup_id is None
            or workload.subgroup_id is None
            or slot.subgroup_id == workload.subgroup_id
        )
        if same_group:
            problems.append(_("у группы уже стоит %(title)s (%(teacher)s)") % where)
    if problems:
        raise DomainError(
            _("%(date)s на %(pair)s-й паре: %(problems)s.")
            % {"date": _d(day), "pair": pair_number, "problems": "; ".join(problems)},
            field=field,
        )


def _existing(entry: TimetableEntry, day: dt.date) -> None:
    change = ScheduleChange.objects.filter(entry=entry, date=day).first()
    if change is not None:
        raise DomainError(
            _("На %(date)s у этой пары уже есть изменение («%(kind)s»); удалите его сначала.")
            % {"date": _d(day), "kind": change.get_kind_display()},
            field="date",
        )


def _entry_context(
    actor: ActiveRole, entry: TimetableEntry, day: dt.date
) -> tuple[Workload, list[Slot]]:
    _check_right(actor)
    workload = entry.workload
    _check_workload(actor, workload)
    year = check_change_date(actor.organization_id, day)
    _check_entry_on(entry, day, year)
    _existing(entry, day)
    # The journal follows a change at once: a locked day of it cannot take one.
    lesson_guard(workload=workload, day=day, field="date")
    return workload, day_slots(actor.organization_id, day)


def _save(actor: ActiveRole, change: ScheduleChange) -> ScheduleChange:
    change.organization_id = actor.organization_id
    change.created_by = actor.user
    change.save()
    audit_change(
        actor=actor.user,
        instance=change,
        before=None,
        organization_id=actor.organization_id,
        fields=AUDIT_FIELDS,
        reason=change.reason,
    )
    return change


@transaction.atomic
def change_cancel(
    *, actor: ActiveRole, entry: TimetableEntry, date: dt.date, reason: str
) -> ScheduleChange:
    """Cancel the pair of an entry on a date."""
    workload, _slots = _entry_context(actor, entry, date)
    reason = _check_reason(reason)
    change = _save(
        actor,
        ScheduleChange(
            date=date,
            kind=ScheduleChange.Kind.CANCEL,
            entry=entry,
            workload=workload,
            pair_number=entry.pair_number,
            reason=reason,
        ),
    )
    # A lesson already planned for that pair is cancelled in the journal at once (one without
    # marks or a topic; a lesson holding data is kept, and generation reports it).
    planned = Lesson.objects.filter(
        workload=workload,
        date=date,
        pair_number=entry.pair_number,
        source=Lesson.Source.TIMETABLE,
        status=Lesson.Status.PLANNED,
    ).values_list("pk", flat=True)
    lessons_unplan(actor=actor, lesson_ids=list(planned), cancel=True)
    _announce(change, teachers=[workload.teacher])
    return change


def _working_employee(actor: ActiveRole, teacher: Employee) -> None:
    working = Employee.objects.working().filter(
        pk=teacher.pk, person__organization_id=actor.organization_id
    )
    if not working.exists():
        raise DomainError(
            _("Замещающий должен быть работающим сотрудником этой организации."),
            field="teacher",
        )


@transaction.atomic
def change_replace_teacher(
    *,
    actor: ActiveRole,
    entry: TimetableEntry,
    date: dt.date,
    teacher: Employee,
    reason: str,
) -> ScheduleChange:
    """Another teacher takes the pair on a date; the journal's substitution follows."""
    workload, slots = _entry_context(actor, entry, date)
    _working_employee(actor, teacher)
    if teacher.pk == workload.teacher_id:
        raise DomainError(_("Это и есть преподаватель этой пары."), field="teacher")
    reason = _check_reason(reason)
    busy = [
        slot
        for slot in slots
        if slot.pair_number == entry.pair_number
        and slot.teacher_id == teacher.pk
        and slot.entry_id != entry.pk
    ]
    if busy:
        raise DomainError(
            _("%(teacher)s %(date)s на %(pair)s-й паре ведёт %(title)s.")
            % {
                "teacher": teacher.person.short_name,
                "date": _d(date),
                "pair": entry.pair_number,
                "title": busy[0].title,
            },
            field="teacher",
        )
    change = _save(
        actor,
        ScheduleChange(
            date=date,
            kind=ScheduleChange.Kind.REPLACE_TEACHER,
            entry=entry,
            workload=workload,
            pair_number=entry.pair_number,
            teacher=teacher,
            reason=reason,
        ),
    )
    lesson = Lesson.objects.filter(
        workload=workload, date=date, pair_number=entry.pair_number
    ).first()
    if lesson is not None:
        substitution_set(
            actor=actor,
            lesson=lesson,
            absent_teacher=workload.teacher,
            substitute=teacher,
            reason=reason,
        )
    _announce(change, teachers=[workload.teacher, teacher])
    return change


@transaction.atomic
def change_move(
    *,
    actor: ActiveRole,
    entry: TimetableEntry,
    date: dt.date,
    pair_number: int | None = None,
    room: Room | None = None,
    reason: str,
) -> ScheduleChange:
    """Move the pair of a date to another pair number and/or room."""
    workload, slots = _entry_context(actor, entry, date)
    if pair_number is None and room is None:
        raise DomainError(_("Укажите новую пару или кабинет."), field="pair_number")
    _check_room(actor, room)
    new_pair = pair_number if pair_number is not None else entry.pair_number
    new_room = room if room is not None else entry.room
    if new_pair == entry.pair_number and (new_room.pk if new_room else None) == entry.room_id:
        raise DomainError(_("Пара и кабинет те же, что в расписании."), field="pair_number")
    _check_pair(actor.organization_id, date, new_pair)
    reason = _check_reason(reason)
    _check_free(
        slots=slots,
        day=date,
        pair_number=new_pair,
        workload=workload,
        teacher_id=workload.teacher_id,
        room_id=new_room.pk if new_room else None,
        exclude_entry_id=entry.pk,
    )
    change = _save(
        actor,
        ScheduleChange(
            date=date,
            kind=ScheduleChange.Kind.MOVE,
            entry=entry,
            workload=workload,
            pair_number=new_pair,
            room=room,
            reason=reason,
        ),
    )
    if new_pair == entry.pair_number:
        # Only the room changes: the planned lesson of that pair moves with it at once (a move
        # to another pair is planned anew by the next generation).
        _lessons_follow_room(actor, workload, date, new_pair, new_room)
    _announce(change, teachers=[workload.teacher])
    return change


def _lessons_follow_room(
    actor: ActiveRole, workload: Workload, day: dt.date, pair_number: int, room: Room | None
) -> None:
    planned = Lesson.objects.filter(
        workload=workload,
        date=day,
        pair_number=pair_number,
        source=Lesson.Source.TIMETABLE,
        status=Lesson.Status.PLANNED,
    ).values_list("pk", flat=True)
    lessons_set_rooms(actor=actor, rooms={pk: room.pk if room else None for pk in planned})


@transaction.atomic
def change_extra(
    *,
    actor: ActiveRole,
    workload: Workload,
    date: dt.date,
    pair_number: int,
    room: Room | None = None,
    reason: str,
) -> ScheduleChange:
    """Add a pair outside the weekly timetable on a date."""
    _check_right(actor)
    _check_workload(actor, workload)
    year = check_change_date(actor.organization_id, date)
    if workload.academic_year_id != year.pk:
        raise DomainError(_("Нагрузка не этого учебного года."), field="workload")
    lesson_guard(workload=workload, day=date, field="date")
    _check_room(actor, room)
    _check_pair(actor.organization_id, date, pair_number)
    reason = _check_reason(reason)
    _check_free(
        slots=day_slots(actor.organization_id, date),
        day=date,
        pair_number=pair_number,
        workload=workload,
        teacher_id=workload.teacher_id,
        room_id=room.pk if room else None,
    )
    change = _save(
        actor,
        ScheduleChange(
            date=date,
            kind=ScheduleChange.Kind.EXTRA,
            workload=workload,
            pair_number=pair_number,
            room=room,
            reason=reason,
        ),
    )
    _announce(change, teachers=[workload.teacher])
    return change


@transaction.atomic
def change_delete(*, actor: ActiveRole, change: ScheduleChange) -> None:
    """Remove a change: the date follows the weekly timetable again."""
    _check_right(actor)
    if change.organization_id != actor.organization_id:
        raise NotAllowed(_("Это изменение недоступно."))
    workload = change.workload
    lesson_guard(workload=workload, day=change.date)
    teachers = [workload.teacher] + ([change.teacher] if change.teacher else [])
    title = _("Изменение отменено: %(title)s") % {"title": change_title(change)}
    audit_delete(
        actor=actor.user,
        instance=change,
        organization_id=actor.organization_id,
        fields=AUDIT_FIELDS,
    )
    _announce(change, teachers=teachers, title=title)
    pair = change.entry.pair_number if change.entry else change.pair_number
    lessons = Lesson.objects.filter(workload=workload, date=change.date, pair_number=pair)
    if change.kind == ScheduleChange.Kind.REPLACE_TEACHER:
        for lesson in lessons.filter(substitution__isnull=False).select_related("workload"):
            substitution_remove(actor=actor, lesson=lesson, reason=title)
    elif change.kind == ScheduleChange.Kind.CANCEL:
        lessons_restore_planned(
            actor=actor, lesson_ids=lessons.values_list("pk", flat=True), reason=title
        )
    elif change.kind == ScheduleChange.Kind.MOVE and change.entry is not None:
        if change.pair_number in (None, change.entry.pair_number):
            entry = change.entry
            _lessons_follow_room(actor, workload, change.date, entry.pair_number, entry.room)
    change.delete()


def change_title(change: ScheduleChange) -> str:
    """«Замена 17.11.2026, 2 пара: ИС-21, МДК.01.01 Разработка программных модулей —
    Другова Д. О. вместо Учителева П. А.»"""
    workload = change.workload
    group = workload.group.name
    if workload.subgroup_id is not None and workload.subgroup is not None:
        group = f"{group} ({workload.subgroup.name})"
    params = {
        "date": _d(change.date),
        "pair": change.entry.pair_number if change.entry else change.pair_number,
        "what": f"{group}, {workload.item.index} {workload.item.name}",
        "teacher": workload.teacher.person.short_name,
    }
    if change.kind == ScheduleChange.Kind.REPLACE_TEACHER and change.teacher is not None:
        return _("Замена %(date)s, %(pair)s пара: %(what)s — %(substitute)s вместо %(teacher)s") % {
            **params,
            "substitute": change.teacher.person.short_name,
            "teacher": workload.teacher.person.short_name_genitive,
        }
    if change.kind == ScheduleChange.Kind.CANCEL:
        return _("Отмена %(date)s, %(pair)s пара: %(what)s — %(teacher)s") % params
    if change.kind == ScheduleChange.Kind.MOVE:
        target = []
        if change.pair_number and change.entry and change.pair_number != change.entry.pair_number:
            target.append(_("на %(pair)s пару") % {"pair": change.pair_number})
        if change.room is not None:
            target.append(_("в каб. %(room)s") % {"room": change.room.number})
        return _("Перенос %(date)s, %(pair)s пара: %(what)s — %(target)s") % {
            **params,
            "target": ", ".join(target),
        }
    room = _(", каб. %(room)s") % {"room": change.room.number} if change.room else ""
    return _("Дополнительная пара %(date)s, %(pair)s пара: %(what)s — %(teacher)s%(room)s") % {
        **params,
        "room": room,
    }


def changes_url(day: dt.date) -> str:
    return f"{reverse('schedule:changes_day')}?date={day.isoformat()}"


def _announce(
    change: ScheduleChange, *, teachers: Iterable[Employee], title: str | None = None
) -> None:
    """Notify the affected teachers and the group's curators (after commit)."""
    workload = change.workload
    employee_ids = {teacher.pk for teacher in teachers}
    employee_ids |= set(workload.group.curators.values_list("pk", flat=True))
    user_ids = Person.objects.filter(employee__pk__in=employee_ids, user__isnull=False).values_list(
        "user_id", flat=True
    )
    notify(
        user_ids=[user_id for user_id in user_ids if user_id is not None],
        organization_id=change.organization_id,
        kind=Notification.Kind.TIMETABLE_CHANGE,
        title=title or change_title(change),
        body=change.reason,
        url=changes_url(change.date),
    )
