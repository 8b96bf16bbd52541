"""A report as a plain table (title, headers, rows, totals), and its XLSX and PDF renderings.

Every report page builds one `Table` for its export, so the workbook and the printout show the
same numbers as the screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse

from otmetka.lib.pdf import render_pdf
from otmetka.lib.tables import Sheet, xlsx_bytes

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
    caption = [table.title, table.subtitle] if table.subtitle else [table.title]
    return xlsx_bytes([
        Sheet(title=sheet_title, header=table.headers, rows=table.rows, caption=caption,
              totals=table.totals, bold_rows=table.strong_rows, header_style="bold",
              fit_widths=True)
    ])


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
