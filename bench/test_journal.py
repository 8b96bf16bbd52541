"""The attestation benchmarks: they find a demo sheet and measure its page and its PDF."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from bench.harness import BENCHMARKS, Context
from bench.journal import attestation_page, attestation_pdf, largest_sheet
from bench.run import seed_college


def test_the_attestation_benchmarks_are_registered() -> None:
    import bench.run  # noqa: F401  (registers every benchmark)

    assert {"seed_college", "attestation_page", "attestation_pdf"} <= set(BENCHMARKS)


def test_the_demo_build_is_measured_against_its_target() -> None:
    context = Context(seed_seconds=95.0)
    assert seed_college(context)["seconds"] == 95.0
    assert context.notes == [
        "seed_college: seed_demo --size college, измерено сейчас; цель ≤ 120 с"
    ]


@pytest.mark.django_db
def test_attestation_sheet_page_and_pdf_on_the_demo_college(now: Any) -> None:
    call_command("seed_demo", size="small", stdout=io.StringIO())
    choice = largest_sheet()
    assert choice is not None and choice.students > 0
    context = Context(repeat=2, warmup=1)
    page = attestation_page(context)
    assert page is not None and page["name"] == "attestation_page"
    assert page["queries"] is not None and page["queries"] > 0
    assert 0 < page["p50_ms"] <= page["p95_ms"]
    pdf = attestation_pdf(context)
    assert pdf is not None and pdf["name"] == "attestation_pdf"
    assert 0 < pdf["p50_ms"] <= pdf["p95_ms"]
    assert context.notes[0] == f"attestation_page: {choice.label} — {choice.students} обучающихся"


@pytest.mark.django_db
def test_attestation_benchmarks_step_aside_without_a_sheet() -> None:
    context = Context(repeat=1, warmup=0)
    assert attestation_page(context) is None and attestation_pdf(context) is None
    assert [note.split(":")[0] for note in context.notes] == ["attestation_page", "attestation_pdf"]
