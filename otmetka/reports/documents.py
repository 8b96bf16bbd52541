"""The reports as tables for XLSX and PDF: the same numbers the screen shows.

The alphabetical book of the whole college runs to a hundred pages: it is a document built on
the worker (kind «reports.alphabetical», declared at the end of this module), in full, with
the number of its rows on it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from otmetka.accounts.permissions import ActiveRole
from otmetka.audit.models import AuditEvent
from otmetka.audit.services import audit_record
from otmetka.documents.kinds import Built, DocumentKind, Job, register
from otmetka.documents.models import Document
from otmetka.lib.downloads import PDF, XLSX
from otmetka.lib.text import grouped
from otmetka.org.models import Department
from otmetka.people.models import Student
from otmetka.reports import selectors
from otmetka.reports.permissions import REPORT_RIGHTS, report_department_id
from otmetka.reports.selectors import BookRow, ContingentReport, MovementReport, Subtotal
from otmetka.reports.tables import Cell, Table, table_pdf, table_xlsx

ALPHABETICAL = "reports.alphabetical"
# Rows of the book read at a time: a page of the list's queries (students and two prefetches).
BOOK_CHUNK = 500


def _counts(line: Subtotal) -> list[Cell]:
    return [line.budget, line.contract, line.total, line.leave]


def contingent_table(report: ContingentReport, *, department: str = "") -> Table:
    """Groups under their program with a subtotal each, then totals by course and by form."""
    table = Table(
        title=_("Контингент обучающихся на %(date)s") % {"date": report.on.strftime("%d.%m.%Y")},
        headers=[
            _("Специальность"),
            _("Курс"),
            _("Группа"),
            _("Форма обучения"),
            _("Бюджет"),
            _("Договор"),
            _("Всего"),
            _("Академ. отпуск"),
        ],
        subtitle=department,
        landscape=True,
    )
    for section in report.sections:
        for line in section.lines:
            table.rows.append(
                [
                    line.program,
                    line.course,
                    line.group_name,
                    line.form_label,
                    line.budget,
                    line.contract,
                    line.total,
                    line.leave,
                ]
            )
        table.strong_rows.add(len(table.rows))
        table.rows.append([section.subtotal.label, None, None, None, *_counts(section.subtotal)])
    for summary in (*report.by_course, *report.by_form):
        table.strong_rows.add(len(table.rows))
        table.rows.append([_("Итого"), None, None, summary.label, *_counts(summary)])
    table.totals = [report.total.label, None, None, None, *_counts(report.total)]
    return table


def movement_table(report: MovementReport, *, department: str = "") -> Table:
    columns = report.columns
    table = Table(
        title=_("Движение контингента с %(start)s по %(end)s")
        % {
            "start": report.date_from.strftime("%d.%m.%Y"),
            "end": report.date_to.strftime("%d.%m.%Y"),
        },
        headers=[
            _("Специальность"),
            _("Группа"),
            *(c.label for c in columns),
            _("Прибыло"),
            _("Выбыло"),
        ],
        subtitle=department,
        landscape=True,
    )
    for line in report.lines:
        table.rows.append(
            [
                line.program,
                line.group_name,
                *line.cells(columns),
                line.arrived(columns),
                line.departed(columns),
            ]
        )
    total = report.total
    table.totals = [
        total.group_name,
        None,
        *total.cells(columns),
        total.arrived(columns),
        total.departed(columns),
    ]
    return table


def book_table(rows: list[BookRow], *, subtitle: str = "") -> Table:
    table = Table(
        title=_("Алфавитная книга обучающихся"),
        headers=[
            _("№"),
            _("ФИО"),
            _("Дата рождения"),
            _("Личное дело"),
            _("Специальность"),
            _("Группы"),
            _("Приказ о зачислении"),
            _("Приказ об отчислении"),
            _("Статус"),
        ],
        subtitle=subtitle,
        landscape=True,
    )
    for number, row in enumerate(rows, start=1):
        person = row.student.person
        table.rows.append(
            [
                number,
                person.full_name,
                person.birth_date,
                row.student.personal_file_no,
                row.program,
                row.history,
                row.enrolment,
                row.leaving,
                row.student.get_status_display(),
            ]
        )
    return table


def department_of(actor: ActiveRole, wanted: int | None) -> tuple[int | None, str]:
    """The department a report covers (a department head's own), and its name for the title."""
    department_id = report_department_id(actor, wanted)
    if department_id is None:
        return None, ""
    department = Department.objects.filter(
        pk=department_id, organization_id=actor.organization_id
    ).first()
    return department_id, department.name if department is not None else ""


def book_selection(actor: ActiveRole, params: dict[str, Any]) -> tuple[QuerySet[Student], str]:
    """The students of the book that `params` select (department, letter, year of intake) and
    the words that say which, for the title."""
    department_id, department = department_of(actor, params.get("department"))
    book_filter = selectors.BookFilter(
        letter=params.get("letter") or "", intake_year=params.get("intake_year")
    )
    students = selectors.alphabetical_students(
        actor.organization_id, book_filter, department_id=department_id
    )
    parts = [department]
    if book_filter.letter:
        parts.append(_("на букву «%(letter)s»") % {"letter": book_filter.letter.upper()})
    if book_filter.intake_year:
        parts.append(_("набор %(year)s года") % {"year": book_filter.intake_year})
    return students, ", ".join(part for part in parts if part)


def book_title(params: dict[str, Any], subtitle: str) -> str:
    name = _("Алфавитная книга (PDF)") if params.get("format") == "pdf" else _(
        "Алфавитная книга (XLSX)"
    )
    return f"{name}: {subtitle}" if subtitle else name


def alphabetical_build(job: Job) -> Built:
    """The whole selection of the book, every row, as PDF or XLSX; progress in rows read, then
    in rows written (XLSX) or pages laid out (PDF)."""
    params = job.params
    students, subtitle = book_selection(job.actor, params)
    total = students.count()
    rows: list[BookRow] = []
    for start in range(0, total, BOOK_CHUNK):
        rows += selectors.book_rows(students[start : start + BOOK_CHUNK])
        job.progress(len(rows), total, step=_("Сбор строк"))
    count = ngettext(
        "Всего в книге: %(count)s обучающийся", "Всего в книге: %(count)s обучающихся", len(rows)
    ) % {"count": grouped(len(rows))}
    table = book_table(rows, subtitle=" · ".join(part for part in (subtitle, count) if part))
    actor = job.actor
    kind = "XLSX" if params.get("format") == "xlsx" else "PDF"
    # Names, birth dates and orders leaving the system are a view of personal data (152-ФЗ).
    audit_record(
        actor=actor.user,
        action=AuditEvent.Action.VIEW,
        organization_id=actor.organization_id,
        object_type="reports.alphabetical",
        object_repr=_("Алфавитная книга (%(kind)s): %(selection)s, строк: %(count)s")
        % {"kind": kind, "selection": subtitle or _("все"), "count": len(rows)},
    )
    name = _("Алфавитная книга")
    if kind == "XLSX":
        content = table_xlsx(
            table,
            sheet_title=name,
            on_rows=lambda done: job.progress(done, len(rows), step=_("Запись XLSX")),
        )
        return Built(content, f"{name}.xlsx", XLSX, rows=len(rows))
    content = table_pdf(
        table,
        organization=actor.organization,
        on_page=lambda page: job.progress(page, step=_("Вёрстка PDF")),
    )
    return Built(content, f"{name}.pdf", PDF, rows=len(rows))


def _alphabetical_page(document: Document) -> str:
    params = document.params or {}
    query = {key: params[key] for key in ("department", "letter", "intake_year") if params.get(key)}
    return reverse("reports:alphabetical") + (f"?{urlencode(query)}" if query else "")


register(DocumentKind(
    code=ALPHABETICAL,
    label=gettext_lazy("Алфавитная книга"),
    rights=REPORT_RIGHTS,
    build=alphabetical_build,
    page=_alphabetical_page,
))
