"""Dates in the organization's own time zone: the legal day is the local one, not UTC."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

# The days a college's pages may be asked about. Wide enough for any record a college keeps
# of its work, narrow enough that a week, a year or a school year around a day never leaves
# Python's calendar (years 1 to 9999): `?week=9999-12-31` would overflow at its Sunday.
EARLIEST_DAY = dt.date(2000, 1, 1)
LATEST_DAY = dt.date(2100, 12, 31)


def in_calendar(day: dt.date) -> bool:
    """Whether a day typed by hand is one the college's calendar can hold (see EARLIEST_DAY)."""
    return EARLIEST_DAY <= day <= LATEST_DAY


def week_monday(day: dt.date) -> dt.date:
    """The Monday of the week of `day`."""
    return day - dt.timedelta(days=day.weekday())


def local_today(tz_name: str) -> dt.date:
    return timezone.now().astimezone(ZoneInfo(tz_name)).date()


def academic_year_start(year: int) -> dt.date:
    return dt.date(year, 9, 1)


def on_weekday(weekday: int) -> str:
    """«в среду» for ISO weekday 3: when something happens, as in «снять пары в среду»."""
    return {
        1: _("в понедельник"),
        2: _("во вторник"),
        3: _("в среду"),
        4: _("в четверг"),
        5: _("в пятницу"),
        6: _("в субботу"),
        7: _("в воскресенье"),
    }[weekday]
