"""The edit lock door by door (issue 10): nothing changes in a lesson older than the lock or in
a semester whose sheet is closed except through an unlock, whichever service is asked; and a
closed sheet's roll never changes until it is reopened, whatever roster change is dated into it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from otmetka.academics.models import Membership
from otmetka.academics.services.groups import membership_add, membership_close
from otmetka.audit.models import AuditEvent
from otmetka.journal.models import (
    AttestationMark,
    AttestationSheet,
    JournalHistory,
    JournalUnlock,
    Lesson,
    Substitution,
)
from otmetka.journal.selectors import attestation_sheet_rows
from otmetka.journal.services.attestation import (
    attestation_mark_set,
    sheet_close,
    sheet_for,
    sheet_reopen,
)
from otmetka.journal.services.lessons import (
    lessons_restore_planned,
    lessons_set_rooms,
    lessons_unplan,
    substitution_remove,
    substitution_set,
)
from otmetka.journal.tests.factories_attest import tomsk
from otmetka.journal.tests.factories_grid import make_lesson, make_student
from otmetka.lib.errors import DomainError
from otmetka.movement import services as movement
from otmetka.movement.models import ExpulsionReason, OrderKind
from otmetka.movement.tests.factories import one_item_order
from otmetka.org.models import Room
from otmetka.schedule.models import ScheduleChange
from otmetka.schedule.services import changes
from otmetka.schedule.services.generation import lessons_generate
from otmetka.schedule.tests.test_changes_selector import make_bells, make_entry
from otmetka.test import TODAY, World

OLD_TUESDAY = dt.date(2026, 10, 13)  # 34 days before TODAY: past the 30-day lock
AGE = "старше 30 дней"
CLOSED = "Ведомость за этот семестр закрыта"
LAST_WEEK = dt.date(2026, 12, 24)


def planned(world: World, day: dt.date = OLD_TUESDAY, **fields: Any) -> Lesson:
    fields.setdefault("status", Lesson.Status.PLANNED)
    fields.setdefault("pair_number", 2)
    return Lesson.objects.create(
        workload=world.college.workload,
        date=day,
        teacher=world.college.employees["teacher"],
        source=Lesson.Source.TIMETABLE,
        **fields,
    )


def substitute(world: World, lesson: Lesson) -> Substitution:
    """A substitution recorded while the lesson was still open (as the page would have)."""
    employees = world.college.employees
    lesson.teacher = employees["other_teacher"]
    lesson.save(update_fields=["teacher"])
    return Substitution.objects.create(
        lesson=lesson,
        absent_teacher=employees["teacher"],
        substitute=employees["other_teacher"],
        reason="Болезнь",
    )


def unlock(world: World) -> JournalUnlock:
    return JournalUnlock.objects.create(
        workload=world.college.workload,
        reason="Служебная записка № 4",
        valid_until=timezone.now() + dt.timedelta(days=1),
        granted_by=world.user("deputy"),
    )


def close_semester(world: World, now: time_machine.Traveller) -> AttestationSheet:
    """The teacher marks the world student and closes the autumn sheet in its last week."""
    college = world.college
    sheet = sheet_for(
        actor=world.actor("teacher"), workload=college.workload, period=college.semester1
    )
    now.move_to(tomsk(LAST_WEEK))
    teacher = world.actor("teacher")
    attestation_mark_set(actor=teacher, sheet=sheet, student=college.student, value="5")
    return sheet_close(actor=teacher, sheet=sheet)


def nothing_written(before: int) -> None:
    assert JournalHistory.objects.count() == before


# --- Who conducted a lesson ----------------------------------------------------------------------


def test_the_lesson_page_cannot_give_a_locked_lesson_to_a_substitute(world: World) -> None:
    lesson = make_lesson(world.college.workload, OLD_TUESDAY, pair=2)
    employees = world.college.employees
    response = world.client_for("dispatcher").post(
        reverse("journal:substitution_set", kwargs={"lesson_id": lesson.pk}),
        {
            "absent_teacher": employees["teacher"].pk,
            "substitute": employees["other_teacher"].pk,
            "reason": "Болезнь",
        },
        follow=True,
    )
    assert AGE in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.teacher == employees["teacher"]
    assert not Substitution.objects.exists()
    assert not JournalHistory.objects.exists()


def test_a_closed_sheet_keeps_who_conducted_its_lessons(
    world: World, now: time_machine.Traveller
) -> None:
    lesson = make_lesson(world.college.workload, dt.date(2026, 12, 21), pair=2)
    close_semester(world, now)
    employees = world.college.employees
    before = JournalHistory.objects.count()
    with pytest.raises(DomainError, match=CLOSED):
        substitution_set(
            actor=world.actor("dispatcher"),
            lesson=lesson,
            absent_teacher=employees["teacher"],
            substitute=employees["other_teacher"],
            reason="Болезнь",
        )
    assert not Substitution.objects.exists()
    nothing_written(before)


def test_an_unlock_lets_the_substitution_through_and_is_named_in_history(world: World) -> None:
    lesson = make_lesson(world.college.workload, OLD_TUESDAY, pair=2)
    unlock(world)
    employees = world.college.employees
    substitution_set(
        actor=world.actor("dispatcher"),
        lesson=lesson,
        absent_teacher=employees["teacher"],
        substitute=employees["other_teacher"],
        reason="Болезнь",
    )
    row = JournalHistory.objects.get(entity="lesson")
    assert row.reason == "Болезнь; Служебная записка № 4"


def test_a_locked_substitution_is_not_removed(world: World) -> None:
    lesson = planned(world)
    substitute(world, lesson)
    with pytest.raises(DomainError, match=AGE):
        substitution_remove(actor=world.actor("dispatcher"), lesson=lesson, reason="Ошибка")
    lesson.refresh_from_db()
    assert lesson.teacher == world.college.employees["other_teacher"]
    assert Substitution.objects.filter(lesson=lesson).exists()


# --- Timetable doors -----------------------------------------------------------------------------


def test_unplanning_keeps_a_locked_lesson_and_says_why(world: World) -> None:
    lesson = planned(world)
    for cancel in (False, True):
        kept = lessons_unplan(actor=world.actor("dispatcher"), lesson_ids=[lesson.pk],
                              cancel=cancel)
        assert len(kept) == 1 and AGE in kept[0]
    lesson.refresh_from_db()
    assert lesson.status == Lesson.Status.PLANNED
    assert not JournalHistory.objects.exists()


def test_a_cancelled_locked_lesson_is_not_planned_again(world: World) -> None:
    lesson = planned(world, status=Lesson.Status.CANCELLED)
    with pytest.raises(DomainError, match=AGE):
        lessons_restore_planned(
            actor=world.actor("dispatcher"), lesson_ids=[lesson.pk], reason="Ошибка"
        )
    lesson.refresh_from_db()
    assert lesson.status == Lesson.Status.CANCELLED


def test_a_locked_lesson_keeps_its_room(world: World) -> None:
    room = Room.objects.get(organization=world.org, number="214")
    old, fresh = planned(world), planned(world, day=TODAY + dt.timedelta(days=1))
    moved = lessons_set_rooms(
        actor=world.actor("dispatcher"), rooms={old.pk: room.pk, fresh.pk: room.pk}
    )
    assert moved == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.room_id, fresh.room_id) == (None, room.pk)


@pytest.mark.parametrize("kind", ["cancel", "replace", "move"])
def test_a_change_for_a_locked_day_is_refused(world: World, kind: str) -> None:
    make_bells(world)
    entry = make_entry(world)
    lesson = planned(world, room=entry.room)
    dispatcher = world.actor("dispatcher")
    common: dict[str, Any] = {
        "actor": dispatcher, "entry": entry, "date": OLD_TUESDAY, "reason": "Болезнь"
    }
    with pytest.raises(DomainError, match=AGE):
        if kind == "cancel":
            changes.change_cancel(**common)
        elif kind == "replace":
            changes.change_replace_teacher(
                **common, teacher=world.college.employees["other_teacher"]
            )
        else:
            changes.change_move(**common, pair_number=3)
    lesson.refresh_from_db()
    assert (lesson.status, lesson.teacher) == (
        Lesson.Status.PLANNED,
        world.college.employees["teacher"],
    )
    assert not ScheduleChange.objects.exists()
    assert not Substitution.objects.exists()
    assert not AuditEvent.objects.filter(object_type="schedule.schedulechange").exists()


def test_an_extra_pair_on_a_locked_day_is_refused(world: World) -> None:
    make_bells(world)
    with pytest.raises(DomainError, match=AGE):
        changes.change_extra(
            actor=world.actor("dispatcher"),
            workload=world.college.workload,
            date=OLD_TUESDAY,
            pair_number=3,
            reason="Отработка",
        )
    assert not ScheduleChange.objects.exists()


def test_removing_a_change_of_a_locked_day_is_refused(
    world: World, now: time_machine.Traveller
) -> None:
    """A replacement made in time; a month later its removal would rewrite the journal."""
    make_bells(world)
    entry = make_entry(world)
    now.move_to(tomsk(OLD_TUESDAY))
    lesson = planned(world)
    change = changes.change_replace_teacher(
        actor=world.actor("dispatcher"),
        entry=entry,
        date=OLD_TUESDAY,
        teacher=world.college.employees["other_teacher"],
        reason="Болезнь",
    )
    now.move_to(tomsk(TODAY))
    with pytest.raises(DomainError, match=AGE):
        changes.change_delete(actor=world.actor("dispatcher"), change=change)
    assert ScheduleChange.objects.filter(pk=change.pk).exists()
    lesson.refresh_from_db()
    assert lesson.teacher == world.college.employees["other_teacher"]


def test_generation_over_locked_days_changes_none_of_them(world: World) -> None:
    """The timetable no longer wants the old planned lesson: it stays, and the report says so."""
    make_bells(world)
    lesson = planned(world, pair_number=4)
    report = lessons_generate(
        actor=world.actor("dispatcher"),
        organization_id=world.org.pk,
        date_from=OLD_TUESDAY,
        date_to=OLD_TUESDAY,
    )
    assert report.removed == 0 and any(AGE in line for line in report.kept)
    assert Lesson.objects.filter(pk=lesson.pk).exists()


# --- A closed sheet's roll -----------------------------------------------------------------------


def _sheet_students(sheet: AttestationSheet) -> list[tuple[str, str]]:
    sheet.refresh_from_db()
    return [
        (row.student.person.last_name, row.value) for row in attestation_sheet_rows(sheet)
    ]


def test_back_dated_roster_changes_leave_a_closed_sheet_as_it_closed(
    world: World, now: time_machine.Traveller
) -> None:
    college = world.college
    sheet = close_semester(world, now)
    assert _sheet_students(sheet) == [("Студентов", "5")]
    head = world.actor("head")
    # The student leaves as of 1 December, the order entered after the sheet closed.
    membership = Membership.objects.get(group=college.group, student=college.student)
    membership_close(actor=head, membership=membership, date_to=dt.date(2026, 11, 30))
    # A newcomer is enrolled as of 1 December.
    newcomer = make_student(world, "Поздний", date_from=dt.date(2027, 1, 12))
    Membership.objects.filter(student=newcomer).delete()
    membership_add(actor=head, group=college.group, student=newcomer,
                   date_from=dt.date(2026, 12, 1))
    assert _sheet_students(sheet) == [("Студентов", "5")]
    assert AttestationMark.objects.get(sheet=sheet).value == "5"
    # Reopened, the sheet follows the group again: the deputy sees who is really there.
    sheet_reopen(actor=world.actor("deputy"), sheet=sheet, reason="Апелляция")
    assert _sheet_students(sheet) == [("Поздний", "")]


def test_a_back_dated_expulsion_order_leaves_a_closed_sheet_as_it_closed(
    world: World, now: time_machine.Traveller
) -> None:
    college = world.college
    sheet = close_semester(world, now)
    order = one_item_order(
        world,
        OrderKind.EXPULSION,
        college.student,
        effective_date=dt.date(2026, 12, 1),
        reason=ExpulsionReason.OWN_WISH,
    )
    movement.order_apply(actor=world.actor("head"), order=order)
    assert not Membership.objects.on_day(dt.date(2026, 12, 28)).filter(
        student=college.student
    ).exists()
    assert _sheet_students(sheet) == [("Студентов", "5")]
