"""Re-importing the exported timetable with «Заменить» while changes for dates (замены) exist.

A change for a date hangs on the pair it changes. The import replaces the group's pairs, so
each change moves to the file's same pair (same line of the workload, day and pair number, in
force that day); when the file has no such pair, the import is refused, naming the change.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from otmetka.audit.models import AuditEvent
from otmetka.schedule.models import ScheduleChange, TimetableEntry
from otmetka.schedule.selectors import day_slots
from otmetka.schedule.services.changes import change_cancel, change_replace_teacher
from otmetka.schedule.services.transfer import COLUMNS
from otmetka.schedule.tests.factories_entries import make_bells, make_entry
from otmetka.test import World

pytestmark = pytest.mark.django_db

EARLIER_TUESDAY = dt.date(2026, 11, 10)
TUESDAY = dt.date(2026, 11, 17)
VALUES = ("workload", "weekday", "pair_number", "room", "parity", "valid_from", "valid_to")


def timetable(world: World) -> list[tuple[Any, ...]]:
    return sorted(TimetableEntry.objects.values_list(*VALUES))


def exported_rows(world: World, client: Client) -> list[list[Any]]:
    """The group's timetable as the export gives it, one list per row, header first."""
    url = reverse("schedule:export_xlsx", kwargs={"group_id": world.college.group.pk})
    response = client.get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def xlsx(rows: list[list[Any]]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("timetable.xlsx", buffer.getvalue())


def preview(client: Client, rows: list[list[Any]], replace: bool = True) -> Any:
    data: dict[str, Any] = {"file": xlsx(rows)}
    if replace:
        data["replace"] = "on"
    response = client.post(reverse("schedule:import"), data)
    assert response.status_code == 200
    return response


def commit(client: Client, token: str) -> Any:
    return client.post(reverse("schedule:import"), {"token": token}, follow=True)


@pytest.fixture
def tuesday_pair(world: World) -> TimetableEntry:
    """ИС-21's timetable: Tuesday 2nd pair in room 214 and Thursday 1st pair, all semester."""
    make_bells(world.org)
    room = world.org.rooms.get(number="214")
    make_entry(world.college.workload, weekday=4, pair_number=1)
    return make_entry(world.college.workload, weekday=2, pair_number=2, room=room)


def test_changes_move_to_the_same_pairs_of_the_reimported_timetable(
    world: World, tuesday_pair: TimetableEntry
) -> None:
    substitute = world.college.employees["other_teacher"]
    replaced = change_replace_teacher(actor=world.actor("dispatcher"), entry=tuesday_pair,
                                      date=TUESDAY, teacher=substitute, reason="Болезнь")
    cancelled = change_cancel(actor=world.actor("dispatcher"), entry=tuesday_pair,
                              date=EARLIER_TUESDAY, reason="Карантин")
    before = timetable(world)
    client = world.client_for("dispatcher")

    response = preview(client, exported_rows(world, client))
    assert response.context["problems"] == []
    response = commit(client, response.context["token"])

    assert response.status_code == 200
    assert "Загружено пар: 2." in response.content.decode()
    assert timetable(world) == before
    assert not TimetableEntry.objects.filter(pk=tuesday_pair.pk).exists()
    new_pair = TimetableEntry.objects.get(weekday=2, pair_number=2)
    for change in (replaced, cancelled):
        change.refresh_from_db()
        assert change.entry_id == new_pair.pk
    [slot] = day_slots(world.org.pk, TUESDAY, group_ids=[world.college.group.pk])
    assert (slot.entry_id, slot.teacher_id, slot.change) == (
        new_pair.pk, substitute.pk, ScheduleChange.Kind.REPLACE_TEACHER
    )
    assert day_slots(world.org.pk, EARLIER_TUESDAY, group_ids=[world.college.group.pk]) == []
    moved = AuditEvent.objects.filter(
        object_type="schedule.schedulechange", object_id=str(replaced.pk),
        action=AuditEvent.Action.UPDATE,
    ).get()
    assert moved.changes["entry"] == [
        f"№{tuesday_pair.pk}: ИС-21, вторник, 2 пара, МДК.01.01",
        f"№{new_pair.pk}: ИС-21, вторник, 2 пара, МДК.01.01",
    ]


def test_a_change_before_the_files_dates_stays_with_the_ended_pair(
    world: World, tuesday_pair: TimetableEntry
) -> None:
    earlier = change_cancel(actor=world.actor("dispatcher"), entry=tuesday_pair,
                            date=EARLIER_TUESDAY, reason="Карантин")
    later = change_cancel(actor=world.actor("dispatcher"), entry=tuesday_pair, date=TUESDAY,
                          reason="Карантин")
    client = world.client_for("dispatcher")
    rows = exported_rows(world, client)
    start = COLUMNS.index("С")
    for row in rows[1:]:
        row[start] = "16.11.2026"  # the new timetable runs from this Monday on

    response = commit(client, preview(client, rows).context["token"])

    assert "Загружено пар: 2." in response.content.decode()
    tuesday_pair.refresh_from_db()
    assert tuesday_pair.valid_to == dt.date(2026, 11, 15)
    earlier.refresh_from_db()
    later.refresh_from_db()
    assert earlier.entry_id == tuesday_pair.pk
    new_pair = TimetableEntry.objects.exclude(pk=tuesday_pair.pk).get(weekday=2, pair_number=2)
    assert later.entry_id == new_pair.pk


def test_a_file_without_the_changed_pair_is_refused_naming_the_change(
    world: World, tuesday_pair: TimetableEntry
) -> None:
    change_cancel(actor=world.actor("dispatcher"), entry=tuesday_pair, date=TUESDAY,
                  reason="Карантин")
    before = timetable(world)
    client = world.client_for("dispatcher")
    rows = exported_rows(world, client)
    pair = COLUMNS.index("Пара")
    for row in rows[1:]:
        if row[COLUMNS.index("День")] == "вторник":
            row[pair] = 3  # the dispatcher moved the Tuesday pair

    response = preview(client, rows)

    body = response.content.decode()
    assert "token" not in response.context
    assert (
        "Изменение на 17.11.2026 (отмена пары: ИС-21, вторник, 2 пара, МДК.01.01) относится "
        "к паре, которой в файле на эту дату нет. Оставьте эту пару в файле или сначала удалите "
        "изменение на странице «Замены»."
    ) in body
    assert "Файл не загружен" in body
    assert timetable(world) == before
    assert ScheduleChange.objects.get().entry_id == tuesday_pair.pk


def test_a_change_made_after_the_check_refuses_the_commit_and_keeps_everything(
    world: World, tuesday_pair: TimetableEntry
) -> None:
    client = world.client_for("dispatcher")
    rows = exported_rows(world, client)
    rows = [row for row in rows if row[COLUMNS.index("День")] != "вторник"]
    token = preview(client, rows).context["token"]
    before = timetable(world)
    change_cancel(actor=world.actor("dispatcher"), entry=tuesday_pair, date=TUESDAY,
                  reason="Карантин")

    response = commit(client, token)

    assert response.status_code == 200
    assert "Изменение на 17.11.2026 (отмена пары" in response.content.decode()
    assert timetable(world) == before
    assert ScheduleChange.objects.get().entry_id == tuesday_pair.pk


def test_without_replace_the_check_shows_the_clash_with_the_saved_timetable(
    world: World, tuesday_pair: TimetableEntry
) -> None:
    client = world.client_for("dispatcher")
    response = preview(client, exported_rows(world, client), replace=False)
    assert "token" not in response.context
    assert "уже ведёт" in response.content.decode()
