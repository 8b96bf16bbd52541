"""Attestation sheets: the form from the curriculum, proposals, the last week, close, reopen."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from otmetka.academics.models import AttestationForm, Workload
from otmetka.audit.models import AuditEvent
from otmetka.journal.locks import lesson_lock
from otmetka.journal.models import (
    AttestationMark,
    AttestationSheet,
    JournalHistory,
    JournalUnlock,
)
from otmetka.journal.services.attestation import (
    attestation_mark_set,
    attestation_marks_set,
    sheet_close,
    sheet_for,
    sheet_propose,
    sheet_reopen,
)
from otmetka.journal.tests.factories_attest import lesson, mark, tomsk, work_kind
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.test import World

LAST_WEEK = dt.date(2026, 12, 24)


def _sheet(world: World) -> AttestationSheet:
    return sheet_for(
        actor=world.actor("teacher"), workload=world.college.workload,
        period=world.college.semester1,
    )


def test_sheet_form_comes_from_the_curriculum(world: World) -> None:
    sheet = _sheet(world)
    # ИС-21 is a 2nd-year group: autumn is its 3rd semester, where МДК.01.01 ends with a дифзачёт.
    assert sheet.form == AttestationForm.DIFF_CREDIT
    other = sheet_for(
        actor=world.actor("other_teacher"), workload=world.college.other_workload,
        period=world.college.semester1,
    )
    assert other.form == AttestationForm.EXAM
    assert _sheet(world).pk == sheet.pk  # get, not create again


def test_no_sheet_without_attestation_that_semester(world: World) -> None:
    with pytest.raises(DomainError, match="нет промежуточной аттестации в 4 семестре"):
        sheet_for(
            actor=world.actor("teacher"), workload=world.college.workload,
            period=world.college.semester2,
        )
    assert not AttestationSheet.objects.exists()


def test_sheet_of_a_journal_the_actor_cannot_see_is_refused(world: World) -> None:
    with pytest.raises(NotAllowed):
        sheet_for(
            actor=world.actor("other_teacher"), workload=world.college.workload,
            period=world.college.semester1,
        )


def test_proposals_follow_the_weighted_average(world: World) -> None:
    college = world.college
    oral, test = work_kind(world), work_kind(world, "Контрольная работа", "2")
    mark(lesson(college.workload, dt.date(2026, 10, 5)), college.student, "5", oral)
    # Unweighted (5 + 2) / 2 = 3.5 would give «4»; the test's weight 2 makes it (5 + 4) / 3 = 3.
    mark(lesson(college.workload, dt.date(2026, 10, 12)), college.student, "2", test)
    # Another journal of the same group × item (a subgroup line) counts too; other months do not.
    line = Workload.objects.create(
        academic_year=college.year, teacher=college.employees["curator"], group=college.group,
        item=college.mdk, subgroup=college.subgroup, hours_first=20,
    )
    mark(lesson(line, dt.date(2026, 10, 13)), college.student, "3", oral)
    mark(lesson(college.workload, dt.date(2026, 8, 31)), college.student, "5", oral)
    sheet = _sheet(world)
    assert sheet_propose(actor=world.actor("teacher"), sheet=sheet) == 1
    row = AttestationMark.objects.get(sheet=sheet, student=college.student)
    assert row.proposed == "3" and row.value == ""


def test_credit_proposal_is_passed_from_three(world: World) -> None:
    college = world.college
    sheet = AttestationSheet.objects.create(
        group=college.group, item=college.mdk, period=college.semester1, form="credit"
    )
    mark(lesson(college.workload, dt.date(2026, 10, 5)), college.student, "3", work_kind(world))
    sheet_propose(actor=world.actor("teacher"), sheet=sheet)
    assert AttestationMark.objects.get(sheet=sheet).proposed == "зачтено"


def test_marks_outside_the_last_week_are_refused(world: World) -> None:
    sheet = _sheet(world)
    with pytest.raises(DomainError, match="последнюю неделю семестра: с 22.12.2026 по 28.12.2026"):
        attestation_mark_set(
            actor=world.actor("teacher"), sheet=sheet, student=world.college.student, value="5"
        )
    assert not AttestationMark.objects.exclude(value="").exists()
    assert not JournalHistory.objects.exists()


def test_marks_in_the_last_week_are_set_with_history(
    world: World, now: time_machine.Traveller
) -> None:
    sheet = _sheet(world)
    now.move_to(tomsk(LAST_WEEK))
    teacher = world.actor("teacher")
    row = attestation_mark_set(
        actor=teacher, sheet=sheet, student=world.college.student, value="4"
    )
    row = attestation_mark_set(
        actor=teacher, sheet=sheet, student=world.college.student, value="5", expected="4"
    )
    assert row.value == "5" and row.version == 3
    history = list(JournalHistory.objects.order_by("id"))
    assert [(h.action, h.old, h.new) for h in history] == [
        ("create", {}, {"value": "4"}),
        ("update", {"value": "4"}, {"value": "5"}),
    ]
    assert history[0].entity == JournalHistory.Entity.ATTESTATION
    assert history[0].workload_id == world.college.workload.pk
    assert history[0].actor == world.user("teacher")


def test_an_unlock_opens_the_sheet_before_the_last_week(world: World) -> None:
    JournalUnlock.objects.create(
        workload=world.college.workload, reason="Досрочная сдача по приказу 12-у",
        valid_until=timezone.now() + dt.timedelta(days=1), granted_by=world.user("deputy"),
    )
    row = attestation_mark_set(
        actor=world.actor("teacher"), sheet=_sheet(world), student=world.college.student,
        value="н/я",
    )
    assert row.value == "н/я"
    assert JournalHistory.objects.get().reason == "Досрочная сдача по приказу 12-у"


@pytest.mark.parametrize(
    ("value", "message"),
    [("6", "Недопустимая отметка «6»"), ("зачтено", "Недопустимая отметка «зачтено»")],
)
def test_values_outside_the_form_are_refused(
    world: World, now: time_machine.Traveller, value: str, message: str
) -> None:
    sheet = _sheet(world)
    now.move_to(tomsk(LAST_WEEK))
    with pytest.raises(DomainError, match=message):
        attestation_mark_set(
            actor=world.actor("teacher"), sheet=sheet, student=world.college.student, value=value
        )
    assert not JournalHistory.objects.exists()


def test_students_off_the_roll_and_other_teachers_are_refused(
    world: World, now: time_machine.Traveller
) -> None:
    sheet = _sheet(world)
    now.move_to(tomsk(LAST_WEEK))
    with pytest.raises(DomainError, match="не в списке группы ИС-21"):
        attestation_mark_set(
            actor=world.actor("teacher"), sheet=sheet, student=world.college.other_student,
            value="5",
        )
    with pytest.raises(NotAllowed):
        attestation_mark_set(
            actor=world.actor("other_teacher"), sheet=sheet, student=world.college.student,
            value="5",
        )
    assert not JournalHistory.objects.exists()


def test_a_stale_value_is_refused_with_the_current_one(
    world: World, now: time_machine.Traveller
) -> None:
    sheet = _sheet(world)
    now.move_to(tomsk(LAST_WEEK))
    teacher, student = world.actor("teacher"), world.college.student
    attestation_mark_set(actor=teacher, sheet=sheet, student=student, value="4")
    with pytest.raises(DomainError, match="сейчас «4»"):
        attestation_marks_set(actor=teacher, sheet=sheet, values={student.pk: ("3", "")})
    assert AttestationMark.objects.get().value == "4"


def test_close_needs_every_mark_and_locks_the_semester(
    world: World, now: time_machine.Traveller
) -> None:
    college = world.college
    autumn_lesson = lesson(college.workload, dt.date(2026, 12, 21))
    sheet = _sheet(world)
    now.move_to(tomsk(LAST_WEEK))
    teacher = world.actor("teacher")
    with pytest.raises(DomainError, match="нет отметки у 1 обучающегося \\(Студентов И. П.\\)"):
        sheet_close(actor=teacher, sheet=sheet)
    assert AttestationSheet.objects.get().status == "open"
    attestation_mark_set(actor=teacher, sheet=sheet, student=college.student, value="5")
    sheet_close(actor=teacher, sheet=sheet)
    sheet.refresh_from_db()
    assert sheet.status == "closed" and sheet.closed_by == world.user("teacher")
    assert AuditEvent.objects.filter(object_type="journal.attestationsheet").count() == 1
    # The journal of that semester is locked for marks and attendance (any service asks this).
    state = lesson_lock(workload=college.workload, day=autumn_lesson.date)
    assert state.locked and "Ведомость" in state.reason
    assert not lesson_lock(workload=college.workload, day=dt.date(2027, 2, 1)).locked
    with pytest.raises(DomainError, match="Ведомость закрыта"):
        attestation_mark_set(actor=teacher, sheet=sheet, student=college.student, value="4")


def test_reopen_is_for_the_deputy_with_a_reason(world: World, now: time_machine.Traveller) -> None:
    college = world.college
    sheet = _sheet(world)
    now.move_to(tomsk(LAST_WEEK))
    attestation_mark_set(
        actor=world.actor("teacher"), sheet=sheet, student=college.student, value="5"
    )
    sheet_close(actor=world.actor("teacher"), sheet=sheet)
    with pytest.raises(NotAllowed):
        sheet_reopen(actor=world.actor("teacher"), sheet=sheet, reason="Ошибка")
    with pytest.raises(DomainError, match="Укажите основание"):
        sheet_reopen(actor=world.actor("deputy"), sheet=sheet, reason="  ")
    assert AttestationSheet.objects.get().status == "closed"
    sheet_reopen(actor=world.actor("deputy"), sheet=sheet, reason="Апелляция, приказ 7")
    assert AttestationSheet.objects.get().status == "open"
    event = AuditEvent.objects.filter(object_type="journal.attestationsheet").latest("id")
    assert event.reason == "Апелляция, приказ 7" and event.actor == world.user("deputy")
    assert not lesson_lock(workload=college.workload, day=dt.date(2026, 12, 21)).locked
