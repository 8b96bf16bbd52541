"""The benchmark registry and the measuring tools, free of any database set-up.

A benchmark is a function registered under a name that returns one entry:
``{"name", "queries", "p50_ms", "p95_ms", "rps", "seconds"}`` (None where a field does not
apply). Latency benchmarks time an action repeated in one process after warm-up runs, and
count the SQL queries of one run.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.db import connection
from django.test.utils import CaptureQueriesContext

Entry = dict[str, Any]
FIELDS = ("name", "queries", "p50_ms", "p95_ms", "rps", "seconds")


@dataclass
class Context:
    """What a benchmark may use: the seeding it follows and the last saved results."""

    seed_seconds: float | None = None  # measured in this run, None when the data was reused
    previous: dict[str, Entry] = field(default_factory=dict)
    repeat: int = 30
    warmup: int = 3
    notes: list[str] = field(default_factory=list)  # lines printed after the table


# A benchmark returns its entry, or None when what it measures is not there to measure (it
# then says why in `context.notes`, and the last saved result is kept).
Benchmark = Callable[[Context], Entry | None]
BENCHMARKS: dict[str, Benchmark] = {}


_Registered = TypeVar("_Registered", bound=Benchmark)


def benchmark(name: str) -> Callable[[_Registered], _Registered]:
    """Register a benchmark under `name` (the order of registration is the order of the table)."""

    def register(function: _Registered) -> _Registered:
        BENCHMARKS[name] = function
        return function

    return register


def entry(
    name: str,
    *,
    queries: int | None = None,
    p50_ms: float | None = None,
    p95_ms: float | None = None,
    rps: float | None = None,
    seconds: float | None = None,
) -> Entry:
    return {"name": name, "queries": queries, "p50_ms": p50_ms, "p95_ms": p95_ms, "rps": rps,
            "seconds": seconds}


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest sample with at least `fraction` of them at or below."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Timing:
    samples_ms: list[float]
    queries: int

    def as_entry(self, name: str) -> Entry:
        mean = statistics.fmean(self.samples_ms)
        return entry(
            name,
            queries=self.queries,
            p50_ms=round(statistics.median(self.samples_ms), 2),
            p95_ms=round(percentile(self.samples_ms, 0.95), 2),
            rps=round(1000 / mean, 1) if mean > 0 else None,
        )


def measure(action: Callable[[], object], *, repeat: int = 30, warmup: int = 3) -> Timing:
    """Run `action` `warmup` times untimed, once counting queries, then `repeat` times timed."""
    for _ in range(warmup):
        action()
    with CaptureQueriesContext(connection) as captured:
        action()
    # Read now: the list is a view of the connection's log, which the next request resets.
    queries = len(captured.captured_queries)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return Timing(samples, queries)


def read_results(path: Path) -> dict[str, Entry]:
    """Entries of the last run by name; nothing when the file is missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, list):
        return {}
    return {item["name"]: item for item in data if isinstance(item, dict) and "name" in item}


def merge_results(previous: dict[str, Entry], fresh: Iterable[Entry]) -> list[Entry]:
    """Fresh entries replace the old ones of the same name; the rest are kept (one run can
    measure a single benchmark). Registered benchmarks come first, in registration order."""
    merged = dict(previous)
    for item in fresh:
        merged[item["name"]] = item
    order = [name for name in BENCHMARKS if name in merged]
    order += sorted(name for name in merged if name not in BENCHMARKS)
    return [{key: merged[name].get(key) for key in FIELDS} for name in order]


def write_results(path: Path, entries: list[Entry]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(entries, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def format_table(entries: list[Entry]) -> str:
    def cell(value: Any) -> str:
        if value is None:
            return "—"
        if isinstance(value, float):
            return f"{value:.2f}" if value < 100 else f"{value:.1f}"
        return str(value)

    header = ("name", "queries", "p50 ms", "p95 ms", "rps", "seconds")
    rows = [header] + [tuple(cell(item.get(key)) for key in FIELDS) for item in entries]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    lines = []
    for row in rows:
        first = row[0].ljust(widths[0])
        rest = [value.rjust(width) for value, width in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join([first, *rest]))
    return "\n".join(lines)
