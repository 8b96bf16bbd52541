"""A list cut to its latest rows says so, and where the rest are (issue 11: no silent limits)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from otmetka.journal.models import Lesson, Substitution
from otmetka.test import World

pytestmark = pytest.mark.django_db


def _substitute(world: World, day: dt.date) -> Lesson:
    college = world.college
    lesson = Lesson.objects.create(
        workload=college.workload, date=day, pair_number=1,
        teacher=college.employees["other_teacher"],
    )
    Substitution.objects.create(
        lesson=lesson, absent_teacher=college.employees["teacher"],
        substitute=college.employees["other_teacher"], reason="Болезнь",
    )
    return lesson


def test_the_substitutions_listed_say_when_older_ones_are_left_out(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("otmetka.journal.views.grid.SUBSTITUTED_SHOWN", 2)
    for day in (dt.date(2026, 11, 9), dt.date(2026, 11, 10)):
        _substitute(world, day)
    client = world.client_for("other_teacher")
    page = client.get(reverse("journal:journal_list")).content.decode()
    assert "10.11.2026" in page and "09.11.2026" in page
    assert "более ранние — на странице журнала" not in page
    _substitute(world, dt.date(2026, 11, 11))
    page = client.get(reverse("journal:journal_list")).content.decode()
    assert "11.11.2026" in page and "09.11.2026" not in page
    assert "Показаны последние 2 замещени" in page  # the form of the number: .po
    assert "более ранние — на странице журнала каждой группы" in page
