"""The changes page: editors add and delete, readers see, strangers get 404; the PDF sheet."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from otmetka.schedule.models import ScheduleChange
from otmetka.schedule.tests.test_changes_selector import TUESDAY, make_bells, make_entry
from otmetka.test import World

URL = reverse("schedule:changes_day") + "?date=2026-11-17"


@pytest.fixture
def entry(world: World) -> Any:
    make_bells(world)
    return make_entry(world)


def test_dispatcher_replaces_teacher_through_the_form(world: World, entry: Any) -> None:
    client = world.client_for("dispatcher")
    page = client.get(URL)
    assert page.status_code == 200
    assert "МДК.01.01 ИС-21" in page.content.decode()
    response = client.post(
        URL,
        {
            "kind": "replace_teacher",
            "entry": entry.pk,
            "teacher": world.college.employees["other_teacher"].pk,
            "reason": "Болезнь",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Другова Д. О. вместо Учителева П. А." in response.content.decode()
    assert ScheduleChange.objects.get().kind == "replace_teacher"


def test_refusal_shown_next_to_the_field(world: World, entry: Any) -> None:
    client = world.client_for("dispatcher")
    response = client.post(
        URL, {"kind": "move", "entry": entry.pk, "pair_number": 6, "reason": "x"}
    )
    assert response.status_code == 200
    assert "нет 6-й пары" in response.content.decode()
    assert not ScheduleChange.objects.exists()


def test_teacher_reads_but_may_not_post(world: World, entry: Any) -> None:
    client = world.client_for("teacher")
    assert client.get(URL).status_code == 200
    response = client.post(URL, {"kind": "cancel", "entry": entry.pk, "reason": "x"})
    assert response.status_code == 403


def test_delete_rights(world: World, entry: Any) -> None:
    change = ScheduleChange.objects.create(
        organization=world.org, date=TUESDAY, kind="cancel", entry=entry, workload=entry.workload
    )
    url = reverse("schedule:change_delete", kwargs={"change_id": change.pk})
    assert world.client_for("teacher").post(url).status_code == 403
    stranger = world.client_for(world.stranger.users["dispatcher"])
    assert stranger.post(url).status_code == 404
    response = world.client_for("dispatcher").post(url)
    assert response.status_code == 302
    assert not ScheduleChange.objects.exists()


def test_changes_pdf(world: World, entry: Any) -> None:
    ScheduleChange.objects.create(
        organization=world.org, date=TUESDAY, kind="cancel", entry=entry, workload=entry.workload
    )
    response = world.client_for("deputy").get(reverse("schedule:changes_pdf") + "?date=2026-11-17")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    # Filed as a document: the running header and the page number on every page.
    pages = PdfReader(io.BytesIO(response.content)).pages
    for number, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert "Изменения в расписании на 17.11.2026" in text
        assert f"стр. {number} из {len(pages)}" in text


def test_other_teacher_sees_only_changes_of_their_scope(world: World, entry: Any) -> None:
    ScheduleChange.objects.create(
        organization=world.org, date=TUESDAY, kind="cancel", entry=entry, workload=entry.workload
    )
    page = world.client_for("other_teacher").get(URL).content.decode()
    assert "Отмена 17.11.2026" not in page
    assert "Отмена 17.11.2026" in world.client_for("curator").get(URL).content.decode()
