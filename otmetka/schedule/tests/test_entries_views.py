"""Timetable grid pages: rights, editing through the forms, query budgets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from otmetka.schedule.models import TimetableEntry
from otmetka.schedule.tests.factories_entries import make_bells, make_entry, make_room
from otmetka.test import World

pytestmark = pytest.mark.django_db


def week(group_id: int) -> str:
    return reverse("schedule:group_week", kwargs={"group_id": group_id})


def test_dispatcher_adds_a_pair_through_the_grid(world: World) -> None:
    make_bells(world.org)
    client = world.client_for("dispatcher")
    group = world.college.group
    assert client.get(week(group.pk)).status_code == 200
    response = client.post(
        reverse("schedule:entry_create", kwargs={"group_id": group.pk}),
        {
            "workload": world.college.workload.pk,
            "weekday": 2,
            "pair_number": 3,
            "room": "",
            "parity": "every",
            "valid_from": "2026-11-16",
            "valid_to": "2026-12-28",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Пара добавлена в расписание." in response.content.decode()
    assert "МДК.01.01" in response.content.decode()
    assert TimetableEntry.objects.filter(weekday=2, pair_number=3).exists()


def test_conflict_is_refused_with_the_message_next_to_the_form(world: World) -> None:
    make_bells(world.org)
    room = world.org.rooms.get(number="214")
    make_entry(world.college.other_workload, weekday=2, pair_number=3, room=room)
    client = world.client_for("dispatcher")
    response = client.post(
        reverse("schedule:entry_create", kwargs={"group_id": world.college.group.pk}),
        {
            "workload": world.college.workload.pk,
            "weekday": 2,
            "pair_number": 9,
            "room": room.pk,
            "parity": "every",
            "valid_from": "2026-11-16",
            "valid_to": "2026-12-28",
        },
    )
    assert response.status_code == 200
    assert "В расписании звонков на вторник нет 9-й пары" in response.content.decode()
    response = client.post(
        reverse("schedule:entry_create", kwargs={"group_id": world.college.group.pk}),
        {
            "workload": world.college.workload.pk,
            "weekday": 2,
            "pair_number": 3,
            "room": room.pk,
            "parity": "every",
            "valid_from": "2026-11-16",
            "valid_to": "2026-12-28",
        },
    )
    assert "Кабинет 214 занят группой ИС-22 во вторник, 3 пара" in response.content.decode()
    assert TimetableEntry.objects.count() == 1


def test_edit_and_delete(world: World) -> None:
    make_bells(world.org)
    entry = make_entry(world.college.workload)
    client = world.client_for("dispatcher")
    url = reverse("schedule:entry_edit", kwargs={"entry_id": entry.pk})
    assert client.get(url).status_code == 200
    client.post(
        url,
        {
            "workload": entry.workload_id,
            "weekday": 4,
            "pair_number": 2,
            "room": "",
            "parity": "odd",
            "valid_from": "2026-09-01",
            "valid_to": "2026-12-28",
        },
    )
    entry.refresh_from_db()
    assert (entry.weekday, entry.parity) == (4, "odd")
    client.post(reverse("schedule:entry_delete", kwargs={"entry_id": entry.pk}))
    assert not TimetableEntry.objects.exists()


def test_copy_week_and_clear_day_buttons(world: World) -> None:
    make_bells(world.org)
    group = world.college.group
    make_entry(world.college.workload, weekday=1, valid_to=dt.date(2026, 11, 22))
    client = world.client_for("dispatcher")
    client.post(
        reverse("schedule:week_copy", kwargs={"group_id": group.pk}),
        {"source": "2026-11-16", "target": "2026-11-23"},
    )
    assert TimetableEntry.objects.filter(valid_from=dt.date(2026, 11, 23)).count() == 1
    client.post(
        reverse("schedule:day_clear", kwargs={"group_id": group.pk}),
        {"weekday": 1, "on": "2026-11-30", "confirm": "1"},
    )
    copy = TimetableEntry.objects.get(valid_from=dt.date(2026, 11, 23))
    assert copy.valid_to == dt.date(2026, 11, 29)


def test_editing_rights(world: World) -> None:
    entry = make_entry(world.college.workload)
    group = world.college.group
    edit = reverse("schedule:entry_edit", kwargs={"entry_id": entry.pk})
    assert world.client_for("deputy").get(edit).status_code == 200
    assert world.client_for("teacher").get(edit).status_code == 403
    assert world.client_for(world.stranger.users["dispatcher"]).get(edit).status_code == 404
    create = reverse("schedule:entry_create", kwargs={"group_id": group.pk})
    assert world.client_for("teacher").get(create).status_code == 403
    assert world.client_for(world.stranger.users["dispatcher"]).get(create).status_code == 404
    delete = reverse("schedule:entry_delete", kwargs={"entry_id": entry.pk})
    assert world.client_for("teacher").post(delete).status_code == 403
    assert world.client_for("dispatcher").get(delete).status_code == 405
    for name in ("week_copy", "day_clear"):
        url = reverse(f"schedule:{name}", kwargs={"group_id": group.pk})
        assert world.client_for("teacher").post(url).status_code == 403
        assert world.client_for(world.stranger.users["dispatcher"]).post(url).status_code == 404
    assert TimetableEntry.objects.filter(pk=entry.pk).exists()


def test_reading_rights(world: World) -> None:
    college = world.college
    teacher, other = college.employees["teacher"], college.employees["other_teacher"]
    own = reverse("schedule:teacher_week", kwargs={"employee_id": teacher.pk})
    other_url = reverse("schedule:teacher_week", kwargs={"employee_id": other.pk})
    assert world.client_for("teacher").get(own).status_code == 200
    assert world.client_for("teacher").get(other_url).status_code == 404
    assert world.client_for("dispatcher").get(other_url).status_code == 200
    assert world.client_for(world.stranger.users["dispatcher"]).get(own).status_code == 404
    student = world.client_for("student")
    assert student.get(week(college.group.pk)).status_code == 200
    assert student.get(week(college.other_group.pk)).status_code == 404
    assert (
        world.client_for(world.stranger.users["student"]).get(week(college.group.pk)).status_code
        == 404
    )
    room = world.org.rooms.get(number="214")
    room_url = reverse("schedule:room_week", kwargs={"room_id": room.pk})
    assert world.client_for("dispatcher").get(room_url).status_code == 200
    assert world.client_for("student").get(room_url).status_code == 404
    assert world.client_for(world.stranger.users["dispatcher"]).get(room_url).status_code == 404
    assert world.client_for("student").get(reverse("schedule:group_list")).status_code == 200
    assert world.client_for("teacher").get(reverse("schedule:conflicts")).status_code == 403
    assert world.client_for("dispatcher").get(reverse("schedule:conflicts")).status_code == 200
    hours = reverse("schedule:hours_balance")
    assert world.client_for("director").get(hours).status_code == 200
    assert world.client_for("teacher").get(hours).status_code == 403


def test_group_list_shows_only_visible_groups(world: World) -> None:
    body = world.client_for("student").get(reverse("schedule:group_list")).content.decode()
    assert "ИС-21" in body and "ИС-22" not in body


def test_conflicts_page_lists_clashes(world: World) -> None:
    room = make_room(world.org, "301")
    make_entry(world.college.workload, room=room)
    make_entry(world.college.other_workload, room=room)
    body = world.client_for("dispatcher").get(reverse("schedule:conflicts")).content.decode()
    assert "Кабинет 301 занят группой" in body


def test_group_week_query_budget_constant(world: World, django_assert_num_queries: Any) -> None:
    make_bells(world.org)
    client = world.client_for("dispatcher")
    url = week(world.college.group.pk) + "?week=2026-11-16"
    client.get(url)
    make_entry(world.college.workload)
    # Queries: session, user, role assignments, the group, the week's academic
    # year, the weekly bells (one union of weekday bells and pairs), the entries (joined with
    # line, group, item, subgroup, teacher, room), then the add form's workload and room
    # choices.
    with django_assert_num_queries(BUDGET):
        assert client.get(url).status_code == 200
    for weekday in range(2, 7):
        for pair in range(1, 4):
            make_entry(world.college.workload, weekday=weekday, pair_number=pair)
    with django_assert_num_queries(BUDGET):
        body = client.get(url).content.decode()
    assert body.count("<strong>МДК.01.01</strong>") == 16


BUDGET = 9
