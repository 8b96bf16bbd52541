"""Посещаемость (issue 12, point 3): hours missed by a group, a ведомость пропусков of a month,
students over the college's threshold of unexcused hours, and totals per group, department and
college (Положение 6.3).

Reasons as the curator sets them (journal/services/reasons.py), in three kinds:

- болезнь: Б;
- уважительная (other than illness): ОТ (по приказу), УП, ОСВ (освобождён);
- неуважительная: НП, and Н — an absence whose reason the curator has not set yet counts as
  unexcused until it is set; its hours are also shown apart («причина не указана»).

A lateness (ОП) is not an absence. Lessons cancelled count not. Hours are the lesson's hours.
Every selector sums in SQL, per student and code or per group and code: a fixed number of
queries whatever the size (named in each docstring).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from otmetka.academics.models import Group, Membership
from otmetka.journal.models import Attendance, AttendanceCode, Lesson
from otmetka.people.models import Student
from otmetka.reports.results import roster_spans
from otmetka.reports.selectors import academic_start_year

ILLNESS_CODES = frozenset({AttendanceCode.ILLNESS.value})
EXCUSED_OTHER_CODES = frozenset(
    {AttendanceCode.BY_ORDER.value, AttendanceCode.EXCUSED.value, AttendanceCode.EXEMPT.value}
)
UNKNOWN_CODES = frozenset({AttendanceCode.ABSENT.value})
UNEXCUSED_CODES = frozenset({AttendanceCode.UNEXCUSED.value}) | UNKNOWN_CODES
COUNTED_CODES = ILLNESS_CODES | EXCUSED_OTHER_CODES | UNEXCUSED_CODES

# The reasons a number can stand for, as `?reason=` of the absences list takes them.
REASONS: dict[str, tuple[frozenset[str], object]] = {
    "all": (COUNTED_CODES, _("все пропуски")),
    "illness": (ILLNESS_CODES, _("по болезни")),
    "excused": (EXCUSED_OTHER_CODES, _("по уважительной причине")),
    "unexcused": (UNEXCUSED_CODES, _("без уважительной причины")),
    "unknown": (UNKNOWN_CODES, _("причина не указана")),
}


@dataclass
class Hours:
    """Hours missed, by kind of reason; `unknown` is a part of `unexcused`."""

    illness: int = 0
    excused: int = 0
    unexcused: int = 0
    unknown: int = 0

    @property
    def total(self) -> int:
        return self.illness + self.excused + self.unexcused

    def add(self, code: str, hours: int) -> None:
        if code in ILLNESS_CODES:
            self.illness += hours
        elif code in EXCUSED_OTHER_CODES:
            self.excused += hours
        elif code in UNEXCUSED_CODES:
            self.unexcused += hours
            if code in UNKNOWN_CODES:
                self.unknown += hours

    def merge(self, other: Hours) -> None:
        self.illness += other.illness
        self.excused += other.excused
        self.unexcused += other.unexcused
        self.unknown += other.unknown

    def values(self) -> list[int]:
        """In the order of the columns: всего, болезнь, уважительная, неуважительная, из них
        причина не указана."""
        return [self.total, self.illness, self.excused, self.unexcused, self.unknown]


def _absences(date_from: dt.date, date_to: dt.date) -> QuerySet[Attendance]:
    """The counted absences of lessons held (or planned) from date_from to date_to."""
    return Attendance.objects.filter(
        lesson__date__gte=date_from,
        lesson__date__lte=date_to,
        code__in=sorted(COUNTED_CODES),
    ).exclude(lesson__status=Lesson.Status.CANCELLED)


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, 1), dt.date(year, month, last)


# --- One group for a month or a period --------------------------------------------------------


@dataclass
class StudentLine:
    number: int
    student: Student
    joined_on: dt.date | None  # came after the period began
    left_on: dt.date | None  # left before the period ended
    hours: Hours = field(default_factory=Hours)


@dataclass
class GroupAttendance:
    group: Group
    date_from: dt.date
    date_to: dt.date
    lines: list[StudentLine]
    totals: Hours


def roster_between(
    group_id: int, date_from: dt.date, date_to: dt.date
) -> list[tuple[Student, dt.date | None, dt.date | None]]:
    """Students in the group on any day of date_from..date_to, by surname (one query), with the
    day they came after its start and the day they left before its end (else None)."""
    memberships = (
        Membership.objects.filter(group_id=group_id)
        .overlapping(date_from, date_to)
        .select_related("student__person")
        .order_by("student__person__sort_key", "student_id", "date_from")
    )
    return roster_spans(memberships, date_from, date_to)


def group_attendance(group: Group, date_from: dt.date, date_to: dt.date) -> GroupAttendance:
    """The group's hours missed per student and reason (two queries: the roster, the hours
    summed per student and code)."""
    roster = roster_between(group.pk, date_from, date_to)
    lines = [
        StudentLine(number, student, joined_on, left_on)
        for number, (student, joined_on, left_on) in enumerate(roster, start=1)
    ]
    by_student = {line.student.pk: line for line in lines}
    totals = Hours()
    if by_student:
        sums = (
            _absences(date_from, date_to)
            .filter(lesson__workload__group_id=group.pk, student_id__in=list(by_student))
            .values("student_id", "code")
            .annotate(hours=Sum("lesson__hours"))
        )
        for row in sums:
            hours = row["hours"] or 0
            by_student[row["student_id"]].hours.add(row["code"], hours)
            totals.add(row["code"], hours)
    return GroupAttendance(group, date_from, date_to, lines, totals)


# --- The ведомость пропусков: students × days of a month ---------------------------------------


@dataclass
class DayCell:
    day: dt.date
    hours: int = 0
    codes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return f"{self.hours} {'/'.join(self.codes)}"

    @property
    def query(self) -> str:
        """The day as the absences list takes it."""
        return f"date_from={self.day.isoformat()}&date_to={self.day.isoformat()}"


@dataclass
class SheetLine:
    number: int
    student: Student
    left_on: dt.date | None
    joined_on: dt.date | None
    cells: list[DayCell | None]
    hours: Hours


@dataclass
class AbsenceSheet:
    group: Group
    date_from: dt.date
    date_to: dt.date
    days: list[dt.date]
    lines: list[SheetLine]
    day_totals: list[int]
    totals: Hours


def absence_sheet(group: Group, year: int, month: int) -> AbsenceSheet:
    """Hours missed per student and day of the month, with their codes (two queries: the
    roster, the hours summed per student, day and code)."""
    date_from, date_to = month_bounds(year, month)
    days = [date_from + dt.timedelta(days=n) for n in range((date_to - date_from).days + 1)]
    roster = roster_between(group.pk, date_from, date_to)
    cells: dict[tuple[int, dt.date], DayCell] = {}
    per_student: dict[int, Hours] = {student.pk: Hours() for student, _s, _e in roster}
    if per_student:
        sums = (
            _absences(date_from, date_to)
            .filter(lesson__workload__group_id=group.pk, student_id__in=list(per_student))
            .values("student_id", "lesson__date", "code")
            .annotate(hours=Sum("lesson__hours"))
            .order_by("student_id", "lesson__date", "code")
        )
        for row in sums:
            hours = row["hours"] or 0
            day = row["lesson__date"]
            cell = cells.setdefault((row["student_id"], day), DayCell(day))
            cell.hours += hours
            if row["code"] not in cell.codes:
                cell.codes.append(row["code"])
            per_student[row["student_id"]].add(row["code"], hours)
    lines = []
    totals = Hours()
    for number, (student, joined_on, left_on) in enumerate(roster, start=1):
        hours = per_student[student.pk]
        totals.merge(hours)
        lines.append(
            SheetLine(
                number,
                student,
                left_on,
                joined_on,
                [cells.get((student.pk, day)) for day in days],
                hours,
            )
        )
    day_totals = [
        sum(cell.hours for (_student, day), cell in cells.items() if day == one) for one in days
    ]
    return AbsenceSheet(group, date_from, date_to, days, lines, day_totals, totals)


# --- Totals per group, department and college (Положение 6.3) ---------------------------------


@dataclass
class TotalsLine:
    group: Group | None
    label: str
    students: int = 0
    hours: Hours = field(default_factory=Hours)

    @property
    def per_student(self) -> str:
        """Hours missed per student, one decimal, as a Russian reader writes it."""
        if not self.students:
            return "—"
        mean = Decimal(self.hours.total) / Decimal(self.students)
        return str(mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)).replace(".", ",")


@dataclass
class DepartmentBlock:
    name: str
    lines: list[TotalsLine]
    total: TotalsLine


@dataclass
class AttendanceTotals:
    date_from: dt.date
    date_to: dt.date
    departments: list[DepartmentBlock]
    total: TotalsLine


def course_filter(groups: QuerySet[Group], course: int | None, day: dt.date) -> QuerySet[Group]:
    """Groups of the course `course` in the academic year of `day` (the 1st also takes groups
    whose intake is later, as Group.course_in does)."""
    if course is None:
        return groups
    intake = academic_start_year(day) - course + 1
    if course == 1:
        return groups.filter(intake_year__gte=intake)
    return groups.filter(intake_year=intake)


def attendance_totals(
    groups: QuerySet[Group], date_from: dt.date, date_to: dt.date, *, college: str
) -> AttendanceTotals:
    """One line per group, a subtotal per department and the college's total (three queries:
    the groups with their departments, the students on roll at the period's end per group, the
    hours summed per group and code)."""
    chosen = list(groups.select_related("department").order_by("department__name", "name", "pk"))
    ids = [group.pk for group in chosen]
    on_roll: dict[int, int] = {}
    hours: dict[int, Hours] = {group_id: Hours() for group_id in ids}
    if ids:
        on_roll = dict(
            Membership.objects.filter(group_id__in=ids)
            .on_day(date_to)
            .values("group_id")
            .annotate(n=Count("student_id", distinct=True))
            .values_list("group_id", "n")
        )
        sums = (
            _absences(date_from, date_to)
            .filter(lesson__workload__group_id__in=ids)
            .values("lesson__workload__group_id", "code")
            .annotate(hours=Sum("lesson__hours"))
        )
        for row in sums:
            hours[row["lesson__workload__group_id"]].add(row["code"], row["hours"] or 0)
    blocks: dict[int | None, DepartmentBlock] = {}
    college_line = TotalsLine(None, college)
    for group in chosen:
        line = TotalsLine(group, group.name, on_roll.get(group.pk, 0), hours[group.pk])
        department = group.department
        name = department.name if department is not None else str(_("Без отделения"))
        block = blocks.get(group.department_id)
        if block is None:
            block = DepartmentBlock(name, [], TotalsLine(None, name))
            blocks[group.department_id] = block
        block.lines.append(line)
        for total in (block.total, college_line):
            total.students += line.students
            total.hours.merge(line.hours)
    return AttendanceTotals(date_from, date_to, list(blocks.values()), college_line)


# --- Students over the threshold of unexcused hours -------------------------------------------


@dataclass
class OverLine:
    number: int
    student: Student
    group: Group
    hours: Hours


def over_threshold(
    groups: QuerySet[Group], date_from: dt.date, date_to: dt.date, threshold: int
) -> list[OverLine]:
    """Students who missed more than `threshold` hours without a good reason in one group's
    lessons of the period, most first (three queries: the hours summed per student and group
    by kind, kept over the threshold in SQL; their students; their groups)."""

    def hours_of(codes: frozenset[str]) -> Sum:
        return Sum("lesson__hours", filter=Q(code__in=sorted(codes)), default=0)

    rows = list(
        _absences(date_from, date_to)
        .filter(lesson__workload__group__in=groups)
        .values("student_id", "lesson__workload__group_id")
        .annotate(
            illness=hours_of(ILLNESS_CODES),
            excused=hours_of(EXCUSED_OTHER_CODES),
            unexcused=hours_of(UNEXCUSED_CODES),
            unknown=hours_of(UNKNOWN_CODES),
        )
        .filter(unexcused__gt=threshold)
        .order_by()
    )
    if not rows:
        return []
    students = Student.objects.filter(pk__in={row["student_id"] for row in rows})
    by_id = {student.pk: student for student in students.select_related("person")}
    group_ids = {row["lesson__workload__group_id"] for row in rows}
    group_by_id = {group.pk: group for group in Group.objects.filter(pk__in=group_ids)}
    rows.sort(
        key=lambda row: (
            -row["unexcused"],
            by_id[row["student_id"]].person.sort_key,
            row["student_id"],
        )
    )
    return [
        OverLine(
            number,
            by_id[row["student_id"]],
            group_by_id[row["lesson__workload__group_id"]],
            Hours(row["illness"], row["excused"], row["unexcused"], row["unknown"]),
        )
        for number, row in enumerate(rows, start=1)
    ]


# --- What a number counts: the absences behind it ---------------------------------------------


def absence_list(
    group: Group,
    date_from: dt.date,
    date_to: dt.date,
    *,
    reason: str,
    student_ids: Iterable[int] | None = None,
) -> list[Attendance]:
    """The absences a number of the reports counts, by date and pair (one query)."""
    codes = REASONS[reason][0]
    rows = (
        _absences(date_from, date_to)
        .filter(lesson__workload__group_id=group.pk, code__in=sorted(codes))
        .select_related("student__person", "lesson__workload__item", "lesson__teacher__person")
        .order_by("lesson__date", "lesson__pair_number", "student__person__sort_key", "pk")
    )
    if student_ids is not None:
        rows = rows.filter(student_id__in=list(student_ids))
    return list(rows)
