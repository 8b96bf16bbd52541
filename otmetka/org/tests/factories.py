"""Builders for org tests, on top of the persona world of otmetka/test.py."""

from __future__ import annotations

import datetime as dt

from otmetka.org.models import BellSchedule, Organization, Pair, Room


def t(text: str) -> dt.time:
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


WEEKDAY_PAIRS = (("08:30", "10:00"), ("10:10", "11:40"), ("12:20", "13:50"))


def make_bells(
    org: Organization,
    name: str = "Понедельник — пятница",
    *,
    is_default: bool = True,
    pairs: tuple[tuple[str, str], ...] = WEEKDAY_PAIRS,
) -> BellSchedule:
    bells = BellSchedule.objects.create(organization=org, name=name, is_default=is_default)
    for number, (starts_at, ends_at) in enumerate(pairs, start=1):
        Pair.objects.create(bell_schedule=bells, number=number, starts_at=t(starts_at),
                            ends_at=t(ends_at))
    return bells


def make_rooms(org: Organization, count: int, building: str = "Корпус 2") -> list[Room]:
    return [
        Room.objects.create(organization=org, building=building, number=f"{100 + n}",
                            name=f"Аудитория {n}", capacity=20 + n)
        for n in range(count)
    ]
