"""The report of lessons made from the timetable lists at most REPORT_LINES of each kind, and
says so when there are more (issue 11: no silent limits)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.template.loader import render_to_string
from django.test import RequestFactory

from otmetka.schedule.views.today import REPORT_LINES


def _page(kept: int, refused: int) -> str:
    report = SimpleNamespace(
        dry_run=False, date_from=dt.date(2026, 11, 16), date_to=dt.date(2026, 12, 28),
        created=0, removed=0, cancelled=0, substituted=0, changed=False,
        kept=[f"Занятие {n}" for n in range(kept)],
        refused=[f"Отказ {n}" for n in range(refused)],
    )
    return render_to_string(
        "schedule/generate.html",
        {"report": report, "limit": f":{REPORT_LINES}", "limit_count": REPORT_LINES},
        request=RequestFactory().get("/"),
    )


def test_long_lists_say_that_they_are_cut() -> None:
    page = _page(REPORT_LINES, REPORT_LINES)
    assert f"Занятие {REPORT_LINES - 1}" in page and "Показаны первые" not in page
    page = _page(REPORT_LINES + 1, REPORT_LINES + 5)
    assert f"Занятие {REPORT_LINES}" not in page and f"Отказ {REPORT_LINES}" not in page
    assert f"Показаны первые {REPORT_LINES}; остальные видны в журналах групп." in page
    assert "запустите создание занятий ещё раз, чтобы увидеть остальные" in page
