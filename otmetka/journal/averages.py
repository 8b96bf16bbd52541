"""The weighted average of marks, as the grid, the attestation sheet and the diary show it."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, F, IntegerField, Sum, Value, When
from django.db.models.functions import Cast, Round

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
    return average_of(total, weights)


def average_of(total: Decimal | int, weights: Decimal | int | None) -> Decimal | None:
    """Σ(mark × weight) ÷ Σ weight, rounded as every average is shown (None without weight)."""
    if not weights:
        return None
    return (Decimal(total) / Decimal(weights)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def weighted_sums() -> dict[str, Sum]:
    """`weighted_average`'s two sums as SQL aggregates over Mark rows, for reports over many
    students: `total` = Σ(mark × weight × 100), `weights` = Σ(weight × 100) over numeric marks.
    Weights are counted in hundredths (they have two decimals) so the sums are exact integers
    on SQLite and PostgreSQL alike; `average_of(total, weights)` gives the same average."""
    cents = Cast(Round(F("work_kind__weight") * 100), IntegerField())
    number = Case(
        *(When(value=value, then=Value(n)) for value, n in NUMERIC_MARKS.items()),
        default=None,
        output_field=IntegerField(),
    )
    numeric = Case(
        When(value__in=list(NUMERIC_MARKS), then=cents), default=None, output_field=IntegerField()
    )
    return {"total": Sum(number * cents), "weights": Sum(numeric)}


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
