"""The diary benchmarks: the week page in process, the sessions and settings of the load test."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from bench.diary import _aggregated, diary_week, load_sessions, server_environment
from bench.harness import BENCHMARKS, Context


def test_diary_benchmarks_are_registered() -> None:
    import bench.run  # noqa: F401  (registers every benchmark)

    assert {"diary_week", "diary_load"} <= set(BENCHMARKS)


@pytest.mark.django_db
def test_diary_week_of_the_demo_parent(now: Any) -> None:
    call_command("seed_demo", size="small", stdout=io.StringIO())
    context = Context(repeat=3, warmup=1)
    result = diary_week(context)
    assert result is not None and result["name"] == "diary_week"
    assert result["queries"] is not None and result["queries"] <= 8
    assert 0 < result["p50_ms"] <= result["p95_ms"]
    assert any("детей 2" in note for note in context.notes)


@pytest.mark.django_db
def test_load_sessions_sign_in_readers_with_a_consent(now: Any) -> None:
    call_command("seed_demo", size="small", stdout=io.StringIO())
    keys = load_sessions(5)
    assert len(keys) == 5
    client = Client()
    client.cookies["sessionid"] = keys[0]
    response = client.get("/diary/")
    assert response.status_code == 200
    assert b"diary-day" in response.content


def test_the_server_runs_as_in_production(tmp_path: Path) -> None:
    env = server_environment("/tmp/bench.sqlite3", tmp_path)
    assert env["DEBUG"] == "0"
    assert env["DATABASE_URL"] == "sqlite:////tmp/bench.sqlite3"
    assert env["SECRET_KEY"]
    assert "OTMETKA_TESTING" not in env


def test_locust_summary_row_is_read(tmp_path: Path) -> None:
    stats = tmp_path / "load_stats.csv"
    stats.write_text(
        "Type,Name,Request Count,Failure Count,Median Response Time,Requests/s,50%,95%\n"
        "GET,diary:week,300,0,20,150.5,20,40\n"
        ",Aggregated,300,0,20,150.5,20,40\n",
        encoding="utf-8",
    )
    row = _aggregated(stats)
    assert (row["Requests/s"], row["50%"], row["95%"]) == ("150.5", "20", "40")
