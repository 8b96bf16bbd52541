"""Departments, rooms, bell schedules and pairs: rules, messages, audit rows."""

from __future__ import annotations

from typing import Any

import pytest

from otmetka.accounts.models import RoleAssignment
from otmetka.accounts.roles import Role
from otmetka.audit.models import AuditEvent
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.org import services
from otmetka.org.models import BellSchedule, Department, Pair, Room
from otmetka.org.tests.factories import make_bells, t
from otmetka.people.models import Employee
from otmetka.test import World


def state(model: Any, **filters: Any) -> tuple[list[dict[str, Any]], int]:
    return list(model.objects.filter(**filters).order_by("pk").values()), AuditEvent.objects.count()


# --- Departments ---------------------------------------------------------------------------------


def test_department_create_update_delete_are_audited(world: World) -> None:
    admin = world.actor("admin")
    department = services.department_create(actor=admin, name=" Заочное отделение ",
                                            form_of_study="part_time")
    assert department.name == "Заочное отделение"
    services.department_update(actor=admin, department=department, name="Заочное отделение",
                               form_of_study="mixed")
    pk = department.pk
    services.department_delete(actor=admin, department=department)
    assert not Department.objects.filter(pk=pk).exists()
    events = AuditEvent.objects.filter(object_type="org.department", object_id=str(pk))
    assert list(events.order_by("id").values_list("action", flat=True)) == [
        "create", "update", "delete"
    ]
    assert events.get(action="update").changes == {"form_of_study": ["part_time", "mixed"]}


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"name": ""}, "name", "Укажите название отделения"),
    ({"name": "очное отделение"}, "name", "Отделение «очное отделение» уже есть"),
    ({"form_of_study": "evening"}, "form_of_study", "Выберите форму обучения"),
])
def test_bad_department_is_refused(
    world: World, values: dict[str, Any], field: str, message: str
) -> None:
    before = state(Department, organization=world.org)
    with pytest.raises(DomainError) as refused:
        services.department_create(actor=world.actor("admin"),
                                   **{"name": "Заочное", "form_of_study": "part_time", **values})
    assert message in refused.value.message
    assert refused.value.field == field
    assert state(Department, organization=world.org) == before


def test_the_same_department_name_is_fine_in_another_college(world: World) -> None:
    department = services.department_create(actor=world.actor(world.stranger.users["admin"]),
                                            name="Заочное отделение", form_of_study="part_time")
    assert department.organization_id == world.stranger.organization.pk
    services.department_create(actor=world.actor("admin"), name="Заочное отделение",
                               form_of_study="part_time")


def _empty_department(world: World) -> Department:
    return Department.objects.create(organization=world.org, name="Заочное отделение")


def test_department_in_use_is_not_deleted(world: World) -> None:
    admin = world.actor("admin")
    used = world.college.department
    before = state(Department, organization=world.org)
    with pytest.raises(DomainError) as refused:
        services.department_delete(actor=admin, department=used)
    assert refused.value.message == (
        "Отделение «Очное отделение» нельзя удалить: к нему относятся группы."
    )
    assert state(Department, organization=world.org) == before

    spare = _empty_department(world)
    world.college.program.department = spare
    world.college.program.save()
    with pytest.raises(DomainError, match="к нему относятся специальности"):
        services.department_delete(actor=admin, department=spare)
    world.college.program.department = used
    world.college.program.save()

    Employee.objects.filter(pk=world.college.employees["hr"].pk).update(department=spare)
    with pytest.raises(DomainError, match="к нему относятся сотрудники"):
        services.department_delete(actor=admin, department=spare)
    Employee.objects.filter(department=spare).update(department=used)

    # A department head bound to it would otherwise see the whole college.
    RoleAssignment.objects.filter(user=world.user("head"), role=Role.DEPT_HEAD).update(
        department=spare
    )
    with pytest.raises(DomainError, match="к нему привязан заведующий отделением"):
        services.department_delete(actor=admin, department=spare)
    assert Department.objects.filter(pk=spare.pk).exists()


def test_stranger_and_reader_may_not_change_departments(world: World) -> None:
    spare = _empty_department(world)
    with pytest.raises(NotAllowed):
        services.department_delete(
            actor=world.actor(world.stranger.users["admin"]), department=spare
        )
    with pytest.raises(NotAllowed):
        services.department_update(actor=world.actor("head"), department=spare, name="Другое",
                                   form_of_study="full_time")
    spare.refresh_from_db()
    assert spare.name == "Заочное отделение"


# --- Rooms ---------------------------------------------------------------------------------------

ROOM: dict[str, Any] = {"number": "301", "name": "Лаборатория программирования", "kind": "computer",
        "capacity": 15, "building": ""}


def test_room_create_update_delete_are_audited(world: World) -> None:
    deputy = world.actor("deputy")
    room = services.room_create(actor=deputy, **ROOM)
    services.room_update(actor=deputy, room=room, **{**ROOM, "capacity": 16})
    pk = room.pk
    services.room_delete(actor=deputy, room=room)
    assert not Room.objects.filter(pk=pk).exists()
    events = AuditEvent.objects.filter(object_type="org.room", object_id=str(pk))
    assert list(events.order_by("id").values_list("action", flat=True)) == [
        "create", "update", "delete"
    ]
    assert events.get(action="update").changes == {"capacity": [15, 16]}


def test_room_numbers_are_unique_per_building(world: World) -> None:
    deputy = world.actor("deputy")
    services.room_create(actor=deputy, **{**ROOM, "number": "214", "building": "Корпус 2"})
    services.room_create(actor=deputy, **{**ROOM, "number": "214а"})
    with pytest.raises(DomainError) as refused:
        services.room_create(actor=deputy, **{**ROOM, "number": "214А"})
    assert refused.value.message == "Кабинет 214А уже есть."


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"number": "214"}, "number", "Кабинет 214 уже есть."),
    ({"number": " "}, "number", "Укажите номер кабинета"),
    ({"capacity": 0}, "capacity", "Вместимость кабинета — от 1 до 500 мест."),
    ({"capacity": 501}, "capacity", "Вместимость кабинета — от 1 до 500 мест."),
    ({"kind": "pool"}, "kind", "Выберите вид помещения"),
])
def test_bad_room_is_refused(
    world: World, values: dict[str, Any], field: str, message: str
) -> None:
    before = state(Room, organization=world.org)
    with pytest.raises(DomainError) as refused:
        services.room_create(actor=world.actor("deputy"), **{**ROOM, **values})
    assert refused.value.message == message or message in refused.value.message
    assert refused.value.field == field
    assert state(Room, organization=world.org) == before


def test_duplicate_room_in_a_building_is_refused_on_update(world: World) -> None:
    deputy = world.actor("deputy")
    services.room_create(actor=deputy, **{**ROOM, "number": "101", "building": "Корпус 2"})
    other = services.room_create(actor=deputy, **{**ROOM, "number": "102",
                                                  "building": "Корпус 2"})
    with pytest.raises(DomainError) as refused:
        services.room_update(actor=deputy, room=other,
                             **{**ROOM, "number": "101", "building": "корпус 2"})
    assert refused.value.message == "Кабинет 101 уже есть в корпусе «корпус 2»."
    other.refresh_from_db()
    assert other.number == "102"


def test_stranger_may_not_touch_rooms(world: World) -> None:
    room = Room.objects.get(organization=world.org, number="214")
    with pytest.raises(NotAllowed):
        services.room_delete(actor=world.actor(world.stranger.users["deputy"]), room=room)
    with pytest.raises(NotAllowed):
        services.room_create(actor=world.actor("dispatcher"), **ROOM)
    assert Room.objects.filter(pk=room.pk).exists()


# --- Bell schedules ------------------------------------------------------------------------------


def test_first_schedule_is_the_default(world: World) -> None:
    deputy = world.actor("deputy")
    first = services.bell_schedule_create(actor=deputy, name="Понедельник — пятница")
    assert first.is_default
    second = services.bell_schedule_create(actor=deputy, name="Суббота")
    assert not second.is_default
    assert AuditEvent.objects.filter(object_type="org.bellschedule", action="create").count() == 2


def test_a_second_default_schedule_takes_the_place_of_the_first(world: World) -> None:
    deputy = world.actor("deputy")
    weekdays = make_bells(world.org)
    make_bells(world.stranger.organization)
    saturday = services.bell_schedule_create(actor=deputy, name="Суббота", is_default=True)
    weekdays.refresh_from_db()
    assert saturday.is_default and not weekdays.is_default
    # The other college's default stays.
    assert BellSchedule.objects.get(organization=world.stranger.organization).is_default
    unset = AuditEvent.objects.get(object_type="org.bellschedule", action="update",
                                   object_id=str(weekdays.pk))
    assert unset.changes == {"is_default": [True, False]}
    # And back, through an update.
    services.bell_schedule_update(actor=deputy, bell_schedule=weekdays,
                                  name="Понедельник — пятница", is_default=True)
    saturday.refresh_from_db()
    assert not saturday.is_default
    assert BellSchedule.objects.filter(organization=world.org, is_default=True).count() == 1


def test_the_default_cannot_just_be_unset_or_deleted(world: World) -> None:
    deputy = world.actor("deputy")
    weekdays = make_bells(world.org)
    make_bells(world.org, "Суббота", is_default=False, pairs=(("08:30", "10:00"),))
    before = state(BellSchedule, organization=world.org)
    with pytest.raises(DomainError) as refused:
        services.bell_schedule_update(actor=deputy, bell_schedule=weekdays,
                                      name="Понедельник — пятница", is_default=False)
    assert refused.value.field == "is_default"
    assert "отметьте основным другое" in refused.value.message
    with pytest.raises(DomainError, match="Нельзя удалить основное расписание звонков"):
        services.bell_schedule_delete(actor=deputy, bell_schedule=weekdays)
    assert state(BellSchedule, organization=world.org) == before


def test_bell_schedule_delete_takes_its_pairs_and_is_audited(world: World) -> None:
    deputy = world.actor("deputy")
    make_bells(world.org)
    saturday = make_bells(world.org, "Суббота", is_default=False)
    pk = saturday.pk
    services.bell_schedule_delete(actor=deputy, bell_schedule=saturday)
    assert not Pair.objects.filter(bell_schedule_id=pk).exists()
    assert AuditEvent.objects.filter(object_type="org.bellschedule", action="delete",
                                     object_id=str(pk)).exists()
    assert AuditEvent.objects.filter(object_type="org.pair", action="delete").count() == 3


@pytest.mark.parametrize(("name", "message"), [
    ("", "Укажите название расписания звонков"),
    ("понедельник — пятница", "Расписание звонков «понедельник — пятница» уже есть"),
])
def test_bad_schedule_name_is_refused(world: World, name: str, message: str) -> None:
    make_bells(world.org)
    before = state(BellSchedule, organization=world.org)
    with pytest.raises(DomainError) as refused:
        services.bell_schedule_create(actor=world.actor("deputy"), name=name)
    assert message in refused.value.message
    assert state(BellSchedule, organization=world.org) == before


# --- Pairs ---------------------------------------------------------------------------------------


def test_pairs_are_added_in_order_and_changed_in_place(world: World) -> None:
    deputy = world.actor("deputy")
    bells = services.bell_schedule_create(actor=deputy, name="Понедельник — пятница")
    first = services.pair_set(actor=deputy, bell_schedule=bells, number=1,
                              starts_at=t("08:30"), ends_at=t("10:00"))
    services.pair_set(actor=deputy, bell_schedule=bells, number=2, starts_at=t("10:10"),
                      ends_at=t("11:40"))
    same = services.pair_set(actor=deputy, bell_schedule=bells, number=1, starts_at=t("08:00"),
                             ends_at=t("09:30"))
    assert same.pk == first.pk
    assert list(bells.pairs.values_list("number", "starts_at")) == [
        (1, t("08:00")), (2, t("10:10"))
    ]
    events = AuditEvent.objects.filter(object_type="org.pair")
    assert list(events.order_by("id").values_list("action", flat=True)) == [
        "create", "create", "update"
    ]
    assert events.get(action="update").changes == {
        "starts_at": ["08:30:00", "08:00:00"], "ends_at": ["10:00:00", "09:30:00"]
    }


@pytest.mark.parametrize(("number", "starts_at", "ends_at", "field", "message"), [
    (5, "14:00", "15:30", "number",
     "Пары нумеруются подряд с первой: следующая пара — № 4."),
    (0, "07:00", "08:00", "number", "следующая пара — № 4"),
    (4, "13:30", "15:00", "starts_at",
     "Пара № 4 13:30–15:00 пересекается с парой № 3 12:20–13:50."),
    (4, "07:00", "08:00", "starts_at",
     "Пара № 4 должна начинаться после пары № 3 (она заканчивается в 13:50)."),
    (4, "15:00", "14:00", "ends_at", "Пара должна заканчиваться позже, чем начинается."),
    (2, "09:00", "11:40", "starts_at",
     "Пара № 2 09:00–11:40 пересекается с парой № 1 08:30–10:00."),
    (1, "10:20", "10:30", "starts_at",
     "Пара № 1 10:20–10:30 пересекается с парой № 2 10:10–11:40."),
    (1, "11:50", "12:10", "ends_at",
     "Пара № 1 должна заканчиваться до пары № 2 (она начинается в 10:10)."),
])
def test_bad_pair_is_refused_and_nothing_changes(
    world: World, number: int, starts_at: str, ends_at: str, field: str, message: str
) -> None:
    bells = make_bells(world.org)
    before = state(Pair, bell_schedule=bells)
    with pytest.raises(DomainError) as refused:
        services.pair_set(actor=world.actor("deputy"), bell_schedule=bells, number=number,
                          starts_at=t(starts_at), ends_at=t(ends_at))
    assert refused.value.message == message or message in refused.value.message
    assert refused.value.field == field
    assert state(Pair, bell_schedule=bells) == before


def test_pairs_touching_end_to_start_are_fine(world: World) -> None:
    bells = make_bells(world.org)
    pair = services.pair_set(actor=world.actor("deputy"), bell_schedule=bells, number=4,
                             starts_at=t("13:50"), ends_at=t("15:20"))
    assert pair.number == 4


def test_only_the_last_pair_may_be_deleted(world: World) -> None:
    deputy = world.actor("deputy")
    bells = make_bells(world.org)
    second = bells.pairs.get(number=2)
    with pytest.raises(DomainError) as refused:
        services.pair_delete(actor=deputy, pair=second)
    assert refused.value.message == (
        "Удалить можно только последнюю пару (№ 3), иначе нумерация разорвётся."
    )
    assert bells.pairs.count() == 3
    services.pair_delete(actor=deputy, pair=bells.pairs.get(number=3))
    assert list(bells.pairs.values_list("number", flat=True)) == [1, 2]
    assert AuditEvent.objects.filter(object_type="org.pair", action="delete").count() == 1


def test_stranger_may_not_touch_pairs(world: World) -> None:
    bells = make_bells(world.org)
    with pytest.raises(NotAllowed):
        services.pair_set(actor=world.actor(world.stranger.users["deputy"]), bell_schedule=bells,
                          number=4, starts_at=t("14:00"), ends_at=t("15:30"))
    with pytest.raises(NotAllowed):
        services.pair_delete(actor=world.actor(world.stranger.users["deputy"]),
                             pair=bells.pairs.get(number=3))
    with pytest.raises(NotAllowed):
        services.bell_schedule_create(actor=world.actor("teacher"), name="Суббота")
    assert bells.pairs.count() == 3
