"""Hostile spreadsheets for the import tests: decompression bombs built in memory."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook

SHEET_PATH = "xl/worksheets/sheet1.xml"
# One row with one short text cell: about 50 bytes of XML, packed to almost nothing.
TEXT_ROW = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
# One row with one number: the fewest bytes that still make a row with a cell.
NUMBER_ROW = b"<row><c><v>1</v></c></row>"


def xlsx_bomb(
    *, rows: int, row: bytes = TEXT_ROW, head: bytes = b"", dimension: str = "",
    doctype: bytes = b"",
) -> bytes:
    """A real workbook whose first sheet holds `rows` copies of `row` (`head` goes first).

    Repeated XML packs about a hundred to one, so a file well under the upload caps unpacks to
    many megabytes and as many rows as asked: what an attacker would upload. `dimension` is the
    sheet's stated size («A1:XFD1048576»), `doctype` a document type declaration.
    """
    book = Workbook()
    template = io.BytesIO()
    book.save(template)
    start = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + doctype
        + b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + (b'<dimension ref="' + dimension.encode() + b'"/>' if dimension else b"")
        + b"<sheetData>" + head
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(
        buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1
    ) as target:
        for item in source.infolist():
            if item.filename != SHEET_PATH:
                target.writestr(item, source.read(item.filename))
        with target.open(SHEET_PATH, "w", force_zip64=True) as sheet:
            sheet.write(start)
            batch = 10_000
            for _ in range(rows // batch):
                sheet.write(row * batch)
            sheet.write(row * (rows % batch) + b"</sheetData></worksheet>")
    return buffer.getvalue()


def xlsx_with_doctype() -> bytes:
    """A sheet that declares an entity and uses it («billion laughs» in small)."""
    return xlsx_bomb(
        rows=1,
        row=b'<row><c t="inlineStr"><is><t>&a;</t></is></c></row>',
        doctype=b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>',
    )
