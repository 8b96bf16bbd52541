"""Dates in the organization's own time zone: the legal day is the local one, not UTC."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone


def local_today(tz_name: str) -> dt.date:
    return timezone.now().astimezone(ZoneInfo(tz_name)).date()


def academic_year_start(year: int) -> dt.date:
    return dt.date(year, 9, 1)
