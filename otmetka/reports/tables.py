"""A report as a plain table (title, headers, rows, totals), and its XLSX and PDF renderings.

Every report page builds one `Table` for its export, so the workbook and the printout show the
same numbers as the screen.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse

from otmetka.lib.pdf import render_pdf
from otmetka.lib.tables import neutralise_formulas

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Cell = str | int | None


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    # Indexes of rows shown in bold (subtotals) and the final totals row, if any.
    strong_rows: set[int] = field(default_factory=set)
    totals: list[Cell] | None = None
    subtitle: str = ""
    landscape: bool = False


def table_xlsx(table: Table, sheet_title: str) -> bytes:
    """The table as a workbook: a title row, a frozen header, bold subtotals and totals."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_title[:31]
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True)
    start = 2
    if table.subtitle:
        sheet.append([table.subtitle])
        start = 3
    sheet.append(table.headers)
    for cell in sheet[start]:
        cell.font = Font(bold=True)
    for number, row in enumerate(table.rows):
        sheet.append(row)
        neutralise_formulas(sheet[sheet.max_row])  # names come from people and imports
        if number in table.strong_rows:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    if table.totals is not None:
        sheet.append(table.totals)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    sheet.freeze_panes = sheet.cell(row=start + 1, column=1)
    for number, header in enumerate(table.headers, start=1):
        values = [header, *(str(row[number - 1] or "") for row in table.rows)]
        width = max(len(value) for value in values) + 2
        sheet.column_dimensions[get_column_letter(number)].width = min(max(width, 6), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(table: Table, *, sheet_title: str, filename: str) -> HttpResponse:
    response = HttpResponse(table_xlsx(table, sheet_title), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def pdf_response(table: Table, *, organization: Any, filename: str) -> HttpResponse:
    pdf = render_pdf("reports/table_pdf.html", {"table": table, "organization": organization})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
