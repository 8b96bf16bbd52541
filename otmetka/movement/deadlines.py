"""Working-day deadlines of the movement book (Положение 4.8, 4.9).

An order must be applied, and a new student's card created, within three working days of the
effective date; weekends and Russian public holidays do not count (`otmetka.lib.workdays`).
"""

from __future__ import annotations

import datetime as dt

from otmetka.lib.workdays import add_working_days, working_days_between

DEADLINE_WORKING_DAYS = 3


def deadline(effective_date: dt.date) -> dt.date:
    """The last day on which a change effective on `effective_date` is still on time."""
    return add_working_days(effective_date, DEADLINE_WORKING_DAYS)


def working_days_late(effective_date: dt.date, done_on: dt.date) -> int:
    """Working days past the deadline (0 when `done_on` is on time)."""
    return working_days_between(deadline(effective_date), done_on)
