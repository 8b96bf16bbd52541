"""Information letters to parents who do not use the electronic diary (Положение 4.5).

One «Информационное письмо» per student, a page each, in one PDF made with WeasyPrint from the
HTML that `letters_html` renders; the data comes from the diary's own selectors.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string

from otmetka.diary.selectors import GroupLetters
from otmetka.lib.pdf import render_pdf
from otmetka.org.models import Organization

TEMPLATE = "diary/letters_pdf.html"


def letters_context(
    data: GroupLetters, *, organization: Organization, printed_on: dt.date
) -> dict[str, Any]:
    return {
        "data": data,
        "organization": organization,
        "printed_on": printed_on,
        "curator": data.curators[0] if data.curators else "",
    }


def letters_html(data: GroupLetters, *, organization: Organization, printed_on: dt.date) -> str:
    """The HTML the PDF is made from (tests read it; the PDF is its print)."""
    return render_to_string(
        TEMPLATE, letters_context(data, organization=organization, printed_on=printed_on)
    )


def letters_pdf(data: GroupLetters, *, organization: Organization, printed_on: dt.date) -> bytes:
    return render_pdf(
        TEMPLATE, letters_context(data, organization=organization, printed_on=printed_on)
    )


def letters_filename(data: GroupLetters) -> str:
    """An ASCII file name: the group's id and the period (browsers keep the rest)."""
    return f"letters-{data.group.pk}-{data.date_from:%Y%m%d}-{data.date_to:%Y%m%d}.pdf"
