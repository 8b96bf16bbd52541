"""Timetable XLSX export, template and the all-or-nothing import with a preview."""

from __future__ import annotations

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from otmetka.lib.tests.factories import NUMBER_ROW, TEXT_ROW, xlsx_bomb, xlsx_with_doctype
from otmetka.people.models import Person
from otmetka.schedule.models import TimetableEntry
from otmetka.schedule.services.transfer import COLUMNS, MAX_ROWS, read_rows
from otmetka.schedule.tests.factories_entries import make_bells, make_entry
from otmetka.test import World

pytestmark = pytest.mark.django_db


def xlsx(rows: list[list[object]]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("t.xlsx", buffer.getvalue())


GOOD = [
    "ИС-21",
    "",
    "понедельник",
    1,
    "МДК.01.01",
    "Учителев Пётр Андреевич",
    "214",
    "каждую неделю",
    "01.09.2026",
    "28.12.2026",
]


def test_import_all_or_nothing_with_a_bad_row_in_the_middle(world: World) -> None:
    make_bells(world.org)
    client = world.client_for("dispatcher")
    bad = [
        "ИС-99",
        "",
        "вторник",
        1,
        "МДК.01.01",
        "Учителев Пётр Андреевич",
        "999",
        "каждую неделю",
        "01.09.2026",
        "28.12.2026",
    ]
    last = [*GOOD[:2], "среда", 9, *GOOD[4:]]
    response = client.post(reverse("schedule:import"), {"file": xlsx([GOOD, bad, last])})
    body = response.content.decode()
    assert "Неизвестная группа «ИС-99»" in body
    assert "Неизвестный кабинет «999»" in body
    assert "В расписании звонков на среду нет 9-й пары" in body
    assert 'name="token"' not in body
    assert not TimetableEntry.objects.exists()


def test_import_conflict_inside_the_file(world: World) -> None:
    make_bells(world.org)
    response = world.client_for("dispatcher").post(
        reverse("schedule:import"), {"file": xlsx([GOOD, GOOD])}
    )
    assert "Преподаватель Учителев П. А. уже ведёт ИС-21" in response.content.decode()
    assert not TimetableEntry.objects.exists()


def test_import_preview_then_commit_once(world: World) -> None:
    make_bells(world.org)
    client = world.client_for("dispatcher")
    response = client.post(reverse("schedule:import"), {"file": xlsx([GOOD])})
    token = response.context["token"]
    response = client.post(reverse("schedule:import"), {"token": token}, follow=True)
    assert "Загружено пар: 1." in response.content.decode()
    assert TimetableEntry.objects.count() == 1
    client.post(reverse("schedule:import"), {"token": token})  # the token is one-time
    assert TimetableEntry.objects.count() == 1


def test_export_import_round_trip(world: World) -> None:
    make_bells(world.org)
    college = world.college
    room = world.org.rooms.get(number="214")
    make_entry(college.workload, weekday=2, pair_number=3, room=room, parity="odd")
    make_entry(college.workload, weekday=4, pair_number=1)
    client = world.client_for("dispatcher")
    response = client.get(reverse("schedule:export_xlsx", kwargs={"group_id": college.group.pk}))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert rows[1] == (
        "ИС-21",
        None,
        "вторник",
        3,
        "МДК.01.01",
        "Учителев Пётр Андреевич",
        "214",
        "по нечётным неделям",
        "01.09.2026",
        "28.12.2026",
    )
    before = sorted(
        TimetableEntry.objects.values_list(
            "workload", "weekday", "pair_number", "room", "parity", "valid_from", "valid_to"
        )
    )
    upload = SimpleUploadedFile("t.xlsx", response.content)
    preview = client.post(reverse("schedule:import"), {"file": upload, "replace": "on"})
    client.post(reverse("schedule:import"), {"token": preview.context["token"]})
    after = sorted(
        TimetableEntry.objects.values_list(
            "workload", "weekday", "pair_number", "room", "parity", "valid_from", "valid_to"
        )
    )
    assert after == before


def test_transfer_rights(world: World) -> None:
    college = world.college
    export = reverse("schedule:export_xlsx", kwargs={"group_id": college.group.pk})
    assert world.client_for("student").get(export).status_code == 200
    assert world.client_for(world.stranger.users["dispatcher"]).get(export).status_code == 404
    everything = reverse("schedule:export_xlsx") + "?all=1"
    assert world.client_for("dispatcher").get(everything).status_code == 200
    assert world.client_for("teacher").get(everything).status_code == 404
    template = reverse("schedule:import_template")
    response = world.client_for("dispatcher").get(template)
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).sheetnames == [
        "Расписание",
        "Допустимые значения",
    ]
    assert world.client_for("teacher").get(template).status_code == 403
    assert world.client_for("teacher").get(reverse("schedule:import")).status_code == 403


HEADER_ROW = b"<row>" + b"".join(
    b'<c t="inlineStr"><is><t>' + name.encode() + b"</t></is></c>" for name in COLUMNS
) + b"</row>"


@pytest.mark.parametrize(
    ("rows", "row", "message"),
    [
        # 120 MB of rows packed into under a megabyte (the finding: 61 s and +310 MB).
        (2_400_000, TEXT_ROW, "Файл XLSX слишком велик в распакованном виде."),
        # A few megabytes, but 300,000 rows under a proper header: refused by counting.
        (300_000, NUMBER_ROW, "В файле XLSX слишком много данных"),
    ],
    ids=["unpacks-to-120-MB", "300000-rows"],
)
def test_import_refuses_a_decompression_bomb_quickly(
    world: World, rows: int, row: bytes, message: str
) -> None:
    make_bells(world.org)
    content = xlsx_bomb(rows=rows, row=row, head=HEADER_ROW)
    assert len(content) < 1_000_000
    client = world.client_for("dispatcher")
    started = time.process_time()
    response = client.post(
        reverse("schedule:import"), {"file": SimpleUploadedFile("t.xlsx", content)}
    )
    assert time.process_time() - started < 5
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "schedule_import" not in client.session
    assert not TimetableEntry.objects.exists()


def test_import_refuses_more_rows_than_a_timetable_has(world: World) -> None:
    # Blank rows cost nothing to pack: the row limit holds whatever the rows are.
    make_bells(world.org)
    content = xlsx_bomb(rows=1, row=b'<row r="6000"><c t="inlineStr"><is><t>x</t></is></c></row>',
                        head=HEADER_ROW)
    response = world.client_for("dispatcher").post(
        reverse("schedule:import"), {"file": SimpleUploadedFile("t.xlsx", content)}
    )
    assert "Не больше 5000 строк за одну загрузку." in response.content.decode()
    assert not TimetableEntry.objects.exists()


def test_import_refuses_damaged_and_foreign_files_clearly(world: World) -> None:
    client = world.client_for("dispatcher")
    for name, content, message in [
        ("t.xlsx", b"PK\x03\x04 not a zip", "Не удалось прочитать файл XLSX."),
        ("t.xlsx", xlsx_with_doctype(), "Не удалось прочитать файл XLSX."),
        ("t.pdf", b"%PDF-1.4", "Загрузите файл XLSX или CSV."),
    ]:
        upload = SimpleUploadedFile(name, content)
        response = client.post(reverse("schedule:import"), {"file": upload})
        assert message in response.content.decode()
    assert "schedule_import" not in client.session
    assert not TimetableEntry.objects.exists()


def test_export_writes_formula_like_text_as_plain_text(world: World) -> None:
    college = world.college
    teacher = college.workload.teacher
    Person.objects.filter(pk=teacher.person_id).update(last_name="=cmd|' /C calc'!A0")
    make_entry(college.workload)
    response = world.client_for("dispatcher").get(
        reverse("schedule:export_xlsx", kwargs={"group_id": college.group.pk})
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None and sheet.title == "Расписание"
    cell = sheet.cell(row=2, column=COLUMNS.index("Преподаватель") + 1)
    assert cell.data_type == "s" and cell.quotePrefix
    assert cell.value == "=cmd|' /C calc'!A0 Пётр Андреевич"


def test_template_writes_formula_like_text_as_plain_text(world: World) -> None:
    teacher = world.college.workload.teacher
    Person.objects.filter(pk=teacher.person_id).update(last_name="=cmd|' /C calc'!A0")
    response = world.client_for("dispatcher").get(reverse("schedule:import_template"))
    values = load_workbook(io.BytesIO(response.content))["Допустимые значения"]
    cells = [row[3] for row in values.iter_rows(min_row=2) if str(row[3].value).startswith("=")]
    assert cells and all(cell.data_type == "s" and cell.quotePrefix for cell in cells)


def test_the_largest_timetable_reads_within_the_caps() -> None:
    # A whole college at the row limit: the reader's caps must not refuse a real timetable.
    upload = xlsx([[*GOOD[:3], number % 6 + 1, *GOOD[4:]] for number in range(MAX_ROWS)])
    rows = read_rows("t.xlsx", upload)
    assert len(rows) == MAX_ROWS
    assert rows[-1]["Преподаватель"] == "Учителев Пётр Андреевич"
