"""«Мои данные»: the diary is connected, so the page leads to it instead of promising it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from otmetka.test import World

PROFILE = reverse("accounts:profile")


def page(world: World, key: str) -> str:
    """The page's own content, without the menu (which links the diary too)."""
    html = world.client_for(key).get(PROFILE).content.decode()
    return html.split('<main id="main">', 1)[1]


@pytest.mark.parametrize("key", ["student", "parent"])
def test_the_page_leads_to_the_diary(world: World, key: str) -> None:
    html = page(world, key)
    assert "как только его подключат" not in html
    for name in ("diary:week", "diary:marks", "diary:attendance"):
        assert f'href="{reverse(name)}"' in html, name


def test_staff_get_no_diary_links(world: World) -> None:
    html = page(world, "teacher")
    assert "как только его подключат" not in html
    assert f'href="{reverse("diary:marks")}"' not in html
