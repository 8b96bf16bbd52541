"""Lessons from the timetable: planning, idempotence, regeneration safety, changes, rights."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from otmetka.accounts.models import User
from otmetka.journal.models import JournalHistory, Lesson, Mark, Substitution, WorkKind
from otmetka.journal.services.lessons import PlannedLessonRow, lessons_plan, lessons_unplan
from otmetka.lib.errors import NotAllowed
from otmetka.org.models import BellSchedule, Pair, Room
from otmetka.schedule.models import ScheduleChange, TimetableEntry, WeekParity
from otmetka.schedule.services.generation import lessons_generate
from otmetka.test import World

TUESDAY = dt.date(2026, 11, 17)  # week 12 of the year: even
NEXT_TUESDAY = dt.date(2026, 11, 24)  # week 13: odd


def bells(world: World) -> BellSchedule:
    schedule = BellSchedule.objects.create(organization=world.org, name="Основное", is_default=True)
    for number in range(1, 5):
        Pair.objects.create(
            bell_schedule=schedule,
            number=number,
            starts_at=dt.time(8 + 2 * (number - 1), 30),
            ends_at=dt.time(10 + 2 * (number - 1), 0),
        )
    return schedule


def entry(world: World, **fields: Any) -> TimetableEntry:
    values: dict[str, Any] = {
        "workload": world.college.workload,
        "weekday": 2,
        "pair_number": 2,
        "room": Room.objects.get(organization=world.org, number="214"),
        "parity": WeekParity.EVERY,
        "valid_from": dt.date(2026, 9, 1),
        "valid_to": dt.date(2027, 6, 30),
    }
    values.update(fields)
    return TimetableEntry.objects.create(**values)


def generate(world: World, date_from: dt.date, date_to: dt.date, **kwargs: Any) -> Any:
    return lessons_generate(
        actor=world.actor("dispatcher"),
        organization_id=world.org.pk,
        date_from=date_from,
        date_to=date_to,
        **kwargs,
    )


def keys(world: World) -> list[tuple[dt.date, int | None, str, str]]:
    return list(
        Lesson.objects.filter(workload__group__organization=world.org)
        .order_by("date", "pair_number")
        .values_list("date", "pair_number", "status", "source")
    )


def test_planned_lesson_per_slot_with_parity(world: World) -> None:
    bells(world)
    entry(world)
    entry(world, weekday=4, pair_number=1, parity=WeekParity.ODD)  # Thursdays of odd weeks
    report = generate(world, dt.date(2026, 11, 16), dt.date(2026, 11, 29))
    assert report.created == 3
    assert keys(world) == [
        (TUESDAY, 2, "planned", "timetable"),
        (NEXT_TUESDAY, 2, "planned", "timetable"),
        (dt.date(2026, 11, 26), 1, "planned", "timetable"),
    ]
    lesson = Lesson.objects.get(date=TUESDAY)
    assert lesson.teacher == world.college.workload.teacher
    assert JournalHistory.objects.filter(lesson_ref=lesson.pk, action="create").exists()


def test_holidays_skipped_and_dates_outside_semester_refused(world: World) -> None:
    bells(world)
    entry(world)
    report = generate(world, dt.date(2026, 12, 21), dt.date(2027, 1, 19))
    dates = [row[0] for row in keys(world)]
    # 29.12 and 05.01 are holidays; the spring semester starts 12.01.
    assert dates == [dt.date(2026, 12, 22), dt.date(2027, 1, 12), dt.date(2027, 1, 19)]
    assert report.refused == []


def test_second_run_creates_nothing(world: World) -> None:
    bells(world)
    entry(world)
    first = generate(world, dt.date(2026, 11, 16), dt.date(2026, 12, 28))
    assert first.created == 6
    second = generate(world, dt.date(2026, 11, 16), dt.date(2026, 12, 28))
    assert (second.created, second.removed, second.cancelled) == (0, 0, 0)
    assert not second.changed
    assert Lesson.objects.count() == 6


def test_queries_do_not_grow_with_entries(world: World, django_assert_max_num_queries: Any) -> None:
    bells(world)
    entry(world)
    entry(world, workload=world.college.other_workload, weekday=3)
    entry(world, weekday=5, pair_number=3)
    dispatcher = world.actor("dispatcher")
    dispatcher.has("timetable.edit")  # rights are read once per request, before the service
    # 16: savepoint; timetable: periods, the bells (one union: weekdays, dates, pairs),
    # changes, entries; the lessons;
    # savepoint; plan: workloads, periods, lessons, teachers, closed sheets, insert lessons,
    # insert history; releases.
    with django_assert_max_num_queries(16):
        report = lessons_generate(
            actor=dispatcher,
            organization_id=world.org.pk,
            date_from=dt.date(2026, 11, 16),
            date_to=dt.date(2026, 12, 12),
        )
    assert report.created == 12


def test_regeneration_after_move_keeps_lesson_with_marks(world: World) -> None:
    bells(world)
    moved = entry(world)
    generate(world, dt.date(2026, 11, 16), dt.date(2026, 11, 29))
    marked = Lesson.objects.get(date=TUESDAY)
    Mark.objects.create(
        lesson=marked,
        student=world.college.student,
        value="5",
        work_kind=WorkKind.objects.create(organization=world.org, name="Ответ", short_name="О"),
    )
    moved.pair_number = 3
    moved.save()
    report = generate(world, dt.date(2026, 11, 16), dt.date(2026, 11, 29))
    assert report.created == 2
    assert report.removed == 1  # 24.11 pair 2 had nothing in it
    assert report.kept == [
        "Занятие 17.11.2026, 2 пара, ИС-21 МДК.01.01 Разработка программных модулей "
        "не удалено: в нём есть отметки"
    ] or report.kept[0].startswith("Занятие 17.11.2026, 2 пара, ИС-21")
    assert "не удалено: в нём есть отметки" in report.kept[0]
    assert Lesson.objects.filter(pk=marked.pk).exists()
    assert [(d, p) for d, p, _s, _src in keys(world)] == [
        (TUESDAY, 2),
        (TUESDAY, 3),
        (NEXT_TUESDAY, 3),
    ]


def test_cancelled_change_cancels_the_lesson(world: World) -> None:
    bells(world)
    planned = entry(world)
    generate(world, dt.date(2026, 11, 16), dt.date(2026, 11, 29))
    ScheduleChange.objects.create(
        organization=world.org,
        date=NEXT_TUESDAY,
        kind=ScheduleChange.Kind.CANCEL,
        entry=planned,
        workload=planned.workload,
        reason="Болезнь",
    )
    report = generate(world, dt.date(2026, 11, 16), dt.date(2026, 11, 29))
    assert report.cancelled == 1
    assert Lesson.objects.get(date=NEXT_TUESDAY).status == Lesson.Status.CANCELLED
    again = generate(world, dt.date(2026, 11, 16), dt.date(2026, 11, 29))
    assert not again.changed


def test_replaced_teacher_gives_substitution(world: World) -> None:
    bells(world)
    planned = entry(world)
    substitute = world.college.employees["other_teacher"]
    ScheduleChange.objects.create(
        organization=world.org,
        date=TUESDAY,
        kind=ScheduleChange.Kind.REPLACE_TEACHER,
        entry=planned,
        workload=planned.workload,
        teacher=substitute,
        reason="Курсы",
    )
    generate(world, dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    lesson = Lesson.objects.get(date=TUESDAY)
    assert lesson.teacher == substitute
    substitution = Substitution.objects.get(lesson=lesson)
    assert substitution.absent_teacher == world.college.workload.teacher
    assert substitution.reason == "Курсы"


def test_replacement_after_planning_sets_substitution(world: World) -> None:
    bells(world)
    planned = entry(world)
    generate(world, dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    substitute = world.college.employees["other_teacher"]
    ScheduleChange.objects.create(
        organization=world.org,
        date=TUESDAY,
        kind=ScheduleChange.Kind.REPLACE_TEACHER,
        entry=planned,
        workload=planned.workload,
        teacher=substitute,
        reason="Курсы",
    )
    report = generate(world, dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    assert report.substituted == 1
    assert Lesson.objects.get(date=TUESDAY).teacher == substitute


def test_manual_lessons_untouched(world: World) -> None:
    bells(world)
    entry(world)
    manual = Lesson.objects.create(
        workload=world.college.workload,
        date=dt.date(2026, 11, 16),
        pair_number=1,
        teacher=world.college.workload.teacher,
        topic_text="Вводное",
    )
    same_pair = Lesson.objects.create(
        workload=world.college.workload,
        date=TUESDAY,
        pair_number=2,
        teacher=world.college.workload.teacher,
    )
    report = generate(world, dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    assert (report.created, report.removed, report.refused) == (0, 0, [])
    assert set(Lesson.objects.values_list("pk", flat=True)) == {manual.pk, same_pair.pk}


def test_dry_run_writes_nothing(world: World) -> None:
    bells(world)
    entry(world)
    report = generate(world, dt.date(2026, 11, 16), dt.date(2026, 11, 29), dry_run=True)
    assert report.created == 2
    assert not Lesson.objects.exists()


def test_teacher_may_not_generate(world: World) -> None:
    with pytest.raises(NotAllowed):
        lessons_generate(
            actor=world.actor("teacher"),
            organization_id=world.org.pk,
            date_from=TUESDAY,
            date_to=TUESDAY,
        )
    with pytest.raises(NotAllowed):
        lessons_plan(actor=world.actor("teacher"), rows=[])


def test_plan_refuses_holidays_and_other_college(world: World) -> None:
    row = PlannedLessonRow(
        workload_id=world.college.workload.pk, date=dt.date(2026, 12, 30), pair_number=1
    )
    outcome = lessons_plan(actor=world.actor("dispatcher"), rows=[row])
    assert outcome.created == []
    assert outcome.refused == [
        "Занятие 30.12.2026, 1 пара, ИС-21 " + outcome.refused[0].split("ИС-21 ", 1)[1]
    ]
    assert outcome.refused[0].endswith("Эта дата приходится на каникулы.")
    stranger = PlannedLessonRow(workload_id=world.stranger.workload.pk, date=TUESDAY, pair_number=1)
    with pytest.raises(NotAllowed):
        lessons_plan(actor=world.actor("dispatcher"), rows=[stranger])
    assert not Lesson.objects.exists()


def test_unplan_keeps_lessons_with_a_topic(world: World) -> None:
    lesson = Lesson.objects.create(
        workload=world.college.workload,
        date=TUESDAY,
        pair_number=2,
        teacher=world.college.workload.teacher,
        status=Lesson.Status.PLANNED,
        source=Lesson.Source.TIMETABLE,
        topic_text="Циклы",
    )
    kept = lessons_unplan(actor=world.actor("dispatcher"), lesson_ids=[lesson.pk])
    assert len(kept) == 1 and kept[0].endswith("не удалено: в нём указана тема")
    assert Lesson.objects.filter(pk=lesson.pk).exists()


def test_generate_page(world: World) -> None:
    bells(world)
    entry(world)
    url = reverse("schedule:generate")
    assert world.client_for("teacher").get(url).status_code == 403
    client = world.client_for("dispatcher")
    assert client.get(url).status_code == 200
    response = client.post(url, {"date_from": "2026-11-16", "date_to": "2026-11-29"})
    assert response.status_code == 200
    assert "создано" in response.content.decode()
    assert response.context["report"].created == 2
    bad = client.post(url, {"date_from": "2026-11-29", "date_to": "2026-11-16"})
    assert "Дата окончания раньше даты начала." in bad.content.decode()
    assert Lesson.objects.count() == 2


def test_command_is_idempotent(world: World) -> None:
    bells(world)
    entry(world)
    user = User.objects.get(pk=world.user("dispatcher").pk)
    args = ["--from", "2026-11-16", "--to", "2026-11-29", "--as", user.username]
    call_command("generate_lessons", *args, "--dry-run", stdout=_Sink())
    assert not Lesson.objects.exists()
    call_command("generate_lessons", *args, stdout=_Sink())
    call_command("generate_lessons", *args, stdout=_Sink())
    assert Lesson.objects.count() == 2


class _Sink:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass
