"""Cell saving: parsing, scale, roster, edit lock, unlock, closed sheet, history, concurrency."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from otmetka.journal.models import (
    Attendance,
    AttendanceCode,
    AttestationSheet,
    JournalHistory,
    JournalUnlock,
    Lesson,
    Mark,
)
from otmetka.journal.services.marks import cell_parse, cell_save, mark_update
from otmetka.journal.tests.factories_grid import make_lesson, make_student
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.test import TODAY, World

TOMSK = ZoneInfo("Asia/Tomsk")


def save(world: World, lesson: Lesson, text: str, **kwargs: Any) -> Any:
    return cell_save(
        actor=world.actor("teacher"),
        lesson=lesson,
        student=world.college.student,
        text=text,
        **kwargs,
    )


def cell(lesson: Lesson, student: Any) -> tuple[list[str], str | None]:
    marks = list(
        Mark.objects.filter(lesson=lesson, student=student).values_list("value", flat=True)
    )
    code = Attendance.objects.filter(lesson=lesson, student=student).values_list("code", flat=True)
    return marks, code.first()


@pytest.mark.parametrize(
    ("text", "values", "code"),
    [
        ("5", ["5"], None),
        ("4/5", ["4", "5"], None),
        (" 3 / 4 / 5 ", ["3", "4", "5"], None),
        ("ЗЧ", ["зч"], None),
        ("нз", ["нз"], None),
        ("Н", [], AttendanceCode.ABSENT),
        ("оп", [], AttendanceCode.LATE),
        ("", [], None),
    ],
)
def test_parse_accepts(text: str, values: list[str], code: str | None) -> None:
    parsed = cell_parse(text)
    assert parsed.values == values
    assert parsed.code == code


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("6", "«6» — не отметка"),
        ("5/5/5/5", "не больше 3 отметок"),
        ("н/5", "Отсутствующему нельзя поставить отметку"),
        ("отл", "«отл» — не отметка"),
    ],
)
def test_parse_refuses(text: str, message: str) -> None:
    with pytest.raises(DomainError) as error:
        cell_parse(text)
    assert message in error.value.message


def test_marks_absence_and_clear_with_history(world: World) -> None:
    lesson = make_lesson(world.college.workload, pair=1)
    student = world.college.student
    result = save(world, lesson, "4/5", expected="")
    assert result.text == "4/5"
    assert cell(lesson, student) == (["4", "5"], None)
    assert {m.work_kind.name for m in Mark.objects.filter(lesson=lesson)} == {"Устный ответ"}
    save(world, lesson, "5", expected="4/5")  # slot 1 changes, slot 2 goes
    assert cell(lesson, student) == (["5"], None)
    save(world, lesson, "н", expected="5")  # absent: the mark goes, the absence comes
    assert cell(lesson, student) == ([], AttendanceCode.ABSENT)
    save(world, lesson, "", expected="н")
    assert cell(lesson, student) == ([], None)
    # 2 creates; 1 update + 1 delete; 1 delete + 1 create; 1 delete
    assert JournalHistory.objects.filter(lesson_ref=lesson.pk).count() == 7
    actions = list(
        JournalHistory.objects.order_by("id").values_list("entity", "action", "old", "new")
    )
    assert actions[2] == (
        "mark",
        "update",
        {"value": "4", "slot": 1, "work_kind": actions[0][3]["work_kind"]},
        {"value": "5", "slot": 1, "work_kind": actions[0][3]["work_kind"]},
    )


def test_work_kind_follows_lesson_type(world: World) -> None:
    lesson = make_lesson(world.college.workload, lesson_type="laboratory")
    save(world, lesson, "5")
    assert Mark.objects.get(lesson=lesson).work_kind.name == "Лабораторная работа"


def test_bad_value_saves_nothing(world: World) -> None:
    lesson = make_lesson(world.college.workload)
    save(world, lesson, "5")
    before = JournalHistory.objects.count()
    with pytest.raises(DomainError, match="не отметка"):
        save(world, lesson, "6")
    assert cell(lesson, world.college.student) == (["5"], None)
    assert JournalHistory.objects.count() == before


def test_stale_version_is_refused_with_current_value(world: World) -> None:
    lesson = make_lesson(world.college.workload)
    save(world, lesson, "4", expected="")
    with pytest.raises(DomainError) as error:
        save(world, lesson, "5", expected="")
    assert error.value.message == "Ячейку уже изменил Учителев Пётр Андреевич: сейчас там 4"
    assert cell(lesson, world.college.student) == (["4"], None)


def test_absent_over_a_reason_keeps_the_reason(world: World) -> None:
    lesson = make_lesson(world.college.workload)
    Attendance.objects.create(lesson=lesson, student=world.college.student, code="Б")
    result = save(world, lesson, "н")
    assert result.text == "б"
    assert cell(lesson, world.college.student) == ([], "Б")


def test_student_not_on_roll_is_refused(world: World) -> None:
    lesson = make_lesson(world.college.workload)
    with pytest.raises(DomainError, match="не в списке группы"):
        cell_save(
            actor=world.actor("teacher"),
            lesson=lesson,
            student=world.college.other_student,
            text="5",
        )
    assert not Mark.objects.exists()


def test_transferred_student_is_on_roll_only_in_their_dates(world: World) -> None:
    leaver = make_student(world, "Ушедший", date_to=dt.date(2026, 11, 1))
    before = make_lesson(world.college.workload, dt.date(2026, 11, 1))
    after = make_lesson(world.college.workload, dt.date(2026, 11, 5))
    cell_save(actor=world.actor("teacher"), lesson=before, student=leaver, text="5")
    with pytest.raises(DomainError, match="не в списке группы на 05.11.2026"):
        cell_save(actor=world.actor("teacher"), lesson=after, student=leaver, text="5")


def test_subgroup_journal_needs_subgroup_membership(world: World) -> None:
    workload = world.college.workload
    workload.subgroup = world.college.subgroup
    workload.save()
    outsider = make_student(world, "Неподгруппов")
    lesson = make_lesson(workload)
    save(world, lesson, "5")
    with pytest.raises(DomainError, match="не в списке группы"):
        cell_save(actor=world.actor("teacher"), lesson=lesson, student=outsider, text="5")


def test_other_teacher_and_curator_may_not_save(world: World) -> None:
    lesson = make_lesson(world.college.workload)
    for key, role in (("other_teacher", None), ("curator", "curator"), ("deputy", None)):
        with pytest.raises(NotAllowed):
            cell_save(
                actor=world.actor(key, role),
                lesson=lesson,
                student=world.college.student,
                text="5",
            )
    assert not Mark.objects.exists()


@pytest.mark.parametrize(("days", "locked"), [(30, False), (31, True)])
@pytest.mark.parametrize("clock", [dt.time(23, 59), dt.time(0, 1)])
def test_lock_boundary_in_local_dates(
    world: World, days: int, locked: bool, clock: dt.time
) -> None:
    today = dt.date(2026, 11, 20)
    lesson = make_lesson(world.college.workload, today - dt.timedelta(days=days))
    moment = dt.datetime.combine(today, clock, tzinfo=TOMSK)
    with time_machine.travel(moment, tick=False):
        if locked:
            with pytest.raises(DomainError, match="старше 30 дней"):
                save(world, lesson, "5")
        else:
            save(world, lesson, "5")
    assert Mark.objects.filter(lesson=lesson).exists() is not locked


def test_unlock_lifts_the_age_lock_and_expires(world: World, now: Any) -> None:
    lesson = make_lesson(world.college.workload, TODAY - dt.timedelta(days=40))
    JournalUnlock.objects.create(
        workload=world.college.workload,
        reason="Исправление ошибки",
        valid_until=timezone.now() + dt.timedelta(days=1),
        granted_by=world.user("deputy"),
    )
    save(world, lesson, "5")
    assert JournalHistory.objects.get(entity="mark").reason == "Исправление ошибки"
    now.shift(dt.timedelta(days=2))
    with pytest.raises(DomainError, match="старше 30 дней"):
        save(world, lesson, "4")


def test_closed_sheet_locks_the_semester(world: World) -> None:
    lesson = make_lesson(world.college.workload)
    AttestationSheet.objects.create(
        group=world.college.group,
        item=world.college.mdk,
        period=world.college.semester1,
        form="diff_credit",
        status=AttestationSheet.Status.CLOSED,
    )
    with pytest.raises(DomainError, match="Ведомость за этот семестр закрыта"):
        save(world, lesson, "5")


def test_mark_update_kind_and_comment(world: World) -> None:
    lesson = make_lesson(world.college.workload)
    save(world, lesson, "5")
    mark = Mark.objects.get()
    from otmetka.journal.models import WorkKind

    control = WorkKind.objects.get(organization=world.org, name="Контрольная работа")
    mark_update(actor=world.actor("teacher"), mark=mark, work_kind_id=control.pk, comment="Молодец")
    mark.refresh_from_db()
    assert (mark.work_kind_id, mark.comment, mark.version) == (control.pk, "Молодец", 2)
    row = JournalHistory.objects.order_by("-id").first()
    assert row is not None and row.new == {"work_kind": control.pk, "comment": "Молодец"}


def test_history_rows_equal_successful_writes(world: World) -> None:
    lesson = make_lesson(world.college.workload)
    writes = 0
    for text, expected_writes in (("5", 1), ("5", 0), ("6", 0), ("4/5", 2), ("н", 3), ("", 1)):
        try:
            result = save(world, lesson, text)
        except DomainError:
            continue
        writes += expected_writes
        assert result.changed is bool(expected_writes)
    assert JournalHistory.objects.count() == writes == 7


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_make_one_row(transactional_db: None, world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: row locks are tested on PostgreSQL")
    lesson = make_lesson(world.college.workload)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def worker() -> None:
        try:
            barrier.wait()
            save(world, lesson, "5", expected="")
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Mark.objects.filter(lesson=lesson).count() == 1
    assert outcomes.count("ok") == 1
    assert JournalHistory.objects.filter(entity="mark").count() == 1


def _race(world: World, lesson: Lesson, texts: tuple[str, ...], expected: str) -> dict[str, str]:
    """Save each text from its own thread and connection at the same moment: text → outcome."""
    outcomes: dict[str, str] = {}
    barrier = threading.Barrier(len(texts))

    def worker(text: str) -> None:
        try:
            barrier.wait()
            save(world, lesson, text, expected=expected)
            outcomes[text] = "ok"
        except DomainError as error:
            outcomes[text] = error.message
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(text,)) for text in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_racing_saves_against_one_version_let_exactly_one_win(
    transactional_db: None, world: World
) -> None:
    """Issue 10: «4/5» and «3», both typed over «4», never end as «3/5» (nobody wrote that).

    Two real connections, many rounds: one save wins, the other is refused with the value the
    winner left.
    """
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: row locks are tested on PostgreSQL")
    lesson = make_lesson(world.college.workload)
    for _round in range(40):
        save(world, lesson, "4")
        outcomes = _race(world, lesson, ("4/5", "3"), expected="4")
        winners = [text for text, outcome in outcomes.items() if outcome == "ok"]
        assert len(winners) == 1, outcomes
        winner = winners[0]
        loser = "3" if winner == "4/5" else "4/5"
        marks, _code = cell(lesson, world.college.student)
        assert sorted(marks) == sorted(winner.split("/"))
        assert f"сейчас там {winner}" in outcomes[loser]
        Mark.objects.filter(lesson=lesson).delete()
