"""Queries compiled once per process, then run with new values: the diary's hot path.

Building and compiling a queryset with a dozen correlated subqueries costs several
milliseconds of Python on every request, ten times what the database needs to answer it; the
SQL text never changes, only its values do. A `PreparedQuery` builds its queryset once per
database connection vendor with sentinel values, finds where each sentinel sits among the
compiled parameters, and later runs the same SQL with the real values substituted, applying
Django's own converters to the rows (dates, times, booleans come back as on any queryset).

Only for querysets whose shape does not depend on the values: no `None` (which compiles to
IS NULL), no lists of varying length; ids and dates only.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet

# Values no real row holds: ids far beyond any table, dates before any academic year.
_SENTINEL_ID = 2_000_000_000
_SENTINEL_DATE = dt.date(1901, 1, 1)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str, bool], ...]  # (position, value name, as ISO text)
    compiler: Any
    converters: dict[int, Any]


class PreparedQuery:
    """`build(**values)` returns a values_list queryset; `run(**values)` returns its rows.

    `ids` and `dates` name the keyword arguments of `build` and their kinds.
    """

    def __init__(
        self,
        build: Callable[..., QuerySet[Any, Any]],
        *,
        ids: tuple[str, ...] = (),
        dates: tuple[str, ...] = (),
    ) -> None:
        self.build = build
        self.sentinels: dict[str, Any] = {}
        for number, name in enumerate(ids):
            self.sentinels[name] = _SENTINEL_ID + number
        for number, name in enumerate(dates):
            self.sentinels[name] = _SENTINEL_DATE + dt.timedelta(days=number)
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _compile(self, alias: str) -> _Compiled:
        queryset = self.build(**self.sentinels)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots: list[tuple[int, str, bool]] = []
        for position, param in enumerate(params):
            for name, sentinel in self.sentinels.items():
                if param == sentinel and type(param) is type(sentinel):
                    slots.append((position, name, False))
                elif isinstance(sentinel, dt.date) and param == sentinel.isoformat():
                    slots.append((position, name, True))
        expected = {name for name in self.sentinels}
        if {name for _position, name, _text in slots} != expected:
            raise RuntimeError("PreparedQuery: a value did not reach the SQL as a parameter")
        columns = [column for column, _sql, _alias in compiler.select]
        converters = compiler.get_converters(columns)
        return _Compiled(sql, tuple(params), tuple(slots), compiler, converters)

    def compiled(self, alias: str = "default") -> _Compiled:
        vendor_key = f"{alias}:{connections[alias].vendor}"
        found = self._compiled.get(vendor_key)
        if found is None:
            with self._lock:
                found = self._compiled.get(vendor_key)
                if found is None:
                    found = self._compiled[vendor_key] = self._compile(alias)
        return found

    def run(self, alias: str = "default", **values: Any) -> list[Any]:
        if set(values) != set(self.sentinels) or any(v is None for v in values.values()):
            raise TypeError(f"PreparedQuery.run needs {sorted(self.sentinels)}, none of them None")
        compiled = self.compiled(alias)
        params = list(compiled.params)
        for position, name, as_text in compiled.slots:
            value = values[name]
            params[position] = value.isoformat() if as_text else value
        with connections[alias].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            return list(compiled.compiler.apply_converters(rows, compiled.converters))
        return rows
