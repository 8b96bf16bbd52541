"""In a real browser (Playwright driving Debian's Chromium), as people would use Otmetka."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from otmetka.accounts.models import User
from otmetka.test import PASSWORD, World

pytestmark = pytest.mark.browser



def sign_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(base + reverse("accounts:login"))
    page.get_by_label("Логин").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_label("Пароль").press("Enter")


def test_teacher_signs_in_with_the_keyboard(
    transactional_db: None, world: World, live_server: Any, page: Any
) -> None:
    sign_in(page, live_server.url, "teacher", PASSWORD)
    page.wait_for_url("**" + reverse("schedule:today"))
    assert page.locator("html").get_attribute("lang") == "ru"
    assert "Учителев Пётр Андреевич" in page.content()


def test_curator_switches_role(
    transactional_db: None, world: World, live_server: Any, page: Any
) -> None:
    sign_in(page, live_server.url, "curator", PASSWORD)
    page.wait_for_url("**" + reverse("academics:my_groups"))
    page.get_by_label("Роль").select_option(label="Преподаватель")
    page.wait_for_url("**" + reverse("schedule:today"))
    assert page.get_by_label("Роль").input_value() != ""


def test_new_password_at_first_login(
    transactional_db: None, world: World, live_server: Any, page: Any
) -> None:
    # The administrator issues a one-time password…
    sign_in(page, live_server.url, "admin", PASSWORD)
    page.wait_for_url("**" + reverse("accounts:user_list"))
    page.goto(
        live_server.url
        + reverse("accounts:user_detail", kwargs={"user_id": world.user("teacher").pk})
    )
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Выдать временный пароль").click()
    one_time = page.get_by_test_id("one-time-password").inner_text().strip()
    page.get_by_role("button", name="Выйти").click()
    page.wait_for_url("**" + reverse("accounts:login"))
    # …the teacher signs in with it and must choose her own before anything else.
    sign_in(page, live_server.url, "teacher", one_time)
    page.wait_for_url("**" + reverse("accounts:password_change"))
    page.locator("#id_old_password").fill(one_time)
    page.locator("#id_new_password1").fill("Тёплый-вечер-77")
    page.locator("#id_new_password2").fill("Тёплый-вечер-77")
    page.get_by_role("button", name="Сохранить пароль").click()
    page.wait_for_url("**" + reverse("schedule:today"))
    assert User.objects.get(username="teacher").check_password("Тёплый-вечер-77")


def test_parent_on_a_phone(
    transactional_db: None, world: World, live_server: Any, browser: Any
) -> None:
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True, locale="ru-RU"
    )
    page = context.new_page()
    sign_in(page, live_server.url, "parent", PASSWORD)
    page.wait_for_url("**" + reverse("accounts:profile"))
    assert "Студентов Иван Петрович" in page.content()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "the page must not scroll sideways on a phone"
    context.close()
