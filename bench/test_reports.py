"""The report benchmarks: the сводная ведомость of the demo's largest group and the month's
attendance of its largest department are measured."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from bench.harness import BENCHMARKS, Context
from bench.reports import at_risk_list, attendance_month, college_quality, group_summary


def test_the_group_summary_benchmark_is_registered() -> None:
    import bench.run  # noqa: F401  (registers every benchmark)

    assert {
        "contingent_report",
        "group_summary",
        "college_quality",
        "attendance_month",
        "at_risk_list",
    } <= set(BENCHMARKS)


@pytest.mark.django_db
def test_group_summary_on_the_demo_college(now: Any) -> None:
    call_command("seed_demo", size="small", stdout=io.StringIO())
    context = Context(repeat=2, warmup=1)
    result = group_summary(context)
    assert result is not None and result["name"] == "group_summary"
    assert result["queries"] is not None and result["queries"] > 0
    assert 0 < result["p50_ms"] <= result["p95_ms"]
    assert context.notes[0].startswith("group_summary: заместитель директора, группа ")


@pytest.mark.django_db
def test_group_summary_steps_aside_without_a_deputy() -> None:
    context = Context(repeat=1, warmup=0)
    assert group_summary(context) is None
    assert context.notes == ["group_summary: в демо нет пользователя deputy"]


@pytest.mark.django_db
def test_college_quality_on_the_demo_college(now: Any) -> None:
    call_command("seed_demo", size="small", stdout=io.StringIO())
    context = Context(repeat=2, warmup=1)
    result = college_quality(context)
    assert result is not None and result["name"] == "college_quality"
    assert result["queries"] is not None and result["queries"] > 0
    assert 0 < result["p50_ms"] <= result["p95_ms"]
    assert context.notes[0].startswith("college_quality: заместитель директора, весь колледж")


@pytest.mark.django_db
def test_college_quality_steps_aside_without_a_deputy() -> None:
    context = Context(repeat=1, warmup=0)
    assert college_quality(context) is None
    assert context.notes == ["college_quality: в демо нет пользователя deputy"]


@pytest.mark.django_db
def test_attendance_month_on_the_demo_college(now: Any) -> None:
    call_command("seed_demo", size="small", stdout=io.StringIO())
    context = Context(repeat=2, warmup=1)
    result = attendance_month(context)
    assert result is not None and result["name"] == "attendance_month"
    assert result["queries"] is not None and result["queries"] > 0
    assert 0 < result["p50_ms"] <= result["p95_ms"]
    note = context.notes[0]
    assert note.startswith("attendance_month: заместитель директора, ")
    assert "отметок пропусков 0;" not in note  # the demo's month has absences to count


@pytest.mark.django_db
def test_attendance_month_steps_aside_without_a_deputy() -> None:
    context = Context(repeat=1, warmup=0)
    assert attendance_month(context) is None
    assert context.notes == ["attendance_month: в демо нет пользователя deputy"]


@pytest.mark.django_db
def test_at_risk_list_on_the_demo_college(now: Any) -> None:
    call_command("seed_demo", size="small", stdout=io.StringIO())
    context = Context(repeat=2, warmup=1)
    result = at_risk_list(context)
    assert result is not None and result["name"] == "at_risk_list"
    assert result["queries"] is not None and result["queries"] > 0
    assert context.notes == ["at_risk_list: заместитель директора, весь колледж, текущий семестр"]
