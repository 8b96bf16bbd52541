"""ИНН: the taxpayer number and the check digits of the Federal Tax Service's rules."""

from __future__ import annotations

_WEIGHTS_10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_WEIGHTS_11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_WEIGHTS_12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def inn_check_digit(digits: str, weights: tuple[int, ...]) -> int:
    total = sum(int(digit) * weight for digit, weight in zip(digits, weights, strict=True))
    return total % 11 % 10


def inn_has_valid_length(value: str) -> bool:
    """10 digits for an organization, 12 for a person."""
    return value.isascii() and value.isdigit() and len(value) in (10, 12)


def inn_is_valid(value: str) -> bool:
    if not inn_has_valid_length(value):
        return False
    if len(value) == 10:
        return inn_check_digit(value[:9], _WEIGHTS_10) == int(value[9])
    return inn_check_digit(value[:10], _WEIGHTS_11) == int(value[10]) and inn_check_digit(
        value[:11], _WEIGHTS_12
    ) == int(value[11])


def inn_make(body: str) -> str:
    """A valid ten-digit ИНН for the first nine digits `body` (tests and demo data)."""
    return body + str(inn_check_digit(body, _WEIGHTS_10))
