"""The production calendar and the three-working-day deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from otmetka.lib.workdays import add_working_days, is_working_day, working_days_between
from otmetka.movement.deadlines import deadline, working_days_late

D = dt.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 1, 1), False),  # New Year
        (D(2026, 1, 7), False),  # Christmas
        (D(2026, 1, 9), False),  # moved from Saturday 3 January (decree № 1466)
        (D(2026, 1, 12), True),
        (D(2026, 2, 23), False),
        (D(2026, 3, 9), False),  # 8 March is a Sunday: Monday off
        (D(2026, 5, 11), False),  # 9 May is a Saturday: Monday off
        (D(2026, 6, 12), False),
        (D(2026, 11, 4), False),
        (D(2026, 12, 31), False),  # moved from Sunday 4 January
        (D(2025, 11, 1), True),  # a working Saturday (decree № 1335)
        (D(2025, 11, 3), False),
        (D(2025, 5, 2), False),
        (D(2025, 5, 8), False),
        (D(2025, 6, 13), False),
        (D(2025, 2, 24), True),  # 23 February 2025 was moved to 8 May, not to Monday
        (D(2027, 5, 3), False),  # no decree known: 1 May (Saturday) moves to Monday
        (D(2027, 6, 14), False),
        (D(2026, 11, 14), False),  # an ordinary Saturday
        (D(2026, 11, 16), True),
    ],
)
def test_is_working_day(day: dt.date, working: bool) -> None:
    assert is_working_day(day) is working


def test_whole_years_have_the_published_number_of_working_days() -> None:
    for year, expected in ((2025, 247), (2026, 247)):
        days = (D(year + 1, 1, 1) - D(year, 1, 1)).days
        total = sum(is_working_day(D(year, 1, 1) + dt.timedelta(days=n)) for n in range(days))
        assert total == expected


def test_add_working_days_across_the_new_year_holidays() -> None:
    # 30 December 2026 (Wednesday): 31 December and 1–11 January are off.
    assert add_working_days(D(2026, 12, 30), 1) == D(2027, 1, 11)
    assert deadline(D(2026, 12, 30)) == D(2027, 1, 13)
    assert add_working_days(D(2025, 12, 29), 3) == D(2026, 1, 13)  # 31 Dec, 1–11 Jan off


def test_add_working_days_across_may_holidays_and_a_working_saturday() -> None:
    assert add_working_days(D(2025, 4, 30), 3) == D(2025, 5, 7)  # 1–4 May off
    assert add_working_days(D(2025, 5, 7), 1) == D(2025, 5, 12)  # 8–11 May off
    assert add_working_days(D(2025, 10, 30), 2) == D(2025, 11, 1)  # the working Saturday
    assert add_working_days(D(2025, 10, 31), 2) == D(2025, 11, 5)  # 3–4 November off


def test_zero_days_and_negative_counts() -> None:
    assert add_working_days(D(2026, 11, 14), 0) == D(2026, 11, 14)
    with pytest.raises(ValueError):
        add_working_days(D(2026, 11, 14), -1)


def test_working_days_between_is_the_inverse_of_adding() -> None:
    start = D(2026, 12, 25)
    for count in range(12):
        assert working_days_between(start, add_working_days(start, count)) == count
    assert working_days_between(D(2026, 11, 20), D(2026, 11, 10)) == 0


def test_the_deadline_of_the_regulation() -> None:
    # Effective on Friday 6 November 2026: Monday 9, Tuesday 10, Wednesday 11.
    assert deadline(D(2026, 11, 6)) == D(2026, 11, 11)
    assert working_days_late(D(2026, 11, 6), D(2026, 11, 11)) == 0
    assert working_days_late(D(2026, 11, 6), D(2026, 11, 13)) == 2
    # Effective on 3 November 2026: 4 November is a holiday.
    assert deadline(D(2026, 11, 3)) == D(2026, 11, 9)
