"""The reports as tables for XLSX and PDF: the same numbers the screen shows."""

from __future__ import annotations

from django.utils.translation import gettext as _

from otmetka.reports.selectors import BookRow, ContingentReport, MovementReport, Subtotal
from otmetka.reports.tables import Cell, Table


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
                person.birth_date.strftime("%d.%m.%Y") if person.birth_date else "",
                row.student.personal_file_no,
                row.program,
                row.history,
                row.enrolment,
                row.leaving,
                row.student.get_status_display(),
            ]
        )
    return table
