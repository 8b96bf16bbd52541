"""Intermediate attestation (Положение 4.6): the sheet of a group × item × semester, its marks.

The form (экзамен, дифзачёт, зачёт, …) comes from the curriculum for the group's semester of
study. Marks are proposed from the weighted average of the semester's marks in every journal of
that group × item, set by the teacher in the last week of the semester (or while an unlock is
active), and the closed sheet locks those journals for the semester (`locks.closed_sheet_for`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from otmetka.academics.models import AttestationForm, CurriculumHours, Workload
from otmetka.accounts.permissions import ActiveRole
from otmetka.audit.models import AuditEvent
from otmetka.audit.services import audit_record
from otmetka.journal.averages import proposed_mark, weighted_average
from otmetka.journal.history import history_record
from otmetka.journal.locks import active_unlock
from otmetka.journal.models import (
    AttestationMark,
    AttestationSheet,
    JournalHistory,
    JournalUnlock,
)
from otmetka.journal.permissions import journals_visible_to
from otmetka.journal.selectors import semester_marks, sheet_roll
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.org.models import AcademicYear, Period
from otmetka.people.models import Employee, Person, Student

NO_SHOW = "н/я"
NOT_ADMITTED = "н/д"
PASSED = "зачтено"
FAILED = "не зачтено"
GRADED_VALUES = ("5", "4", "3", "2", NO_SHOW, NOT_ADMITTED)
CREDIT_VALUES = (PASSED, FAILED, NO_SHOW, NOT_ADMITTED)
# Days before the semester's last day when attestation marks may be set (a week in all).
LAST_WEEK_DAYS = 6


def allowed_values(form: str) -> tuple[str, ...]:
    """The values an attestation mark may take in a sheet of this form."""
    return CREDIT_VALUES if form == AttestationForm.CREDIT else GRADED_VALUES


def attestation_window(period: Period) -> tuple[dt.date, dt.date]:
    """The last week of the semester, both ends inclusive, in the organization's dates."""
    return period.date_to - dt.timedelta(days=LAST_WEEK_DAYS), period.date_to


def sheet_workloads(sheet: AttestationSheet) -> list[Workload]:
    """The journals (workload lines) of the sheet's group × item in its academic year."""
    return list(
        Workload.objects.filter(
            group_id=sheet.group_id,
            item_id=sheet.item_id,
            academic_year_id=sheet.period.academic_year_id,
        ).order_by("pk")
    )


def can_edit_sheet(actor: ActiveRole, sheet: AttestationSheet) -> bool:
    """The teacher of a journal of that group × item, or `journal.edit_all` in the organization."""
    if sheet.group.organization_id != actor.organization_id:
        return False
    if actor.has("journal.edit_all"):
        return True
    if not actor.has("journal.edit_own") or actor.employee_id is None:
        return False
    return any(w.teacher_id == actor.employee_id for w in sheet_workloads(sheet))


def _check_period(workload: Workload, period: Period) -> None:
    if period.kind != Period.Kind.SEMESTER or period.academic_year_id != workload.academic_year_id:
        raise DomainError(
            _("Выберите семестр учебного года %(year)s.") % {"year": workload.academic_year},
            field="period",
        )


def _unlock_for(sheet: AttestationSheet) -> JournalUnlock | None:
    for workload in sheet_workloads(sheet):
        unlock = active_unlock(workload.pk)
        if unlock is not None:
            return unlock
    return None


def _history_workload(actor: ActiveRole, sheet: AttestationSheet) -> Workload:
    workloads = sheet_workloads(sheet)
    if not workloads:
        raise DomainError(_("У группы нет нагрузки по этой дисциплине: ведомость не ведётся."))
    own = [w for w in workloads if w.teacher_id == actor.employee_id]
    return (own or workloads)[0]


@transaction.atomic
def sheet_for(*, actor: ActiveRole, workload: Workload, period: Period) -> AttestationSheet:
    """The sheet of the workload's group × item for the semester, created on first use."""
    if not journals_visible_to(actor).filter(pk=workload.pk).exists():
        raise NotAllowed(_("Этот журнал вам недоступен."))
    _check_period(workload, period)
    existing = (
        AttestationSheet.objects.filter(
            group_id=workload.group_id, item_id=workload.item_id, period=period
        )
        .select_related("group__organization", "item", "period")
        .first()
    )
    if existing is not None:
        return existing
    semester = workload.group.semester_of(period.number, workload.academic_year)
    hours = CurriculumHours.objects.filter(item_id=workload.item_id, semester=semester).first()
    if hours is None or not hours.attestation_form:
        raise DomainError(
            _(
                "По учебному плану у «%(item)s» нет промежуточной аттестации в %(semester)s "
                "семестре: ведомость не нужна."
            )
            % {"item": workload.item, "semester": semester},
            field="period",
        )
    # The year's row is the lock that numbers its sheets one at a time: whoever waited for it
    # looks again, since the sheet may have been opened (and numbered) meanwhile.
    AcademicYear.objects.select_for_update().get(pk=period.academic_year_id)
    existing = AttestationSheet.objects.filter(
        group_id=workload.group_id, item_id=workload.item_id, period=period
    ).first()
    if existing is not None:
        return existing
    last = AttestationSheet.objects.filter(academic_year_id=period.academic_year_id).aggregate(
        last=Max("number")
    )["last"]
    try:
        with transaction.atomic():
            return AttestationSheet.objects.create(
                group_id=workload.group_id,
                item_id=workload.item_id,
                period=period,
                form=hours.attestation_form,
                academic_year_id=period.academic_year_id,
                number=(last or 0) + 1,
            )
    except IntegrityError:
        # Only where the database has no row locks (SQLite): someone opened the same sheet at
        # the same moment, and theirs is as good.
        return AttestationSheet.objects.get(
            group_id=workload.group_id, item_id=workload.item_id, period=period
        )


def _require_edit(actor: ActiveRole, sheet: AttestationSheet) -> None:
    if not can_edit_sheet(actor, sheet):
        raise NotAllowed(
            _("Ведомость заполняет преподаватель этой дисциплины в группе %(group)s.")
            % {"group": sheet.group}
        )


def _require_open(sheet: AttestationSheet) -> None:
    if sheet.status != AttestationSheet.Status.OPEN:
        raise DomainError(
            _("Ведомость закрыта: изменить её может только заместитель директора по УМР.")
        )


def _locked_sheet(sheet: AttestationSheet) -> AttestationSheet:
    return AttestationSheet.objects.select_for_update().select_related(
        "group__organization", "item", "period"
    ).get(pk=sheet.pk)


@transaction.atomic
def sheet_propose(*, actor: ActiveRole, sheet: AttestationSheet) -> int:
    """Fill `proposed` for everyone on the roll from the semester's weighted average.

    Returns how many students got a proposal.
    """
    sheet = _locked_sheet(sheet)
    _require_edit(actor, sheet)
    _require_open(sheet)
    roll = sheet_roll(sheet)
    period = sheet.period
    marks = (
        semester_marks(group_id=sheet.group_id, item_ids=[sheet.item_id], period=period)
        .filter(student_id__in=[student.pk for student in roll])
        .values_list("student_id", "value", "work_kind__weight")
    )
    by_student: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for student_id, value, weight in marks:
        by_student[student_id].append((value, weight))
    existing = {mark.student_id: mark for mark in AttestationMark.objects.filter(sheet=sheet)}
    to_create: list[AttestationMark] = []
    to_update: list[AttestationMark] = []
    proposed_count = 0
    for student in roll:
        proposal = proposal_for(sheet.form, weighted_average(by_student.get(student.pk, [])))
        if proposal:
            proposed_count += 1
        row = existing.get(student.pk)
        if row is None:
            to_create.append(
                AttestationMark(sheet=sheet, student=student, proposed=proposal, updated_by=None)
            )
        elif row.proposed != proposal:
            row.proposed = proposal
            to_update.append(row)
    AttestationMark.objects.bulk_create(to_create)
    AttestationMark.objects.bulk_update(to_update, ["proposed"])
    return proposed_count


def proposal_for(form: str, average: Decimal | None) -> str:
    """The sheet's mark a weighted average suggests: зачтено from 3, else the rounded mark."""
    if average is None:
        return ""
    if form == AttestationForm.CREDIT:
        return PASSED if average >= Decimal(3) else FAILED
    return proposed_mark(average)


def _check_window(actor: ActiveRole, sheet: AttestationSheet) -> JournalUnlock | None:
    """Refuse outside the semester's last week unless an unlock of one of the journals is on."""
    date_from, date_to = attestation_window(sheet.period)
    today = local_today(sheet.group.organization.timezone)
    if date_from <= today <= date_to:
        return None
    unlock = _unlock_for(sheet)
    if unlock is None:
        raise DomainError(
            _(
                "Аттестационные отметки ставят в последнюю неделю семестра: с %(from)s по %(to)s "
                "(или после разблокировки журнала заместителем директора по УМР)."
            )
            % {"from": f"{date_from:%d.%m.%Y}", "to": f"{date_to:%d.%m.%Y}"},
            field="value",
        )
    return unlock


def _set_one(
    *,
    actor: ActiveRole,
    sheet: AttestationSheet,
    roll_ids: set[int],
    student: Student,
    value: str,
    expected: str | None,
    history_workload: Workload,
    reason: str,
) -> AttestationMark:
    value = (value or "").strip()
    if student.pk not in roll_ids:
        raise DomainError(
            _("%(student)s не в списке группы %(group)s на конец семестра.")
            % {"student": student.person.full_name, "group": sheet.group},
            field="student",
        )
    if value and value not in allowed_values(sheet.form):
        raise DomainError(
            _("Недопустимая отметка «%(value)s». Возможны: %(allowed)s.")
            % {"value": value, "allowed": ", ".join(allowed_values(sheet.form))},
            field="value",
        )
    row, _created = AttestationMark.objects.select_for_update().get_or_create(
        sheet=sheet, student=student
    )
    if expected is not None and row.value != expected:
        raise DomainError(
            _(
                "Отметку %(student)s уже изменили: сейчас «%(current)s». Обновите страницу и "
                "проверьте."
            )
            % {"student": student.person.full_name_genitive, "current": row.value or "—"},
            field="value",
        )
    if row.value == value:
        return row
    old = row.value
    row.value = value
    row.version += 1
    row.updated_by = actor.user
    row.save(update_fields=["value", "version", "updated_by", "updated_at"])
    if not old:
        action = JournalHistory.Action.CREATE
    elif not value:
        action = JournalHistory.Action.DELETE
    else:
        action = JournalHistory.Action.UPDATE
    history_record(
        actor=actor.user,
        organization_id=sheet.group.organization_id,
        workload_id=history_workload.pk,
        entity=JournalHistory.Entity.ATTESTATION,
        action=action,
        entity_id=row.pk,
        student_id=student.pk,
        old={"value": old} if old else {},
        new={"value": value} if value else {},
        reason=reason,
    )
    return row


def _prepare(actor: ActiveRole, sheet: AttestationSheet) -> tuple[AttestationSheet, str]:
    sheet = _locked_sheet(sheet)
    _require_edit(actor, sheet)
    _require_open(sheet)
    unlock = _check_window(actor, sheet)
    return sheet, unlock.reason if unlock is not None else ""


@transaction.atomic
def attestation_mark_set(
    *,
    actor: ActiveRole,
    sheet: AttestationSheet,
    student: Student,
    value: str,
    expected: str | None = None,
) -> AttestationMark:
    """Set (or clear, with "") one student's attestation mark; `expected` is the value seen."""
    sheet, reason = _prepare(actor, sheet)
    return _set_one(
        actor=actor,
        sheet=sheet,
        roll_ids={s.pk for s in sheet_roll(sheet)},
        student=student,
        value=value,
        expected=expected,
        history_workload=_history_workload(actor, sheet),
        reason=reason,
    )


@transaction.atomic
def attestation_marks_set(
    *,
    actor: ActiveRole,
    sheet: AttestationSheet,
    values: dict[int, tuple[str, str | None]],
) -> int:
    """Save the whole sheet form at once, all or nothing: {student_id: (value, expected)}.

    Returns how many marks changed.
    """
    sheet, reason = _prepare(actor, sheet)
    roll = {student.pk: student for student in sheet_roll(sheet)}
    history_workload = _history_workload(actor, sheet)
    current = dict(AttestationMark.objects.filter(sheet=sheet).values_list("student_id", "value"))
    changed = 0
    for student_id, (value, expected) in values.items():
        student = roll.get(student_id)
        if student is None:
            raise DomainError(_("Обучающийся не в списке группы на конец семестра."))
        if current.get(student_id, "") == (value or "").strip():
            continue
        _set_one(
            actor=actor,
            sheet=sheet,
            roll_ids=set(roll),
            student=student,
            value=value,
            expected=expected,
            history_workload=history_workload,
            reason=reason,
        )
        changed += 1
    return changed


@transaction.atomic
def sheet_close(*, actor: ActiveRole, sheet: AttestationSheet) -> AttestationSheet:
    """Close the sheet once everyone on the roll has a mark; the semester's journals lock."""
    sheet = _locked_sheet(sheet)
    if not (can_edit_sheet(actor, sheet) or _is_deputy(actor, sheet)):
        raise NotAllowed(
            _("Закрыть ведомость может преподаватель или заместитель директора по УМР.")
        )
    _require_open(sheet)
    marked = set(
        AttestationMark.objects.filter(sheet=sheet)
        .exclude(value="")
        .values_list("student_id", flat=True)
    )
    roll = sheet_roll(sheet)
    missing = [student for student in roll if student.pk not in marked]
    if missing:
        names = ", ".join(student.person.short_name for student in missing[:5])
        if len(missing) > 5:
            names += " …"
        raise DomainError(
            ngettext(
                "Ведомость нельзя закрыть: нет отметки у %(count)s обучающегося (%(names)s).",
                "Ведомость нельзя закрыть: нет отметки у %(count)s обучающихся (%(names)s).",
                len(missing),
            )
            % {"count": len(missing), "names": names}
        )
    sheet.status = AttestationSheet.Status.CLOSED
    sheet.closed_at = timezone.now()
    sheet.closed_by = actor.user
    sheet.closed_roll = [student.pk for student in roll]
    sheet.save(update_fields=["status", "closed_at", "closed_by", "closed_roll"])
    audit_record(
        actor=actor.user,
        action=AuditEvent.Action.UPDATE,
        organization_id=sheet.group.organization_id,
        obj=sheet,
        changes={"status": [AttestationSheet.Status.OPEN, AttestationSheet.Status.CLOSED]},
    )
    return sheet


def _is_deputy(actor: ActiveRole, sheet: AttestationSheet) -> bool:
    return actor.has("journal.unlock") and sheet.group.organization_id == actor.organization_id


@transaction.atomic
def sheet_reopen(*, actor: ActiveRole, sheet: AttestationSheet, reason: str) -> AttestationSheet:
    """Reopen a closed sheet (the deputy, with a reason); the journals unlock for the semester."""
    sheet = _locked_sheet(sheet)
    if not _is_deputy(actor, sheet):
        raise NotAllowed(_("Открыть закрытую ведомость может только заместитель директора по УМР."))
    if sheet.status != AttestationSheet.Status.CLOSED:
        raise DomainError(_("Ведомость и так открыта."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Укажите основание: почему ведомость открывается."), field="reason")
    sheet.status = AttestationSheet.Status.OPEN
    sheet.closed_at = None
    sheet.closed_by = None
    sheet.closed_roll = []
    sheet.save(update_fields=["status", "closed_at", "closed_by", "closed_roll"])
    audit_record(
        actor=actor.user,
        action=AuditEvent.Action.UPDATE,
        organization_id=sheet.group.organization_id,
        obj=sheet,
        changes={"status": [AttestationSheet.Status.CLOSED, AttestationSheet.Status.OPEN]},
        reason=reason,
    )
    return sheet


@transaction.atomic
def sheet_details_set(
    *,
    actor: ActiveRole,
    sheet: AttestationSheet,
    exam_date: dt.date | None,
    examiner_ids: list[int],
) -> AttestationSheet:
    """Set the exam's date and the examiners printed on the sheet (the teacher or the deputy)."""
    sheet = _locked_sheet(sheet)
    if not (can_edit_sheet(actor, sheet) or _is_deputy(actor, sheet)):
        raise NotAllowed(
            _("Дату и экзаменаторов указывает преподаватель или заместитель директора по УМР.")
        )
    _require_open(sheet)
    year = sheet.period.academic_year
    if exam_date is not None and not year.date_from <= exam_date <= year.date_to:
        raise DomainError(
            _("Дата проведения должна быть в %(year)s учебном году: с %(from)s по %(to)s.")
            % {
                "year": year.name,
                "from": f"{year.date_from:%d.%m.%Y}",
                "to": f"{year.date_to:%d.%m.%Y}",
            },
            field="exam_date",
        )
    examiners = list(
        Employee.objects.filter(
            pk__in=examiner_ids, person__organization_id=sheet.group.organization_id
        ).order_by("pk")
    )
    if len(examiners) != len(set(examiner_ids)):
        raise DomainError(_("Выберите экзаменаторов из сотрудников колледжа."), field="examiners")
    old = {
        "exam_date": sheet.exam_date.isoformat() if sheet.exam_date else None,
        "examiners": sorted(sheet.examiners.values_list("pk", flat=True)),
    }
    new = {
        "exam_date": exam_date.isoformat() if exam_date else None,
        "examiners": [employee.pk for employee in examiners],
    }
    if old == new:
        return sheet
    sheet.exam_date = exam_date
    sheet.save(update_fields=["exam_date"])
    sheet.examiners.set(examiners)
    audit_record(
        actor=actor.user,
        action=AuditEvent.Action.UPDATE,
        organization_id=sheet.group.organization_id,
        obj=sheet,
        changes={key: [old[key], new[key]] for key in old if old[key] != new[key]},
    )
    return sheet


MARK_WORDS = {
    "5": _lazy("отлично"),
    "4": _lazy("хорошо"),
    "3": _lazy("удовлетворительно"),
    "2": _lazy("неудовлетворительно"),
}


def mark_in_words(value: str, person: Person) -> str:
    """The sheet's mark as a secretary files it: «4 (хорошо)», «зачтено», «не явился»."""
    feminine = person.grammatical_sex == Person.Sex.FEMALE
    if value in MARK_WORDS:
        return f"{value} ({MARK_WORDS[value]})"
    if value == NO_SHOW:
        return _("не явилась") if feminine else _("не явился")
    if value == NOT_ADMITTED:
        return _("не допущена") if feminine else _("не допущен")
    return value


@dataclass
class SheetResults:
    """The results block under a sheet: counts of each mark, средний балл and качество."""

    total: int
    counts: dict[str, int]
    no_show: int
    not_admitted: int
    average: Decimal | None  # of the marks 5–2; None on a зачёт sheet or without marks
    quality: Decimal | None  # % of students with 5 or 4 among all on the sheet
    success: Decimal | None  # % of students with 5, 4, 3 or зачтено among all on the sheet


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def sheet_results(form: str, values: list[str]) -> SheetResults:
    """The results of a sheet whose students have `values` (one per student, "" if unset)."""
    total = len(values)
    credit = form == AttestationForm.CREDIT
    shown = (PASSED, FAILED) if credit else ("5", "4", "3", "2")
    counts = {value: values.count(value) for value in shown}
    grades = [int(value) for value in values if value in ("5", "4", "3", "2")]
    average = None
    if grades and not credit:
        average = (Decimal(sum(grades)) / len(grades)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
    good = counts.get("5", 0) + counts.get("4", 0)
    passed = good + counts.get("3", 0) + counts.get(PASSED, 0)
    return SheetResults(
        total=total,
        counts=counts,
        no_show=values.count(NO_SHOW),
        not_admitted=values.count(NOT_ADMITTED),
        average=average,
        quality=None if credit else _percent(good, total),
        success=_percent(passed, total),
    )
