"""In Chromium, as the dispatcher: place a pair, see a clash refused, place it elsewhere."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from otmetka.schedule.models import TimetableEntry
from otmetka.schedule.tests.test_changes_selector import make_bells, make_entry
from otmetka.test import PASSWORD, World
from otmetka.tests.test_browser import sign_in

pytestmark = pytest.mark.browser


def test_dispatcher_places_a_pair_and_a_clash_is_refused(
    transactional_db: None, world: World, live_server: Any, page: Any
) -> None:
    make_bells(world)
    # ИС-22 already has Tuesday's 2nd pair in room 214.
    make_entry(world, workload=world.college.other_workload, weekday=2, pair_number=2)
    group = world.college.group
    sign_in(page, live_server.url, "dispatcher", PASSWORD)
    page.wait_for_url("**" + reverse("schedule:group_list"))
    page.goto(live_server.url + reverse("schedule:entry_create", kwargs={"group_id": group.pk}))
    page.locator("#id_workload").select_option(index=1)
    page.locator("#id_weekday").select_option(value="2")
    page.locator("#id_pair_number").fill("2")
    page.locator("#id_room").select_option(label="214")
    page.locator("#id_valid_from").fill("2026-11-16")
    page.locator("#id_valid_to").fill("2026-12-28")
    page.get_by_role("button", name="Сохранить").click()
    page.wait_for_load_state("networkidle")
    assert "Кабинет 214" in page.content()
    assert not TimetableEntry.objects.filter(workload=world.college.workload).exists()
    # The next pair is free: it is placed and the group's week shows it.
    page.locator("#id_pair_number").fill("3")
    page.get_by_role("button", name="Сохранить").click()
    page.wait_for_url("**" + reverse("schedule:group_week", kwargs={"group_id": group.pk}) + "*")
    entry = TimetableEntry.objects.get(workload=world.college.workload)
    assert (entry.weekday, entry.pair_number, entry.room.number if entry.room else None) == (
        2,
        3,
        "214",
    )
    assert "МДК.01.01" in page.content()
