"""Успеваемость и качество знаний (issue 12, point 2): by group, course, department, the whole
college, discipline or teacher, for a semester or an academic year, against the period before.

Results are `reports.results`' (the сводная ведомость's): the closed sheet's mark, or the mark
the weighted average proposes while the sheet is open (then the figure is preliminary).

- By group, course, department, college the unit is the student on the roll at the period's
  end: успевает without 2, н/я or незачёт among all their results; учится на «4» и «5» with
  only 5 and 4 (and зачёт), at least one of them.
- By discipline and by teacher the unit is a student's result in one discipline (a student of
  three of a teacher's disciplines counts three times): the same rules on that one result.
- Средний балл: the mean of the results 5–2. СОУ (степень обученности):
  (1,00·n5 + 0,64·n4 + 0,36·n3 + 0,16·n2 + 0,08·n1) ÷ N × 100 %, over the same results 5–2
  (N = their number; there is no 1 in the college's scale, so n1 = 0).

Queries, whatever the number of groups: the groups (1), the semesters of the organization (1),
`reports.results`' five per semester, for the period and the one before, and the journals'
teachers (1, only by teacher or with a teacher filter). A semester: 2 + 5 + 5 (+1); a year:
2 + 10 + 10 (+1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from otmetka.academics.models import Group, Workload
from otmetka.lib.text import full_name, ru_sort_key
from otmetka.org.models import AcademicYear, Period
from otmetka.reports.results import (
    GRADES,
    GroupResults,
    SummaryCell,
    is_good,
    is_successful,
    mark_counts,
    mean,
    percent,
    semester_results,
)

BY_GROUP = "group"
BY_COURSE = "course"
BY_DEPARTMENT = "department"
BY_COLLEGE = "college"
BY_DISCIPLINE = "discipline"
BY_TEACHER = "teacher"
YEAR = "year"

# СОУ weights of the marks 5, 4, 3, 2 (В. П. Симонов); a 1 is never given.
SOU_WEIGHTS = {
    "5": Decimal("1.00"),
    "4": Decimal("0.64"),
    "3": Decimal("0.36"),
    "2": Decimal("0.16"),
}


@dataclass
class Tally:
    """Counts of one unit: students (or results), how many успевают, how many on 4 and 5, and
    the results 5–2."""

    students: int = 0
    successful: int = 0
    good: int = 0
    marks: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GRADES, 0))
    preliminary: bool = False

    def count(self, cells: Sequence[SummaryCell | None]) -> None:
        """One more student (or result) with these cells."""
        counts = mark_counts(cells)
        self.students += 1
        self.successful += is_successful(counts)
        self.good += is_good(counts)
        for grade in GRADES:
            self.marks[grade] += counts[grade]
        self.preliminary = self.preliminary or any(
            cell is not None and not cell.final for cell in cells
        )

    def add(self, other: Tally) -> None:
        self.students += other.students
        self.successful += other.successful
        self.good += other.good
        for grade in GRADES:
            self.marks[grade] += other.marks[grade]
        self.preliminary = self.preliminary or other.preliminary

    @property
    def mark_count(self) -> int:
        return sum(self.marks.values())

    @property
    def mark_total(self) -> int:
        return sum(int(grade) * n for grade, n in self.marks.items())

    @property
    def success_percent(self) -> Decimal | None:
        return percent(self.successful, self.students)

    @property
    def quality_percent(self) -> Decimal | None:
        return percent(self.good, self.students)

    @property
    def average(self) -> Decimal | None:
        return mean(self.mark_total, self.mark_count)

    @property
    def sou(self) -> Decimal | None:
        weighted = sum(SOU_WEIGHTS[grade] * n for grade, n in self.marks.items())
        return percent(Decimal(weighted), self.mark_count)


@dataclass
class QualityLine:
    key: object
    label: str
    department: str
    now: Tally
    before: Tally | None

    def change(self, figure: str) -> Decimal | None:
        """The figure now minus the figure in the period before (None if either is missing)."""
        if self.before is None:
            return None
        now, then = getattr(self.now, figure), getattr(self.before, figure)
        if now is None or then is None:
            return None
        return Decimal(now - then)


@dataclass(frozen=True)
class Bar:
    label: str
    success: Decimal | None
    quality: Decimal | None


@dataclass
class QualityReport:
    by: str
    period_name: str
    previous_name: str
    lines: list[QualityLine]
    total: QualityLine
    semester_id: int | None  # the semester's Period when the report is for one
    # Per department, its groups' успеваемость and качество (the charts).
    charts: list[tuple[str, list[Bar]]]

    @property
    def preliminary(self) -> bool:
        return self.total.now.preliminary


@dataclass(frozen=True)
class QualityFilter:
    department_id: int | None = None
    course: int | None = None
    group_id: int | None = None
    discipline: str = ""
    teacher_id: int | None = None


@dataclass
class _Period:
    """A semester or a year: its semesters in order and a name."""

    name: str
    semesters: list[Period]


def _periods(organization_id: int, year: AcademicYear, term: str) -> tuple[_Period, _Period | None]:
    """The period asked for and the one before: the semester before (across the new year's
    break) or the academic year before (one query)."""
    semesters = list(
        Period.objects.semesters()
        .filter(academic_year__organization_id=organization_id)
        .select_related("academic_year")
        .order_by("date_from")
    )
    if term == YEAR:
        years: dict[int, list[Period]] = {}
        for semester in semesters:
            years.setdefault(semester.academic_year.start_year, []).append(semester)
        now = _Period(year.name, years.get(year.start_year, []))
        earlier = years.get(year.start_year - 1)
        before = _Period(earlier[0].academic_year.name, earlier) if earlier else None
        return now, before
    index = next(
        (
            n
            for n, semester in enumerate(semesters)
            if semester.academic_year_id == year.pk and str(semester.number) == term
        ),
        None,
    )
    if index is None:
        return _Period(year.name, []), None

    def named(semester: Period) -> _Period:
        return _Period(f"{semester.name} {semester.academic_year.name}", [semester])

    return named(semesters[index]), named(semesters[index - 1]) if index else None


def _results(groups: list[Group], period: _Period) -> list[list[GroupResults]]:
    """Per semester, every group's results (5 queries a semester)."""
    return [
        list(semester_results(groups, semester, with_persons=False).values())
        for semester in period.semesters
    ]


Unit = tuple[object, str, str]  # key, label, department of the line


def _tallies(
    results: list[list[GroupResults]],
    by: str,
    choose: Callable[[GroupResults, int], bool],
    teachers: dict[tuple[int, int, int], set[int]],
    teacher_names: dict[int, str],
    teacher_id: int | None,
) -> tuple[dict[object, tuple[Unit, Tally]], dict[int, Tally]]:
    """The tallies of each line and of each group (for the charts), over the period's
    semesters. A student counts if on the roll at the end of the period's last semester."""
    lines: dict[object, tuple[Unit, Tally]] = {}
    per_group: dict[int, Tally] = {}

    def line(unit: Unit) -> Tally:
        return lines.setdefault(unit[0], (unit, Tally()))[1]

    # Each group's students: their cells over the semesters, and who is on the roll at the end.
    students: dict[int, dict[int, list[SummaryCell | None]]] = {}
    on_roll: dict[int, set[int]] = {}
    groups: dict[int, Group] = {}
    years: dict[int, AcademicYear] = {}
    attested: set[int] = set()  # groups with a chosen item in the period (others are left out)
    for semester in results:
        for result in semester:
            group = result.group
            groups[group.pk] = group
            years[group.pk] = result.period.academic_year
            chosen = [
                n for n, column in enumerate(result.columns) if choose(result, column.item_id)
            ]
            if chosen:
                attested.add(group.pk)
            on_roll[group.pk] = {s.pk for s, _joined, left in result.roster if left is None}
            for student, _joined, _left in result.roster:
                cells = result.cells[student.pk]
                students.setdefault(group.pk, {}).setdefault(student.pk, []).extend(
                    cells[n] for n in chosen
                )
                if by in (BY_DISCIPLINE, BY_TEACHER) and student.pk in on_roll[group.pk]:
                    for n in chosen:
                        column = result.columns[n]
                        if by == BY_DISCIPLINE:
                            units: list[Unit] = [(column.name, column.name, "")]
                        else:
                            held = teachers.get(
                                (result.period.academic_year_id, group.pk, column.item_id), set()
                            )
                            units = [
                                (t, teacher_names.get(t, ""), "")
                                for t in sorted(held)
                                if teacher_id is None or t == teacher_id
                            ]
                        for each in units:
                            line(each).count([cells[n]])
    for group_id, cells_of in students.items():
        if group_id not in attested:
            continue
        tally = per_group.setdefault(group_id, Tally())
        for student_id, cells in cells_of.items():
            if student_id in on_roll.get(group_id, set()):
                tally.count(cells)
    if by not in (BY_DISCIPLINE, BY_TEACHER):
        for group_id, tally in per_group.items():
            if not tally.students:
                continue
            group = groups[group_id]
            department = group.department.name if group.department_id else ""
            if by == BY_GROUP:
                unit: Unit = (group_id, group.name, department)
            elif by == BY_COURSE:
                course = group.course_in(years[group_id])
                unit = (course, _("%(course)s курс") % {"course": course}, "")
            elif by == BY_DEPARTMENT:
                unit = (group.department_id, department, department)
            else:
                unit = (None, _("Колледж в целом"), "")
            line(unit).add(tally)
    return lines, per_group


def quality_report(
    *,
    organization_id: int,
    groups: QuerySet[Group],
    year: AcademicYear,
    term: str,
    by: str,
    filters: QualityFilter,
) -> QualityReport:
    """The report over `groups` (the actor's scope, narrowed by the filters here)."""
    if filters.department_id is not None:
        groups = groups.filter(department_id=filters.department_id)
    if filters.group_id is not None:
        groups = groups.filter(pk=filters.group_id)
    chosen_groups = [
        group
        for group in groups.select_related("department").order_by("name", "pk")
        if filters.course is None or group.course_in(year) == filters.course
    ]
    now, before = _periods(organization_id, year, term)
    years = {s.academic_year_id for p in (now, before) if p for s in p.semesters}
    need_teachers = by == BY_TEACHER or filters.teacher_id is not None
    teachers: dict[tuple[int, int, int], set[int]] = {}
    teacher_names: dict[int, str] = {}
    if need_teachers and chosen_groups:
        teachers, teacher_names = _teachers_named(chosen_groups, years)

    def choose(result: GroupResults, item_id: int) -> bool:
        if filters.discipline and not _same_name(_column_name(result, item_id), filters.discipline):
            return False
        if filters.teacher_id is not None:
            held = teachers.get((result.period.academic_year_id, result.group.pk, item_id), set())
            return filters.teacher_id in held
        return True

    now_lines, per_group = _tallies(
        _results(chosen_groups, now), by, choose, teachers, teacher_names, filters.teacher_id
    )
    before_lines: dict[object, tuple[Unit, Tally]] = {}
    before_total = None
    if before is not None:
        before_lines, before_groups = _tallies(
            _results(chosen_groups, before),
            by,
            choose,
            teachers,
            teacher_names,
            filters.teacher_id,
        )
        before_total = _sum(tally for _u, tally in before_lines.values())
    lines = [
        QualityLine(
            key=unit[0],
            label=unit[1],
            department=unit[2],
            now=tally,
            before=before_lines[unit[0]][1] if unit[0] in before_lines else None,
        )
        for unit, tally in now_lines.values()
    ]
    lines.sort(key=lambda line: _order(by, line))
    total = QualityLine(
        key="total",
        label=_("Итого"),
        department="",
        now=_sum(tally for _u, tally in now_lines.values()),
        before=before_total,
    )
    return QualityReport(
        by=by,
        period_name=now.name,
        previous_name=before.name if before is not None else "",
        lines=lines,
        total=total,
        semester_id=now.semesters[0].pk if term != YEAR and now.semesters else None,
        charts=_charts(chosen_groups, per_group),
    )


def _teachers_named(
    groups: list[Group], years: set[int]
) -> tuple[dict[tuple[int, int, int], set[int]], dict[int, str]]:
    """The journals' teachers, and their names «Фамилия Имя Отчество» (one query)."""
    teachers: dict[tuple[int, int, int], set[int]] = {}
    names: dict[int, str] = {}
    rows = Workload.objects.filter(
        group_id__in=[group.pk for group in groups], academic_year_id__in=list(years)
    ).values_list(
        "academic_year_id",
        "group_id",
        "item_id",
        "teacher_id",
        "teacher__person__last_name",
        "teacher__person__first_name",
        "teacher__person__middle_name",
    )
    for year_id, group_id, item_id, teacher_id, last, first, middle in rows:
        teachers.setdefault((year_id, group_id, item_id), set()).add(teacher_id)
        names[teacher_id] = full_name(last, first, middle)
    return teachers, names


def _column_name(result: GroupResults, item_id: int) -> str:
    return next((c.name for c in result.columns if c.item_id == item_id), "")


def _same_name(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def _sum(tallies: Iterable[Tally]) -> Tally:
    total = Tally()
    for tally in tallies:
        total.add(tally)
    return total


def _order(by: str, line: QualityLine) -> tuple[object, ...]:
    if by == BY_GROUP:
        return (ru_sort_key(line.department), ru_sort_key(line.label))
    if by == BY_COURSE:
        return (line.key,)
    return (ru_sort_key(line.label),)


def _charts(groups: list[Group], per_group: dict[int, Tally]) -> list[tuple[str, list[Bar]]]:
    charts: dict[str, list[Bar]] = {}
    for group in groups:
        tally = per_group.get(group.pk)
        if tally is None or not tally.students:
            continue
        department = group.department.name if group.department_id else _("Без отделения")
        charts.setdefault(department, []).append(
            Bar(group.name, tally.success_percent, tally.quality_percent)
        )
    return sorted(charts.items())
