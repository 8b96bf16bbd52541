"""Академические задолженности: students with a 2, н/я or не зачтено in a closed attestation
sheet, by department and group, with the retakes of each debt (issue 12, point 4).

Two queries whatever the size: the debts (attestation marks with their student, sheet, group,
department, item and period joined), then the retakes of those debts with their sheets. The
filters are applied in SQL; a debt is closed by a retake with a passing result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from otmetka.academics.models import AttestationForm, Group
from otmetka.journal.models import AttestationMark, AttestationSheet, Retake, RetakeSheet
from otmetka.journal.services.attestation import FAILED, NO_SHOW, NOT_ADMITTED, mark_in_words
from otmetka.journal.services.retakes import DEBT_VALUES, MAX_RETAKES, PASSING_VALUES
from otmetka.lib.pdf import render_pdf
from otmetka.lib.tables import fold
from otmetka.org.models import Department
from otmetka.reports.tables import Table

OPEN, CLOSED, ALL = "open", "closed", "all"
STATES = (
    (OPEN, gettext_lazy("непогашенные")),
    (CLOSED, gettext_lazy("погашенные")),
    (ALL, gettext_lazy("все")),
)


def form_name(form: str) -> str:
    try:
        return str(AttestationForm(form).label)
    except ValueError:
        return form


def mark_text(value: str) -> str:
    """A sheet's value as the report prints it: н/а for a no-show, незачёт for не зачтено."""
    return {NO_SHOW: _("н/а"), NOT_ADMITTED: _("н/а"), FAILED: _("незачёт")}.get(value, value)


@dataclass
class DebtLine:
    debt: AttestationMark
    retakes: list[Retake] = field(default_factory=list)

    @property
    def closed(self) -> bool:
        return any(retake.value in PASSING_VALUES for retake in self.retakes)

    @property
    def pending(self) -> Retake | None:
        return next((retake for retake in self.retakes if not retake.value), None)

    @property
    def can_retake(self) -> bool:
        """Another retake may be issued: open, none waiting, fewer than two so far."""
        return not self.closed and self.pending is None and len(self.retakes) < MAX_RETAKES

    @property
    def result(self) -> str:
        """The debt's course in marks: the original, then each retake's result («2→2→4»)."""
        marks = [mark_text(self.debt.value)]
        marks += [mark_text(retake.value) for retake in self.retakes if retake.value]
        return "→".join(marks)

    @property
    def state_text(self) -> str:
        if self.closed:
            return _("погашена")
        pending = self.pending
        if pending is not None:
            return _("пересдача %(attempt)s до %(date)s") % {
                "attempt": pending.attempt,
                "date": f"{pending.retake_sheet.deadline:%d.%m.%Y}",
            }
        if len(self.retakes) >= MAX_RETAKES:
            return _("не погашена после двух пересдач")
        return _("не погашена")


@dataclass
class GroupDebts:
    group: Group
    lines: list[DebtLine] = field(default_factory=list)

    @property
    def students(self) -> int:
        return len({line.debt.student_id for line in self.lines})


@dataclass
class DepartmentDebts:
    department: Department | None
    groups: list[GroupDebts] = field(default_factory=list)

    @property
    def debts(self) -> int:
        return sum(len(group.lines) for group in self.groups)

    @property
    def students(self) -> int:
        return sum(group.students for group in self.groups)


@dataclass
class DebtReport:
    departments: list[DepartmentDebts]

    @property
    def debts(self) -> int:
        return sum(department.debts for department in self.departments)

    @property
    def students(self) -> int:
        return sum(department.students for department in self.departments)


def debt_marks(groups: QuerySet[Group], filters: dict[str, Any]) -> QuerySet[AttestationMark]:
    """The debts in closed sheets of these groups, filtered; `filters` as the form cleans them:
    year, period, department, course, group, state (the discipline is matched by the caller)."""
    debts = AttestationMark.objects.filter(
        sheet__status=AttestationSheet.Status.CLOSED,
        sheet__group__in=groups,
        value__in=DEBT_VALUES,
    )
    if filters.get("period") is not None:
        debts = debts.filter(sheet__period=filters["period"])
    elif filters.get("year") is not None:
        debts = debts.filter(sheet__period__academic_year=filters["year"])
    if filters.get("department") is not None:
        debts = debts.filter(sheet__group__department=filters["department"])
    if filters.get("group") is not None:
        debts = debts.filter(sheet__group=filters["group"])
    if filters.get("course"):
        debts = debts.alias(
            course=ExtractYear("sheet__period__academic_year__date_from")
            - F("sheet__group__intake_year")
            + 1
        ).filter(course=filters["course"])
    passed = Retake.objects.filter(debt_id=OuterRef("pk"), value__in=PASSING_VALUES)
    state = filters.get("state") or OPEN
    if state == OPEN:
        debts = debts.filter(~Exists(passed))
    elif state == CLOSED:
        debts = debts.filter(Exists(passed))
    return debts


def debt_report(groups: QuerySet[Group], filters: dict[str, Any]) -> DebtReport:
    """The debts by department, group (by name) and student (by surname): two queries."""
    debts = list(
        debt_marks(groups, filters)
        .select_related(
            "student__person",
            "sheet__group__department",
            "sheet__item",
            "sheet__period__academic_year",
        )
        .order_by(
            "sheet__group__department__name",
            "sheet__group__name",
            "student__person__sort_key",
            "student_id",
            "sheet__period__date_from",
            "sheet__item__position",
            "sheet__item__index",
        )
    )
    if filters.get("discipline"):
        # Matched here, not in SQL: SQLite folds the case of Latin letters only.
        wanted = fold(filters["discipline"])
        debts = [d for d in debts if wanted in fold(f"{d.sheet.item.index} {d.sheet.item.name}")]
    lines = {debt.pk: DebtLine(debt) for debt in debts}
    if lines:
        for retake in (
            Retake.objects.filter(debt_id__in=list(lines))
            .select_related("retake_sheet")
            .order_by("attempt")
        ):
            lines[retake.debt_id].retakes.append(retake)
    departments: dict[int | None, DepartmentDebts] = {}
    groups_seen: dict[int, GroupDebts] = {}
    for line in lines.values():
        group = line.debt.sheet.group
        department = departments.setdefault(group.department_id, DepartmentDebts(group.department))
        if group.pk not in groups_seen:
            groups_seen[group.pk] = GroupDebts(group)
            department.groups.append(groups_seen[group.pk])
        groups_seen[group.pk].lines.append(line)
    return DebtReport(list(departments.values()))


def debt_headers() -> list[str]:
    return [
        _("Обучающийся"),
        _("Семестр"),
        _("Дисциплина"),
        _("Форма"),
        _("Отметка и пересдачи"),
        _("Состояние"),
    ]


def debt_table(report: DebtReport, *, subtitle: str) -> Table:
    """The report for the workbook and the printout: a bold line per department and group."""
    table = Table(
        title=_("Академические задолженности"),
        headers=debt_headers(),
        subtitle=subtitle,
        landscape=True,
    )
    for department in report.departments:
        table.strong_rows.add(len(table.rows))
        name = department.department.name if department.department else _("Без отделения")
        table.rows.append(
            [
                _debt_count_text(name, department.students, department.debts),
                None,
                None,
                None,
                None,
                None,
            ]
        )
        for group in department.groups:
            table.strong_rows.add(len(table.rows))
            table.rows.append(
                [
                    _debt_count_text(group.group.name, group.students, len(group.lines)),
                    None,
                    None,
                    None,
                    None,
                    None,
                ]
            )
            for line in group.lines:
                sheet = line.debt.sheet
                table.rows.append(
                    [
                        line.debt.student.person.full_name,
                        f"{sheet.period.name} {sheet.period.academic_year.name}",
                        f"{sheet.item.index} {sheet.item.name}",
                        form_name(sheet.form),
                        line.result,
                        line.state_text,
                    ]
                )
    table.totals = [
        _debt_count_text(_("Итого"), report.students, report.debts),
        None,
        None,
        None,
        None,
        None,
    ]
    return table


def _debt_count_text(name: str, students: int, debts: int) -> str:
    return _("%(name)s: обучающихся %(students)s, задолженностей %(debts)s") % {
        "name": name,
        "students": students,
        "debts": debts,
    }


def sheet_debts(sheet: AttestationSheet) -> list[DebtLine]:
    """Every debt of one closed sheet with its retakes, by surname (two queries)."""
    lines = [
        DebtLine(debt)
        for debt in AttestationMark.objects.filter(sheet=sheet, value__in=DEBT_VALUES)
        .select_related("student__person")
        .order_by("student__person__sort_key", "student_id")
    ]
    by_id = {line.debt.pk: line for line in lines}
    if by_id:
        for retake in (
            Retake.objects.filter(debt_id__in=list(by_id))
            .select_related("retake_sheet")
            .order_by("attempt")
        ):
            by_id[retake.debt_id].retakes.append(retake)
    return lines


# --- The printed retake sheet -----------------------------------------------------------------


@dataclass(frozen=True)
class RetakeDocumentLine:
    number: int
    retake_id: int
    name: str
    original: str
    result: str
    date: str


@dataclass(frozen=True)
class RetakeDocument:
    """What a retake sheet prints: the same words on the page and in the PDF."""

    title: str
    retake_sheet: RetakeSheet
    attempt_text: str
    group: str
    program: str
    course: int
    item: str
    form: str
    period: str
    deadline: str
    examiners: list[str]
    commission: bool
    lines: list[RetakeDocumentLine]


def retake_document(retake_sheet: RetakeSheet) -> RetakeDocument:
    """The sheet's text, from a sheet fetched with its joins and prefetches (no query)."""
    sheet = retake_sheet.sheet
    group = sheet.group
    if retake_sheet.kind == RetakeSheet.Kind.INDIVIDUAL:
        title = _("Экзаменационный лист № %(number)s") % {"number": retake_sheet.number}
    else:
        title = _("Ведомость повторной аттестации № %(number)s") % {"number": retake_sheet.number}
    attempt_text = (
        _("первая пересдача") if retake_sheet.attempt == 1 else _("вторая пересдача (комиссия)")
    )
    return RetakeDocument(
        title=title,
        retake_sheet=retake_sheet,
        attempt_text=attempt_text,
        group=group.name,
        program=f"{group.program.code} {group.program.name}",
        course=group.course_in(sheet.period.academic_year),
        item=f"{sheet.item.index} {sheet.item.name}",
        form=form_name(sheet.form),
        period=f"{sheet.period.name} {sheet.period.academic_year.name}",
        deadline=f"{retake_sheet.deadline:%d.%m.%Y}",
        examiners=[examiner.person.full_name for examiner in retake_sheet.examiners.all()],
        commission=retake_sheet.attempt == MAX_RETAKES,
        lines=[
            RetakeDocumentLine(
                number=number,
                retake_id=retake.pk,
                name=retake.debt.student.person.full_name,
                original=mark_in_words(retake.debt.value, retake.debt.student.person),
                result=(
                    mark_in_words(retake.value, retake.debt.student.person) if retake.value else ""
                ),
                date=f"{timezone.localtime(retake.entered_at):%d.%m.%Y}"
                if retake.entered_at
                else "",
            )
            for number, retake in enumerate(retake_sheet.retakes.all(), start=1)
        ],
    )


def retake_pdf(document: RetakeDocument, *, organization: Any) -> bytes:
    """A4 portrait: the college, the title, the debt's data, the table, the examiners' and
    the deputy's signature lines; the header and page numbers on every page."""
    return render_pdf(
        "reports/retake_sheet_pdf.html",
        {"document": document, "organization": organization},
        header=f"{organization.name} · {document.title}",
    )
