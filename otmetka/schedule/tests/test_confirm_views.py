"""«Снять пары дня» and deleting a pair ask first, naming what will happen (issue 11, point 7).

«Снять пары дня» is refused by the server without the confirmation the dialog sets, so a plain
POST (no JavaScript, a script) changes nothing and gets a page that asks again.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from otmetka.audit.models import AuditEvent
from otmetka.schedule.models import TimetableEntry
from otmetka.schedule.tests.factories_entries import make_bells, make_entry
from otmetka.test import World

pytestmark = pytest.mark.django_db

QUESTION = "Снять все пары группы ИС-21 в понедельник с 30.11.2026?"


def _hidden(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))


def test_a_plain_post_clears_nothing_and_the_page_asks_naming_the_day(world: World) -> None:
    make_bells(world.org)
    group = world.college.group
    entry = make_entry(world.college.workload, weekday=1)
    audit_rows = AuditEvent.objects.count()
    client = world.client_for("dispatcher")
    url = reverse("schedule:day_clear", kwargs={"group_id": group.pk})
    response = client.post(url, {"weekday": 1, "on": "2026-11-30"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ничего не изменено: это действие нельзя отменить" in page
    assert QUESTION in page
    assert TimetableEntry.objects.get(pk=entry.pk).valid_to == dt.date(2026, 12, 28)
    assert AuditEvent.objects.count() == audit_rows
    # «Снять пары дня» on that page posts the same day again, confirmed, and clears it.
    fields = _hidden(page)
    assert fields == {
        "csrfmiddlewaretoken": fields["csrfmiddlewaretoken"],
        "weekday": "1",
        "on": "2026-11-30",
        "confirm": "1",
    }
    response = client.post(url, fields, follow=True)
    assert "Снято пар: 1." in response.content.decode()
    assert TimetableEntry.objects.get(pk=entry.pk).valid_to == dt.date(2026, 11, 29)


@pytest.mark.parametrize("value", ["", "0", "yes", "true"])
def test_only_the_dialogs_answer_counts_as_confirmation(world: World, value: str) -> None:
    entry = make_entry(world.college.workload, weekday=1)
    url = reverse("schedule:day_clear", kwargs={"group_id": world.college.group.pk})
    world.client_for("dispatcher").post(url, {"weekday": 1, "on": "2026-11-30", "confirm": value})
    assert TimetableEntry.objects.get(pk=entry.pk).valid_to == dt.date(2026, 12, 28)


def test_the_week_page_asks_before_clearing_a_day_and_deleting_a_pair(world: World) -> None:
    make_bells(world.org)
    group = world.college.group
    entry = make_entry(world.college.workload, weekday=2, pair_number=3)
    response = world.client_for("dispatcher").get(
        reverse("schedule:group_week", kwargs={"group_id": group.pk})
    )
    page = response.content.decode()
    clear = reverse("schedule:day_clear", kwargs={"group_id": group.pk})
    # The browser puts in the day and the date chosen: «в среду», «18.11.2026».
    assert (
        f'<form method="post" action="{clear}" '
        'data-confirm="Снять все пары группы ИС-21 {weekday} с {on}?">'
    ) in page
    assert '<option value="3" data-confirm-text="в среду">среда</option>' in page
    assert '<input type="hidden" name="confirm" value="" data-confirmed>' in page
    delete = reverse("schedule:entry_delete", kwargs={"entry_id": entry.pk})
    assert (
        f'<form method="post" action="{delete}" data-confirm="Удалить из расписания группы '
        'ИС-21 пару № 3 (вторник): МДК.01.01 Разработка программных модулей?">'
    ) in page
    assert TimetableEntry.objects.filter(pk=entry.pk).exists()
