"""СНИЛС: normalisation and the checksum of the Pension Fund's numbering rules."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_DIGITS = re.compile(r"\D+")


def snils_digits(value: str) -> str:
    return _DIGITS.sub("", value or "")


def snils_checksum(number: str) -> int:
    """Control number of the first nine digits: weights 9..1, then mod 101, 100 and 101 → 0."""
    total = sum(int(digit) * weight for digit, weight in zip(number, range(9, 0, -1), strict=True))
    if total < 100:
        return total
    if total in (100, 101):
        return 0
    remainder = total % 101
    return 0 if remainder == 100 else remainder


def snils_is_valid(value: str) -> bool:
    digits = snils_digits(value)
    if len(digits) != 11:
        return False
    number, control = digits[:9], int(digits[9:])
    # Numbers up to 001-001-998 were issued before the checksum rule and are not checked.
    if int(number) <= 1001998:
        return True
    return snils_checksum(number) == control


def snils_format(value: str) -> str:
    digits = snils_digits(value)
    if len(digits) != 11:
        return value
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:]}"


def validate_snils(value: str) -> None:
    digits = snils_digits(value)
    if len(digits) != 11:
        raise ValidationError(
            _("СНИЛС должен состоять из 11 цифр, например 112-233-445 95."), code="snils_length"
        )
    if not snils_is_valid(digits):
        raise ValidationError(
            _("Контрольное число СНИЛС не сходится: проверьте номер."), code="snils_checksum"
        )


def snils_make(number: int) -> str:
    """A valid СНИЛС for the first nine digits `number` (demo data and tests)."""
    body = f"{number:09d}"
    return snils_format(f"{body}{snils_checksum(body):02d}")
