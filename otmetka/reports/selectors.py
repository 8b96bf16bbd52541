"""Reads for the contingent reports, each a few aggregate queries whatever the college's size.

- contingent on a date: students on roll by dated memberships (Положение 4.9), counted per
  group and funding in one aggregate query; academic leave from the applied leave orders;
- movement for a period: the items of orders applied with an effective date in the period;
- the alphabetical book: every student who ever studied, with group history and orders.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from otmetka.academics.models import Group, Membership
from otmetka.movement.models import ExpulsionReason, Order, OrderItem, OrderKind
from otmetka.org.models import Department
from otmetka.people.models import Student

# --- Contingent on a date ---------------------------------------------------------------------


def academic_start_year(day: dt.date) -> int:
    """The calendar year an academic year starts in (1 September)."""
    return day.year if day.month >= 9 else day.year - 1


@dataclass
class ContingentLine:
    group_id: int
    group_name: str
    program: str
    program_id: int
    course: int
    form_of_study: str
    form_label: str
    budget: int = 0
    contract: int = 0
    leave: int = 0

    @property
    def total(self) -> int:
        return self.budget + self.contract


@dataclass
class Subtotal:
    label: str
    budget: int = 0
    contract: int = 0
    leave: int = 0

    @property
    def total(self) -> int:
        return self.budget + self.contract

    def add(self, line: ContingentLine | Subtotal) -> None:
        self.budget += line.budget
        self.contract += line.contract
        self.leave += line.leave


@dataclass
class ProgramSection:
    subtotal: Subtotal
    lines: list[ContingentLine] = field(default_factory=list)


@dataclass
class ContingentReport:
    on: dt.date
    sections: list[ProgramSection]
    by_course: list[Subtotal]
    by_form: list[Subtotal]
    total: Subtotal


def _course_on(group: Group, on: dt.date) -> int:
    """The group's course in the academic year containing `on`."""
    return group.course_in(academic_start_year(on))


def _leave_counts(organization_id: int, on: dt.date, department_id: int | None) -> dict[int, int]:
    """Students in academic leave on `on` by the group they left from (0: unknown group):
    applied leave items covering the date with no applied return between its start and `on`."""
    returned = OrderItem.objects.filter(
        student_id=OuterRef("student_id"),
        order__status=Order.Status.APPLIED,
        order__kind=OrderKind.LEAVE_RETURN,
        effective_date__gt=OuterRef("effective_date"),
        effective_date__lte=on,
    )
    leaves = (
        OrderItem.objects.filter(
            order__organization_id=organization_id,
            order__status=Order.Status.APPLIED,
            order__kind=OrderKind.LEAVE,
            effective_date__lte=on,
        )
        .filter(Q(leave_until__isnull=True) | Q(leave_until__gte=on))
        .filter(~Exists(returned))
    )
    if department_id is not None:
        leaves = leaves.filter(from_group__department_id=department_id)
    rows = leaves.values("from_group_id").annotate(n=Count("student_id", distinct=True))
    return {row["from_group_id"] or 0: row["n"] for row in rows}


def contingent_on(
    organization_id: int, on: dt.date, *, today: dt.date, department_id: int | None = None
) -> ContingentReport:
    """Students on roll on a date by program, course, group, funding and form of study.

    Three queries: counts per group and funding, academic leave per group, the groups.
    """
    memberships = Membership.objects.on_day(on).filter(group__organization_id=organization_id)
    if department_id is not None:
        memberships = memberships.filter(group__department_id=department_id)
    counts = list(
        memberships.values("group_id", "student__funding").annotate(
            n=Count("student_id", distinct=True)
        )
    )
    leave = _leave_counts(organization_id, on, department_id)
    group_ids = {row["group_id"] for row in counts} | set(leave) - {0}
    groups = (
        Group.objects.filter(pk__in=group_ids, organization_id=organization_id)
        .select_related("program", "department")
        .order_by("program__code", "program__name", "-intake_year", "name")
    )
    forms = dict(Department.Form.choices)
    lines: dict[int, ContingentLine] = {}
    for group in groups:
        form = group.department.form_of_study
        lines[group.pk] = ContingentLine(
            group_id=group.pk,
            group_name=group.name,
            program=f"{group.program.code} {group.program.name}",
            program_id=group.program_id,
            course=_course_on(group, on),
            form_of_study=form,
            form_label=str(forms.get(form, form)),
            leave=leave.get(group.pk, 0),
        )
    for row in counts:
        line = lines[row["group_id"]]
        if row["student__funding"] == Student.Funding.CONTRACT:
            line.contract += row["n"]
        else:
            line.budget += row["n"]
    return _assemble(on, list(lines.values()), unknown_leave=leave.get(0, 0))


def _assemble(on: dt.date, lines: list[ContingentLine], *, unknown_leave: int) -> ContingentReport:
    lines.sort(key=lambda line: (line.program, line.course, line.group_name))
    sections: dict[int, ProgramSection] = {}
    courses: dict[int, Subtotal] = {}
    forms: dict[str, Subtotal] = {}
    total = Subtotal(_("Всего"), leave=unknown_leave)
    for line in lines:
        section = sections.setdefault(
            line.program_id,
            ProgramSection(Subtotal(_("Итого: %(program)s") % {"program": line.program})),
        )
        section.lines.append(line)
        section.subtotal.add(line)
        courses.setdefault(
            line.course, Subtotal(_("%(course)s курс") % {"course": line.course})
        ).add(line)
        forms.setdefault(line.form_of_study, Subtotal(line.form_label)).add(line)
        total.add(line)
    return ContingentReport(
        on=on,
        sections=list(sections.values()),
        by_course=[courses[course] for course in sorted(courses)],
        by_form=[forms[form] for form in sorted(forms)],
        total=total,
    )


# --- Movement for a period --------------------------------------------------------------------

ARRIVALS = (OrderKind.ENROLMENT, OrderKind.REINSTATEMENT, OrderKind.LEAVE_RETURN)
DEPARTURES = (OrderKind.EXPULSION, OrderKind.LEAVE)


@dataclass(frozen=True)
class MovementColumn:
    key: str
    label: str
    arrival: bool


def movement_columns() -> list[MovementColumn]:
    """Arrivals, then departures; transfers count on both sides, expulsions by reason."""
    columns = [
        MovementColumn(OrderKind.ENROLMENT.value, _("зачислено"), True),
        MovementColumn(OrderKind.REINSTATEMENT.value, _("восстановлено"), True),
        MovementColumn(OrderKind.LEAVE_RETURN.value, _("вышли из академ. отпуска"), True),
        MovementColumn("transfer_in", _("переведено в группу"), True),
        MovementColumn("transfer_out", _("переведено из группы"), False),
        MovementColumn(OrderKind.LEAVE.value, _("ушли в академ. отпуск"), False),
    ]
    columns += [
        MovementColumn(f"expulsion:{value}", _("отчислено %(reason)s") % {"reason": label}, False)
        for value, label in ExpulsionReason.choices
    ]
    return columns


@dataclass
class MovementLine:
    group_id: int
    group_name: str
    program: str
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def cells(self, columns: Iterable[MovementColumn]) -> list[int]:
        return [self.counts.get(column.key, 0) for column in columns]

    def arrived(self, columns: Iterable[MovementColumn]) -> int:
        return sum(self.counts.get(c.key, 0) for c in columns if c.arrival)

    def departed(self, columns: Iterable[MovementColumn]) -> int:
        return sum(self.counts.get(c.key, 0) for c in columns if not c.arrival)


@dataclass
class MovementReport:
    date_from: dt.date
    date_to: dt.date
    columns: list[MovementColumn]
    lines: list[MovementLine]
    total: MovementLine


def _movement_keys(kind: str, reason: str) -> list[tuple[str, str]]:
    """(column, side) pairs of one order item: side «from» or «to» names the group it counts in."""
    if kind == OrderKind.TRANSFER:
        return [("transfer_out", "from"), ("transfer_in", "to")]
    if kind == OrderKind.EXPULSION:
        return [(f"expulsion:{reason or ExpulsionReason.OTHER.value}", "from")]
    if kind == OrderKind.LEAVE:
        return [(str(kind), "from")]
    if kind in ARRIVALS:
        return [(str(kind), "to")]
    return []  # a change of name moves nobody


def movement_between(
    organization_id: int, date_from: dt.date, date_to: dt.date, *, department_id: int | None = None
) -> MovementReport:
    """Arrivals and departures by kind and group, from applied orders' items: two queries."""
    items = OrderItem.objects.filter(
        order__organization_id=organization_id,
        order__status=Order.Status.APPLIED,
        effective_date__gte=date_from,
        effective_date__lte=date_to,
    ).exclude(order__kind=OrderKind.NAME_CHANGE)
    if department_id is not None:
        items = items.filter(
            Q(from_group__department_id=department_id) | Q(to_group__department_id=department_id)
        )
    rows = list(
        items.values("order__kind", "reason", "from_group_id", "to_group_id").annotate(
            n=Count("id")
        )
    )
    group_ids = {row["from_group_id"] for row in rows} | {row["to_group_id"] for row in rows}
    groups = {
        group.pk: group
        for group in Group.objects.filter(
            pk__in=group_ids - {None}, organization_id=organization_id
        ).select_related("program")
    }
    columns = movement_columns()
    lines: dict[int, MovementLine] = {}
    total = MovementLine(0, _("Всего"), "")
    unknown = MovementLine(0, _("без группы"), "")
    for row in rows:
        for key, side in _movement_keys(row["order__kind"], row["reason"]):
            group = groups.get(row[f"{side}_group_id"])
            if (
                group is not None
                and department_id is not None
                and (group.department_id != department_id)
            ):
                continue
            if group is None:
                line = unknown
            else:
                line = lines.setdefault(
                    group.pk,
                    MovementLine(
                        group.pk, group.name, f"{group.program.code} {group.program.name}"
                    ),
                )
            line.counts[key] += row["n"]
            total.counts[key] += row["n"]
    ordered = sorted(lines.values(), key=lambda line: (line.program, line.group_name))
    if unknown.counts:
        ordered.append(unknown)
    used = [c for c in columns if total.counts.get(c.key) or not c.key.startswith("expulsion:")]
    return MovementReport(date_from, date_to, used, ordered, total)


# --- The alphabetical book --------------------------------------------------------------------


@dataclass(frozen=True)
class BookFilter:
    letter: str = ""
    intake_year: int | None = None


def alphabetical_students(
    organization_id: int, book_filter: BookFilter, *, department_id: int | None = None
) -> QuerySet[Student]:
    """Every student who ever had a group or an order here, by ФИО; a page of it costs the
    count, the rows and two prefetches (memberships with groups, applied order items)."""
    # Correlated EXISTS, not joins under `pk IN (…)`: a student with many memberships and
    # order items is one row, and PostgreSQL does not fall into a nested loop over every
    # student pair when its statistics are stale (a book of 2,000 took minutes).
    def memberships(**lookups: object) -> Exists:
        return Exists(Membership.objects.filter(student_id=OuterRef("pk"), **lookups))

    students = Student.objects.filter(person__organization_id=organization_id).filter(
        memberships() | Exists(OrderItem.objects.filter(student_id=OuterRef("pk")))
    )
    if department_id is not None:
        students = students.filter(memberships(group__department_id=department_id))
    if book_filter.letter:
        students = students.filter(person__sort_key__startswith=book_filter.letter.lower())
    if book_filter.intake_year is not None:
        students = students.filter(memberships(group__intake_year=book_filter.intake_year))
    return (
        students
        .select_related("person")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("group__program").order_by(
                    "date_from", "id"
                ),
            ),
            Prefetch(
                "order_items",
                queryset=OrderItem.objects.filter(order__status=Order.Status.APPLIED)
                .select_related("order")
                .order_by("effective_date", "id"),
            ),
        )
        .order_by("person__sort_key", "id")
    )


@dataclass(frozen=True)
class BookRow:
    student: Student
    memberships: list[Membership]
    enrolment: str
    leaving: str

    @property
    def program(self) -> str:
        if not self.memberships:
            return ""
        program = self.memberships[-1].group.program
        return f"{program.code} {program.name}"

    @property
    def history(self) -> str:
        return "; ".join(
            _("%(group)s с %(start)s%(end)s")
            % {
                "group": row.group.name,
                "start": row.date_from.strftime("%d.%m.%Y"),
                "end": _(" по %(date)s") % {"date": row.date_to.strftime("%d.%m.%Y")}
                if row.date_to
                else "",
            }
            for row in self.memberships
        )


def _order_text(item: Any) -> str:
    return _("№ %(number)s от %(date)s") % {
        "number": item.order.number,
        "date": item.order.date.strftime("%d.%m.%Y"),
    }


def book_rows(students: Iterable[Student]) -> list[BookRow]:
    """Rows of the book from prefetched students: no query of its own."""
    rows = []
    for student in students:
        items = list(student.order_items.all())
        enrolment = next((_order_text(i) for i in items if i.order.kind == OrderKind.ENROLMENT), "")
        if not enrolment and student.enrolment_order_no:
            enrolment = _("№ %(number)s") % {"number": student.enrolment_order_no}
            if student.enrolment_order_date:
                enrolment += _(" от %(date)s") % {
                    "date": student.enrolment_order_date.strftime("%d.%m.%Y")
                }
        leaving = next(
            (_order_text(i) for i in reversed(items) if i.order.kind == OrderKind.EXPULSION), ""
        )
        rows.append(BookRow(student, list(student.memberships.all()), enrolment, leaving))
    return rows
