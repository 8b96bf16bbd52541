"""The сводная ведомость as a workbook and as a printed sheet: the numbers of the screen.

The workbook keeps numbers as numbers (marks, averages, hours, percentages); the printout is
A4 landscape with the title on every page, numbered pages, the columns by index with a key
under the table, and the signature lines the regulation asks for (Положение 4.3.8–4.3.9).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from otmetka.lib.pdf import render_pdf
from otmetka.lib.tables import Sheet, xlsx_bytes
from otmetka.reports.summary import GRADES, GroupSummary, SummaryCell, SummaryRow, group_figures


def summary_title(summary: GroupSummary) -> str:
    return _("Сводная ведомость успеваемости группы %(group)s") % {"group": summary.group.name}


def summary_subtitle(summary: GroupSummary) -> str:
    if summary.year is not None:
        return _("%(year)s учебный год, %(course)s курс") % {
            "year": summary.year.name,
            "course": summary.course,
        }
    return _("%(period)s, %(course)s курс, %(semester)s семестр обучения") % {
        "period": summary.period,
        "course": summary.course,
        "semester": summary.semester,
    }


def summary_file_name(summary: GroupSummary, extension: str) -> str:
    if summary.year is not None:
        return _("Сводная ведомость %(group)s %(year)s.%(ext)s") % {
            "group": summary.group.name,
            "year": summary.year.name.replace("/", "-"),
            "ext": extension,
        }
    return _("Сводная ведомость %(group)s %(period)s.%(ext)s") % {
        "group": summary.group.name,
        "period": summary.period,
        "ext": extension,
    }


def count_headers() -> list[str]:
    return [
        "5",
        "4",
        "3",
        "2",
        _("н/а"),
        _("незачёт"),
        _("Пропущено, ч"),
        _("из них по уваж. причине, ч"),
        _("Средний балл"),
    ]


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _row_counts(row: SummaryRow) -> list[Any]:
    c = row.counts
    return [
        *(c[grade] for grade in GRADES),
        c["not_attested"],
        c["failed"],
        row.missed_hours,
        row.excused_hours,
        _number(row.average),
    ]


def _cell_value(cell: SummaryCell | None) -> Any:
    """A mark or an average as a number, зачёт and н/я as their words, nothing as empty."""
    if cell is None:
        return None
    number = cell.number
    if isinstance(number, Decimal):
        return float(number)
    return number if number is not None else cell.text


def _column_header(column: Any) -> str:
    words = f"{column.index} {column.name} ({column.term + ', ' if column.term else ''}"
    words += column.form_short
    return words + (")" if column.closed else _(", предв.)"))


def summary_xlsx(summary: GroupSummary) -> bytes:
    """Two sheets: the ведомость (students × items and their counts) and the group figures."""
    rows = []
    for row in summary.rows:
        name = row.student.person.full_name
        if not row.on_roll and row.left_on is not None:
            name += _(" (выбыл(а) %(date)s)") % {"date": row.left_on.strftime("%d.%m.%Y")}
        cells = [_cell_value(cell) for cell in row.cells]
        rows.append([row.number, name, *cells, *_row_counts(row)])
    totals: list[Any] = [None, _("Итого по группе"), *([None] * len(summary.columns))]
    totals += [_number(v) if isinstance(v, Decimal) else v for v in summary.totals]
    caption = [summary_title(summary), summary_subtitle(summary)]
    if summary.preliminary:
        caption.append(
            _(
                "«предв.» — ведомость не закрыта: текущий средневзвешенный балл, "
                "не итоговая отметка."
            )
        )
    figures = group_figures(summary)
    return xlsx_bytes(
        [
            Sheet(
                title=_("Сводная ведомость"),
                header=["№", _("Обучающийся"), *map(_column_header, summary.columns),
                        *count_headers()],
                rows=rows,
                caption=caption,
                totals=totals,
                frozen_columns=2,
                fit_widths=True,
            ),
            Sheet(
                title=_("Показатели группы"),
                header=[_("Показатель"), _("Значение"), _("Единица"), _("Формула")],
                rows=[
                    [figure.label, _number(figure.value), figure.unit, figure.formula]
                    for figure in figures
                ],
                caption=[summary_title(summary), summary_subtitle(summary)],
                fit_widths=True,
            ),
        ]
    )


def summary_pdf(summary: GroupSummary, *, organization: Any, approval: Any = None) -> bytes:
    """A4 landscape, the title and «стр. N из M» on every page, signature lines at the end,
    and where the approval stands (reports.approval.ApprovalView): an unagreed print says so."""
    title = summary_title(summary)
    return render_pdf(
        "reports/group_summary_pdf.html",
        {
            "summary": summary,
            "organization": organization,
            "title": title,
            "subtitle": summary_subtitle(summary),
            "figures": group_figures(summary),
            "count_headers": count_headers(),
            "approval": approval,
            "tz": organization.timezone,
        },
        header=f"{organization.name} · {title} · {summary.year or summary.period}",
    )
