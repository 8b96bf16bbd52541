"""Reads of the academics app, each pre-joined for one screen."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear, Greatest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from otmetka.academics.models import (
    AttestationForm,
    Curriculum,
    CurriculumHours,
    CurriculumItem,
    Group,
    Membership,
    MembershipQuerySet,
    Program,
    Subgroup,
    SubgroupMembership,
    Workload,
)
from otmetka.lib.dates import academic_year_start
from otmetka.org.models import AcademicYear, Department
from otmetka.people.models import Employee, Person, Student


@dataclass(frozen=True)
class RollLine:
    """A student on a group's roll on a day, with the subgroups they are in that day."""

    membership: Membership
    subgroups: tuple[str, ...] = ()

    @property
    def student(self) -> Student:
        return self.membership.student


@dataclass
class GroupRoll:
    """A group with its roll on a day (for the curator's start page)."""

    group: Group
    lines: list[RollLine] = field(default_factory=list)


def _on_day(prefix: str, day: dt.date) -> Q:
    return Q(**{f"{prefix}date_from__lte": day}) & (
        Q(**{f"{prefix}date_to__isnull": True}) | Q(**{f"{prefix}date_to__gte": day})
    )


def _subgroup_names(on: dt.date, **filters: object) -> dict[tuple[int, int], list[str]]:
    """(group id, student id) → names of the subgroups on `on`, from one query."""
    names: dict[tuple[int, int], list[str]] = defaultdict(list)
    # The model's manager is built from MembershipQuerySet, which the stubs tie to Membership.
    subgroup_memberships = cast(
        "QuerySet[SubgroupMembership]",
        SubgroupMembership.objects.filter(_on_day("", on), **filters),
    )
    rows = subgroup_memberships.order_by("subgroup__name").values_list(
        "subgroup__group_id", "student_id", "subgroup__name"
    )
    for group_id, student_id, name in rows:
        names[(group_id, student_id)].append(name)
    return names


def _roll_memberships() -> MembershipQuerySet:
    return Membership.objects.select_related("student__person").order_by(
        "student__person__sort_key", "student_id"
    )


def group_roll(group: Group, on: dt.date) -> list[RollLine]:
    """Students on the group's roll on `on`, by surname, with their subgroups (two queries)."""
    memberships = list(_roll_memberships().filter(group=group).on_day(on))
    names = _subgroup_names(on, subgroup__group=group)
    return [
        RollLine(membership, tuple(names.get((group.pk, membership.student_id), ())))
        for membership in memberships
    ]


def group_roster_history(group: Group) -> list[Membership]:
    """Every membership of the group, leavers included, by surname then date (one query)."""
    return list(
        Membership.objects.filter(group=group)
        .select_related("student__person")
        .order_by("student__person__sort_key", "student_id", "date_from")
    )


def year_start_of(organization_id: int, day: dt.date) -> dt.date:
    """First day of the academic year containing `day` (one query; 1 September if none)."""
    start = (
        AcademicYear.objects.filter(organization_id=organization_id)
        .on_day(day)
        .values_list("date_from", flat=True)
        .first()
    )
    if start is not None:
        return start
    return academic_year_start(day.year if day.month >= 9 else day.year - 1)


def course_year(organization_id: int, day: dt.date) -> int:
    """The calendar year the academic year containing `day` starts in (one query): the year
    that pages about «now» give the groups' courses for."""
    return year_start_of(organization_id, day).year


def with_course(groups: QuerySet[Group], year: AcademicYear | int) -> QuerySet[Group]:
    """Groups annotated with `course` in the academic year `year` (or the one starting in that
    calendar year), the same rule as `Group.course_in`: filterable and orderable in SQL."""
    start = year if isinstance(year, int) else year.start_year
    return groups.annotate(course=Greatest(Value(start) - F("intake_year") + 1, Value(1)))


def group_leavers(group: Group, *, since: dt.date, on: dt.date) -> list[Membership]:
    """Memberships that ended between `since` and the day before `on`, for students who are
    not back on the roll on `on` (one query)."""
    on_roll = Membership.objects.filter(group=group).on_day(on).values("student_id")
    return list(
        Membership.objects.filter(group=group, date_to__gte=since, date_to__lt=on)
        .exclude(student_id__in=on_roll)
        .select_related("student__person")
        .order_by("student__person__sort_key", "student_id", "date_to")
    )


def group_subgroups(group: Group, roll: list[RollLine]) -> list[tuple[Subgroup, int]]:
    """The group's subgroups with how many students of `roll` are in each (one query)."""
    counts = Counter(name for line in roll for name in line.subgroups)
    return [
        (subgroup, counts.get(subgroup.name, 0))
        for subgroup in Subgroup.objects.filter(group=group).order_by("name")
    ]


def students_on_roll(group: Group, on: dt.date) -> QuerySet[Student]:
    """The group's roll on `on` as a queryset of students, by surname."""
    on_roll = Membership.objects.filter(group=group).on_day(on).values("student_id")
    return (
        Student.objects.filter(pk__in=on_roll)
        .select_related("person")
        .order_by("person__sort_key", "pk")
    )


def subgroup_member_ids(subgroup: Subgroup, on: dt.date) -> list[int]:
    return list(
        SubgroupMembership.objects.filter(subgroup=subgroup)
        .on_day(on)
        .values_list("student_id", flat=True)
    )


def students_without_group(
    *, organization_id: int, on: dt.date, text: str, limit: int = 30
) -> QuerySet[Student]:
    """Up to `limit` students of the organization in no group on `on`, found by surname.

    Without a search, only those still studying (or on academic leave) are offered.
    """
    in_group = Membership.objects.on_day(on).values("student_id")
    found = Student.objects.filter(person__organization_id=organization_id).exclude(pk__in=in_group)
    if text:
        found = found.filter(person__in=Person.objects.search(text))
    else:
        found = found.filter(status__in=[Student.Status.STUDYING, Student.Status.ACADEMIC_LEAVE])
    first = found.order_by("person__sort_key", "pk").values("pk")[:limit]
    return (
        Student.objects.filter(pk__in=first)
        .select_related("person")
        .order_by("person__sort_key", "pk")
    )


def groups_for_list(groups: QuerySet[Group], on: dt.date, year: int) -> QuerySet[Group]:
    """Rows of the group list: program, department, curators, the course in the academic year
    starting in `year` and the roll count on `on`, without a query per row (a page is the
    count, the slice and one curators' prefetch)."""
    return (
        with_course(groups, year)
        .select_related("program", "department")
        .prefetch_related(Prefetch("curators", queryset=Employee.objects.select_related("person")))
        .annotate(on_roll=Count("memberships", filter=_on_day("memberships__", on)))
        .order_by("course", "name", "pk")
    )


def students_for_list(students: QuerySet[Student], on: dt.date) -> QuerySet[Student]:
    """Rows of the student list with the group each one is in on `on` (one prefetch)."""
    today = Prefetch(
        "memberships",
        queryset=Membership.objects.on_day(on).select_related("group"),
        to_attr="memberships_on_day",
    )
    return (
        students.select_related("person").prefetch_related(today).order_by("person__sort_key", "pk")
    )


def curated_groups_with_rolls(
    *, organization_id: int, employee_id: int, on: dt.date, year: int
) -> list[GroupRoll]:
    """The active groups an employee curates, each with its course in the academic year
    starting in `year` and its roll on `on` (three queries)."""
    groups = list(
        with_course(
            Group.objects.active().filter(organization_id=organization_id, curators=employee_id),
            year,
        )
        .select_related("program")
        .order_by("course", "name")
    )
    rolls = {group.pk: GroupRoll(group) for group in groups}
    memberships = (
        _roll_memberships()
        .filter(
            group__organization_id=organization_id,
            group__is_active=True,
            group__curators=employee_id,
        )
        .on_day(on)
    )
    names = _subgroup_names(
        on,
        subgroup__group__organization_id=organization_id,
        subgroup__group__curators=employee_id,
    )
    for membership in memberships:
        roll = rolls.get(membership.group_id)
        if roll is not None:
            key = (membership.group_id, membership.student_id)
            roll.lines.append(RollLine(membership, tuple(names.get(key, ()))))
    return list(rolls.values())


# Programs, curricula, workload and the overview.

ATTESTATION_ABBREVIATIONS: dict[str, Promise] = {
    AttestationForm.EXAM: gettext_lazy("Э"),
    AttestationForm.DIFF_CREDIT: gettext_lazy("ДЗ"),
    AttestationForm.CREDIT: gettext_lazy("З"),
    AttestationForm.OTHER: gettext_lazy("ДФК"),
    AttestationForm.QUALIFICATION_EXAM: gettext_lazy("Эк"),
}


def attestation_abbreviation(form: str) -> str:
    """Э, ДЗ, З, ДФК, Эк — the abbreviations of a printed curriculum."""
    abbreviation = ATTESTATION_ABBREVIATIONS.get(form)
    return str(abbreviation) if abbreviation is not None else ""


@dataclass
class HoursCell:
    """One row of the plan in one semester: maximum, classroom and independent hours and the
    attestation form. A ПМ's cell adds up its МДК and practices to its own row (the exam)."""

    semester: int
    hours: CurriculumHours | None = None
    total: int = 0
    classroom: int = 0
    independent: int = 0

    def add(self, hours: CurriculumHours | None) -> None:
        if hours is not None:
            self.total += hours.total
            self.classroom += hours.classroom
            self.independent += hours.independent

    @property
    def is_empty(self) -> bool:
        return self.hours is None and self.total == 0

    @property
    def abbreviation(self) -> str:
        return attestation_abbreviation(self.hours.attestation_form) if self.hours else ""


@dataclass
class CurriculumRow:
    item: CurriculumItem
    depth: int
    cells: list[HoursCell]

    @property
    def total(self) -> int:
        return sum(cell.total for cell in self.cells)

    @property
    def classroom(self) -> int:
        return sum(cell.classroom for cell in self.cells)

    @property
    def independent(self) -> int:
        return sum(cell.independent for cell in self.cells)


@dataclass
class SemesterTotal:
    semester: int
    total: int = 0
    classroom: int = 0
    independent: int = 0

    def add(self, cell: HoursCell) -> None:
        self.total += cell.total
        self.classroom += cell.classroom
        self.independent += cell.independent


@dataclass
class CurriculumTable:
    curriculum: Curriculum
    semesters: list[int]
    rows: list[CurriculumRow]
    # hours[item_id][semester]
    hours: dict[int, dict[int, CurriculumHours]]
    totals: list[SemesterTotal]
    grand_total: SemesterTotal = field(default_factory=lambda: SemesterTotal(semester=0))


def curriculum_table(curriculum: Curriculum) -> CurriculumTable:
    """The plan as a table, МДК and practices under their ПМ (two queries).

    A ПМ's row shows its own hours plus those of its parts; the totals add up the top-level
    rows, so nothing is counted twice.
    """
    items = list(curriculum.items.order_by("position", "index", "id"))
    hours: dict[int, dict[int, CurriculumHours]] = {}
    for entry in CurriculumHours.objects.filter(item__curriculum=curriculum):
        hours.setdefault(entry.item_id, {})[entry.semester] = entry
    semesters = list(range(1, curriculum.semesters + 1))
    parts: dict[int, list[int]] = {}
    for item in items:
        if item.parent_id is not None:
            parts.setdefault(item.parent_id, []).append(item.pk)
    rows = []
    for item in _nested(items):
        cells = []
        for semester in semesters:
            cell = HoursCell(semester, hours.get(item.pk, {}).get(semester))
            cell.add(cell.hours)
            for part_id in parts.get(item.pk, ()):
                cell.add(hours.get(part_id, {}).get(semester))
            cells.append(cell)
        rows.append(CurriculumRow(item=item, depth=0 if item.parent_id is None else 1, cells=cells))
    totals = [SemesterTotal(semester) for semester in semesters]
    grand = SemesterTotal(semester=0)
    for row in rows:
        if row.depth == 0:
            for cell, total in zip(row.cells, totals, strict=True):
                total.add(cell)
                grand.add(cell)
    return CurriculumTable(
        curriculum=curriculum,
        semesters=semesters,
        rows=rows,
        hours=hours,
        totals=totals,
        grand_total=grand,
    )


def program_list_rows(programs: QuerySet[Program]) -> QuerySet[Program]:
    """Programs with their department and the number of curricula (one query per page)."""
    return (
        programs.select_related("department")
        .annotate(curricula_count=Count("curricula"))
        .order_by("code", "form_of_study", "qualification", "id")
    )


def current_academic_year(organization_id: int, day: dt.date) -> AcademicYear | None:
    """The year containing `day`; in the summer gap, the last one that has started."""
    years = AcademicYear.objects.filter(organization_id=organization_id)
    return (
        years.on_day(day).first()
        or years.filter(date_from__lte=day).order_by("-date_from").first()
        or years.order_by("date_from").first()
    )


def _classroom_expression() -> Any:
    return F("theory") + F("practical") + F("laboratory") + F("coursework")


def _planned_classroom(half: int) -> Subquery:
    """Planned classroom hours of the line's item in the group's semester of that half-year of
    the line's academic year (`Group.semester_of` in SQL; the line carries `start_year`)."""
    course = Greatest(OuterRef("start_year") - OuterRef("group__intake_year") + 1, Value(1))
    semester = (course - 1) * 2 + half
    planned = (
        CurriculumHours.objects.filter(item_id=OuterRef("item_id"), semester=semester)
        .annotate(planned=_classroom_expression())
        .values("planned")[:1]
    )
    return Subquery(planned)


def workload_lines(lines: QuerySet[Workload]) -> QuerySet[Workload]:
    """Workload lines pre-joined for a list, each with `planned_first` and `planned_second`:
    the curriculum's classroom hours for the group's semesters of the line's year (course 2 →
    semesters 3, 4)."""
    return (
        lines.select_related("academic_year", "teacher__person", "group", "item", "subgroup")
        .annotate(start_year=ExtractYear("academic_year__date_from"))
        .annotate(planned_first=_planned_classroom(1), planned_second=_planned_classroom(2))
        .order_by(
            "teacher__person__sort_key",
            "group__name",
            "item__position",
            "item__index",
            "subgroup__name",
            "id",
        )
    )


def workload_summary(lines: QuerySet[Workload]) -> QuerySet[Any]:
    """Totals per teacher (one query): teacher_id, last/first/middle name, lines, hours."""
    return (
        lines.values(
            "teacher_id",
            last_name=F("teacher__person__last_name"),
            first_name=F("teacher__person__first_name"),
            middle_name=F("teacher__person__middle_name"),
            sort_key=F("teacher__person__sort_key"),
        )
        .annotate(
            lines=Count("id"),
            hours_first_sum=Sum("hours_first"),
            hours_second_sum=Sum("hours_second"),
            # Sums of each column, then added: a row-wise smallint sum could overflow.
            hours_sum=Sum("hours_first") + Sum("hours_second"),
        )
        .order_by("sort_key", "teacher_id")
    )


def workload_totals(lines: QuerySet[Workload]) -> dict[str, int]:
    """Sums over all `lines` (one query)."""
    result = lines.aggregate(
        lines=Count("id"),
        teachers=Count("teacher", distinct=True),
        hours_first=Coalesce(Sum("hours_first"), 0),
        hours_second=Coalesce(Sum("hours_second"), 0),
    )
    result["hours_total"] = result["hours_first"] + result["hours_second"]
    return result


@dataclass
class OrganizationSummary:
    day: dt.date
    academic_year: AcademicYear | None
    students: int
    groups: int
    teachers: int
    programs: int
    workload_hours: int
    by_department: list[tuple[str, int]]
    by_course: list[tuple[int, int]]


def organization_summary(organization_id: int, on: dt.date) -> OrganizationSummary:
    """The director's overview: who is on roll `on` that day, and the size of the college.

    Seven aggregate queries whatever the size of the college.
    """
    on_roll = Membership.objects.on_day(on).filter(group__organization_id=organization_id)
    students = on_roll.values("student_id").distinct().count()
    year = current_academic_year(organization_id, on)
    # Courses in the year containing `on` (without one, in the year starting 1 September).
    start = year.start_year if year is not None else (on.year if on.month >= 9 else on.year - 1)
    by_course = [
        (row["course"], row["students"])
        for row in on_roll.annotate(
            course=Greatest(Value(start) - F("group__intake_year") + 1, Value(1))
        )
        .values("course")
        .annotate(students=Count("student_id", distinct=True))
        .order_by("course")
    ]
    roll_on_day = Q(groups__memberships__date_from__lte=on) & (
        Q(groups__memberships__date_to__isnull=True) | Q(groups__memberships__date_to__gte=on)
    )
    by_department = list(
        Department.objects.filter(organization_id=organization_id)
        .annotate(students=Count("groups__memberships__student", filter=roll_on_day, distinct=True))
        .order_by("name")
        .values_list("name", "students")
    )
    teaching = Q(positions__is_teaching=True)
    if year is not None:
        teaching |= Q(workloads__academic_year=year)
    teachers = (
        Employee.objects.working()
        .filter(person__organization_id=organization_id)
        .filter(teaching)
        .distinct()
        .count()
    )
    workload_hours = 0
    if year is not None:
        workload_hours = workload_totals(
            Workload.objects.filter(academic_year=year, group__organization_id=organization_id)
        )["hours_total"]
    return OrganizationSummary(
        day=on,
        academic_year=year,
        students=students,
        groups=Group.objects.active().filter(organization_id=organization_id).count(),
        teachers=teachers,
        programs=Program.objects.filter(organization_id=organization_id).count(),
        workload_hours=workload_hours,
        by_department=by_department,
        by_course=by_course,
    )


@dataclass
class PlanLine:
    """An item of a group's curriculum in one academic year: planned vs distributed hours."""

    item: CurriculumItem
    depth: int
    planned_first: int = 0
    planned_second: int = 0
    hours_first: int = 0
    hours_second: int = 0
    teachers: list[str] = field(default_factory=list)

    @property
    def has_plan(self) -> bool:
        return bool(self.planned_first or self.planned_second)


def group_plan_for_year(group: Group, academic_year: AcademicYear) -> list[PlanLine]:
    """The group's curriculum items with the classroom hours planned for the group's semesters
    that year (course 2 → semesters 3 and 4) and the workload already given out (three queries).
    """
    first, second = group.semester_of(1, academic_year), group.semester_of(2, academic_year)
    items = list(
        CurriculumItem.objects.filter(curriculum_id=group.curriculum_id).order_by(
            "position", "index", "id"
        )
    )
    lines = {
        item.pk: PlanLine(item=item, depth=0 if item.parent_id is None else 1) for item in items
    }
    hours = CurriculumHours.objects.filter(
        item__curriculum_id=group.curriculum_id, semester__in=(first, second)
    )
    for row in hours:
        if row.semester == first:
            lines[row.item_id].planned_first = row.classroom
        else:
            lines[row.item_id].planned_second = row.classroom
    given = (
        Workload.objects.filter(group=group, academic_year=academic_year)
        .select_related("teacher__person", "subgroup")
        .order_by("teacher__person__sort_key", "subgroup__name")
    )
    for workload in given:
        line = lines.get(workload.item_id)
        if line is None:
            continue
        line.hours_first += workload.hours_first
        line.hours_second += workload.hours_second
        name = workload.teacher.person.short_name
        if workload.subgroup is not None:
            name = f"{name} ({workload.subgroup.name})"
        line.teachers.append(name)
    return [lines[item.pk] for item in _nested(items)]


def _nested(items: list[CurriculumItem]) -> list[CurriculumItem]:
    """Items in plan order with each ПМ's МДК and practices right after it."""
    children: dict[int, list[CurriculumItem]] = {}
    for item in items:
        if item.parent_id is not None:
            children.setdefault(item.parent_id, []).append(item)
    ordered: list[CurriculumItem] = []
    for item in items:
        if item.parent_id is None:
            ordered.append(item)
            ordered.extend(children.get(item.pk, []))
    return ordered


# The curator's quarterly check of the personal cards (Положение 4.5).

CARD_CHECK_MONTHS = 3


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier, clamped to the month's end (31 May → 28/29 February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def card_check_due(student: Student, on: dt.date) -> bool:
    """A card never checked, or last checked more than three months before `on`."""
    checked = student.card_checked_at
    return checked is None or checked <= months_before(on, CARD_CHECK_MONTHS)


def cards_to_check(*, organization_id: int, employee_id: int, on: dt.date) -> list[Membership]:
    """Students of the groups an employee curates whose card is due for a check: one query."""
    threshold = months_before(on, CARD_CHECK_MONTHS)
    return list(
        Membership.objects.on_day(on)
        .filter(
            group__organization_id=organization_id,
            group__is_active=True,
            group__curators=employee_id,
        )
        .filter(
            Q(student__card_checked_at__isnull=True)
            | Q(student__card_checked_at__lte=threshold)
        )
        .select_related("student__person", "group")
        .order_by("-group__intake_year", "group__name", "student__person__sort_key", "student_id")
    )
