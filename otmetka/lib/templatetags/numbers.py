"""`{{ count|grouped }}`: counts with the language's thousands separator («1 234» in Russian).

Not the global USE_THOUSAND_SEPARATOR: it would group every number a template prints, ids in
addresses and form values included.
"""

from __future__ import annotations

from django import template

from otmetka.lib.text import grouped as grouped_number

register = template.Library()


@register.filter
def grouped(value: object) -> object:
    """An integer with thousands separated (a non-breaking space in Russian); else as it is."""
    return grouped_number(value)
