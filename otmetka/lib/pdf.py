"""PDF documents rendered from templates with WeasyPrint (A4, DejaVu fonts for Cyrillic).

`render_pdf` is the one place that turns a template into a PDF. A document that is filed
(a book, a report, a printed journal) asks for a running header and «стр. N из M» on every
page; the page frame is one stylesheet added here, so every such document looks the same.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

# WeasyPrint logs «Step 5 - Creating layout - Page N» on this logger while it lays pages out.
PROGRESS_LOGGER = "weasyprint.progress"
LAYOUT_STEP = "Step 5 - Creating layout - Page"


def css_string(text: str) -> str:
    """`text` as a quoted CSS string: quotes and backslashes escaped, line breaks as \\A."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\r", "").replace("\n", "\\A ")
    return f'"{escaped}"'


def page_number_content() -> str:
    """The CSS `content` of «стр. N из M», in the active language."""
    words = css_string(_("стр. %(page)s из %(pages)s"))
    return words.replace("%(page)s", '" counter(page) "').replace(
        "%(pages)s", '" counter(pages) "'
    )


# Every table that runs over a page repeats its header on the next one, but its totals (tfoot)
# come once, at the end: WeasyPrint would otherwise repeat tfoot rows on every page, printing
# a «Итого» under a half-counted table. A row is never cut across two pages.
TABLE_CSS = (
    "thead { display: table-header-group; }"
    " tfoot { display: table-row-group; }"
    " tr { break-inside: avoid; }"
)


def page_frame_css(header: str) -> str:
    """The running header (top left, on every page) and the page number (bottom right)."""
    return (
        "@page {"
        f" @top-left {{ content: {css_string(header)}; font-family: 'DejaVu Sans', sans-serif;"
        " font-size: 7pt; color: #333; vertical-align: bottom; padding-bottom: 1mm; }"
        f" @bottom-right {{ content: {page_number_content()};"
        " font-family: 'DejaVu Sans', sans-serif; font-size: 7pt; color: #333; }"
        " }"
    )


class _PageCounter(logging.Handler):
    """Hands WeasyPrint's «page N laid out» to a callback, for this thread's document only."""

    def __init__(self, on_page: Callable[[int], None]) -> None:
        super().__init__(logging.INFO)
        self.on_page = on_page
        self.thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread or not str(record.msg).startswith(LAYOUT_STEP):
            return
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], int):
            self.on_page(record.args[0])


@contextmanager
def _pages_told_to(on_page: Callable[[int], None] | None) -> Iterator[None]:
    if on_page is None:
        yield
        return
    logger = logging.getLogger(PROGRESS_LOGGER)
    handler = _PageCounter(on_page)
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # the worker's log gets no line per page
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def render_pdf(
    template: str,
    context: dict[str, Any],
    *,
    header: str | None = None,
    on_page: Callable[[int], None] | None = None,
) -> bytes:
    """Render a template to PDF; its page size and fonts come from the template's own CSS.

    With `header`, every page carries it at the top and «стр. N из M» at the bottom, as a
    secretary files a document. Tables repeat their header on each page, never their totals.
    `on_page` is told the number of each page as it is laid out (the long part of a large
    document), so a background job can show its progress.
    """
    from weasyprint import CSS, HTML  # heavy import, only where a PDF is made

    html = render_to_string(template, context)
    stylesheets = [CSS(string=TABLE_CSS)]
    if header is not None:
        stylesheets.append(CSS(string=page_frame_css(header)))
    with _pages_told_to(on_page):
        pdf: bytes = HTML(string=html).write_pdf(stylesheets=stylesheets)
    return pdf
