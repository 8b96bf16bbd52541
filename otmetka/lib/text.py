"""Russian text helpers: plural forms and collation of names."""

from __future__ import annotations

_RU_ORDER = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_RU_RANK = {letter: index for index, letter in enumerate(_RU_ORDER)}


def ru_plural(number: int, one: str, few: str, many: str) -> str:
    """1 студент, 2 студента, 5 студентов."""
    n = abs(number) % 100
    if 11 <= n <= 19:
        return many
    n %= 10
    if n == 1:
        return one
    if 2 <= n <= 4:
        return few
    return many


def ru_sort_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts «Ё» right after «Е», as a Russian reader expects (not after «я»)."""
    key: list[tuple[int, int | str]] = []
    for char in text.lower():
        rank = _RU_RANK.get(char)
        key.append((0, rank) if rank is not None else (1, char))
    return tuple(key)


def initials(last_name: str, first_name: str, middle_name: str = "") -> str:
    """Иванов И. П."""
    parts = [last_name]
    if first_name:
        parts.append(f"{first_name[0]}.")
    if middle_name:
        parts.append(f"{middle_name[0]}.")
    return " ".join(parts)
