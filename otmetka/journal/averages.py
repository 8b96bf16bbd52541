"""The weighted average of marks, as the grid, the attestation sheet and the diary show it."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from otmetka.journal.models import NUMERIC_MARKS


def weighted_average(marks: Iterable[tuple[str, Decimal]]) -> Decimal | None:
    """Σ(mark × weight) / Σ weight over numeric marks (зачёт/незачёт do not count); 2 decimals."""
    total = Decimal(0)
    weights = Decimal(0)
    for value, weight in marks:
        number = NUMERIC_MARKS.get(value)  # type: ignore[call-overload]
        if number is None:
            continue
        total += Decimal(number) * weight
        weights += weight
    if not weights:
        return None
    return (total / weights).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def proposed_mark(average: Decimal | None) -> str:
    """The attestation mark the average suggests: 4.5 and above → 5, 3.5 → 4, 2.5 → 3."""
    if average is None:
        return ""
    if average >= Decimal("4.5"):
        return "5"
    if average >= Decimal("3.5"):
        return "4"
    if average >= Decimal("2.5"):
        return "3"
    return "2"
