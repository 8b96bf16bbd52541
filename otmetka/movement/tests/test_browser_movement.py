"""In a real browser: the department head moves a student to another group by an order."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from otmetka.academics.selectors import group_roll
from otmetka.movement.models import Order
from otmetka.movement.tests.factories import TRANSFER_DAY
from otmetka.test import PASSWORD, World
from otmetka.tests.test_browser import sign_in

pytestmark = pytest.mark.browser


def _names(group: Any) -> set[str]:
    return {line.membership.student.person.full_name for line in group_roll(group, TRANSFER_DAY)}


def test_head_drafts_signs_and_applies_a_transfer(
    transactional_db: None, world: World, live_server: Any, page: Any
) -> None:
    student = world.college.student.person.full_name
    group, other = world.college.group, world.college.other_group
    assert student in _names(group) and student not in _names(other)

    page.on("dialog", lambda dialog: dialog.accept())  # «Подписать…?», «Провести…?»: OK
    sign_in(page, live_server.url, "head", PASSWORD)
    page.wait_for_url("**" + reverse("academics:group_list"))
    page.get_by_role("link", name="Книга движения").first.click()
    page.get_by_role("link", name="Новый приказ").click()
    page.get_by_label("Номер приказа").fill("12-к")
    page.get_by_label("Дата приказа").fill(TRANSFER_DAY.isoformat())
    page.get_by_label("Вид приказа").select_option(
        label="перевод в другую группу или на другую специальность"
    )
    page.get_by_role("button", name="Создать черновик").click()
    page.wait_for_url("**/movement/orders/*/")

    page.get_by_label("Фамилия или номер личного дела").fill("Студентов")
    page.get_by_role("button", name="Найти").click()
    page.get_by_label("Обучающийся").select_option(label=f"{student} 14.03.2009")
    page.get_by_label("В группу").select_option(label=other.name)
    page.get_by_role("button", name="Добавить в приказ").click()
    assert page.get_by_role("cell", name=student).is_visible()

    page.get_by_role("button", name="Подписать").click()
    assert page.locator("#order-status").inner_text() == "подписан"
    page.get_by_role("button", name="Провести").click()
    assert page.locator("#order-status").inner_text() == "проведён"

    assert Order.objects.get(number="12-к").status == Order.Status.APPLIED
    assert student not in _names(group)
    assert student in _names(other)
    # The other group's journal now lists the student.
    response = page.goto(
        live_server.url + reverse("journal:grid", args=[world.college.other_workload.pk])
    )
    assert response is not None and response.status == 200
    assert "Студентов" in page.content()
