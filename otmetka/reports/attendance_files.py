"""The attendance reports as tables: the same numbers for the screen's XLSX and PDF.

Workbooks keep hours as numbers; printouts are A4 with the organization and the title on every
page, «стр. N из M», the table header repeated and signature lines at the end. The ведомость
пропусков is A4 landscape, one narrow column a day, legible for 30 students × 31 days.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from otmetka.academics.models import Group
from otmetka.lib.pdf import render_pdf
from otmetka.lib.tables import Sheet, xlsx_bytes
from otmetka.reports.attendance import (
    AbsenceSheet,
    AttendanceTotals,
    GroupAttendance,
    Hours,
    OverLine,
)
from otmetka.reports.tables import Cell, Table


def period_text(date_from: dt.date, date_to: dt.date) -> str:
    """«ноябрь 2026» for a whole month, else «с 03.11.2026 по 16.11.2026»."""
    last = calendar.monthrange(date_from.year, date_from.month)[1]
    whole_month = date_from.day == 1 and date_to == date_from.replace(day=last)
    if whole_month:
        return str(formats.date_format(date_from, "F Y")).lower()
    return _("с %(start)s по %(end)s") % {
        "start": date_from.strftime("%d.%m.%Y"),
        "end": date_to.strftime("%d.%m.%Y"),
    }


def hours_headers() -> list[str]:
    return [
        _("Пропущено всего, ч"),
        _("по болезни, ч"),
        _("по уваж. причине, ч"),
        _("без уваж. причины, ч"),
        _("из них причина не указана, ч"),
    ]


def _name(student: Any, left_on: dt.date | None = None) -> str:
    name: str = student.person.full_name
    if left_on is not None:
        name += _(" (выбыл(а) %(date)s)") % {"date": left_on.strftime("%d.%m.%Y")}
    return name


def _curators(group: Group) -> str:
    return ", ".join(curator.person.short_name for curator in group.curators.all())


# --- One group ------------------------------------------------------------------------------


def group_title(report: GroupAttendance) -> str:
    return _("Посещаемость группы %(group)s") % {"group": report.group.name}


def group_table(report: GroupAttendance) -> Table:
    rows: list[list[Cell]] = [
        [line.number, _name(line.student, line.left_on), *line.hours.values()]
        for line in report.lines
    ]
    return Table(
        title=group_title(report),
        subtitle=_("за %(period)s") % {"period": period_text(report.date_from, report.date_to)},
        headers=["№", _("Обучающийся"), *hours_headers()],
        rows=rows,
        totals=[None, _("Итого по группе"), *report.totals.values()],
    )


# --- The ведомость пропусков ----------------------------------------------------------------


def sheet_title(sheet: AbsenceSheet) -> str:
    return _("Ведомость пропусков группы %(group)s") % {"group": sheet.group.name}


def sheet_headers() -> list[str]:
    return [_("Всего, ч"), _("Б, ч"), _("уваж., ч"), _("неуваж., ч")]


def _sheet_hours(hours: Hours) -> list[int]:
    return [hours.total, hours.illness, hours.excused, hours.unexcused]


def sheet_table(sheet: AbsenceSheet) -> Table:
    rows: list[list[Cell]] = [
        [
            line.number,
            _name(line.student, line.left_on),
            *(cell.text if cell is not None else None for cell in line.cells),
            *_sheet_hours(line.hours),
        ]
        for line in sheet.lines
    ]
    return Table(
        title=sheet_title(sheet),
        subtitle=_("за %(period)s") % {"period": period_text(sheet.date_from, sheet.date_to)},
        headers=["№", _("Обучающийся"), *(str(day.day) for day in sheet.days), *sheet_headers()],
        rows=rows,
        totals=[None, _("Итого, ч"), *sheet.day_totals, *_sheet_hours(sheet.totals)],
        landscape=True,
    )


def codes_key() -> str:
    return _(
        "В клетке — часы пропуска за день и отметки: Н — причина не указана, Б — болезнь, "
        "ОТ — по приказу, УП — уважительная причина, ОСВ — освобождён, "
        "НП — неуважительная причина. Без уважительной причины считаются НП и Н."
    )


def sheet_xlsx(sheet: AbsenceSheet) -> bytes:
    table = sheet_table(sheet)
    return xlsx_bytes(
        [
            Sheet(
                title=_("Ведомость пропусков"),
                header=table.headers,
                rows=table.rows,
                caption=[table.title, table.subtitle, codes_key()],
                totals=table.totals,
                header_style="bold",
                frozen_columns=2,
                widths=[4, 36, *([7] * len(sheet.days)), 8, 8, 8, 8],
            )
        ]
    )


def sheet_pdf(sheet: AbsenceSheet, *, organization: Any) -> bytes:
    title = sheet_title(sheet)
    return render_pdf(
        "reports/attendance_sheet_pdf.html",
        {
            "sheet": sheet,
            "organization": organization,
            "title": title,
            "subtitle": _("за %(period)s")
            % {"period": period_text(sheet.date_from, sheet.date_to)},
            "hours_headers": sheet_headers(),
            "key": codes_key(),
            "curators": _curators(sheet.group),
        },
        header=f"{organization.name} · {title}",
    )


# --- Totals per group, department and college ------------------------------------------------


def totals_title() -> str:
    return _("Посещаемость по группам и отделениям")


def totals_table(report: AttendanceTotals, *, subtitle: str) -> Table:
    rows: list[list[Cell]] = []
    strong: set[int] = set()
    for block in report.departments:
        for line in block.lines:
            rows.append(
                [block.name, line.label, line.students, *line.hours.values(), line.per_student]
            )
        strong.add(len(rows))
        total = block.total
        rows.append(
            [
                block.name,
                _("Итого по отделению"),
                total.students,
                *total.hours.values(),
                total.per_student,
            ]
        )
    college = report.total
    return Table(
        title=totals_title(),
        subtitle=subtitle,
        headers=[
            _("Отделение"),
            _("Группа"),
            _("Обучающихся"),
            *hours_headers(),
            _("на 1 обучающегося, ч"),
        ],
        rows=rows,
        strong_rows=strong,
        totals=[
            _("Итого по колледжу"),
            college.label,
            college.students,
            *college.hours.values(),
            college.per_student,
        ],
        landscape=True,
    )


# --- Over the threshold ----------------------------------------------------------------------


def over_title(threshold: int) -> str:
    return _("Обучающиеся, пропустившие без уважительной причины более %(hours)s ч") % {
        "hours": threshold
    }


def over_table(lines: list[OverLine], *, threshold: int, subtitle: str) -> Table:
    return Table(
        title=over_title(threshold),
        subtitle=subtitle,
        headers=["№", _("Обучающийся"), _("Группа"), *hours_headers()],
        rows=[
            [line.number, line.student.person.full_name, line.group.name, *line.hours.values()]
            for line in lines
        ],
        landscape=True,
    )


def table_pdf(
    table: Table, *, organization: Any, signatures: list[tuple[str, str]], note: str = ""
) -> bytes:
    """A report table printed with its signature lines (title and page numbers on each page)."""
    return render_pdf(
        "reports/attendance_pdf.html",
        {"table": table, "organization": organization, "signatures": signatures, "note": note},
        header=f"{organization.name} · {table.title}",
    )


def group_signatures(group: Group) -> list[tuple[str, str]]:
    return [(_("Куратор группы"), _curators(group)), (_("Заведующий отделением"), "")]


def head_signatures() -> list[tuple[str, str]]:
    return [(_("Заведующий отделением"), ""), (_("Заместитель директора по УМР"), "")]
