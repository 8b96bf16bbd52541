"""The benchmark harness: percentiles, the results file, the login and journal benchmarks."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from bench.harness import (
    BENCHMARKS,
    FIELDS,
    Context,
    Entry,
    Timing,
    entry,
    format_table,
    percentile,
    read_results,
)
from bench.run import (
    CELL_MISSING,
    GRID_MISSING,
    journal_grid,
    login,
    mark_save,
    run,
    seed_college,
)
from otmetka.journal.models import JournalHistory


def test_percentile_is_nearest_rank() -> None:
    samples = [float(value) for value in range(100, 0, -1)]
    assert percentile(samples, 0.5) == 50
    assert percentile(samples, 0.95) == 95
    assert percentile([7.0], 0.95) == 7
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_timing_entry_has_median_p95_and_rate() -> None:
    result = Timing([10.0, 20.0, 30.0, 40.0], queries=6).as_entry("page")
    assert list(result) == list(FIELDS)
    assert result == {"name": "page", "queries": 6, "p50_ms": 25.0, "p95_ms": 40.0,
                      "rps": 40.0, "seconds": None}


def test_run_saves_fresh_entries_and_keeps_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "bench.json"
    monkeypatch.setitem(BENCHMARKS, "fake", lambda context: entry("fake", seconds=1.5))
    previous = {
        "login": entry("login", queries=12, p50_ms=40.0, p95_ms=45.0, rps=24.0),
        "seed_college": entry("seed_college", seconds=9.0),
        "retired": entry("retired", seconds=3.0),
    }
    fresh = run(["fake"], Context(previous=previous), output)
    assert fresh == [entry("fake", seconds=1.5)]
    saved = json.loads(output.read_text(encoding="utf-8"))
    # Registered benchmarks first in their order, then the unknown ones.
    assert [item["name"] for item in saved] == ["seed_college", "login", "fake", "retired"]
    assert all(list(item) == list(FIELDS) for item in saved)
    assert read_results(output)["login"]["p50_ms"] == 40.0


def test_a_build_measured_now_is_saved_even_when_not_asked_for(tmp_path: Path) -> None:
    output = tmp_path / "bench.json"
    run([], Context(seed_seconds=12.5), output)
    assert read_results(output)["seed_college"]["seconds"] == 12.5


def test_seed_college_keeps_the_last_measurement_when_the_data_is_reused() -> None:
    last = {"seed_college": entry("seed_college", seconds=41.2)}
    assert seed_college(Context(previous=last))["seconds"] == 41.2
    assert seed_college(Context())["seconds"] is None
    assert seed_college(Context(seed_seconds=3.0, previous=last))["seconds"] == 3.0


def test_missing_or_broken_results_read_as_nothing(tmp_path: Path) -> None:
    assert read_results(tmp_path / "absent.json") == {}
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert read_results(broken) == {}


def test_table_shows_dashes_for_fields_that_do_not_apply() -> None:
    rows: list[Entry] = [entry("seed_college", seconds=7.25),
                         entry("login", queries=14, p50_ms=61.5, p95_ms=70.0, rps=16.1)]
    lines = format_table(rows).splitlines()
    assert lines[0].split() == ["name", "queries", "p50", "ms", "p95", "ms", "rps", "seconds"]
    assert lines[1].split() == ["seed_college", "—", "—", "—", "—", "7.25"]
    assert lines[2].split() == ["login", "14", "61.50", "70.00", "16.10", "—"]


@pytest.mark.django_db
def test_login_round_trip_on_the_demo_college() -> None:
    call_command("seed_demo", size="small", stdout=io.StringIO())
    result = login(Context(repeat=3, warmup=1))
    assert result["name"] == "login"
    assert result["queries"] is not None and result["queries"] > 0
    assert 0 < result["p50_ms"] <= result["p95_ms"]
    assert result["rps"] > 0
    assert result["seconds"] is None


@pytest.mark.django_db
def test_journal_benchmarks_on_the_demo_college(now: Any) -> None:
    call_command("seed_demo", size="small", stdout=io.StringIO())
    context = Context(repeat=3, warmup=1)
    grid = journal_grid(context)
    assert grid is not None and grid["name"] == "journal_grid"
    assert grid["queries"] is not None and 0 < grid["queries"] <= 15
    assert 0 < grid["p50_ms"] <= grid["p95_ms"]
    # The size of the journal measured is told after the table.
    assert any(note.startswith("journal_grid: ИС-") and "занятий" in note
               for note in context.notes)
    saved = mark_save(context)
    assert saved is not None and saved["name"] == "mark_save"
    assert saved["queries"] is not None and saved["queries"] > 0
    assert 0 < saved["p50_ms"] <= saved["p95_ms"]
    # Every save wrote its history row, each the last value over the one before.
    rows = list(JournalHistory.objects.filter(entity=JournalHistory.Entity.MARK)
                .order_by("at", "id").values_list("action", "new"))
    assert len(rows) == 1 + 1 + 3
    assert rows[0][0] == JournalHistory.Action.CREATE
    assert {action for action, _ in rows[1:]} == {JournalHistory.Action.UPDATE}
    assert [new["value"] for _, new in rows] == ["5", "4", "5", "4", "5"]


@pytest.mark.django_db
def test_journal_benchmarks_step_aside_while_the_pages_are_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, now: Any
) -> None:
    call_command("seed_demo", size="small", stdout=io.StringIO())
    monkeypatch.setattr("bench.run.journal_url", lambda name, **kwargs: None)
    last = {"journal_grid": entry("journal_grid", queries=7, p50_ms=30.0, p95_ms=40.0)}
    context = Context(previous=last, repeat=1, warmup=0)
    output = tmp_path / "bench.json"
    assert run(["journal_grid", "mark_save"], context, output) == []
    assert context.notes == [GRID_MISSING, CELL_MISSING]
    assert GRID_MISSING == "journal_grid: страница журнала ещё не подключена"
    assert read_results(output)["journal_grid"]["queries"] == 7  # the last result is kept
