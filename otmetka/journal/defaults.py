"""The work kinds every organization starts with (SGO's assignment type ids where SGO has one)."""

from __future__ import annotations

from decimal import Decimal

# (name, short name, weight, SGO type id)
DEFAULT_WORK_KINDS: tuple[tuple[str, str, Decimal, int | None], ...] = (
    ("Устный ответ", "О", Decimal("1"), 10),
    ("Практическая работа", "ПР", Decimal("1.5"), 1),
    ("Лабораторная работа", "ЛР", Decimal("1.5"), 6),
    ("Контрольная работа", "КР", Decimal("2"), 4),
    ("Самостоятельная работа", "СР", Decimal("1.5"), 5),
    ("Тестирование", "Т", Decimal("1.5"), 14),
    ("Домашнее задание", "Д", Decimal("1"), 3),
    ("Реферат", "Р", Decimal("1"), 9),
    ("Доклад", "Дк", Decimal("1"), 24),
    ("Проект", "П", Decimal("2"), 7),
    ("Зачёт", "З", Decimal("2"), 13),
    ("Дифференцированный зачёт", "ДЗ", Decimal("3"), None),
    ("Экзамен", "Э", Decimal("3"), None),
)
