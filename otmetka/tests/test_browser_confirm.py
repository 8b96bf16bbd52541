"""In Chromium: actions that cannot be undone ask first, naming what will happen; «Отмена»
changes nothing and «OK» does it (issue 11, point 7). No inline script: the page's CSP holds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from otmetka.movement.models import Order
from otmetka.movement.tests.factories import transfer_order
from otmetka.schedule.models import TimetableEntry
from otmetka.schedule.tests.factories_entries import make_bells, make_entry
from otmetka.test import PASSWORD, World
from otmetka.tests.test_browser import sign_in

pytestmark = pytest.mark.browser


class Dialogs:
    """Answers the next dialog as told and keeps what it said."""

    def __init__(self, page: Any) -> None:
        self.said: list[str] = []
        self.answer = "dismiss"
        page.on("dialog", self._handle)

    def _handle(self, dialog: Any) -> None:
        self.said.append(dialog.message)
        if self.answer == "accept":
            dialog.accept()
        else:
            dialog.dismiss()


def _csp_problems(page: Any) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text))
    return problems


def test_dispatcher_clears_a_day_only_after_saying_ok(
    transactional_db: None, world: World, live_server: Any, page: Any
) -> None:
    make_bells(world.org)
    entry = make_entry(world.college.workload, weekday=3, pair_number=2)
    group = world.college.group
    problems = _csp_problems(page)
    dialogs = Dialogs(page)
    sign_in(page, live_server.url, "dispatcher", PASSWORD)
    page.wait_for_url("**" + reverse("schedule:group_list"))
    page.goto(live_server.url + reverse("schedule:group_week", kwargs={"group_id": group.pk}))
    clear = page.locator(
        f'form[action="{reverse("schedule:day_clear", kwargs={"group_id": group.pk})}"]'
    )
    clear.locator('select[name="weekday"]').select_option(label="среда")
    clear.locator('input[name="on"]').fill("2026-11-18")
    week_page = page.url

    clear.get_by_role("button", name="Снять пары дня").click()
    assert dialogs.said == ["Снять все пары группы ИС-21 в среду с 18.11.2026?"]
    assert page.url == week_page
    assert TimetableEntry.objects.get(pk=entry.pk).valid_to == dt.date(2026, 12, 28)

    dialogs.answer = "accept"
    clear.get_by_role("button", name="Снять пары дня").click()
    page.get_by_text("Снято пар: 1.").wait_for()
    assert len(dialogs.said) == 2
    assert TimetableEntry.objects.get(pk=entry.pk).valid_to == dt.date(2026, 11, 17)
    assert not [text for text in problems if "Content Security Policy" in text]


def test_head_applies_an_order_only_after_saying_ok(
    transactional_db: None, world: World, live_server: Any, page: Any
) -> None:
    order = transfer_order(world)
    problems = _csp_problems(page)
    dialogs = Dialogs(page)
    sign_in(page, live_server.url, "head", PASSWORD)
    page.wait_for_url("**" + reverse("academics:group_list"))
    page.goto(live_server.url + reverse("movement:order_detail", kwargs={"order_id": order.pk}))

    page.get_by_role("button", name="Провести").click()
    assert dialogs.said == [
        "Провести приказ № 12-к? Составы групп и статусы обучающихся изменятся. Проведённый "
        "приказ нельзя ни изменить, ни отменить: ошибку исправляют новым приказом."
    ]
    assert page.locator("#order-status").inner_text() == "подписан"
    assert Order.objects.get(pk=order.pk).status == Order.Status.SIGNED

    # «OK» sets the confirmation the server asks for: no second question, the order is applied.
    dialogs.answer = "accept"
    page.get_by_role("button", name="Провести").click()
    page.get_by_text("Приказ проведён").wait_for()
    assert page.locator("#order-status").inner_text() == "проведён"
    assert Order.objects.get(pk=order.pk).status == Order.Status.APPLIED
    assert len(dialogs.said) == 2
    assert not [text for text in problems if "Content Security Policy" in text]
