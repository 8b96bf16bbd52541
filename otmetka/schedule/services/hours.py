"""Вычитка часов (Положение 4.3): planned hours of each workload line against hours delivered.

Delivered hours are the hours of the journal's lessons that are not cancelled and dated up to
today in the organization's dates, bucketed by month and by half-year. A lesson counts for the
teacher who held it (`Lesson.teacher`): a substitute is credited the hours of the lesson they
held instead of the absent teacher, and the absent teacher's delivery on that line is that much
lower. The whole report takes four queries whatever the number of teachers: the second
semester's start, the lessons aggregated by workload line × teacher × month × half-year in SQL,
the workload lines, and the teachers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Case, IntegerField, Q, Sum, Value, When
from django.db.models.functions import ExtractMonth
from django.utils.translation import gettext_lazy as _

from otmetka.academics.models import Workload
from otmetka.journal.models import Lesson
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError
from otmetka.lib.pdf import render_pdf
from otmetka.lib.tables import Sheet, xlsx_bytes
from otmetka.org.models import AcademicYear, Period
from otmetka.people.models import Employee, person_sort_key

if TYPE_CHECKING:
    from otmetka.accounts.permissions import ActiveRole

# Rights to the report of every teacher; `reports.own` gives a teacher their own lines.
HOURS_ALL_RIGHTS = ("reports.all", "timetable.edit")
HOURS_OWN_RIGHT = "reports.own"

MONTH_NAMES = {
    9: _("сен"),
    10: _("окт"),
    11: _("ноя"),
    12: _("дек"),
    1: _("янв"),
    2: _("фев"),
    3: _("мар"),
    4: _("апр"),
    5: _("май"),
    6: _("июн"),
}
# The months of the report's columns, September to June.
REPORT_MONTHS = (9, 10, 11, 12, 1, 2, 3, 4, 5, 6)


@dataclass
class LineHours:
    """One workload line as one teacher sees it: their own line, or one they substituted on."""

    workload: Workload
    own: bool
    planned_first: int = 0
    planned_second: int = 0
    by_month: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    delivered_first: int = 0
    delivered_second: int = 0
    received: int = 0  # hours of this (own) line held by substitutes

    @property
    def planned(self) -> int:
        return self.planned_first + self.planned_second

    @property
    def delivered(self) -> int:
        return self.delivered_first + self.delivered_second

    @property
    def balance(self) -> int:
        """Hours still to give (план − факт); negative: given over the plan."""
        return self.planned - self.delivered

    def months(self) -> list[int]:
        return [self.by_month.get(month, 0) for month in REPORT_MONTHS]


@dataclass
class TeacherHours:
    employee: Employee
    lines: list[LineHours] = field(default_factory=list)

    @property
    def planned(self) -> int:
        return sum(line.planned for line in self.lines)

    @property
    def planned_first(self) -> int:
        return sum(line.planned_first for line in self.lines)

    @property
    def planned_second(self) -> int:
        return sum(line.planned_second for line in self.lines)

    @property
    def delivered(self) -> int:
        return sum(line.delivered for line in self.lines)

    @property
    def delivered_first(self) -> int:
        return sum(line.delivered_first for line in self.lines)

    @property
    def delivered_second(self) -> int:
        return sum(line.delivered_second for line in self.lines)

    @property
    def balance(self) -> int:
        return self.planned - self.delivered

    @property
    def substitutions_given(self) -> int:
        """Hours this teacher held on other teachers' lines."""
        return sum(line.delivered for line in self.lines if not line.own)

    @property
    def substitutions_received(self) -> int:
        """Hours of this teacher's lines that substitutes held."""
        return sum(line.received for line in self.lines)

    def months(self) -> list[int]:
        return [sum(line.by_month.get(month, 0) for line in self.lines) for month in REPORT_MONTHS]


@dataclass
class HoursReport:
    academic_year: AcademicYear
    today: dt.date
    teachers: list[TeacherHours]

    @property
    def planned(self) -> int:
        return sum(teacher.planned for teacher in self.teachers)

    @property
    def delivered(self) -> int:
        return sum(teacher.delivered for teacher in self.teachers)

    @property
    def balance(self) -> int:
        return self.planned - self.delivered

    @property
    def substitutions(self) -> int:
        return sum(teacher.substitutions_given for teacher in self.teachers)

    def months(self) -> list[int]:
        return [
            sum(values) for values in zip(*(t.months() for t in self.teachers), strict=True)
        ] or [0] * len(REPORT_MONTHS)


def hours_by_teacher(
    organization_id: int,
    academic_year: AcademicYear,
    *,
    teacher_id: int | None = None,
    department_id: int | None = None,
    surname: str = "",
    today: dt.date | None = None,
) -> HoursReport:
    """Planned and delivered hours of every teacher (or one) of the year, line by line."""
    assert academic_year.organization_id == organization_id
    if today is None:
        today = local_today(academic_year.organization.timezone)
    second_start = (
        Period.objects.semesters()
        .filter(academic_year=academic_year, number=2)
        .values_list("date_from", flat=True)
        .first()
    ) or academic_year.date_to
    lessons = Lesson.objects.filter(
        workload__academic_year=academic_year,
        workload__group__organization_id=organization_id,
        date__lte=today,
    ).exclude(status=Lesson.Status.CANCELLED)
    if teacher_id is not None:
        lessons = lessons.filter(Q(teacher_id=teacher_id) | Q(workload__teacher_id=teacher_id))
    rows = list(
        lessons.annotate(
            month=ExtractMonth("date"),
            half=Case(
                When(date__gte=second_start, then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .values("workload_id", "teacher_id", "month", "half")
        .annotate(total=Sum("hours"))
        .order_by()
    )
    workloads_qs = Workload.objects.filter(
        academic_year=academic_year, group__organization_id=organization_id
    ).select_related("group", "item", "subgroup")
    line_ids = {row["workload_id"] for row in rows}
    if teacher_id is not None:
        workloads_qs = workloads_qs.filter(Q(teacher_id=teacher_id) | Q(pk__in=line_ids))
    workloads = {workload.pk: workload for workload in workloads_qs}
    teacher_ids = {workload.teacher_id for workload in workloads.values()}
    teacher_ids |= {row["teacher_id"] for row in rows}
    if teacher_id is not None:
        teacher_ids = {teacher_id} & teacher_ids
    employees = Employee.objects.filter(
        pk__in=teacher_ids, person__organization_id=organization_id
    ).select_related("person", "department")
    if department_id is not None:
        employees = employees.filter(department_id=department_id)
    if surname:
        employees = employees.filter(person__sort_key__startswith=_sort_prefix(surname))
    teachers = {employee.pk: TeacherHours(employee) for employee in employees}

    lines: dict[tuple[int, int], LineHours] = {}

    def line_of(employee_id: int, workload: Workload) -> LineHours | None:
        teacher = teachers.get(employee_id)
        if teacher is None:
            return None
        key = (employee_id, workload.pk)
        if key not in lines:
            own = workload.teacher_id == employee_id
            line = LineHours(workload, own)
            if own:
                line.planned_first = workload.hours_first
                line.planned_second = workload.hours_second
            lines[key] = line
            teacher.lines.append(line)
        return lines[key]

    for workload in workloads.values():
        line_of(workload.teacher_id, workload)
    for row in rows:
        workload = workloads[row["workload_id"]]
        line = line_of(row["teacher_id"], workload)
        total = row["total"] or 0
        if line is not None:
            line.by_month[row["month"]] += total
            if row["half"] == 1:
                line.delivered_first += total
            else:
                line.delivered_second += total
        if row["teacher_id"] != workload.teacher_id:
            owner = line_of(workload.teacher_id, workload)
            if owner is not None:
                owner.received += total
    ordered = sorted(
        teachers.values(),
        key=lambda teacher: (teacher.employee.person.sort_key, teacher.employee.pk),
    )
    for teacher in ordered:
        teacher.lines.sort(
            key=lambda line: (
                not line.own,
                line.workload.group.name,
                line.workload.item.position,
                line.workload.pk,
            )
        )
    return HoursReport(academic_year, today, ordered)


def _sort_prefix(surname: str) -> str:
    words = surname.split()
    return person_sort_key(*(words + ["", ""])[:3]).strip()


def month_headers() -> list[str]:
    return [str(MONTH_NAMES[month]) for month in REPORT_MONTHS]


@dataclass(frozen=True)
class HoursTable:
    """The same table for the page, the XLSX and the PDF: headers, rows and the totals row."""

    title: str
    headers: list[str]
    rows: list[list[str | int]]
    totals: list[str | int]


def teachers_table(report: HoursReport) -> HoursTable:
    """All teachers: ФИО, plan, delivered by month, delivered, balance, substitutions."""
    headers = [
        str(_("Преподаватель")),
        str(_("План, ч")),
        *month_headers(),
        str(_("Факт, ч")),
        str(_("Остаток, ч")),
        str(_("Замещал, ч")),
        str(_("Замещали, ч")),
    ]
    rows: list[list[str | int]] = [
        [
            teacher.employee.person.full_name,
            teacher.planned,
            *teacher.months(),
            teacher.delivered,
            teacher.balance,
            teacher.substitutions_given,
            teacher.substitutions_received,
        ]
        for teacher in report.teachers
    ]
    totals: list[str | int] = [
        str(_("Итого")),
        report.planned,
        *report.months(),
        report.delivered,
        report.balance,
        report.substitutions,
        sum(t.substitutions_received for t in report.teachers),
    ]
    title = str(
        _("Вычитка часов преподавателей, %(year)s учебный год")
        % {"year": report.academic_year.name}
    )
    return HoursTable(title, headers, rows, totals)


def lines_table(report: HoursReport, teacher: TeacherHours) -> HoursTable:
    """One teacher's lines: group, subject, plan by half-year, delivered by month, balance."""
    headers = [
        str(_("Группа")),
        str(_("Дисциплина")),
        str(_("План 1 пол., ч")),
        str(_("План 2 пол., ч")),
        *month_headers(),
        str(_("Факт 1 пол., ч")),
        str(_("Факт 2 пол., ч")),
        str(_("Факт, ч")),
        str(_("Остаток, ч")),
    ]
    rows: list[list[str | int]] = []
    for line in teacher.lines:
        workload = line.workload
        group = workload.group.name
        if workload.subgroup is not None:
            group = f"{group} ({workload.subgroup.name})"
        subject = f"{workload.item.index} {workload.item.name}"
        if not line.own:
            subject = str(_("%(subject)s — замещение") % {"subject": subject})
        rows.append(
            [
                group,
                subject,
                line.planned_first,
                line.planned_second,
                *line.months(),
                line.delivered_first,
                line.delivered_second,
                line.delivered,
                line.balance,
            ]
        )
    totals: list[str | int] = [
        str(_("Итого")),
        "",
        teacher.planned_first,
        teacher.planned_second,
        *teacher.months(),
        teacher.delivered_first,
        teacher.delivered_second,
        teacher.delivered,
        teacher.balance,
    ]
    title = str(
        _("Вычитка часов: %(name)s, %(year)s учебный год")
        % {"name": teacher.employee.person.full_name, "year": report.academic_year.name}
    )
    return HoursTable(title, headers, rows, totals)


def current_year(organization_id: int, today: dt.date) -> AcademicYear | None:
    return AcademicYear.objects.filter(organization_id=organization_id).on_day(today).first()


def hours_table(actor: ActiveRole, params: dict[str, Any]) -> HoursTable:
    """The table `params` ask for: every teacher (filtered by department and surname) for
    those with the rights to it, else one teacher's lines; raises a DomainError when the year
    is not entered, the teacher is not the actor's to see, or has no load this year."""
    year = current_year(actor.organization_id, local_today(actor.organization.timezone))
    if year is None:
        raise DomainError(str(_("Учебный год не задан.")))
    teacher_id = params.get("teacher")
    if teacher_id is None:
        if not actor.has_any(*HOURS_ALL_RIGHTS):
            raise DomainError(str(_("Отчёт по всем преподавателям вашей роли недоступен.")))
        report = hours_by_teacher(
            actor.organization_id,
            year,
            department_id=params.get("department"),
            surname=params.get("q") or "",
        )
        return teachers_table(report)
    if not actor.has_any(*HOURS_ALL_RIGHTS) and teacher_id != actor.employee_id:
        raise DomainError(str(_("Можно получить только свою вычитку часов.")))
    report = hours_by_teacher(actor.organization_id, year, teacher_id=teacher_id)
    teacher = next((t for t in report.teachers if t.employee.pk == teacher_id), None)
    if teacher is None:
        raise DomainError(str(_("У преподавателя нет нагрузки в этом учебном году.")))
    return lines_table(report, teacher)


def table_pdf(
    table: HoursTable, *, organization: Any, on_page: Callable[[int], None] | None = None
) -> bytes:
    """The table as a PDF: the organization and the title on each page, pages numbered."""
    return render_pdf(
        "schedule/hours_pdf.html",
        {"table": table, "organization": organization},
        header=f"{organization.name} · {table.title}",
        on_page=on_page,
    )


def table_xlsx(table: HoursTable) -> bytes:
    """The table as an XLSX workbook: a title row, a frozen header, widths, the totals row."""
    return xlsx_bytes([
        Sheet(title=str(_("Вычитка часов")), header=table.headers, rows=table.rows,
              caption=[table.title], totals=table.totals, header_style="bold",
              fit_widths=True, frozen_columns=1)
    ])
