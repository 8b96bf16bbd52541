"""The one reader and the one writer of spreadsheets: caps on what a file may cost, and text
that stays text."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from openpyxl import load_workbook

from otmetka.lib import tables
from otmetka.lib.errors import DomainError
from otmetka.lib.tests.factories import xlsx_bomb, xlsx_with_doctype


def test_a_sheet_claiming_every_column_is_read_only_as_wide_as_asked() -> None:
    # A stated dimension of 16,384 columns would make every row 16,384 cells long.
    content = xlsx_bomb(rows=3, dimension="A1:XFD1048576")
    started = time.process_time()
    rows = tables.read_table("a.xlsx", content, max_rows=2000, max_columns=5)
    assert time.process_time() - started < 2
    assert rows == [["x", "", "", "", ""]] * 3


def test_a_document_type_declaration_is_refused_before_parsing() -> None:
    with pytest.raises(DomainError, match="Не удалось прочитать файл XLSX"):
        tables.read_table("a.xlsx", xlsx_with_doctype(), max_rows=10)


def test_a_damaged_archive_is_refused_clearly() -> None:
    content = bytearray(xlsx_bomb(rows=20_000))
    start = content.index(b"xl/worksheets/sheet1.xml") + 200
    content[start : start + 50] = b"\xff" * 50  # the packed sheet, broken in the middle
    with pytest.raises(DomainError, match="Не удалось прочитать файл XLSX"):
        tables.read_table("a.xlsx", bytes(content), max_rows=10)


def test_an_upload_is_read_no_further_than_its_size_cap() -> None:
    upload = io.BytesIO(b"a;b\n" * 300_000)
    with pytest.raises(DomainError, match="Файл больше 1 МБ."):
        tables.read_table("a.csv", upload, max_rows=10, max_bytes=1024 * 1024)
    assert upload.tell() == 1024 * 1024 + 1


def test_csv_rows_and_columns_are_capped() -> None:
    content = ("a;" * 1000 + "\n").encode() * 1000
    rows = tables.read_table("a.csv", content, max_rows=10, max_columns=5)
    assert len(rows) == 11 and all(row == ["a"] * 5 for row in rows)


def test_text_that_looks_like_an_error_value_stays_text() -> None:
    content = tables.xlsx_bytes([tables.Sheet("Лист", ["a"], [["#N/A"], ["#DIV/0!"]])])
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [(cell.data_type, cell.value) for cell in cells] == [("s", "#N/A"), ("s", "#DIV/0!")]


def test_caption_totals_and_fitted_widths() -> None:
    content = tables.xlsx_bytes([
        tables.Sheet("Отчёт", ["Группа", "Всего"], [["ИС-21", 3], ["=1+1", 4]],
                     caption=["Заголовок", "подзаголовок"], totals=["Итого", 7],
                     bold_rows={1}, header_style="bold", fit_widths=True, frozen_columns=1)
    ])
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert [row for row in sheet.iter_rows(values_only=True)] == [
        ("Заголовок", None), ("подзаголовок", None), ("Группа", "Всего"), ("ИС-21", 3),
        ("=1+1", 4), ("Итого", 7),
    ]
    assert sheet["A1"].font.bold and not sheet["A2"].font.bold and sheet["A3"].font.bold
    assert not sheet["A4"].font.bold and sheet["A5"].font.bold and sheet["B6"].font.bold
    assert sheet["A5"].data_type == "s" and sheet["A3"].fill.fill_type is None
    assert sheet.freeze_panes == "B4"
    assert sheet.column_dimensions["A"].width == 8 and sheet.column_dimensions["B"].width == 7



def test_dates_are_dates_in_the_file() -> None:
    content = tables.xlsx_bytes([
        tables.Sheet("Обучающиеся", ["ФИО", "Дата рождения", "Изменено"], [
            ["Студентов Иван", dt.date(2009, 3, 5), dt.datetime(2026, 11, 16, 10, 30)],
            ["Ёлкин Пётр", None, None],
        ], totals=["Итого", dt.date(2026, 11, 16), None]),
    ])
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    born, changed = sheet["B2"], sheet["C2"]
    assert born.is_date and born.value == dt.datetime(2009, 3, 5)
    assert born.number_format == "DD.MM.YYYY"
    assert changed.is_date and changed.number_format == "DD.MM.YYYY HH:MM"
    assert sheet["B3"].value is None
    assert sheet["B4"].is_date and sheet["B4"].font.bold


def test_sheets_keep_their_russian_names_and_lists_their_choices() -> None:
    content = tables.xlsx_bytes([
        tables.Sheet("КТП", ["№", "Тема", "Вид занятия"], [["1", "Введение", ""]],
                     choices=[tables.Choices(column=3, source="Виды занятий", rows=100)]),
        tables.Sheet("Виды занятий", ["Вид занятия"], [["Лекция"], ["Практика"]]),
    ])
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["КТП", "Виды занятий"]
    validation = book["КТП"].data_validations.dataValidation[0]
    assert validation.formula1 == "'Виды занятий'!$A$2:$A$3"
    assert str(validation.sqref) == "C2:C101"


def test_a_long_sheet_tells_its_progress() -> None:
    told: list[int] = []
    rows = [[f"Студент {number}", number] for number in range(1, 1201)]
    content = tables.xlsx_bytes([tables.Sheet("Лист", ["ФИО", "№"], rows)], on_rows=told.append)
    assert told == [500, 1000, 1200]
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    assert sum(1 for _row in sheet.iter_rows(min_row=2)) == 1200


def test_the_writer_streams_rows_in_write_only_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cell-by-cell workbook took 14 s for the college's students; rows are streamed now."""
    from openpyxl import Workbook

    modes: list[bool] = []
    original = Workbook.__init__

    def spy(self: Workbook, write_only: bool = False, iso_dates: bool = False) -> None:
        modes.append(write_only)
        original(self, write_only=write_only, iso_dates=iso_dates)

    monkeypatch.setattr(Workbook, "__init__", spy)
    tables.xlsx_bytes([tables.Sheet("Лист", ["a"], [["b"]])])
    assert modes == [True]
