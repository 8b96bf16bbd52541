"""In Chromium: the curator opens their group's month of attendance, follows a number to the
absences it counts, and opens the ведомость пропусков."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from otmetka.reports.tests.test_attendance import Made
from otmetka.test import PASSWORD, World
from otmetka.tests.test_browser import sign_in

pytestmark = pytest.mark.browser


def test_the_curator_opens_the_month_and_the_absence_sheet(
    transactional_db: None, world: World, live_server: Any, page: Any
) -> None:
    Made(world)
    sign_in(page, live_server.url, "curator", PASSWORD)
    page.wait_for_url("**" + reverse("academics:my_groups"))
    page.goto(live_server.url + reverse("reports:index"))
    page.get_by_role("link", name="Посещаемость группы за месяц").click()
    page.get_by_label("Группа").select_option(label="ИС-21")
    page.get_by_label("Месяц").fill("2026-11")
    page.get_by_role("button", name="Показать").click()
    page.wait_for_url("**/attendance/group/*/?month=2026-11")
    assert page.get_by_role("heading", level=1).inner_text() == "Посещаемость группы ИС-21"
    row = page.get_by_role("row").filter(has_text="Студентов Иван Петрович")
    assert row.get_by_role("cell").all_inner_texts()[1:] == ["7", "2", "1", "4", "2"]

    row.get_by_role("link", name="4", exact=True).click()  # the hours without a good reason
    page.wait_for_url("**/absences/?**")
    assert "Пропуски: Студентов Иван Петрович, группа ИС-21" in page.content()
    body = page.locator("table.attendance-absences tbody")
    assert body.get_by_role("row").count() == 2
    assert "Без уважительной причины" in page.content()

    page.go_back()
    page.get_by_role("link", name="Ведомость пропусков за месяц").click()
    page.wait_for_url("**/attendance/sheet/*/?month=2026-11")
    assert "Ведомость пропусков группы ИС-21" in page.content()
    row = page.get_by_role("row").filter(has_text="Студентов Иван Петрович")
    day_three = row.get_by_role("cell").nth(3)  # №, then the name is a header cell, 1st, 2nd, 3rd
    assert day_three.inner_text().split() == ["4", "Б/НП"]
    href = page.get_by_role("link", name="Печать (PDF)").get_attribute("href")
    printed = page.request.get(live_server.url + href)  # shown inline: fetched as the tab would
    assert printed.headers["content-type"] == "application/pdf"
    assert printed.body().startswith(b"%PDF")
