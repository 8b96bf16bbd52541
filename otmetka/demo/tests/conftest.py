from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine

from otmetka.demo.generator import DEMO_TODAY


@pytest.fixture(autouse=True)
def _on_the_demo_day() -> Iterator[None]:
    """The demo's tests run on the demo's day (10:00 in Tomsk), whatever the real date.

    `seed_demo --today` lays the demo out around that day, but the services it calls (the
    lessons planned from the timetable, the orders) check locks and dates against the clock:
    on another real day they would refuse what the demo's day allows. A test that wants
    another day travels there itself.
    """
    moment = dt.datetime.combine(DEMO_TODAY, dt.time(10, 0), tzinfo=ZoneInfo("Asia/Tomsk"))
    with time_machine.travel(moment, tick=True):
        yield
