"""The сводная ведомость успеваемости of a group for one semester (Положение 4.8, issue 12).

Columns are the curriculum items with attestation in the group's semester of study, each with
its form as the attestation sheet takes it (the sheet's own form once the sheet exists, else
the curriculum's). A closed sheet gives the mark; until the sheet is closed the cell holds the
current weighted average of the semester's marks, computed as the sheet proposes it, and is
marked as not final. Rows are the students of the group's dated roster over the semester.

Six queries whatever the group's size: the curriculum hours with their items, the sheets,
the memberships with students, the closed sheets' marks, the marks counted per student, item,
value and weight, the absences summed per student and code (nothing per student or per cell).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from otmetka.academics.models import AttestationForm, CurriculumHours, Group, Membership
from otmetka.journal.averages import weighted_average
from otmetka.journal.models import (
    ABSENCE_CODES,
    EXCUSED_CODES,
    Attendance,
    AttestationMark,
    AttestationSheet,
)
from otmetka.journal.selectors import semester_marks
from otmetka.journal.services.attestation import (
    FAILED,
    NO_SHOW,
    NOT_ADMITTED,
    PASSED,
    proposal_for,
)
from otmetka.org.models import Period
from otmetka.people.models import Student

GRADES = ("5", "4", "3", "2")


def form_abbreviation(form: str) -> str:
    """The form as the header of a column shows it: экз., дз, з."""
    names: dict[str, str] = {
        AttestationForm.EXAM: _("экз."),
        AttestationForm.DIFF_CREDIT: _("дз"),
        AttestationForm.CREDIT: _("з"),
        AttestationForm.QUALIFICATION_EXAM: _("кв. экз."),
        AttestationForm.OTHER: _("др."),
    }
    return names.get(form, form)


@dataclass(frozen=True)
class SummaryColumn:
    item_id: int
    index: str
    name: str
    form: str
    form_short: str
    closed: bool


@dataclass(frozen=True)
class SummaryCell:
    """One student's result in one item. `mark` is what counts: the sheet's value when the
    sheet is closed, the mark the average proposes while it is open."""

    mark: str
    final: bool
    average: Decimal | None = None

    @property
    def text(self) -> str:
        if not self.final:
            return _decimal_text(self.average)
        return {PASSED: _("зач."), FAILED: _("незач.")}.get(self.mark, self.mark)

    @property
    def number(self) -> int | Decimal | None:
        """The cell as a number for a workbook (a mark, or the average), else None."""
        if not self.final:
            return self.average
        return int(self.mark) if self.mark in GRADES else None


def _decimal_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def _mean(total: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class SummaryRow:
    number: int
    student: Student
    cells: list[SummaryCell | None]
    joined_on: dt.date | None  # came into the group after the semester began
    left_on: dt.date | None  # left the group before the semester ended
    missed_hours: int = 0
    excused_hours: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        counted = [cell.mark for cell in self.cells if cell is not None]
        self.counts = {grade: counted.count(grade) for grade in GRADES}
        self.counts["not_attested"] = counted.count(NO_SHOW) + counted.count(NOT_ADMITTED)
        self.counts["failed"] = counted.count(FAILED)
        self.counts["passed"] = counted.count(PASSED)

    @property
    def on_roll(self) -> bool:
        """In the group at the semester's end: counted in the group's figures."""
        return self.left_on is None

    @property
    def preliminary(self) -> bool:
        return any(cell is not None and not cell.final for cell in self.cells)

    @property
    def grade_total(self) -> int:
        return sum(int(grade) * self.counts[grade] for grade in GRADES)

    @property
    def grade_count(self) -> int:
        return sum(self.counts[grade] for grade in GRADES)

    @property
    def average(self) -> Decimal | None:
        """Средний балл: the mean of the row's marks 5–2."""
        return _mean(self.grade_total, self.grade_count)

    @property
    def successful(self) -> bool:
        """Without 2, н/а or незачёт."""
        c = self.counts
        return not (c["2"] or c["not_attested"] or c["failed"])

    @property
    def good(self) -> bool:
        """Only 5 and 4 (and зачёт) among the marks, and at least one 5 or 4."""
        good_marks = self.counts["5"] + self.counts["4"]
        return self.successful and not self.counts["3"] and good_marks > 0


@dataclass
class GroupSummary:
    group: Group
    period: Period
    semester: int
    course: int
    columns: list[SummaryColumn]
    rows: list[SummaryRow]

    @property
    def counted(self) -> list[SummaryRow]:
        return [row for row in self.rows if row.on_roll]

    @property
    def students(self) -> int:
        return len(self.counted)

    @property
    def successful(self) -> int:
        return sum(1 for row in self.counted if row.successful)

    @property
    def good(self) -> int:
        return sum(1 for row in self.counted if row.good)

    @property
    def success_percent(self) -> Decimal | None:
        """Абсолютная успеваемость, %."""
        return _percent(self.successful, self.students)

    @property
    def quality_percent(self) -> Decimal | None:
        """Качество, %."""
        return _percent(self.good, self.students)

    @property
    def grade_total(self) -> int:
        return sum(row.grade_total for row in self.counted)

    @property
    def grade_count(self) -> int:
        return sum(row.grade_count for row in self.counted)

    @property
    def average(self) -> Decimal | None:
        """Средний балл of the group: every mark 5–2 of its students, averaged."""
        return _mean(self.grade_total, self.grade_count)

    @property
    def preliminary(self) -> bool:
        return any(not column.closed for column in self.columns)

    def column_counts(self, key: str) -> int:
        return sum(row.counts[key] for row in self.counted)

    @property
    def totals(self) -> list[int | Decimal | None]:
        """The group's line under the count columns: 5, 4, 3, 2, н/а, незачёт, hours missed, of
        them for a good reason, средний балл."""
        return [
            *(self.column_counts(grade) for grade in GRADES),
            self.column_counts("not_attested"),
            self.column_counts("failed"),
            self.missed_hours,
            self.excused_hours,
            self.average,
        ]

    @property
    def missed_hours(self) -> int:
        return sum(row.missed_hours for row in self.counted)

    @property
    def excused_hours(self) -> int:
        return sum(row.excused_hours for row in self.counted)


def _columns(group: Group, semester: int) -> list[CurriculumHours]:
    return list(
        CurriculumHours.objects.filter(item__curriculum_id=group.curriculum_id, semester=semester)
        .exclude(attestation_form="")
        .select_related("item")
        .order_by("item__position", "item__index")
    )


def _roster(group: Group, period: Period) -> list[tuple[Student, dt.date | None, dt.date | None]]:
    """Students in the group on any day of the semester, by surname, with the day they came
    after its start and the day they left before its end (None: there the whole time)."""
    memberships = (
        Membership.objects.filter(group_id=group.pk)
        .overlapping(period.date_from, period.date_to)
        .select_related("student__person")
        .order_by("student__person__sort_key", "student_id", "date_from")
    )
    spans: dict[int, tuple[Student, dt.date, dt.date | None]] = {}
    for membership in memberships:
        known = spans.get(membership.student_id)
        if known is None:
            spans[membership.student_id] = (
                membership.student,
                membership.date_from,
                membership.date_to,
            )
            continue
        student, start, end = known
        later = None if end is None or membership.date_to is None else max(end, membership.date_to)
        spans[membership.student_id] = (student, min(start, membership.date_from), later)
    return [
        (
            student,
            start if start > period.date_from else None,
            end if end is not None and end < period.date_to else None,
        )
        for student, start, end in spans.values()
    ]


def group_summary(group: Group, period: Period) -> GroupSummary:
    """The group's сводная ведомость for the semester `period` (its academic year loaded)."""
    semester = group.semester_of(period.number, period.academic_year)
    hours = _columns(group, semester)
    item_ids = [line.item_id for line in hours]
    sheets = {
        sheet.item_id: sheet
        for sheet in AttestationSheet.objects.filter(
            group_id=group.pk, period_id=period.pk, item_id__in=item_ids
        )
    }
    closed = AttestationSheet.Status.CLOSED
    columns = []
    for line in hours:
        sheet = sheets.get(line.item_id)
        form = sheet.form if sheet is not None else line.attestation_form
        columns.append(
            SummaryColumn(
                item_id=line.item_id,
                index=line.item.index,
                name=line.item.name,
                form=form,
                form_short=form_abbreviation(form),
                closed=sheet is not None and sheet.status == closed,
            )
        )
    roster = _roster(group, period)
    student_ids = [student.pk for student, _start, _end in roster]
    closed_sheets = {sheet.pk: item for item, sheet in sheets.items() if sheet.status == closed}
    final: dict[tuple[int, int], str] = {}
    if closed_sheets:
        for sheet_id, student_id, value in AttestationMark.objects.filter(
            sheet_id__in=list(closed_sheets), student_id__in=student_ids
        ).values_list("sheet_id", "student_id", "value"):
            if value:
                final[(closed_sheets[sheet_id], student_id)] = value
    open_items = [column.item_id for column in columns if not column.closed]
    marks: dict[tuple[int, int], list[tuple[str, Decimal]]] = {}
    if open_items and student_ids:
        counted = (
            semester_marks(group_id=group.pk, item_ids=open_items, period=period)
            .filter(student_id__in=student_ids)
            .values("lesson__workload__item_id", "student_id", "value", "work_kind__weight")
            .annotate(n=Count("id"))
        )
        for row in counted:
            key = (row["lesson__workload__item_id"], row["student_id"])
            marks.setdefault(key, []).extend([(row["value"], row["work_kind__weight"])] * row["n"])
    absences = _absences(group, period, student_ids)
    rows = []
    for number, (student, joined_on, left_on) in enumerate(roster, start=1):
        cells: list[SummaryCell | None] = []
        for column in columns:
            key = (column.item_id, student.pk)
            if column.closed:
                mark = final.get(key)
                cells.append(SummaryCell(mark=mark, final=True) if mark else None)
                continue
            average = weighted_average(marks.get(key, []))
            cells.append(
                SummaryCell(mark=proposal_for(column.form, average), final=False, average=average)
                if average is not None
                else None
            )
        missed, excused = absences.get(student.pk, (0, 0))
        rows.append(
            SummaryRow(
                number=number,
                student=student,
                cells=cells,
                joined_on=joined_on,
                left_on=left_on,
                missed_hours=missed,
                excused_hours=excused,
            )
        )
    return GroupSummary(
        group=group,
        period=period,
        semester=semester,
        course=group.course_in(period.academic_year),
        columns=columns,
        rows=rows,
    )


def _absences(group: Group, period: Period, student_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Hours missed in the group's lessons of the semester, and of them for a good reason, per
    student: as the curator's week of reasons counts them (a lateness is not an absence)."""
    if not student_ids:
        return {}
    rows = (
        Attendance.objects.filter(
            lesson__workload__group_id=group.pk,
            lesson__date__gte=period.date_from,
            lesson__date__lte=period.date_to,
            code__in=[str(code) for code in ABSENCE_CODES],
            student_id__in=student_ids,
        )
        .values("student_id", "code")
        .annotate(hours=Sum("lesson__hours"))
    )
    totals: dict[int, tuple[int, int]] = {}
    excused_codes = {str(code) for code in EXCUSED_CODES}
    for row in rows:
        missed, excused = totals.get(row["student_id"], (0, 0))
        hours = row["hours"] or 0
        totals[row["student_id"]] = (
            missed + hours,
            excused + (hours if row["code"] in excused_codes else 0),
        )
    return totals



@dataclass(frozen=True)
class Figure:
    """A group figure with its formula in words and the numbers put into it."""

    label: str
    formula: str
    value: Decimal | None
    unit: str

    @property
    def text(self) -> str:
        if self.unit == "%":
            return _percent_text(self.value)
        return _decimal_text(self.value) or "—"


def _percent_text(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",") + " %"


def group_figures(summary: GroupSummary) -> list[Figure]:
    """Абсолютная успеваемость, качество and средний балл, each explained (no query)."""
    everyone = summary.students
    return [
        Figure(
            _("Абсолютная успеваемость"),
            _(
                "обучающиеся без «2», «н/а» и «незачёт» ÷ все обучающиеся × 100 %% = "
                "%(part)s ÷ %(all)s × 100 %%"
            )
            % {"part": summary.successful, "all": everyone},
            summary.success_percent,
            "%",
        ),
        Figure(
            _("Качество знаний"),
            _(
                "обучающиеся только с «5» и «4» ÷ все обучающиеся × 100 %% = "
                "%(part)s ÷ %(all)s × 100 %%"
            )
            % {"part": summary.good, "all": everyone},
            summary.quality_percent,
            "%",
        ),
        Figure(
            _("Средний балл"),
            _("сумма отметок «5»–«2» ÷ их число = %(sum)s ÷ %(count)s")
            % {"sum": summary.grade_total, "count": summary.grade_count},
            summary.average,
            "",
        ),
    ]


def semester_on(organization_id: int, day: dt.date) -> Period | None:
    """The semester containing `day`, else the last one begun before it, else the first (one
    query), with its academic year."""
    semesters = list(
        Period.objects.semesters()
        .filter(academic_year__organization_id=organization_id)
        .select_related("academic_year")
        .order_by("date_from")
    )
    begun = [period for period in semesters if period.date_from <= day]
    if begun:
        return begun[-1]
    return semesters[0] if semesters else None
