"""Locust load of the diary week page: `bench.diary.diary_load` runs it against gunicorn.

Each simulated client takes one of the sessions signed in before the load (students and
parents with a consent) from the JSON list at $OTMETKA_LOAD_SESSIONS and asks for its week
page without pause. Run by hand:

    OTMETKA_LOAD_SESSIONS=sessions.json locust -f bench/diary_load.py --headless \
        --users 16 --spawn-rate 16 --run-time 20s --host http://127.0.0.1:8000
"""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

from locust import FastHttpUser, constant, task

_SESSIONS: list[str] = json.loads(
    Path(os.environ.get("OTMETKA_LOAD_SESSIONS", "sessions.json")).read_text(encoding="utf-8")
)
_NEXT = itertools.cycle(_SESSIONS)


class DiaryReader(FastHttpUser):
    """A student or a parent reading the diary week again and again."""

    wait_time = constant(0)

    def on_start(self) -> None:
        self.cookie = f"sessionid={next(_NEXT)}"

    @task
    def week(self) -> None:
        with self.client.get(
            "/diary/", headers={"Cookie": self.cookie}, name="diary:week", catch_response=True
        ) as response:
            if response.status_code != 200 or b"diary-day" not in (response.content or b""):
                response.failure(f"status {response.status_code}")
