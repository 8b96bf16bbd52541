"""The teacher keeps a lesson's record with the keyboard in a real browser."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from otmetka.journal.models import Attendance, Lesson, Mark
from otmetka.journal.tests.factories_grid import make_lesson, make_student
from otmetka.test import PASSWORD, TODAY, World
from otmetka.tests.test_browser import sign_in

pytestmark = pytest.mark.browser


def test_teacher_fills_the_journal_with_the_keyboard(
    transactional_db: None,
    world: World,
    live_server: Any,
    page: Any,  # noqa: F811
) -> None:
    second = make_student(world, "Яковлев")
    old = make_lesson(world.college.workload, TODAY - dt.timedelta(days=31), topic_text="Старое")
    sign_in(page, live_server.url, "teacher", PASSWORD)
    page.wait_for_url("**" + reverse("schedule:today"))
    grid = live_server.url + reverse(
        "journal:grid", kwargs={"workload_id": world.college.workload.pk}
    )
    page.goto(grid)
    # Add today's lesson.
    page.get_by_text("Добавить занятие", exact=True).first.click()
    page.get_by_label("Пара").fill("1")
    page.get_by_label("Тема занятия").fill("Циклы")
    page.get_by_role("button", name="Добавить занятие").click()
    page.wait_for_url("**/journal/lessons/**")
    lesson = Lesson.objects.get(topic_text="Циклы")
    # Fill its topic and homework on the lesson page.
    page.get_by_label("Домашнее задание").fill("§ 4, задачи 1–3")
    page.get_by_role("button", name="Сохранить").first.click()
    page.get_by_text("Занятие сохранено.").wait_for()
    # Type marks and an absence with the keyboard only.
    page.goto(grid)
    first_cell = page.locator(
        f'input[hx-post$="/lessons/{lesson.pk}/cells/{world.college.student.pk}/"]'
    )
    first_cell.focus()
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    page.keyboard.type("н")
    page.keyboard.press("Tab")
    page.wait_for_function("() => document.querySelectorAll('td.cell-saved').length >= 2")
    page.reload()
    body = page.content()
    assert Mark.objects.get(lesson=lesson, student=world.college.student).value == "5"
    assert Attendance.objects.get(lesson=lesson, student=second).code == "Н"
    saved = page.locator(
        f'input[hx-post$="/lessons/{lesson.pk}/cells/{world.college.student.pk}/"]'
    )
    assert saved.input_value() == "5"
    assert "§ 4" not in body  # homework lives on the lesson page, not in the grid
    # The column older than 30 days is grey and takes no input.
    header = page.locator("th.lesson.locked")
    assert header.count() == 1
    assert page.locator(f'input[hx-post*="/lessons/{old.pk}/cells/"]').count() == 0
    assert not Mark.objects.filter(lesson=old).exists()
