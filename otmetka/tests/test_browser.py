"""In a real browser (Playwright driving Debian's Chromium), as people would use Otmetka."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from otmetka.accounts.models import RoleAssignment, User
from otmetka.accounts.permissions import ActiveRole
from otmetka.accounts.roles import Role
from otmetka.demo.diary import SIBLING_FIRST_NAME
from otmetka.demo.generator import DEMO_TODAY
from otmetka.journal.models import Lesson, Mark
from otmetka.messaging.services import message_send
from otmetka.people.models import Student
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


def test_parent_reads_the_diary_and_the_curators_letter_on_a_phone(
    transactional_db: None, live_server: Any, browser: Any
) -> None:
    """Issue 5: the demo teacher sets a mark and homework, the curator writes; the demo parent,
    on a phone, switches between the two children and finds the mark, the homework and the
    letter."""
    moment = dt.datetime.combine(DEMO_TODAY, dt.time(15, 0), tzinfo=ZoneInfo("Asia/Tomsk"))
    with time_machine.travel(moment, tick=True):
        call_command("seed_demo", size="small", today=DEMO_TODAY, stdout=io.StringIO())
        student = Student.objects.select_related("person").get(person__user__username="student")
        lesson = (
            Lesson.objects.filter(
                workload__teacher__person__user__username="teacher",
                workload__group__memberships__student=student,
                workload__subgroup__isnull=True,
                date__lte=DEMO_TODAY,
                date__gte=DEMO_TODAY - dt.timedelta(days=DEMO_TODAY.weekday()),
            )
            .exclude(marks__student=student)
            .exclude(status=Lesson.Status.CANCELLED)
            .select_related("workload__item")
            .order_by("-date", "-pair_number")
            .first()
        )
        assert lesson is not None, "the demo teacher teaches the demo student this week"

        # The teacher, at the desk: homework on the lesson page, a mark typed into the grid.
        desk = browser.new_context(locale="ru-RU")
        teacher = desk.new_page()
        sign_in(teacher, live_server.url, "teacher", "demo")
        teacher.wait_for_url("**" + reverse("schedule:today"))
        teacher.goto(
            live_server.url + reverse("journal:lesson_detail", kwargs={"lesson_id": lesson.pk})
        )
        teacher.get_by_label("Домашнее задание").fill("Прочитать главу 7, ответить на вопросы")
        teacher.get_by_role("button", name="Сохранить").first.click()
        teacher.get_by_text("Занятие сохранено.").wait_for()
        teacher.goto(
            live_server.url + reverse("journal:grid", kwargs={"workload_id": lesson.workload_id})
        )
        cell = teacher.locator(f'input[hx-post$="/lessons/{lesson.pk}/cells/{student.pk}/"]')
        cell.focus()
        teacher.keyboard.type("4")
        teacher.keyboard.press("Enter")
        teacher.wait_for_function("() => document.querySelectorAll('td.cell-saved').length >= 1")
        desk.close()
        assert Mark.objects.get(lesson=lesson, student=student).value == "4"

        # The curator writes to the parent.
        curator = User.objects.get(username="curator")
        parent = User.objects.get(username="parent")
        message_send(
            actor=ActiveRole(RoleAssignment.objects.get(user=curator, role=Role.CURATOR)),
            recipient_ids=[parent.pk],
            subject="Экскурсия на завод",
            body="В четверг группа едет на завод, сбор в 9:00 у главного входа.",
        )

        # The parent, on a phone.
        phone = browser.new_context(
            viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True, locale="ru-RU"
        )
        page = phone.new_page()
        sign_in(page, live_server.url, "parent", "demo")
        page.wait_for_url("**" + reverse("diary:week") + "**")
        # Picking a child in the switcher shows that child's diary at once.
        sibling = Student.objects.get(
            guardianships__guardian__user=parent, person__first_name=SIBLING_FIRST_NAME
        )
        page.get_by_label("Ребёнок").select_option(value=str(sibling.pk))
        page.wait_for_url(f"**student={sibling.pk}**")
        assert sibling.person.full_name in page.locator(".diary-who").inner_text()
        page.get_by_label("Ребёнок").select_option(value=str(student.pk))
        page.wait_for_url(f"**student={student.pk}**")
        assert student.person.full_name in page.locator(".diary-who").inner_text()
        entry = page.locator("li.diary-lesson", has_text="Прочитать главу 7, ответить на вопросы")
        assert entry.count() == 1
        assert entry.locator(".diary-results .mark").first.inner_text() == "4"
        assert lesson.workload.item.name in entry.inner_text()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, "the diary must not scroll sideways on a phone"

        # The letter from the curator.
        page.goto(live_server.url + reverse("messaging:inbox"))
        page.get_by_role("link", name="Экскурсия на завод").click()
        page.get_by_text("сбор в 9:00 у главного входа").wait_for()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, "the letter must not scroll sideways on a phone"
        phone.close()
