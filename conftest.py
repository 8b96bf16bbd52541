from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine

from otmetka.test import TODAY, World, build_world


@pytest.fixture
def now() -> Iterator[time_machine.Traveller]:
    """Tests run at 10:00 in Tomsk on TODAY unless they travel elsewhere."""
    moment = dt.datetime.combine(TODAY, dt.time(10, 0), tzinfo=ZoneInfo("Asia/Tomsk"))
    with time_machine.travel(moment, tick=True) as traveller:
        yield traveller


@pytest.fixture
def world(db: None, now: time_machine.Traveller) -> World:
    return build_world()
