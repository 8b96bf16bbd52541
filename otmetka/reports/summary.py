"""The сводная ведомость успеваемости of a group for one semester (Положение 4.8, issue 12).

Columns are the curriculum items with attestation in the group's semester of study, each with
its form as the attestation sheet takes it (the sheet's own form once the sheet exists, else
the curriculum's). A closed sheet gives the mark; until the sheet is closed the cell holds the
current weighted average of the semester's marks, computed as the sheet proposes it, and is
marked as not final. Rows are the students of the group's dated roster over the semester.

The results come from `reports.results` (the one definition the quality report shares). Six
queries whatever the group's size: that module's five (curriculum hours, sheets, memberships,
closed sheets' marks, marks counted per item, student, value and weight) and the absences
summed per student and code (nothing per student or per cell).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from otmetka.academics.models import Group
from otmetka.journal.models import ABSENCE_CODES, EXCUSED_CODES, Attendance
from otmetka.org.models import AcademicYear, Period
from otmetka.people.models import Student
from otmetka.reports.results import (
    GRADES,
    SummaryCell,
    SummaryColumn,
    decimal_text,
    form_abbreviation,
    is_good,
    is_successful,
    mark_counts,
    mean,
    percent,
    semester_results,
)

__all__ = [
    "GRADES",
    "Figure",
    "GroupSummary",
    "SummaryCell",
    "SummaryColumn",
    "SummaryRow",
    "form_abbreviation",
    "group_figures",
    "group_summary",
    "group_summary_year",
    "semester_on",
]


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
        self.counts = mark_counts(self.cells)

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
        return mean(self.grade_total, self.grade_count)

    @property
    def successful(self) -> bool:
        """Without 2, н/а or незачёт."""
        return is_successful(self.counts)

    @property
    def good(self) -> bool:
        """Only 5 and 4 (and зачёт) among the marks, and at least one 5 or 4."""
        return is_good(self.counts)


@dataclass
class GroupSummary:
    group: Group
    period: Period
    semester: int
    course: int
    columns: list[SummaryColumn]
    rows: list[SummaryRow]
    # Set for the ведомость of a whole academic year: `period` is then its last semester, and
    # the columns are both semesters' items, each named with its semester.
    year: AcademicYear | None = None

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
        return percent(self.successful, self.students)

    @property
    def quality_percent(self) -> Decimal | None:
        """Качество, %."""
        return percent(self.good, self.students)

    @property
    def grade_total(self) -> int:
        return sum(row.grade_total for row in self.counted)

    @property
    def grade_count(self) -> int:
        return sum(row.grade_count for row in self.counted)

    @property
    def average(self) -> Decimal | None:
        """Средний балл of the group: every mark 5–2 of its students, averaged."""
        return mean(self.grade_total, self.grade_count)

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


def group_summary(group: Group, period: Period) -> GroupSummary:
    """The group's сводная ведомость for the semester `period` (its academic year loaded)."""
    result = semester_results([group], period)[group.pk]
    student_ids = [student.pk for student, _start, _end in result.roster]
    absences = _absences(group, period, student_ids)
    rows = []
    for number, (student, joined_on, left_on) in enumerate(result.roster, start=1):
        missed, excused = absences.get(student.pk, (0, 0))
        rows.append(
            SummaryRow(
                number=number,
                student=student,
                cells=result.cells[student.pk],
                joined_on=joined_on,
                left_on=left_on,
                missed_hours=missed,
                excused_hours=excused,
            )
        )
    return GroupSummary(
        group=group,
        period=period,
        semester=result.semester,
        course=group.course_in(period.academic_year),
        columns=result.columns,
        rows=rows,
    )


def group_summary_year(group: Group, year: AcademicYear) -> GroupSummary | None:
    """The group's сводная ведомость for the academic year: both semesters' columns side by
    side (each named with its semester), a row per student of either semester, the counts and
    hours over the year (twice the semester's queries). None when the year has no semesters.

    A student counts in the year's figures when in the group at the end of the year: one who
    left during the first semester or between the semesters is shown, and not counted."""
    semesters = list(
        Period.objects.semesters()
        .filter(academic_year=year)
        .select_related("academic_year")
        .order_by("date_from")
    )
    if not semesters:
        return None
    parts = [group_summary(group, period) for period in semesters]
    columns: list[SummaryColumn] = []
    for part in parts:
        term = _("%(number)s сем.") % {"number": part.semester}
        columns += [replace(column, term=term) for column in part.columns]
    students: dict[int, Student] = {}
    spans: dict[int, list[SummaryRow | None]] = {}
    for index, part in enumerate(parts):
        for row in part.rows:
            students.setdefault(row.student.pk, row.student)
            spans.setdefault(row.student.pk, [None] * len(parts))[index] = row
    order = sorted(students.values(), key=lambda s: (s.person.sort_key, s.pk))
    rows = []
    for number, student in enumerate(order, start=1):
        found = spans[student.pk]
        cells: list[SummaryCell | None] = []
        for part, taken in zip(parts, found, strict=True):
            cells += taken.cells if taken is not None else [None] * len(part.columns)
        first = next(index for index, taken in enumerate(found) if taken is not None)
        last = max(index for index, taken in enumerate(found) if taken is not None)
        first_row, last_row = found[first], found[last]
        assert first_row is not None and last_row is not None
        joined_on = (
            first_row.joined_on
            if first == 0
            else (first_row.joined_on or parts[first].period.date_from)
        )
        left_on = (
            last_row.left_on
            if last == len(parts) - 1
            else (last_row.left_on or parts[last].period.date_to)
        )
        rows.append(
            SummaryRow(
                number=number,
                student=student,
                cells=cells,
                joined_on=joined_on,
                left_on=left_on,
                missed_hours=sum(taken.missed_hours for taken in found if taken is not None),
                excused_hours=sum(taken.excused_hours for taken in found if taken is not None),
            )
        )
    final = parts[-1]
    return GroupSummary(
        group=group,
        period=final.period,
        semester=final.semester,
        course=final.course,
        columns=columns,
        rows=rows,
        year=year,
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
        return decimal_text(self.value) or "—"


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
