"""Names in the journal's messages in the right case and gender: «Отметку Студентова Ивана
Петровича уже изменили», «Ячейку уже изменила …», «вместо Учителева Петра Андреевича»."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from otmetka.journal.models import Mark, Substitution
from otmetka.journal.services.attestation import attestation_mark_set, sheet_for
from otmetka.journal.services.marks import cell_save
from otmetka.journal.tests.factories_attest import tomsk
from otmetka.journal.tests.factories_grid import make_lesson
from otmetka.lib.errors import DomainError
from otmetka.test import World

LAST_WEEK_DAY = (2026, 12, 24)


def test_a_changed_attestation_mark_names_the_student_in_the_genitive(
    world: World, now: time_machine.Traveller
) -> None:
    college = world.college
    now.move_to(tomsk(dt.date(*LAST_WEEK_DAY)))
    teacher = world.actor("teacher")
    sheet = sheet_for(actor=teacher, workload=college.workload, period=college.semester1)
    attestation_mark_set(actor=teacher, sheet=sheet, student=college.student, value="4")
    with pytest.raises(DomainError) as error:
        attestation_mark_set(
            actor=teacher, sheet=sheet, student=college.student, value="5", expected=""
        )
    assert error.value.message.startswith(
        "Отметку Студентова Ивана Петровича уже изменили: сейчас «4»."
    )


def test_the_verb_agrees_with_who_changed_the_cell(world: World) -> None:
    lesson = make_lesson(world.college.workload)

    def save(text: str, expected: str) -> None:
        cell_save(
            actor=world.actor("teacher"),
            lesson=lesson,
            student=world.college.student,
            text=text,
            expected=expected,
        )

    save("4", "")
    Mark.objects.filter(lesson=lesson).update(updated_by=world.user("deputy"))
    with pytest.raises(DomainError) as error:
        save("5", "")
    assert error.value.message == "Ячейку уже изменила Заместителева Мария Петровна: сейчас там 4"
    Mark.objects.filter(lesson=lesson).update(updated_by=world.user("director"))
    with pytest.raises(DomainError) as error:
        save("5", "")
    assert error.value.message == "Ячейку уже изменил Криволапов Игорь Николаевич: сейчас там 4"


def test_the_lesson_page_names_whom_the_substitute_replaces_in_the_genitive(
    world: World,
) -> None:
    college = world.college
    lesson = make_lesson(college.workload)
    Substitution.objects.create(
        lesson=lesson,
        absent_teacher=college.employees["teacher"],
        substitute=college.employees["other_teacher"],
        reason="Курсы",
    )
    url = reverse("journal:lesson_detail", kwargs={"lesson_id": lesson.pk})
    page = world.client_for("deputy").get(url).content.decode()
    assert "вместо Учителева Петра Андреевича: Курсы" in page
