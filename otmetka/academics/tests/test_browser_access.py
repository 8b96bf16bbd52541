"""In a real browser: the curator hands out credentials to the group, the student signs in."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from otmetka.academics.tests.factories_access import enrol
from otmetka.test import PASSWORD, World
from otmetka.tests.test_browser import sign_in

pytestmark = pytest.mark.browser


def test_curator_prints_slips_and_the_student_signs_in_with_one(
    transactional_db: None, world: World, live_server: Any, page: Any
) -> None:
    enrol(world, "Новикова", "Анна", "Сергеевна")
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text))
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, live_server.url, "curator", PASSWORD)
    page.wait_for_url("**" + reverse("academics:my_groups"))
    page.get_by_role("link", name="Доступ к дневнику и согласия").click()
    assert page.get_by_test_id("without-account").inner_text().startswith("1")

    page.get_by_role("button", name="Выдать реквизиты", exact=True).click()
    page.wait_for_selector(".slip")
    slip = page.locator(".slip", has_text="Новикова Анна Сергеевна")
    login = slip.get_by_test_id("slip-login").inner_text()
    password = slip.get_by_test_id("slip-password").inner_text()
    assert login == "novikova.as"
    download = page.get_by_role("link", name="Скачать PDF")
    assert download.get_attribute("href").startswith("data:application/pdf;base64,")
    # The data: link downloads the file: CSP governs fetches, not a download navigation.
    with page.expect_download() as saved:
        download.click()
    assert saved.value.suggested_filename.endswith(".pdf")
    with open(saved.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert not [text for text in problems if "Content Security Policy" in text]

    page.context.clear_cookies()
    sign_in(page, live_server.url, login, password)
    page.wait_for_url("**" + reverse("accounts:password_change"))
    assert "временному паролю" in page.content()
