"""Working-day deadlines of the movement book and of new students' cards (Положение 4.8, 4.9).

Each is three working days (weekends and Russian public holidays do not count,
`otmetka.lib.workdays`), counted from the date the regulation names for it:

- an expulsion order is created «не позднее 3-х рабочих дней с даты отчисления» (4.8): from
  the expulsion date, the item's effective date;
- an academic-leave order «с даты выхода приказа об академическом отпуске» (4.8): from the date
  of the leave order, `Order.date` — not from the first day of the leave, which may be weeks
  later or earlier;
- the other orders (enrolment, transfer, return from leave, reinstatement, change of name) are
  to be entered «своевременно» (4.8) without a number of days: the college holds them to the
  same three working days from the day the change takes effect;
- a new student's card is put right «с даты зачисления» (4.9): from the enrolment date, the
  student's first day in a group.

An order counts as entered on the day it was created in Otmetka («создаёт в АИС приказ»).
"""

from __future__ import annotations

import datetime as dt

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from otmetka.lib.workdays import add_working_days, working_days_between
from otmetka.movement.models import OrderKind

DEADLINE_WORKING_DAYS = 3

# The kinds whose deadline runs from the order's own date, and the words for each start.
FROM_ORDER_DATE = frozenset({OrderKind.LEAVE})
COUNTED_FROM: dict[str, Promise] = {
    OrderKind.EXPULSION: _("даты отчисления"),
    OrderKind.LEAVE: _("даты приказа об академическом отпуске"),
}
COUNTED_FROM_EFFECTIVE = _("даты вступления в силу")


def deadline(start: dt.date) -> dt.date:
    """The last day on which a duty that starts on `start` is still on time."""
    return add_working_days(start, DEADLINE_WORKING_DAYS)


def working_days_late(start: dt.date, done_on: dt.date) -> int:
    """Working days past the deadline (0 when `done_on` is on time)."""
    return working_days_between(deadline(start), done_on)


def order_start(kind: str, order_date: dt.date, first_effective: dt.date) -> dt.date:
    """The day an order's deadline is counted from: the order's date for academic leave, else
    the earliest effective date of its items (for an expulsion, the expulsion date)."""
    return order_date if kind in FROM_ORDER_DATE else first_effective


def counted_from(kind: str) -> str:
    """«даты отчисления»: what an order's deadline is counted from, for the page."""
    return str(COUNTED_FROM.get(kind, COUNTED_FROM_EFFECTIVE))
