"""What planned lessons mean for the journal: hidden from the grid until due, no early marks."""

from __future__ import annotations

import datetime as dt

import pytest

from otmetka.journal.models import Lesson
from otmetka.journal.selectors import journal_grid
from otmetka.journal.services.marks import cell_save
from otmetka.lib.errors import DomainError
from otmetka.test import World

TODAY = dt.date(2026, 11, 16)


def lesson(world: World, day: dt.date, pair: int, status: str) -> Lesson:
    workload = world.college.workload
    return Lesson.objects.create(
        workload=workload,
        date=day,
        pair_number=pair,
        teacher=workload.teacher,
        status=status,
        source=Lesson.Source.TIMETABLE,
    )


def test_grid_hides_future_planned_and_cancelled(world: World) -> None:
    shown_today = lesson(world, TODAY, 1, Lesson.Status.PLANNED)
    held = lesson(world, TODAY - dt.timedelta(days=7), 1, Lesson.Status.HELD)
    lesson(world, TODAY + dt.timedelta(days=1), 1, Lesson.Status.PLANNED)
    lesson(world, TODAY - dt.timedelta(days=1), 2, Lesson.Status.CANCELLED)
    grid = journal_grid(world.college.workload, world.college.semester1, TODAY)
    assert [column.id for column in grid.lessons] == [held.pk, shown_today.pk]


def test_no_mark_on_a_lesson_still_ahead(world: World) -> None:
    ahead = lesson(world, TODAY + dt.timedelta(days=1), 1, Lesson.Status.PLANNED)
    with pytest.raises(DomainError, match="Занятие ещё не наступило"):
        cell_save(
            actor=world.actor("teacher"), lesson=ahead, student=world.college.student, text="5"
        )
    assert not ahead.marks.exists()
