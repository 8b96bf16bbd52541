"""Reads for the journal's screens: querysets and small dataclasses in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from otmetka.academics.models import Workload
from otmetka.accounts.permissions import ActiveRole
from otmetka.journal.models import Lesson, PlannedTopic, ThematicPlan, WorkKind
from otmetka.journal.permissions import journals_visible_to

# === КТП and work kinds (plans engineer) ===


def next_unused_topic(workload: Workload) -> PlannedTopic | None:
    """The first topic of the workload's КТП, by position, that no lesson of it uses yet."""
    used = Lesson.objects.filter(workload_id=workload.pk, topic__isnull=False).values("topic_id")
    return (
        PlannedTopic.objects.filter(plan__workload_id=workload.pk)
        .exclude(pk__in=used)
        .order_by("position")
        .first()
    )


@dataclass
class TopicUsage:
    topic: PlannedTopic
    dates: list[dt.date] = field(default_factory=list)

    @property
    def used(self) -> bool:
        return bool(self.dates)


def plan_with_usage(plan: ThematicPlan) -> list[TopicUsage]:
    """The plan's topics in order, each with the dates of the lessons that used it (2 queries)."""
    topics = list(PlannedTopic.objects.filter(plan_id=plan.pk).order_by("position"))
    usage = {topic.pk: TopicUsage(topic=topic) for topic in topics}
    if topics:
        rows = (
            Lesson.objects.filter(topic__plan_id=plan.pk)
            .order_by("date", "pair_number", "id")
            .values_list("topic_id", "date")
        )
        for topic_id, date in rows:
            if topic_id in usage:
                usage[topic_id].dates.append(date)
    return list(usage.values())


def work_kinds_for_list(organization_id: int) -> QuerySet[WorkKind]:
    """The organization's work kinds in their order, active ones first (one query)."""
    return WorkKind.objects.filter(organization_id=organization_id).order_by(
        "-is_active", "position", "name"
    )


def plan_copy_sources(actor: ActiveRole, workload: Workload, limit: int = 30) -> list[ThematicPlan]:
    """Plans the actor may see of the same curriculum item (by id, or by index and name) in
    other groups or earlier years, newest year first, with their topic counts (one query)."""
    same_item = Q(workload__item_id=workload.item_id) | Q(
        workload__item__index=workload.item.index, workload__item__name=workload.item.name
    )
    return list(
        ThematicPlan.objects.filter(same_item, workload__in=journals_visible_to(actor).values("pk"))
        .exclude(workload_id=workload.pk)
        .annotate(topic_count=Count("topics"))
        .filter(topic_count__gt=0)
        .select_related(
            "workload__group", "workload__item", "workload__academic_year",
            "workload__teacher__person", "workload__subgroup",
        )
        .order_by("-workload__academic_year__date_from", "workload__group__name")[:limit]
    )


# === attestation, attendance reasons, printing (attestation engineer) ===
# Module aliases keep this section's names apart from the other sections' imports.
import decimal  # noqa: E402
from typing import Any  # noqa: E402

from otmetka.academics import models as academics_models  # noqa: E402
from otmetka.journal import averages as journal_averages  # noqa: E402
from otmetka.journal import models as journal_models  # noqa: E402
from otmetka.lib.dates import local_today  # noqa: E402
from otmetka.org import models as org_models  # noqa: E402
from otmetka.people import models as people_models  # noqa: E402


@dataclass
class SheetRow:
    student: people_models.Student
    mark: journal_models.AttestationMark | None

    @property
    def value(self) -> str:
        return self.mark.value if self.mark is not None else ""

    @property
    def proposed(self) -> str:
        return self.mark.proposed if self.mark is not None else ""


def sheet_roll(sheet: journal_models.AttestationSheet) -> list[people_models.Student]:
    """The sheet's students by surname (one query): those on the group's roll at the
    semester's end while the sheet is open, those it closed with once it is closed."""
    students = people_models.Student.objects.select_related("person").order_by(
        "person__sort_key", "pk"
    )
    if sheet.status == journal_models.AttestationSheet.Status.CLOSED:
        return list(students.filter(pk__in=sheet.closed_roll))
    on_roll = academics_models.Membership.objects.filter(group_id=sheet.group_id).on_day(
        sheet.period.date_to
    )
    return list(students.filter(pk__in=on_roll.values("student_id")))


def semester_marks(
    *, group_id: int, item_ids: Collection[int], period: org_models.Period
) -> QuerySet[journal_models.Mark]:
    """The marks a semester's attestation is proposed from: every journal of the group × items
    in the period's academic year, lessons of the semester that were not cancelled."""
    return groups_semester_marks(group_ids=[group_id], item_ids=item_ids, period=period)


def groups_semester_marks(
    *, group_ids: Collection[int], item_ids: Collection[int], period: org_models.Period
) -> QuerySet[journal_models.Mark]:
    """`semester_marks` of several groups at once (a report over a department or a college)."""
    return journal_models.Mark.objects.filter(
        lesson__workload__group_id__in=list(group_ids),
        lesson__workload__item_id__in=list(item_ids),
        lesson__workload__academic_year_id=period.academic_year_id,
        lesson__date__gte=period.date_from,
        lesson__date__lte=period.date_to,
    ).exclude(lesson__status=journal_models.Lesson.Status.CANCELLED)


def attestation_sheet_rows(sheet: journal_models.AttestationSheet) -> list[SheetRow]:
    """The sheet's students with their marks, by surname (2 queries)."""
    marks = {
        mark.student_id: mark
        for mark in journal_models.AttestationMark.objects.filter(sheet_id=sheet.pk)
    }
    return [SheetRow(student=student, mark=marks.get(student.pk)) for student in sheet_roll(sheet)]


@dataclass
class AbsenceTotals:
    student: people_models.Student
    excused: int = 0
    unexcused: int = 0
    unset: int = 0


@dataclass
class ReasonsWeek:
    rows: list[journal_models.Attendance]
    totals: list[AbsenceTotals]


def reasons_week(group: academics_models.Group, monday: dt.date) -> ReasonsWeek:
    """Every absence of the group's lessons in the week, with hours per student (1 query)."""
    codes = journal_models.ABSENCE_CODES
    rows = list(
        journal_models.Attendance.objects.filter(
            lesson__workload__group_id=group.pk,
            lesson__date__gte=monday,
            lesson__date__lte=monday + dt.timedelta(days=6),
            code__in=[str(code) for code in codes],
        )
        .select_related("lesson__workload__item", "student__person")
        .order_by("lesson__date", "lesson__pair_number", "student__person__sort_key", "pk")
    )
    totals: dict[int, AbsenceTotals] = {}
    for row in rows:
        total = totals.setdefault(row.student_id, AbsenceTotals(student=row.student))
        if row.code in journal_models.EXCUSED_CODES:
            total.excused += row.lesson.hours
        elif row.code == journal_models.AttendanceCode.ABSENT:
            total.unset += row.lesson.hours
        else:
            total.unexcused += row.lesson.hours
    ordered = sorted(totals.values(), key=lambda t: (t.student.person.sort_key, t.student.pk))
    return ReasonsWeek(rows=rows, totals=ordered)


@dataclass
class PrintedLesson:
    lesson: journal_models.Lesson
    teacher_name: str
    substitute: bool


@dataclass
class PrintedStudent:
    number: int
    student: people_models.Student
    date_from: dt.date | None
    date_to: dt.date | None
    cells: list[str] = field(default_factory=list)
    # The semester's results: the weighted average of the journal's marks, the mark it rounds
    # to, the attestation sheet's mark, and the hours missed (of them with a good reason).
    average: decimal.Decimal | None = None
    semester_mark: str = ""
    attestation_mark: str = ""
    hours_missed: int = 0
    hours_excused: int = 0


@dataclass
class JournalPrintData:
    workload: academics_models.Workload
    period: org_models.Period
    organization: org_models.Organization
    students: list[PrintedStudent]
    lessons: list[PrintedLesson]
    hours_total: int
    # The hours the workload plans for the semester, and the date the copy counts lessons to.
    hours_planned: int = 0
    held_by: dt.date | None = None
    attestation_form: str = ""
    sheet_closed: bool = False

    def mark_pages(
        self, columns: int = 20
    ) -> list[tuple[list[PrintedLesson], list[tuple[PrintedStudent, list[str]]]]]:
        """Lessons in chunks of `columns`, each with every student's cells for those lessons."""
        pages = []
        for start in range(0, len(self.lessons), columns):
            chunk = self.lessons[start : start + columns]
            rows = [(s, s.cells[start : start + columns]) for s in self.students]
            pages.append((chunk, rows))
        return pages


def journal_print_data(
    workload: academics_models.Workload,
    period: org_models.Period,
    today: dt.date | None = None,
) -> JournalPrintData:
    """Everything a printed journal shows, in six queries whatever its size.

    Only lessons held count: not cancelled and dated up to `today` (the organization's today by
    default); a lesson planned for next week is neither printed nor added to the hours.
    Queries: the workload with its group, item, teacher and organization; the roll (group or
    subgroup memberships over the semester); the semester's held lessons with their teachers
    and substitutions; the marks with their weights; the attendance; the attestation marks of
    the semester's sheet.
    """
    workload = academics_models.Workload.objects.select_related(
        "group__organization", "item", "teacher__person", "subgroup", "academic_year"
    ).get(pk=workload.pk)
    if today is None:
        today = local_today(workload.group.organization.timezone)
    memberships: Any
    if workload.subgroup_id is not None:
        memberships = academics_models.SubgroupMembership.objects.filter(
            subgroup_id=workload.subgroup_id
        ).overlapping(period.date_from, period.date_to)
    else:
        memberships = academics_models.Membership.objects.filter(
            group_id=workload.group_id
        ).overlapping(period.date_from, period.date_to)
    students: dict[int, PrintedStudent] = {}
    for membership in memberships.select_related("student__person").order_by(
        "student__person__sort_key", "student_id", "date_from"
    ):
        entry = students.get(membership.student_id)
        if entry is None:
            students[membership.student_id] = PrintedStudent(
                number=len(students) + 1,
                student=membership.student,
                date_from=membership.date_from,
                date_to=membership.date_to,
            )
        else:
            entry.date_to = (
                None
                if entry.date_to is None or membership.date_to is None
                else max(entry.date_to, membership.date_to)
            )
    lessons = list(
        journal_models.Lesson.objects.filter(workload_id=workload.pk)
        .between(period.date_from, min(period.date_to, today))
        .held()
        .select_related("teacher__person", "substitution__substitute__person")
        .order_by("date", "pair_number", "pk")
    )
    printed: list[PrintedLesson] = []
    for lesson in lessons:
        substitution = getattr(lesson, "substitution", None)
        teacher = substitution.substitute if substitution is not None else lesson.teacher
        printed.append(
            PrintedLesson(
                lesson=lesson,
                teacher_name=teacher.person.short_name,
                substitute=substitution is not None,
            )
        )
    lesson_ids = [lesson.pk for lesson in lessons]
    marks: dict[tuple[int, int], list[str]] = {}
    weighted: dict[int, list[tuple[str, decimal.Decimal]]] = {}
    for lesson_id, student_id, value, weight in (
        journal_models.Mark.objects.filter(lesson_id__in=lesson_ids)
        .order_by("slot")
        .values_list("lesson_id", "student_id", "value", "work_kind__weight")
    ):
        marks.setdefault((lesson_id, student_id), []).append(value)
        weighted.setdefault(student_id, []).append((value, weight))
    attendance = dict(
        ((lesson_id, student_id), code)
        for lesson_id, student_id, code in journal_models.Attendance.objects.filter(
            lesson_id__in=lesson_ids
        ).values_list("lesson_id", "student_id", "code")
    )
    sheet_marks = list(
        journal_models.AttestationMark.objects.filter(
            sheet__group_id=workload.group_id, sheet__item_id=workload.item_id, sheet__period=period
        ).values_list("student_id", "value", "sheet__form", "sheet__status")
    )
    attested = {student_id: value for student_id, value, _form, _status in sheet_marks}
    for entry in students.values():
        for lesson in lessons:
            key = (lesson.pk, entry.student.pk)
            parts = list(marks.get(key, []))
            code = attendance.get(key)
            if code == journal_models.AttendanceCode.LATE:
                parts.insert(0, "оп")
            elif code is not None:
                parts.insert(0, "н")
                entry.hours_missed += lesson.hours
                if code in journal_models.EXCUSED_CODES:
                    entry.hours_excused += lesson.hours
            entry.cells.append("/".join(parts))
        entry.average = journal_averages.weighted_average(weighted.get(entry.student.pk, []))
        entry.semester_mark = journal_averages.proposed_mark(entry.average)
        entry.attestation_mark = attested.get(entry.student.pk, "")
    first = sheet_marks[0] if sheet_marks else None
    closed = journal_models.AttestationSheet.Status.CLOSED
    return JournalPrintData(
        workload=workload,
        period=period,
        organization=workload.group.organization,
        students=list(students.values()),
        lessons=printed,
        hours_total=sum(lesson.hours for lesson in lessons),
        hours_planned=workload.hours_first if period.number == 1 else workload.hours_second,
        held_by=min(period.date_to, today),
        attestation_form=first[2] if first else "",
        sheet_closed=first is not None and first[3] == closed,
    )


# === grid, lessons, marks, unlocks (grid engineer) ===
from decimal import Decimal  # noqa: E402

from django.db.models import DecimalField, Exists, F, OuterRef, Subquery, Value  # noqa: E402
from django.db.models import IntegerField as _IntegerField  # noqa: E402
from django.utils import timezone as _timezone  # noqa: E402

from otmetka.journal.averages import weighted_average  # noqa: E402
from otmetka.journal.history import FieldChange, field_changes, work_kind_ids  # noqa: E402
from otmetka.journal.locks import lock_boundary  # noqa: E402
from otmetka.journal.models import (  # noqa: E402
    ABSENCE_CODES,
    AttendanceCode,
    JournalHistory,
    JournalUnlock,
    UnlockRequest,
)
from otmetka.journal.models import Attendance as _Attendance  # noqa: E402
from otmetka.journal.models import AttestationSheet as _AttestationSheet  # noqa: E402
from otmetka.journal.models import Mark as _Mark  # noqa: E402


def journal_periods(workload: Workload) -> list[Any]:
    """The semesters of the journal's year, each annotated with its lock state (one query).

    `sheet_closed`: the attestation sheet of that semester is closed; `unlock_until`: the end of
    the journal's active unlock (None when there is none); `request_pending`: a teacher's
    request waits for an answer; `last_refusal`: the answer to the last refused request.
    """
    sheets = _AttestationSheet.objects.filter(
        group_id=workload.group_id,
        item_id=workload.item_id,
        period=OuterRef("pk"),
        status=_AttestationSheet.Status.CLOSED,
    )
    unlocks = JournalUnlock.objects.filter(
        workload_id=workload.pk, revoked_at__isnull=True, valid_until__gt=_timezone.now()
    ).order_by("-valid_until")
    pending = UnlockRequest.objects.filter(
        workload_id=workload.pk, status=UnlockRequest.Status.PENDING
    )
    refused = UnlockRequest.objects.filter(
        workload_id=workload.pk, status=UnlockRequest.Status.REFUSED
    ).order_by("-answered_at")
    return list(
        org_models.Period.objects.semesters()
        .filter(academic_year_id=workload.academic_year_id)
        .annotate(
            sheet_closed=Exists(sheets),
            unlock_until=Subquery(unlocks.values("valid_until")[:1]),
            request_pending=Exists(pending),
            last_refusal=Subquery(refused.values("answer")[:1]),
        )
        .order_by("date_from")
    )


def journal_period_for(periods: list[Any], today: dt.date, wanted: int | None) -> Any | None:
    """The wanted period, else the semester containing today, else the last one started."""
    if wanted is not None:
        return next((period for period in periods if period.pk == wanted), None)
    current = next((p for p in periods if p.date_from <= today <= p.date_to), None)
    if current is not None:
        return current
    started = [period for period in periods if period.date_from <= today]
    if started:
        return started[-1]
    return periods[0] if periods else None


@dataclass
class GridLesson:
    id: int
    date: dt.date
    pair_number: int | None
    hours: int
    topic_text: str
    lesson_type: str
    locked: bool


@dataclass
class GridCell:
    lesson: GridLesson
    text: str = ""
    on_roll: bool = True
    absent: bool = False
    student_id: int = 0
    # The cell as data (for the workbook): its marks by slot, and its attendance code.
    values: list[str] = field(default_factory=list)
    code: str | None = None


@dataclass
class GridRow:
    student_id: int
    name: str
    ranges: list[tuple[dt.date, dt.date | None]]
    cells: list[GridCell] = field(default_factory=list)
    average: Decimal | None = None
    marks_count: int = 0
    absence_hours: int = 0
    # The row's cells as HTML, filled in by the page (see journal/cells.py).
    cells_html: str = ""

    def on_day(self, day: dt.date) -> bool:
        return any(start <= day and (end is None or day <= end) for start, end in self.ranges)

    @property
    def left(self) -> bool:
        return all(end is not None for _start, end in self.ranges)


@dataclass
class Grid:
    workload: Workload
    period: Any
    today: dt.date
    boundary: dt.date
    sheet_closed: bool
    unlock_until: dt.datetime | None
    request_pending: bool
    lessons: list[GridLesson]
    rows: list[GridRow]
    last_refusal: str | None = None

    @property
    def has_locked(self) -> bool:
        return any(lesson.locked for lesson in self.lessons)


def code_text(code: str) -> str:
    return "н" if code == AttendanceCode.ABSENT else code.lower()


def cell_text(values: list[str], code: str | None) -> str:
    """How a cell shows: «4/5», «н», «оп», «б»… — also the version the page sends back."""
    if code is not None and code in ABSENCE_CODES:
        return code_text(code)
    text = "/".join(values)
    if code is not None:
        return f"{code_text(code)} {text}".strip()
    return text


def _grid_roll(workload: Workload, date_from: dt.date, date_to: dt.date) -> list[GridRow]:
    memberships = (
        academics_models.Membership.objects.filter(group_id=workload.group_id)
        .overlapping(date_from, date_to)
        .order_by("student__person__sort_key", "student_id", "date_from")
    )
    if workload.subgroup_id is not None:
        memberships = memberships.filter(
            Q(student__subgroup_memberships__date_to__isnull=True)
            | Q(student__subgroup_memberships__date_to__gte=date_from),
            student__subgroup_memberships__subgroup_id=workload.subgroup_id,
            student__subgroup_memberships__date_from__lte=date_to,
        ).annotate(
            sub_from=F("student__subgroup_memberships__date_from"),
            sub_to=F("student__subgroup_memberships__date_to"),
        )
    rows: dict[int, GridRow] = {}
    for membership in memberships.values(
        "student_id",
        "date_from",
        "date_to",
        "student__person__last_name",
        "student__person__first_name",
        "student__person__middle_name",
        *(("sub_from", "sub_to") if workload.subgroup_id is not None else ()),
    ):
        start, end = membership["date_from"], membership["date_to"]
        if "sub_from" in membership:
            start = max(start, membership["sub_from"])
            sub_to = membership["sub_to"]
            end = sub_to if end is None else (end if sub_to is None else min(end, sub_to))
            if end is not None and end < start:
                continue
        row = rows.get(membership["student_id"])
        if row is None:
            name = " ".join(
                part
                for part in (
                    membership["student__person__last_name"],
                    membership["student__person__first_name"],
                    membership["student__person__middle_name"],
                )
                if part
            )
            row = rows[membership["student_id"]] = GridRow(membership["student_id"], name, [])
        row.ranges.append((start, end))
    return list(rows.values())


def journal_grid(
    workload: Workload, period: Any, today: dt.date, *, only: Collection[int] | None = None
) -> Grid:
    """The journal grid of one semester: lessons × students with marks, absences and totals.

    Queries: the lessons, the roll (with subgroup dates), the marks and attendance of those
    lessons (one UNION query) — three whatever the size; the lock state comes annotated on
    `period` from `journal_periods` (else two more small queries). With `only`, just those
    lessons and the students on the roll on their dates (a substitute's grid).
    """
    organization = workload.group.organization
    boundary = lock_boundary(today, organization.edit_lock_days)
    annotated = (
        period
        if hasattr(period, "sheet_closed")
        else next(p for p in journal_periods(workload) if p.pk == period.pk)
    )
    sheet_closed, unlock_until = annotated.sheet_closed, annotated.unlock_until
    request_pending, last_refusal = annotated.request_pending, annotated.last_refusal
    lessons = [
        GridLesson(
            id=lesson["id"],
            date=lesson["date"],
            pair_number=lesson["pair_number"],
            hours=lesson["hours"],
            topic_text=lesson["topic_text"],
            lesson_type=lesson["lesson_type"],
            locked=sheet_closed or (lesson["date"] < boundary and unlock_until is None),
        )
        for lesson in Lesson.objects.filter(workload_id=workload.pk)
        .filter(Q() if only is None else Q(pk__in=list(only)))
        .between(period.date_from, period.date_to)
        .exclude(
            Q(status=Lesson.Status.CANCELLED) | Q(status=Lesson.Status.PLANNED, date__gt=today)
        )
        .order_by("date", "pair_number", "id")
        .values("id", "date", "pair_number", "hours", "topic_text", "lesson_type")
    ]
    if only is None:
        rows = _grid_roll(workload, period.date_from, period.date_to)
    elif lessons:
        rows = _grid_roll(workload, lessons[0].date, lessons[-1].date)
        rows = [row for row in rows if any(row.on_day(lesson.date) for lesson in lessons)]
    else:
        rows = []
    marks: dict[tuple[int, int], list[str]] = {}
    codes: dict[tuple[int, int], str] = {}
    weights: dict[int, list[tuple[str, Decimal]]] = {}
    if lessons and rows:
        lesson_ids = [lesson.id for lesson in lessons]
        mark_rows = _Mark.objects.filter(lesson_id__in=lesson_ids).order_by().values_list(
            "lesson_id", "student_id", "slot", "value", "work_kind__weight"
        )
        attendance_rows = (
            _Attendance.objects.filter(lesson_id__in=lesson_ids)
            .order_by()
            .annotate(
                cell_slot=Value(0, output_field=_IntegerField()),
                cell_weight=Value(
                    Decimal(0), output_field=DecimalField(max_digits=4, decimal_places=2)
                ),
            )
            .values_list("lesson_id", "student_id", "cell_slot", "code", "cell_weight")
        )
        for lesson_id, student_id, slot, value, weight in sorted(
            mark_rows.union(attendance_rows, all=True), key=lambda row: row[2]
        ):
            if slot == 0:
                codes[(lesson_id, student_id)] = value
            else:
                marks.setdefault((lesson_id, student_id), []).append(value)
                weights.setdefault(student_id, []).append((value, Decimal(weight)))
    hours = {lesson.id: lesson.hours for lesson in lessons}
    for row in rows:
        for lesson in lessons:
            key = (lesson.id, row.student_id)
            values = marks.get(key, [])
            code = codes.get(key)
            absent = code is not None and code in ABSENCE_CODES
            row.cells.append(
                GridCell(
                    lesson=lesson,
                    text=cell_text(values, code),
                    on_roll=row.on_day(lesson.date),
                    absent=absent,
                    student_id=row.student_id,
                    values=values,
                    code=code,
                )
            )
            row.marks_count += len(values)
            if absent:
                row.absence_hours += hours[lesson.id]
        row.average = weighted_average(weights.get(row.student_id, []))
    return Grid(
        workload=workload,
        period=period,
        today=today,
        boundary=boundary,
        sheet_closed=sheet_closed,
        unlock_until=unlock_until,
        request_pending=request_pending,
        lessons=lessons,
        rows=rows,
        last_refusal=last_refusal,
    )


def plan_topics_with_use(workload: Workload) -> list[PlannedTopic]:
    """The journal's КТП topics in order, each with `used` (a lesson has it) — one query."""
    used = Lesson.objects.filter(workload_id=workload.pk, topic_id=OuterRef("pk"))
    return list(
        PlannedTopic.objects.filter(plan__workload_id=workload.pk)
        .annotate(used=Exists(used))
        .order_by("position")
    )


def cell_current(lesson_id: int, student_id: int) -> tuple[str, bool]:
    """The cell's text as the grid shows it, and whether it is an absence (two queries)."""
    values = list(
        _Mark.objects.filter(lesson_id=lesson_id, student_id=student_id)
        .order_by("slot")
        .values_list("value", flat=True)
    )
    code = (
        _Attendance.objects.filter(lesson_id=lesson_id, student_id=student_id)
        .values_list("code", flat=True)
        .first()
    )
    return cell_text(values, code), code is not None and code in ABSENCE_CODES


@dataclass(frozen=True)
class CellHistoryRow:
    """One change of a cell as its history page shows it."""

    at: dt.datetime
    actor_name: str
    entity: str
    action: str
    changes: list[FieldChange]
    reason: str


def cell_history(lesson_id: int, student_id: int) -> list[CellHistoryRow]:
    """Changes of one cell (marks and attendance of a student in a lesson), newest first.

    Two queries at any length: the history rows, then the names of the work kinds they mention.
    """
    rows = list(
        JournalHistory.objects.filter(
            lesson_ref=lesson_id,
            student_id=student_id,
            entity__in=[JournalHistory.Entity.MARK, JournalHistory.Entity.ATTENDANCE],
        ).order_by("-at", "-id")
    )
    names = dict(WorkKind.objects.filter(pk__in=work_kind_ids(rows)).values_list("pk", "name"))
    return [
        CellHistoryRow(
            at=row.at,
            actor_name=row.actor_name,
            entity=row.get_entity_display(),
            action=row.get_action_display(),
            changes=field_changes(row, names),
            reason=row.reason,
        )
        for row in rows
    ]


def lesson_marks(lesson: Lesson) -> list[Any]:
    """The lesson's marks with their students and work kinds, students in name order."""
    return list(
        _Mark.objects.filter(lesson_id=lesson.pk)
        .select_related("student__person", "work_kind")
        .order_by("student__person__sort_key", "student_id", "slot")
    )


def unlock_overview(organization_id: int) -> tuple[list[Any], list[Any]]:
    """Pending unlock requests and active unlocks of the organization (two queries)."""
    requests = list(
        UnlockRequest.objects.filter(
            workload__group__organization_id=organization_id,
            status=UnlockRequest.Status.PENDING,
        )
        .select_related(
            "workload__group",
            "workload__item",
            "workload__teacher__person",
            "requested_by__person",
        )
        .order_by("created_at")
    )
    unlocks = list(
        JournalUnlock.objects.filter(
            workload__group__organization_id=organization_id,
            revoked_at__isnull=True,
            valid_until__gt=_timezone.now(),
        )
        .select_related("workload__group", "workload__item", "workload__teacher__person")
        .order_by("valid_until")
    )
    return requests, unlocks

