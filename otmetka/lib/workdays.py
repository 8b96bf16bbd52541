"""The Russian production calendar: which days are working days (Трудовой кодекс, ст. 112).

Deadlines of the regulation (Положение 4.4, 4.8, 4.9: «в течение трёх рабочих дней») are
counted in working days: Saturdays, Sundays, federal non-working holidays and the days off the
Government moves each year are excluded, and a Saturday the Government makes a working day is
included.

Federal non-working holidays (ст. 112 ТК РФ): 1–6 and 8 January (Новогодние каникулы),
7 January (Рождество), 23 February, 8 March, 1 May, 9 May, 12 June, 4 November.

When a holiday other than a January one falls on a weekend, the day off moves to the next
working day (ст. 112, ч. 2), unless the Government's yearly decree moves it elsewhere. A year
listed in `TRANSFERS` is taken entirely from its decree; any other year follows the automatic
rule only (January weekend holidays are then not moved: only a decree can move them).

Decrees (Постановления Правительства РФ «О переносе выходных дней»):
- 2025: № 1335 от 04.10.2024 — 4 Jan → 2 May, 5 Jan → 31 Dec, 23 Feb → 8 May, 8 Mar → 13 Jun,
  Saturday 1 Nov is a working day and 3 Nov a day off.
- 2026: № 1466 от 24.09.2025 — 3 Jan → 9 Jan, 4 Jan → 31 Dec; 8 Mar (Sunday) and 9 May
  (Saturday) move to Monday 9 Mar and Monday 11 May by the automatic rule.
- 2027: no decree known when this table was written; the automatic rule applies (1 May →
  3 May, 9 May → 10 May, 12 Jun → 14 Jun). Add the decree's days here when it is published.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

HOLIDAYS: tuple[tuple[int, int], ...] = (
    (1, 1),
    (1, 2),
    (1, 3),
    (1, 4),
    (1, 5),
    (1, 6),
    (1, 7),
    (1, 8),
    (2, 23),
    (3, 8),
    (5, 1),
    (5, 9),
    (6, 12),
    (11, 4),
)


@dataclass(frozen=True)
class Transfers:
    """One year's decree: extra days off and weekend days made working days."""

    decree: str
    days_off: frozenset[dt.date]
    working_days: frozenset[dt.date] = frozenset()


def _dates(year: int, *month_days: tuple[int, int]) -> frozenset[dt.date]:
    return frozenset(dt.date(year, month, day) for month, day in month_days)


TRANSFERS: dict[int, Transfers] = {
    2025: Transfers(
        decree="Постановление Правительства РФ от 04.10.2024 № 1335",
        days_off=_dates(2025, (5, 2), (5, 8), (6, 13), (11, 3), (12, 31)),
        working_days=_dates(2025, (11, 1)),
    ),
    2026: Transfers(
        decree="Постановление Правительства РФ от 24.09.2025 № 1466",
        days_off=_dates(2026, (1, 9), (3, 9), (5, 11), (12, 31)),
    ),
}


def _is_weekend(day: dt.date) -> bool:
    return day.weekday() >= 5


@lru_cache(maxsize=64)
def days_off(year: int) -> frozenset[dt.date]:
    """Every non-working day of the year other than ordinary Saturdays and Sundays."""
    holidays = {dt.date(year, month, day) for month, day in HOLIDAYS}
    transfers = TRANSFERS.get(year)
    if transfers is not None:
        return frozenset(holidays | transfers.days_off)
    result = set(holidays)
    for holiday in sorted(holidays):
        if holiday.month == 1 or not _is_weekend(holiday):
            continue
        shifted = holiday + dt.timedelta(days=1)
        while _is_weekend(shifted) or shifted in result:
            shifted += dt.timedelta(days=1)
        result.add(shifted)
    return frozenset(result)


def is_working_day(day: dt.date) -> bool:
    """A working day of the five-day week under the production calendar."""
    transfers = TRANSFERS.get(day.year)
    if transfers is not None and day in transfers.working_days:
        return True
    return not _is_weekend(day) and day not in days_off(day.year)


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The `count`-th working day after `day` (`day` itself when `count` is 0).

    «Within three working days of 30 April 2025» ends on add_working_days(30 April, 3).
    """
    if count < 0:
        raise ValueError("count must not be negative")
    while count:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` <= `start`)."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
