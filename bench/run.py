"""`make bench`: seed (or reuse) the college demo in its own database, measure, print, save.

    python -m bench.run            # every benchmark
    python -m bench.run login      # only some, by name (the others keep their last results)

The database is var/bench.sqlite3, apart from the development one; results go to
var/bench.json as a list of {"name", "queries", "p50_ms", "p95_ms", "rps", "seconds"}.
To add a benchmark, register one function that returns its entry:

    @benchmark("journal_grid")
    def journal_grid(context: Context) -> Entry:
        return measure(lambda: client.get(url), repeat=context.repeat).as_entry("journal_grid")

Django is set up inside `main()`, after the environment points at the benchmark database, so
the functions import Django models and the test client when they run.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

from bench.harness import (
    BENCHMARKS,
    Context,
    Entry,
    benchmark,
    entry,
    format_table,
    measure,
    merge_results,
    read_results,
    write_results,
)

ROOT = Path(__file__).resolve().parent.parent
DATABASE = ROOT / "var" / "bench.sqlite3"
RESULTS = ROOT / "var" / "bench.json"
DEMO_SIZE = "college"
LOGIN = ("teacher", "demo")


def configure(database: Path) -> None:
    """Point Django at the benchmark's own database, in debug mode, then set it up."""
    database.parent.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{database.resolve()}"
    os.environ["DEBUG"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otmetka.settings")
    # Django's test client presents itself as «testserver».
    hosts = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ["ALLOWED_HOSTS"] = f"{hosts},testserver"
    import django

    django.setup()


def prepare(size: str = DEMO_SIZE) -> float | None:
    """Migrate; build the demo if the database is empty. Seconds the build took, else None."""
    from django.core.management import call_command

    from otmetka.org.models import Organization

    call_command("migrate", verbosity=0, interactive=False)
    if Organization.objects.exists():
        return None
    started = time.perf_counter()
    call_command("seed_demo", size=size, stdout=io.StringIO())
    return round(time.perf_counter() - started, 2)


@benchmark("seed_college")
def seed_college(context: Context) -> Entry:
    """Seconds to build the college demo; a reused database keeps the last measured value."""
    seconds = context.seed_seconds
    if seconds is None:
        seconds = context.previous.get("seed_college", {}).get("seconds")
    return entry("seed_college", seconds=seconds)


@benchmark("login")
def login(context: Context) -> Entry:
    """A full login round trip: GET the login page, POST the password, follow to the start page."""
    from django.test import Client
    from django.urls import reverse

    url = reverse("accounts:login")
    username, password = LOGIN

    def round_trip() -> None:
        client = Client()  # a fresh browser: no session, no trusted-device cookie
        page = client.get(url)
        if page.status_code != 200:
            raise RuntimeError(f"login page answered {page.status_code}")
        response = client.post(url, {"username": username, "password": password}, follow=True)
        if response.status_code != 200 or not response.redirect_chain:
            raise RuntimeError(f"login of {username!r} did not reach a start page "
                               f"(status {response.status_code})")

    timing = measure(round_trip, repeat=context.repeat, warmup=context.warmup)
    return timing.as_entry("login")


def run(names: list[str], context: Context, output: Path) -> list[Entry]:
    """Run the named benchmarks, save them merged with the last results; returns the fresh ones."""
    if context.seed_seconds is not None and "seed_college" not in names:
        names = ["seed_college", *names]  # a build measured now is worth keeping
    fresh = [BENCHMARKS[name](context) for name in names]
    write_results(output, merge_results(context.previous, fresh))
    return fresh


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description="Seed (or reuse) the college demo in its own database and measure it.",
    )
    parser.add_argument("names", nargs="*", metavar="name",
                        help=f"benchmarks to run (default: all): {', '.join(BENCHMARKS)}")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs first (default 3)")
    parser.add_argument("--database", type=Path, default=DATABASE)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    configure(args.database)
    context = Context(seed_seconds=prepare(), previous=read_results(args.output),
                      repeat=args.repeat, warmup=args.warmup)
    fresh = run(args.names or list(BENCHMARKS), context, args.output)
    sys.stdout.write(format_table(fresh) + "\n")
    sys.stdout.write(f"saved to {args.output}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
