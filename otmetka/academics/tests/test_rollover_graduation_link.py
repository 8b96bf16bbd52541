"""«Подготовить приказ о выпуске» on the rollover page only for those who may draft an order
(issue 11, point 6: the deputy followed it into a 403)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from otmetka.academics.models import Group
from otmetka.academics.permissions import can_draft_graduation_order
from otmetka.movement.permissions import can_create_order
from otmetka.test import World

LINK = "Подготовить приказ о выпуске"


def _final_year_group(world: World) -> Group:
    college = world.college
    return Group.objects.create(
        organization=world.org,
        name="ИС-11",
        program=college.program,
        curriculum=college.curriculum,
        department=college.department,
        intake_year=2023,  # 4th course in 2026/2027: graduates this year
    )


def test_the_deputy_sees_no_link_into_a_403_and_the_head_follows_it(world: World) -> None:
    _final_year_group(world)
    new_order = reverse("movement:order_create")
    deputy = world.client_for("deputy")
    page = deputy.get(reverse("academics:rollover")).content.decode()
    assert "ИС-11, 4 курс" in page
    assert LINK not in page and new_order not in page
    assert "Приказ о выпуске готовят в книге движения те, кому разрешено вести приказы" in page
    assert deputy.get(new_order).status_code == 403  # where the link used to lead
    head = world.client_for("head")
    page = head.get(reverse("academics:rollover")).content.decode()
    assert f'<a class="button secondary" href="{new_order}">{LINK}</a>' in page
    assert head.get(new_order).status_code == 200


@pytest.mark.parametrize(
    "persona", ["director", "deputy", "head", "secretary", "admin", "teacher", "curator"]
)
def test_the_link_follows_the_movement_books_own_rule(world: World, persona: str) -> None:
    actor = world.actor(persona)
    assert can_draft_graduation_order(actor) == can_create_order(actor)
