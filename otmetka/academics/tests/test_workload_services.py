"""Services of teacher workload: the deputy's rules, Russian refusals, audit rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from otmetka.academics.models import Subgroup, Workload
from otmetka.academics.services.curricula import curriculum_copy
from otmetka.academics.services.workload import (
    workload_create,
    workload_delete,
    workload_update,
)
from otmetka.academics.tests.test_curricula_support import (
    Kind,
    events_of,
    make_group,
    make_item,
    make_teacher,
)
from otmetka.audit.models import AuditEvent
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.test import World


def _create(world: World, **changes: Any) -> Workload:
    college = world.college
    data: dict[str, Any] = {
        "academic_year": college.year, "teacher": college.employees["curator"],
        "group": college.group, "item": college.discipline, "subgroup": None,
        "hours_first": 56, "hours_second": 16,
    }
    data.update(changes)
    return workload_create(actor=world.actor("deputy"), **data)


def _lines() -> int:
    return Workload.objects.count()


def test_deputy_adds_a_workload_line_with_an_audit_row(world: World) -> None:
    line = _create(world)
    assert line.hours_total == 72
    [event] = events_of(line)
    assert event.action == AuditEvent.Action.CREATE
    assert event.actor_id == world.user("deputy").pk
    assert event.changes["teacher"] == [None, "Кураторова Елена Викторовна"]
    assert event.changes["hours_first"] == [None, 56]


def test_workload_for_a_teacher_of_another_college_is_refused(world: World) -> None:
    before = _lines()
    with pytest.raises(DomainError) as error:
        _create(world, teacher=world.stranger.employees["teacher"])
    assert error.value.field == "teacher"
    assert "другой организации" in error.value.message
    assert _lines() == before


def test_group_and_year_of_another_college_are_refused(world: World) -> None:
    before = _lines()
    with pytest.raises(DomainError) as error:
        _create(world, group=world.stranger.group, item=world.stranger.discipline)
    assert error.value.field == "group"
    with pytest.raises(DomainError) as error:
        _create(world, academic_year=world.stranger.year)
    assert error.value.field == "academic_year"
    assert _lines() == before


def test_item_of_another_curriculum_is_refused(world: World) -> None:
    college = world.college
    other = curriculum_copy(actor=world.actor("methodist"), curriculum=college.curriculum,
                            intake_year=2026, name="набор 2026")
    foreign = other.items.get(index="ОП.01")
    before = _lines()
    with pytest.raises(DomainError) as error:
        _create(world, item=foreign)
    assert error.value.field == "item"
    assert "не входит в учебный план группы ИС-21" in error.value.message
    assert _lines() == before


def test_workload_is_not_given_on_a_whole_module(world: World) -> None:
    with pytest.raises(DomainError) as error:
        _create(world, item=world.college.module)
    assert "профессиональный модуль" in error.value.message


def test_practice_inside_a_module_is_fine(world: World) -> None:
    practice = make_item(world.college.curriculum, Kind.EDUCATIONAL_PRACTICE, "УП.01",
                         parent=world.college.module)
    assert _create(world, item=practice).item_id == practice.pk


def test_subgroup_must_belong_to_the_group(world: World) -> None:
    college = world.college
    foreign = Subgroup.objects.create(group=college.other_group, name="2 подгруппа")
    with pytest.raises(DomainError) as error:
        _create(world, subgroup=foreign)
    assert error.value.field == "subgroup"
    assert _create(world, subgroup=college.subgroup).subgroup_id == college.subgroup.pk


def test_duplicate_workload_is_refused(world: World) -> None:
    college = world.college
    before = _lines()
    with pytest.raises(DomainError) as error:
        _create(world, teacher=college.employees["teacher"], item=college.mdk)
    assert "уже есть нагрузка" in error.value.message
    assert "У преподавателя Учителева Петра Андреевича уже есть" in error.value.message
    assert _lines() == before
    # Another subgroup of the same item is another line.
    _create(world, teacher=college.employees["teacher"], item=college.mdk,
            subgroup=college.subgroup)
    with pytest.raises(DomainError):
        _create(world, teacher=college.employees["teacher"], item=college.mdk,
                subgroup=college.subgroup)
    assert _lines() == before + 1


def test_dismissed_teacher_gets_no_workload(world: World) -> None:
    gone = make_teacher(world.college, "Ушедшая", dismissal_date=dt.date(2026, 10, 1))
    with pytest.raises(DomainError) as error:
        _create(world, teacher=gone)
    assert "Ушедшая Анна уволена 01.10.2026" in error.value.message


def test_zero_hours_are_refused(world: World) -> None:
    with pytest.raises(DomainError) as error:
        _create(world, hours_first=0, hours_second=0)
    assert error.value.field == "hours_first"


def test_inactive_group_is_refused(world: World) -> None:
    group = make_group(world.college, "ИС-11", course=4)
    group.is_active = False
    group.save()
    with pytest.raises(DomainError) as error:
        _create(world, group=group)
    assert "больше не обучается" in error.value.message


def test_teacher_and_stranger_deputy_may_not_change_workload(world: World) -> None:
    college = world.college
    with pytest.raises(NotAllowed):
        workload_create(actor=world.actor("teacher"), academic_year=college.year,
                        teacher=college.employees["teacher"], group=college.group,
                        item=college.discipline, hours_first=1, hours_second=0)
    line = college.workload
    assert line is not None
    with pytest.raises(NotAllowed):
        workload_delete(actor=world.actor(world.stranger.users["deputy"]), workload=line)
    assert Workload.objects.filter(pk=line.pk).exists()


def test_workload_update_records_old_and_new(world: World) -> None:
    college = world.college
    line = college.workload
    assert line is not None
    workload_update(actor=world.actor("deputy"), workload=line, academic_year=college.year,
                    teacher=college.employees["curator"], group=college.group, item=college.mdk,
                    subgroup=college.subgroup, hours_first=40, hours_second=40)
    line.refresh_from_db()
    assert line.teacher_id == college.employees["curator"].pk
    [event] = events_of(line)
    assert event.action == AuditEvent.Action.UPDATE
    assert event.changes == {
        "teacher": ["Учителев Пётр Андреевич", "Кураторова Елена Викторовна"],
        "subgroup": [None, "ИС-21: 1 подгруппа"],
        "hours_first": [80, 40],
        "hours_second": [0, 40],
    }


def test_workload_update_may_not_collide_with_another_line(world: World) -> None:
    college = world.college
    other = college.other_workload
    assert other is not None
    with pytest.raises(DomainError):
        workload_update(actor=world.actor("deputy"), workload=other,
                        academic_year=college.year, teacher=college.employees["teacher"],
                        group=college.group, item=college.mdk, hours_first=1, hours_second=0)
    other.refresh_from_db()
    assert other.teacher_id == college.employees["other_teacher"].pk


def test_workload_delete_is_audited(world: World) -> None:
    line = world.college.workload
    assert line is not None
    line_id = line.pk
    workload_delete(actor=world.actor("deputy"), workload=line)
    assert not Workload.objects.filter(pk=line_id).exists()
    [event] = AuditEvent.objects.filter(object_type="academics.workload", object_id=str(line_id))
    assert event.action == AuditEvent.Action.DELETE
    assert event.changes["hours_first"] == [80, None]
