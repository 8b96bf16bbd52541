from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

from otmetka.test import TODAY, World, build_world


@pytest.fixture
def now() -> Iterator[time_machine.Traveller]:
    """Tests run at 10:00 in Tomsk on TODAY unless they travel elsewhere."""
    moment = dt.datetime.combine(TODAY, dt.time(10, 0), tzinfo=ZoneInfo("Asia/Tomsk"))
    with time_machine.travel(moment, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _fresh_rights_cache() -> Iterator[None]:
    """Ids repeat between tests on SQLite: rights remembered by one test must not leak."""
    from otmetka.accounts.permissions import forget_cached_rights

    forget_cached_rights()
    yield
    forget_cached_rights()


@pytest.fixture
def world(db: None, now: time_machine.Traveller) -> World:
    return build_world()


CHROMIUM = os.environ.get("OTMETKA_CHROMIUM", "/usr/bin/chromium")

# The live server answers one request at a time. With SQLite's in-memory test database the
# server thread shares the test's connection, and two requests in flight at once (two cells
# saved in quick succession, the notification badge) would use it concurrently.
class SerialLiveServer(WSGIServer):
    """Django's live server without threads (requests run in the server thread, in turn)."""

    def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


setattr(LiveServerThread, "server_class", SerialLiveServer)  # noqa: B010


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("OTMETKA_REQUIRE_BROWSER") or os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="ru-RU", timezone_id="Asia/Tomsk")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
