"""Spreadsheets people upload and download: XLSX and CSV in, XLSX out.

Russian Excel saves CSV in cp1251 with `;` between columns, newer versions in UTF-8 with a
BOM; both are read here, so an import accepts whatever the secretary's computer produced.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from otmetka.lib.errors import DomainError

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# 10,000 rows of students with parents unpack to about 15 MB; far more is an attack.
XLSX_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# A text cell starting with one of these is a formula (or starts one) for Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y")


def cell_text(value: Any) -> str:
    """A cell as the text a person would type: dates as ДД.ММ.ГГГГ, 12.0 as 12."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return str(value).strip()


def parse_date(text: str) -> dt.date | None:
    """A date written as ДД.ММ.ГГГГ (or ISO), or None when it is not one."""
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def decode_text(content: bytes) -> str:
    """CSV bytes as text: UTF-8 (with or without BOM) when they are valid UTF-8, else cp1251."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1251", errors="replace")


def fold(text: str) -> str:
    """Case-, «ё»- and space-insensitive form for comparing names and headers."""
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").casefold().split())


def csv_rows(content: bytes) -> list[list[str]]:
    """A CSV file's rows as text; `;` or `,` between columns, whichever the header uses."""
    text = decode_text(content)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line or "," not in first_line else ","
    try:
        return [
            [cell_text(cell) for cell in row]
            for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        ]
    except csv.Error as error:  # a cell longer than the csv module's limit, a stray NUL
        raise DomainError(_("Не удалось прочитать файл CSV."), field="file") from error


def _unpacked_size(content: bytes) -> int:
    """What the XLSX (a zip) unpacks to; zipfile never inflates a member past its stated size."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return sum(item.file_size for item in archive.infolist())


def _xlsx_rows(content: bytes, max_rows: int) -> list[list[str]]:
    from openpyxl import load_workbook

    unreadable = DomainError(_("Не удалось прочитать файл XLSX."), field="file")
    try:
        unpacked = _unpacked_size(content)
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise unreadable from error
    if unpacked > XLSX_MAX_UNPACKED_BYTES:  # a «zip bomb», or far more than a list of people
        raise DomainError(_("Файл XLSX слишком велик в распакованном виде."), field="file")
    rows: list[list[str]] = []
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            for cells in book.worksheets[0].iter_rows(values_only=True):
                if len(rows) > max_rows:
                    break
                rows.append([cell_text(cell) for cell in cells])
        finally:
            book.close()
    except Exception as error:  # openpyxl raises many kinds on a damaged or foreign file
        raise unreadable from error
    return rows


def read_table(name: str, content: bytes, *, max_rows: int) -> list[list[str]]:
    """The first sheet of an XLSX, or a CSV, as rows of text (at most `max_rows` + 1)."""
    lower = name.lower()
    if lower.endswith(".xlsx") or content[:4] == b"PK\x03\x04":
        return _xlsx_rows(content, max_rows)
    if lower.endswith((".csv", ".txt")):
        if b"\x00" in content[:4096]:
            raise DomainError(_("Файл не похож на CSV."), field="file")
        return csv_rows(content)[: max_rows + 1]
    raise DomainError(_("Загрузите файл XLSX или CSV."), field="file")


@dataclass
class Sheet:
    """One sheet of a workbook to write: a bold header, rows, column widths, notes."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]] = ()
    widths: Sequence[int] = ()
    notes: dict[str, str] = field(default_factory=dict)  # header → comment on its cell


def neutralise_formulas(cells: Iterable[Any]) -> None:
    """Keep text that looks like a formula («=HYPERLINK(…)», «+7 913…») a plain string.

    Names, addresses and phones come from people and from imported files; written as they are,
    a cell starting with «=» would become a live formula (CSV/formula injection). The cell is
    stored as a string with Excel's «'» prefix flag, so the value itself stays unchanged and
    an exported file still imports back as it was.
    """
    for cell in cells:
        value = cell.value
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
            cell.quotePrefix = True


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook of `sheets`; dates are written as dates, shown ДД.ММ.ГГГГ."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.worksheets[0])
    for spec in sheets:
        sheet = book.create_sheet(spec.title[:31])
        sheet.append(list(spec.header))
        for column, cell in enumerate(sheet[1], start=1):
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE6F0")
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            note = spec.notes.get(str(cell.value))
            if note:
                cell.comment = Comment(note, "Otmetka", width=300, height=120)
            width = spec.widths[column - 1] if column <= len(spec.widths) else 16
            sheet.column_dimensions[get_column_letter(column)].width = width
        for row in spec.rows:
            sheet.append(list(row))
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "DD.MM.YYYY"
            neutralise_formulas(sheet[sheet.max_row])
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
