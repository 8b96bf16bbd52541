"""A report as a plain table (title, headers, rows, totals), and its XLSX and PDF renderings.

Every report page builds one `Table` for its export, so the workbook and the printout show the
same numbers as the screen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse

from otmetka.lib.downloads import pdf_download, xlsx_download
from otmetka.lib.pdf import render_pdf
from otmetka.lib.tables import Sheet, xlsx_bytes

# A date stays a date: a real date in the workbook, ДД.ММ.ГГГГ in the PDF.
Cell = str | int | dt.date | None


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


def table_xlsx(
    table: Table, sheet_title: str, *, on_rows: Callable[[int], None] | None = None
) -> bytes:
    """The table as a workbook: a title row, a frozen header, bold subtotals and totals; the
    sheet is named in the words of the report («Контингент»)."""
    caption = [table.title, table.subtitle] if table.subtitle else [table.title]
    return xlsx_bytes(
        [
            Sheet(title=sheet_title, header=table.headers, rows=table.rows, caption=caption,
                  totals=table.totals, bold_rows=table.strong_rows, header_style="bold",
                  fit_widths=True)
        ],
        on_rows=on_rows,
    )


def table_pdf(
    table: Table, *, organization: Any, on_page: Callable[[int], None] | None = None
) -> bytes:
    """The table as a PDF with the organization and the title on every page, and its pages
    numbered."""
    return render_pdf(
        "reports/table_pdf.html",
        {"table": table, "organization": organization},
        header=f"{organization.name} · {table.title}",
        on_page=on_page,
    )


def xlsx_response(table: Table, *, sheet_title: str, filename: str) -> HttpResponse:
    return xlsx_download(table_xlsx(table, sheet_title), name=filename)


def pdf_response(table: Table, *, organization: Any, filename: str) -> HttpResponse:
    return pdf_download(table_pdf(table, organization=organization), name=filename)
