"""Timetable XLSX export, template and the all-or-nothing import with a preview."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from otmetka.schedule.models import TimetableEntry
from otmetka.schedule.services.transfer import COLUMNS
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
