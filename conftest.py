from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread, TransactionTestCase

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
    """Django's live server without threads (requests run in the server thread, in turn).

    Each request runs holding `busy`, and the database is emptied after a test only when the
    server has been quiet for a moment, holding `busy` too: a request the browser sent just
    before its page was closed (a notification badge loading) must not use the database while
    it is flushed. With SQLite's shared in-memory connection that would fail the flush with
    «database table is locked» and leave the next tests with the last one's rows.
    """

    busy = threading.Lock()
    last_request = 0.0  # time.monotonic() when a request last started or ended

    def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    def process_request(self, request: Any, client_address: Any) -> None:
        with SerialLiveServer.busy:
            SerialLiveServer.last_request = time.monotonic()
            try:
                super().process_request(request, client_address)
            finally:
                SerialLiveServer.last_request = time.monotonic()


setattr(LiveServerThread, "server_class", SerialLiveServer)  # noqa: B010

# How long the live server must have had no request before the database is flushed, and the
# longest a flush waits for that.
QUIET_SECONDS = 0.5
QUIET_WAIT_SECONDS = 15.0
_flush_database = getattr(TransactionTestCase, "_fixture_teardown")  # noqa: B009


def _flush_when_the_live_server_is_quiet(self: TransactionTestCase) -> None:
    if SerialLiveServer.last_request:
        give_up = time.monotonic() + QUIET_WAIT_SECONDS
        while time.monotonic() < give_up and (
            SerialLiveServer.busy.locked()
            or time.monotonic() - SerialLiveServer.last_request < QUIET_SECONDS
        ):
            time.sleep(0.05)
    with SerialLiveServer.busy:
        _flush_database(self)


setattr(TransactionTestCase, "_fixture_teardown", _flush_when_the_live_server_is_quiet)  # noqa: B010


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
