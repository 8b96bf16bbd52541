"""The lesson's room (кабинет) follows the timetable: planned from it, moved with it."""

from __future__ import annotations

import datetime as dt

import pytest

from otmetka.journal.models import Lesson
from otmetka.journal.services.lessons import lessons_set_rooms
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.org.models import Room
from otmetka.schedule.services import changes as services
from otmetka.schedule.tests.test_generation_services import (
    NEXT_TUESDAY,
    TUESDAY,
    bells,
    entry,
    generate,
)
from otmetka.test import World


@pytest.fixture
def room_301(world: World) -> Room:
    return Room.objects.create(organization=world.org, number="301")


def test_planned_lessons_take_the_timetable_room(world: World) -> None:
    bells(world)
    timetable = entry(world)
    generate(world, TUESDAY, NEXT_TUESDAY)
    rooms = set(Lesson.objects.values_list("room_id", flat=True))
    assert rooms == {timetable.room_id}


def test_regeneration_moves_planned_lessons_to_the_new_room_but_not_held_ones(
    world: World, room_301: Room
) -> None:
    bells(world)
    timetable = entry(world)
    generate(world, TUESDAY, NEXT_TUESDAY)
    Lesson.objects.filter(date=TUESDAY).update(status=Lesson.Status.HELD)
    timetable.room = room_301
    timetable.save()
    report = generate(world, TUESDAY, NEXT_TUESDAY)
    assert report.rooms == 1 and report.changed
    rooms = dict(Lesson.objects.values_list("date", "room__number"))
    assert rooms == {TUESDAY: "214", NEXT_TUESDAY: "301"}
    assert not generate(world, TUESDAY, NEXT_TUESDAY).changed


def test_a_move_to_another_room_moves_the_planned_lesson_at_once_and_back(
    world: World, room_301: Room
) -> None:
    bells(world)
    timetable = entry(world)
    generate(world, TUESDAY, TUESDAY)
    change = services.change_move(
        actor=world.actor("dispatcher"),
        entry=timetable,
        date=TUESDAY,
        room=room_301,
        reason="Ремонт",
    )
    assert Lesson.objects.get(date=TUESDAY).room == room_301
    services.change_delete(actor=world.actor("dispatcher"), change=change)
    assert Lesson.objects.get(date=TUESDAY).room_id == timetable.room_id


def test_an_extra_pair_is_planned_in_its_room(world: World, room_301: Room) -> None:
    bells(world)
    entry(world)
    services.change_extra(
        actor=world.actor("dispatcher"),
        workload=world.college.workload,
        date=TUESDAY,
        pair_number=4,
        room=room_301,
        reason="Отработка",
    )
    generate(world, TUESDAY, TUESDAY)
    assert Lesson.objects.get(date=TUESDAY, pair_number=4).room == room_301


def test_setting_rooms_needs_the_timetable_right_and_a_room_of_the_college(
    world: World,
) -> None:
    bells(world)
    entry(world)
    generate(world, TUESDAY, TUESDAY)
    planned = Lesson.objects.get(date=TUESDAY)
    with pytest.raises(NotAllowed):
        lessons_set_rooms(actor=world.actor("teacher"), rooms={planned.pk: None})
    foreign = Room.objects.create(organization=world.stranger.organization, number="999")
    with pytest.raises(DomainError):
        lessons_set_rooms(actor=world.actor("dispatcher"), rooms={planned.pk: foreign.pk})
    assert lessons_set_rooms(actor=world.actor("dispatcher"), rooms={planned.pk: None}) == 1
    assert Lesson.objects.get(pk=planned.pk).room is None
    assert planned.date == dt.date(2026, 11, 17)
