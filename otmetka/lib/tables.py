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
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, Literal

from django.utils.translation import gettext as _

from otmetka.lib.errors import DomainError

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

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
# A long export tells its progress every this many rows.
PROGRESS_EVERY = 500


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


def _needs_cell(value: Any) -> bool:
    """Whether a value must be written through a cell of its own (a plain value is faster)."""
    return isinstance(value, dt.date) or (
        isinstance(value, str) and value.startswith((*FORMULA_STARTS, "#"))
    )


def _cell(sheet: WriteOnlyWorksheet, value: Any, *, bold: bool = False) -> Cell:
    """One cell: text stays text, a date is a date shown ДД.ММ.ГГГГ (a moment also ЧЧ:ММ)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # Excel has no time zones: the caller's local time
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, dt.datetime):
        cell.number_format = "DD.MM.YYYY HH:MM"
    elif isinstance(value, dt.date):
        cell.number_format = "DD.MM.YYYY"
    if bold:
        cell.font = Font(bold=True)
    neutralise_formulas([cell])
    return cell


def _row(sheet: WriteOnlyWorksheet, values: Sequence[Any], *, bold: bool = False) -> list[Any]:
    """A row to append: plain values as they are, the rest as styled cells."""
    if bold:
        return [_cell(sheet, value, bold=True) if value is not None else None for value in values]
    return [_cell(sheet, value) if _needs_cell(value) else value for value in values]


def _header_cells(sheet: WriteOnlyWorksheet, spec: Sheet) -> list[Cell]:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    cells = [_cell(sheet, value) for value in spec.header]
    for cell in cells:
        if spec.header_style != "plain":
            cell.font = Font(bold=True)
        if spec.header_style == "shaded":
            cell.fill = PatternFill("solid", fgColor="DDE6F0")
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        note = spec.notes.get(str(cell.value))
        if note:
            cell.comment = Comment(note, "Otmetka", width=300, height=120)
    return cells


def _text_length(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 16 if isinstance(value, dt.datetime) else 10
    return len(str(value))


def _widths(spec: Sheet, rows: Sequence[Sequence[Any]]) -> list[int | None]:
    """Column widths in characters: fitted to the longest text, as given, or the default."""
    columns = len(spec.header)
    if spec.fit_widths:
        longest = [len(str(text)) for text in spec.header]
        for row in rows:
            for column, value in enumerate(row[:columns]):
                longest[column] = max(longest[column], _text_length(value))
        return [min(max(length + 2, 6), 60) for length in longest]
    return [
        spec.widths[column] if column < len(spec.widths) else spec.default_width
        for column in range(columns)
    ]


def _write_sheet(
    sheet: WriteOnlyWorksheet,
    spec: Sheet,
    rows: Sequence[Sequence[Any]],
    on_rows: Callable[[int], None] | None,
) -> None:
    """Fill a streamed sheet as `spec` says: widths and frozen panes first, then the rows."""
    from openpyxl.utils import get_column_letter

    for column, width in enumerate(_widths(spec, rows), start=1):
        if width is not None:
            sheet.column_dimensions[get_column_letter(column)].width = width
    header_row = len(spec.caption) + 1
    if spec.freeze:
        sheet.freeze_panes = f"{get_column_letter(spec.frozen_columns + 1)}{header_row + 1}"
    for number, line in enumerate(spec.caption):
        sheet.append(_row(sheet, [line], bold=number == 0))
    sheet.append(_header_cells(sheet, spec))
    for index, row in enumerate(rows):
        sheet.append(_row(sheet, row, bold=index in spec.bold_rows))
        if on_rows is not None and (index + 1) % PROGRESS_EVERY == 0:
            on_rows(index + 1)
    if spec.totals is not None:
        sheet.append(_row(sheet, spec.totals, bold=True))
    if on_rows is not None:
        on_rows(len(rows))


def _choices_validation(
    sheet: WriteOnlyWorksheet, spec: Sheet, choices: Choices, sources: dict[str, int]
) -> None:
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    title = choices.source[:31]
    validation = DataValidation(
        type="list",
        formula1=f"{quote_sheetname(title)}!$A$2:$A${sources[title]}",
        allow_blank=True,
    )
    column = get_column_letter(choices.column)
    header_row = len(spec.caption) + 1
    validation.add(f"{column}{header_row + 1}:{column}{header_row + choices.rows}")
    sheet.data_validations.append(validation)


def xlsx_bytes(
    sheets: Sequence[Sheet], *, on_rows: Callable[[int], None] | None = None
) -> bytes:
    """A workbook of `sheets`: the one writer of every XLSX the site hands out.

    Written in openpyxl's write-only mode, row by row, so a sheet of the whole college costs
    a fraction of what the cell-by-cell workbook did. Dates (`datetime.date`) are dates in the
    file, shown ДД.ММ.ГГГГ; a sheet's title is cut to Excel's 31 characters. `on_rows` is told
    how many rows of the sheet being written are done, every PROGRESS_EVERY rows and at its end.
    """
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    materialised = [(spec, [list(row) for row in spec.rows]) for spec in sheets]
    # The last row of each sheet's column A, for the drop-down lists that offer its values.
    sources = {
        spec.title[:31]: len(spec.caption) + 1 + len(rows) for spec, rows in materialised
    }
    for spec, rows in materialised:
        sheet = book.create_sheet(spec.title[:31])
        for choices in spec.choices:
            _choices_validation(sheet, spec, choices, sources)
        _write_sheet(sheet, spec, rows, on_rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
