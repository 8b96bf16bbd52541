"""Small view helpers shared by the management pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest

from otmetka.lib.dates import in_calendar, week_monday
from otmetka.lib.errors import DomainError

MAX_ID = 2**63 - 1  # the largest primary key the database stores


def parse_id(value: Any) -> int | None:
    """An id typed into an address or a form, or None when it cannot be one.

    Only ASCII digits within the database's range: `"²".isdigit()` is true but `int("²")`
    fails, and a 25-digit number overflows the query.
    """
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def requested_day(request: HttpRequest, name: str, default: dt.date) -> dt.date:
    """The day in `?<name>=YYYY-MM-DD`, or `default` when there is none or it is no date.

    A day outside the college's calendar (`lib.dates.EARLIEST_DAY` to `LATEST_DAY`) is refused
    with the 400 page: the week or the period around `?week=9999-12-31` leaves Python's
    calendar, and no page has anything to show that far away.
    """
    try:
        day = dt.date.fromisoformat(request.GET.get(name, "").strip())
    except ValueError:
        return default
    if not in_calendar(day):
        raise BadRequest(f"?{name}= outside the calendar")
    return day


def requested_week(request: HttpRequest, default: dt.date) -> dt.date:
    """The Monday of the week in `?week=` (any day of it), else of the week of `default`."""
    return week_monday(requested_day(request, "week", default))


def paginate(request: HttpRequest, queryset: QuerySet[Any], per_page: int | None = None) -> Page:
    """One page of `queryset` for ?page=N (two queries: count and the slice)."""
    paginator = Paginator(queryset, per_page or settings.OTMETKA_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def search_text(request: HttpRequest) -> str:
    """The words of `?q=`, at most 100 characters, without NUL: PostgreSQL refuses the byte in
    a text to compare, a server error for `?q=%00`."""
    return request.GET.get("q", "").replace("\x00", "").strip()[:100]


def form_error(form: Form, error: DomainError) -> None:
    """Put a service's refusal next to the field it names (or on top of the form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
