"""The HTML of one grid cell, rendered in Python.

A semester's grid has thousands of cells; rendering each through the template engine cost
most of the page's time (≈50 µs a cell), so the page and the htmx swap after a save both use
this one function.
"""

from __future__ import annotations

import json

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from otmetka.journal.selectors import GridCell


def cell_html(
    cell: GridCell,
    *,
    can_edit: bool,
    url_base: str,
    label: str,
    error: str = "",
    saved: bool = False,
    typed: str = "",
) -> SafeString:
    classes = ["cell"]
    if not cell.on_roll:
        classes.append("out")
    if cell.lesson.locked:
        classes.append("locked")
    if cell.absent:
        classes.append("absent")
    if error:
        classes.append("cell-error")
    elif saved:
        classes.append("cell-saved")
    title = f' title="{escape(error)}"' if error else ""
    if can_edit and cell.on_roll and not cell.lesson.locked:
        value = typed if error else cell.text
        invalid = ' aria-invalid="true"' if error else ""
        message = f'<span class="cell-message" role="alert">{escape(error)}</span>' if error else ""
        version = escape(json.dumps({"version": cell.text}))
        inner = (
            f'<input name="value" value="{escape(value)}" data-cell '
            f'data-current="{escape(cell.text)}" autocomplete="off" spellcheck="false" size="3" '
            f'maxlength="40" aria-label="{escape(label)}"{invalid} '
            f'hx-post="{url_base}{cell.lesson.id}/cells/{cell.student_id}/" hx-trigger="change" '
            f'hx-target="closest td" hx-swap="outerHTML" hx-vals="{version}">{message}'
        )
    else:
        inner = str(escape(cell.text))
    return mark_safe(f'<td class="{" ".join(classes)}"{title}>{inner}</td>')  # noqa: S308
