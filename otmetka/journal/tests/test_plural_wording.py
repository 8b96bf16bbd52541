"""Counts agree with their nouns (ngettext and the Russian catalogue): «старше 21 дня»,
«нет отметки у 1 обучающегося», «В плане 4 семестра»."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from otmetka.academics.models import CurriculumItem
from otmetka.academics.services.curricula import hours_set
from otmetka.journal.locks import lesson_lock
from otmetka.journal.services.attestation import sheet_close, sheet_for
from otmetka.journal.tests.factories_attest import tomsk
from otmetka.lib.errors import DomainError
from otmetka.org.models import Organization
from otmetka.test import TODAY, World


@pytest.mark.parametrize(
    ("days", "words"),
    [(1, "старше 1 дня"), (2, "старше 2 дней"), (5, "старше 5 дней"), (21, "старше 21 дня")],
)
def test_the_age_lock_counts_days(world: World, days: int, words: str) -> None:
    Organization.objects.filter(pk=world.org.pk).update(edit_lock_days=days)
    workload = world.college.workload
    workload.group.organization.refresh_from_db()
    state = lesson_lock(workload=workload, day=TODAY - dt.timedelta(days=days + 1))
    assert state.locked
    assert state.reason.startswith(f"Занятие {words}:")


def test_a_sheet_without_one_mark_names_one_student(
    world: World, now: time_machine.Traveller
) -> None:
    college = world.college
    now.move_to(tomsk(dt.date(2026, 12, 24)))
    teacher = world.actor("teacher")
    sheet = sheet_for(actor=teacher, workload=college.workload, period=college.semester1)
    with pytest.raises(DomainError) as error:
        sheet_close(actor=teacher, sheet=sheet)
    assert "нет отметки у 1 обучающегося (Студентов И. П.)" in error.value.message


@pytest.mark.parametrize(
    ("semesters", "words"), [(1, "В плане 1 семестр"), (4, "В плане 4 семестра"),
                             (8, "В плане 8 семестров")],
)
def test_a_semester_outside_the_plan_counts_its_semesters(
    world: World, semesters: int, words: str
) -> None:
    curriculum = world.college.curriculum
    curriculum.semesters = semesters
    curriculum.save(update_fields=["semesters"])
    item = CurriculumItem.objects.get(pk=world.college.discipline.pk)
    with pytest.raises(DomainError) as error:
        hours_set(actor=world.actor("methodist"), item=item, semester=semesters + 1, total=10,
                  theory=10)
    assert error.value.message.startswith(f"{words}: укажите семестр от 1 до {semesters}.")
