"""Files to import in tests: rows in the template's columns, as XLSX or CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from otmetka.contingent.imports import STAFF_COLUMNS, STUDENT_COLUMNS, Column
from otmetka.lib.snils import snils_make
from otmetka.lib.tables import Sheet, xlsx_bytes


def student_row(number: int, **values: str) -> dict[str, str]:
    """A valid row of a new student of group ИС-21 with one parent, unique by `number`."""
    row = {
        "last_name": f"Новиков{number}",
        "first_name": "Илья",
        "middle_name": "Андреевич",
        "birth_date": f"{number % 28 + 1:02d}.05.2009",
        "sex": "м",
        "snils": snils_make(200_000_000 + number),
        "phone": f"+7 913 {number:07d}",
        "personal_file_no": f"И-{number}",
        "education_base": "9",
        "funding": "бюджет",
        "group": "ИС-21",
        "enrolled_on": "01.09.2026",
        "order_no": "125-к",
        "order_date": "20.08.2026",
        "parent1_name": f"Новикова{number} Ольга Петровна",
        "parent1_kind": "мать",
        "parent1_phone": f"+7 923 {number:07d}",
        "parent1_diary": "да",
    }
    row.update(values)
    return row


def staff_row(number: int, **values: str) -> dict[str, str]:
    row = {
        "last_name": f"Работников{number}",
        "first_name": "Павел",
        "middle_name": "Ильич",
        "birth_date": "12.10.1985",
        "snils": snils_make(300_000_000 + number),
        "phone": f"+7 913 {number:07d}",
        "department": "Очное отделение",
        "positions": "Преподаватель",
        "hire_date": "01.09.2026",
        "hire_order_no": f"{number}-л",
    }
    row.update(values)
    return row


def _table(columns: Sequence[Column], rows: Sequence[dict[str, str]]) -> list[list[Any]]:
    return [[str(c.header) for c in columns]] + [
        [row.get(c.key, "") for c in columns] for row in rows
    ]


def xlsx_file(rows: Sequence[dict[str, str]], columns: Sequence[Column] = STUDENT_COLUMNS) -> bytes:
    table = _table(columns, rows)
    return xlsx_bytes([Sheet(title="Лист1", header=table[0], rows=table[1:])])


def csv_file(
    rows: Sequence[dict[str, str]],
    *,
    encoding: str,
    columns: Sequence[Column] = STUDENT_COLUMNS,
) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(_table(columns, rows))
    return buffer.getvalue().encode(encoding)


STAFF = STAFF_COLUMNS
