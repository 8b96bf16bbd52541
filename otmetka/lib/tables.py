"""Spreadsheets people upload and download: XLSX and CSV in, XLSX out.

Every import reads its file through `read_table` and every export writes through `xlsx_bytes`:
the one place that caps what an upload may cost, and the one place that keeps text people
typed from becoming live formulas.

Russian Excel saves CSV in cp1251 with `;` between columns, newer versions in UTF-8 with a
BOM; both are read here, so an import accepts whatever the secretary's computer produced.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import zipfile
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, Literal

from django.utils.translation import gettext as _

from otmetka.lib.errors import DomainError

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# An upload is read into memory up to this size, and refused past it.
TABLE_MAX_BYTES = 5 * 1024 * 1024
# Columns of a row handed to the caller; the rest are not read.
TABLE_MAX_COLUMNS = 64
# 10,000 rows of students with parents unpack to about 15 MB; far more is an attack.
XLSX_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
XLSX_MAX_PARTS = 1000
# openpyxl (on the standard library's XML parser) spends a few microseconds on each tag,
# however few bytes the tag takes, so 300 KB can unpack to a minute of work. Before parsing,
# the tags are counted (a tenth of a second for 100 MB): a file may hold this many per cell
# the caller reads (a cell and its shared string take 8), plus room for styles, a theme and
# a small second sheet. A file at the budget takes about a second to read.
XLSX_TAGS_PER_CELL = 8
XLSX_TAGS_FIXED = 200_000
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


def csv_rows(
    content: bytes, *, max_rows: int | None = None, max_columns: int = TABLE_MAX_COLUMNS
) -> list[list[str]]:
    """A CSV file's rows as text; `;` or `,` between columns, whichever the header uses."""
    text = decode_text(content)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line or "," not in first_line else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return [
            [cell_text(cell) for cell in row[:max_columns]]
            for row in itertools.islice(reader, max_rows)
        ]
    except csv.Error as error:  # a cell longer than the csv module's limit, a stray NUL
        raise DomainError(_("Не удалось прочитать файл CSV."), field="file") from error


def _xlsx_check(content: bytes, *, max_unpacked: int, max_tags: int) -> None:
    """Refuse a workbook that would cost far more to parse than the rows the caller wants.

    zipfile never inflates a part past its stated size, so the stated sizes bound the bytes;
    the tags are counted while inflating, and a document type declaration (entities that
    expand, «billion laughs») has no place in an XLSX at all.
    """
    too_big = DomainError(_("Файл XLSX слишком велик в распакованном виде."), field="file")
    too_many = DomainError(
        _("В файле XLSX слишком много данных: оставьте в нём только лист с нужными строками."),
        field="file",
    )
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts = archive.infolist()
        if len(parts) > XLSX_MAX_PARTS or sum(part.file_size for part in parts) > max_unpacked:
            raise too_big
        tags = 0
        for part in parts:
            with archive.open(part) as stream:
                tail = b""
                while chunk := stream.read(1024 * 1024):
                    tags += chunk.count(b"<")
                    if tags > max_tags:
                        raise too_many
                    window = tail + chunk
                    if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                        raise DomainError(_("Не удалось прочитать файл XLSX."), field="file")
                    tail = chunk[-8:]


def _xlsx_rows(
    content: bytes, *, max_rows: int, max_columns: int, max_unpacked: int
) -> list[list[str]]:
    from openpyxl import load_workbook

    unreadable = DomainError(_("Не удалось прочитать файл XLSX."), field="file")
    try:
        _xlsx_check(
            content,
            max_unpacked=max_unpacked,
            max_tags=XLSX_TAGS_FIXED + (max_rows + 1) * max_columns * XLSX_TAGS_PER_CELL,
        )
    except DomainError:
        raise
    except Exception as error:  # zipfile and zlib raise many kinds on a damaged archive
        raise unreadable from error
    rows: list[list[str]] = []
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            # The sheet's stated dimension may claim 16,384 columns and a million rows; the
            # empty cells it would fill in are not read.
            width = min(sheet.max_column or max_columns, max_columns)
            for cells in sheet.iter_rows(max_row=max_rows + 1, max_col=width, values_only=True):
                rows.append([cell_text(cell) for cell in cells])
        finally:
            book.close()
    except Exception as error:  # openpyxl raises many kinds on a damaged or foreign file
        raise unreadable from error
    return rows


def read_table(
    name: str,
    content: bytes | IO[bytes],
    *,
    max_rows: int,
    max_columns: int = TABLE_MAX_COLUMNS,
    max_bytes: int = TABLE_MAX_BYTES,
    max_unpacked: int | None = None,
) -> list[list[str]]:
    """The first sheet of an XLSX, or a CSV, as rows of text (at most `max_rows` + 1).

    An upload (a file object) is read up to `max_bytes`; an XLSX may unpack to `max_unpacked`
    bytes (at most XLSX_MAX_UNPACKED_BYTES) and hold as many tags as `max_rows` rows of
    `max_columns` cells need. Rows keep at most `max_columns` cells. A file past any cap, or
    one that cannot be read, raises a DomainError on the field «file» saying which.
    """
    if not isinstance(content, bytes):
        content = content.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise DomainError(
            _("Файл больше %(size)s МБ.") % {"size": max_bytes // (1024 * 1024)}, field="file"
        )
    lower = name.lower()
    if lower.endswith(".xlsx") or content[:4] == b"PK\x03\x04":
        cap = min(max_unpacked or XLSX_MAX_UNPACKED_BYTES, XLSX_MAX_UNPACKED_BYTES)
        return _xlsx_rows(
            content, max_rows=max_rows, max_columns=max_columns, max_unpacked=cap
        )
    if lower.endswith((".csv", ".txt")):
        if b"\x00" in content[:4096]:
            raise DomainError(_("Файл не похож на CSV."), field="file")
        return csv_rows(content, max_rows=max_rows + 1, max_columns=max_columns)
    raise DomainError(_("Загрузите файл XLSX или CSV."), field="file")


HeaderStyle = Literal["shaded", "bold", "plain"]


@dataclass(frozen=True)
class Choices:
    """A drop-down list in a column, offering the values under another sheet's first header."""

    column: int  # 1-based column of the sheet the list belongs to
    source: str  # title of the sheet listing the values in its column A
    rows: int  # how many rows under the header offer the list


@dataclass
class Sheet:
    """One sheet of a workbook to write.

    Top to bottom: `caption` lines (the first in bold), the header, `rows` (those whose index
    is in `bold_rows` in bold), then `totals` in bold. Dates are shown ДД.ММ.ГГГГ.
    """

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]] = ()
    widths: Sequence[int] = ()  # characters; columns past these get `default_width`
    notes: dict[str, str] = field(default_factory=dict)  # header → comment on its cell
    caption: Sequence[str] = ()
    totals: Sequence[Any] | None = None
    bold_rows: Collection[int] = frozenset()
    header_style: HeaderStyle = "shaded"
    default_width: int | None = 16  # None: the spreadsheet's own width
    fit_widths: bool = False  # each column as wide as its longest text, 6 to 60 characters
    freeze: bool = True  # the header stays in view when scrolling...
    frozen_columns: int = 0  # ...and so do this many columns on the left
    choices: Sequence[Choices] = ()


def neutralise_formulas(cells: Iterable[Any]) -> None:
    """Keep text that looks like a formula («=HYPERLINK(…)», «+7 913…») a plain string.

    Names, addresses and phones come from people and from imported files; written as they are,
    a cell starting with «=» would become a live formula (CSV/formula injection), and «#N/A»
    an error. The cell is stored as a string with Excel's «'» prefix flag, so the value itself
    stays unchanged and an exported file still imports back as it was.
    """
    for cell in cells:
        value = cell.value
        if isinstance(value, str) and (value.startswith(FORMULA_STARTS) or cell.data_type == "e"):
            cell.data_type = "s"
            cell.quotePrefix = True


def _put_row(
    sheet: Worksheet, row: int, values: Sequence[Any], *, bold: bool = False
) -> list[Cell]:
    """Write row number `row`; its text stays text, its dates show as dates."""
    from openpyxl.styles import Font

    # The row number is passed in: openpyxl finds `max_row` by scanning every cell.
    cells = [
        sheet.cell(row=row, column=column, value=value)
        for column, value in enumerate(values, start=1)
    ]
    for cell in cells:
        if isinstance(cell.value, dt.date):
            cell.number_format = "DD.MM.YYYY"
        if bold:
            cell.font = Font(bold=True)
    neutralise_formulas(cells)
    return cells


def _style_header(cells: list[Cell], spec: Sheet) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    for cell in cells:
        if spec.header_style != "plain":
            cell.font = Font(bold=True)
        if spec.header_style == "shaded":
            cell.fill = PatternFill("solid", fgColor="DDE6F0")
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        note = spec.notes.get(str(cell.value))
        if note:
            cell.comment = Comment(note, "Otmetka", width=300, height=120)


def _write_sheet(sheet: Worksheet, spec: Sheet) -> int:
    """Fill `sheet` as `spec` says; the number of its header row."""
    from openpyxl.utils import get_column_letter

    for number, line in enumerate(spec.caption):
        _put_row(sheet, number + 1, [line], bold=number == 0)
    header_row = len(spec.caption) + 1
    _style_header(_put_row(sheet, header_row, spec.header), spec)
    longest = [len(str(text)) for text in spec.header]
    last = header_row
    for index, row in enumerate(spec.rows):
        last += 1
        _put_row(sheet, last, row, bold=index in spec.bold_rows)
        for column, value in enumerate(row[: len(longest)]):
            longest[column] = max(longest[column], len(str(value if value is not None else "")))
    if spec.totals is not None:
        _put_row(sheet, last + 1, spec.totals, bold=True)
    for column in range(1, len(spec.header) + 1):
        if spec.fit_widths:
            width: int | None = min(max(longest[column - 1] + 2, 6), 60)
        elif column <= len(spec.widths):
            width = spec.widths[column - 1]
        else:
            width = spec.default_width
        if width is not None:
            sheet.column_dimensions[get_column_letter(column)].width = width
    if spec.freeze:
        sheet.freeze_panes = f"{get_column_letter(spec.frozen_columns + 1)}{header_row + 1}"
    return header_row


def _add_choices(book: Workbook, sheet: Worksheet, header_row: int, choices: Choices) -> None:
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    source = book[choices.source[:31]]
    validation = DataValidation(
        type="list",
        formula1=f"{quote_sheetname(source.title)}!$A$2:$A${source.max_row}",
        allow_blank=True,
    )
    sheet.add_data_validation(validation)
    column = get_column_letter(choices.column)
    validation.add(f"{column}{header_row + 1}:{column}{header_row + choices.rows}")


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook of `sheets`: the one writer of every XLSX the site hands out."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.worksheets[0])
    written = []
    for spec in sheets:
        sheet = book.create_sheet(spec.title[:31])
        written.append((spec, sheet, _write_sheet(sheet, spec)))
    for spec, sheet, header_row in written:
        for choices in spec.choices:
            _add_choices(book, sheet, header_row, choices)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
