"""Services of groups, rosters, enrolment and subgroups: rules, refusals, the audit row."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from otmetka.academics.models import (
    Curriculum,
    Group,
    Membership,
    Program,
    Subgroup,
    SubgroupMembership,
    Workload,
)
from otmetka.academics.selectors import group_roll
from otmetka.academics.services.groups import (
    group_create,
    group_update,
    membership_add,
    membership_close,
    student_enrol,
    subgroup_create,
    subgroup_delete,
    subgroup_rename,
    subgroup_set_members,
    subgroup_update,
)
from otmetka.academics.tests.test_groups_support import (
    SEPT_1,
    bind_head_to,
    make_student,
    second_department,
)
from otmetka.accounts.roles import Role
from otmetka.audit.models import AuditEvent
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.lib.snils import snils_make
from otmetka.people.models import Person, Student
from otmetka.test import TODAY, World


def audit_rows(obj: object, action: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action  # type: ignore[attr-defined]
        )
    )


def create_args(world: World, **extra: Any) -> dict[str, Any]:
    college = world.college
    args: dict[str, Any] = {
        "name": "ИС-31", "program": college.program, "curriculum": college.curriculum,
        "department": college.department, "intake_year": 2026,
        "curator_ids": [college.employees["teacher"].pk],
    }
    args.update(extra)
    return args


# --- Groups --------------------------------------------------------------------------------------


def test_group_create_saves_group_curators_and_audit(world: World) -> None:
    head = world.actor("head")
    group = group_create(actor=head, **create_args(world, name="  ИС-31 "))
    assert group.name == "ИС-31"
    assert group.organization_id == world.org.pk
    assert list(group.curators.all()) == [world.college.employees["teacher"]]
    [event] = audit_rows(group, AuditEvent.Action.CREATE)
    assert event.actor == world.user("head")
    assert event.changes["name"] == [None, "ИС-31"]
    assert event.changes["curators"] == [None, ["Учителев Пётр Андреевич"]]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": "ИС-21"}, "name", "Группа «ИС-21» уже есть среди обучающихся групп."),
        ({"name": "  "}, "name", "Укажите название группы"),
        ({"intake_year": 1999}, "intake_year", "Год набора указан неверно."),
    ],
)
def test_group_create_refuses_bad_values(
    world: World, change: dict[str, Any], field: str, message: str
) -> None:
    before = Group.objects.count()
    with pytest.raises(DomainError) as caught:
        group_create(actor=world.actor("head"), **create_args(world, **change))
    assert caught.value.field == field
    assert message in caught.value.message
    assert Group.objects.count() == before


def test_group_create_refuses_curriculum_of_another_program(world: World) -> None:
    other = Program.objects.create(organization=world.org, code="15.02.16",
                                   name="Технология машиностроения", qualification="Техник")
    curriculum = Curriculum.objects.create(program=other, name="15.02.16 набор 2026",
                                           intake_year=2026)
    with pytest.raises(DomainError) as caught:
        group_create(actor=world.actor("head"),
                     **create_args(world, curriculum=curriculum))
    assert caught.value.field == "curriculum"
    assert "относится к другой специальности" in caught.value.message
    assert not Group.objects.filter(name="ИС-31").exists()


def test_group_create_refuses_objects_of_another_college(world: World) -> None:
    stranger = world.stranger
    head = world.actor("head")
    for change, field in (
        ({"program": stranger.program, "curriculum": stranger.curriculum}, "program"),
        ({"department": stranger.department}, "department"),
        ({"curator_ids": [stranger.employees["teacher"].pk]}, "curators"),
    ):
        with pytest.raises(DomainError) as caught:
            group_create(actor=head, **create_args(world, **change))
        assert caught.value.field == field
    assert not Group.objects.filter(name="ИС-31").exists()


def test_group_create_refuses_a_dismissed_curator(world: World) -> None:
    teacher = world.college.employees["teacher"]
    teacher.dismissal_date = dt.date(2026, 10, 1)
    teacher.save()
    with pytest.raises(DomainError) as caught:
        group_create(actor=world.actor("head"), **create_args(world))
    assert caught.value.message == "Куратором может быть только работающий сотрудник колледжа."


def test_group_create_needs_groups_edit(world: World) -> None:
    with pytest.raises(NotAllowed):
        group_create(actor=world.actor("secretary"), **create_args(world))
    assert not Group.objects.filter(name="ИС-31").exists()


def test_department_head_bound_to_a_department_keeps_to_it(world: World) -> None:
    extramural = second_department(world)
    bind_head_to(world, extramural)
    head = world.actor("head")
    with pytest.raises(DomainError) as caught:
        group_create(actor=head, **create_args(world))
    assert caught.value.field == "department"
    group = group_create(actor=head, **create_args(world, department=extramural))
    assert group.department == extramural
    with pytest.raises(NotAllowed):
        group_update(actor=head, group=world.college.group, name="ИС-21а")
    world.college.group.refresh_from_db()
    assert world.college.group.name == "ИС-21"


def test_group_update_changes_fields_and_records_the_diff(world: World) -> None:
    group = world.college.group
    group = Group.objects.prefetch_related("curators").get(pk=group.pk)
    head = world.actor("head")
    group_update(actor=head, group=group, name="ИС-21к", intake_year=2024,
                 curator_ids=[world.college.employees["teacher"].pk])
    group.refresh_from_db()
    assert (group.name, group.course_in(world.college.year)) == ("ИС-21к", 3)
    assert list(group.curators.all()) == [world.college.employees["teacher"]]
    [event] = audit_rows(group, AuditEvent.Action.UPDATE)
    assert event.changes["name"] == ["ИС-21", "ИС-21к"]
    assert event.changes["intake_year"] == [2025, 2024]
    assert event.changes["curators"] == [["Кураторова Елена Викторовна"],
                                         ["Учителев Пётр Андреевич"]]


def test_group_update_refuses_a_duplicate_name_but_allows_it_when_archived(world: World) -> None:
    head = world.actor("head")
    other = world.college.other_group
    with pytest.raises(DomainError) as caught:
        group_update(actor=head, group=other, name="ИС-21")
    assert caught.value.field == "name"
    group_update(actor=head, group=world.college.group, is_active=False)
    group_update(actor=head, group=other, name="ИС-21")
    other.refresh_from_db()
    assert other.name == "ИС-21"


# --- Memberships ---------------------------------------------------------------------------------


def test_membership_add_refuses_overlap_in_the_same_group(world: World) -> None:
    student = world.college.student
    assert student is not None
    before = Membership.objects.count()
    with pytest.raises(DomainError) as caught:
        membership_add(actor=world.actor("head"), group=world.college.group,
                       student=student, date_from=dt.date(2026, 9, 1))
    assert caught.value.message == (
        "Студентов Иван Петрович уже состоит в группе ИС-21 с 01.09.2025."
    )
    assert Membership.objects.count() == before


def test_membership_add_refuses_overlap_with_another_group(world: World) -> None:
    student = world.college.student
    assert student is not None
    with pytest.raises(DomainError) as caught:
        membership_add(actor=world.actor("head"), group=world.college.other_group,
                       student=student, date_from=dt.date(2026, 12, 1),
                       date_to=dt.date(2026, 12, 31))
    assert "в группе ИС-21 (с 01.09.2025)" in caught.value.message
    assert "только в одной группе" in caught.value.message
    assert not Membership.objects.filter(group=world.college.other_group, student=student).exists()


def test_membership_add_refuses_open_ended_overlap_with_a_later_membership(world: World) -> None:
    group, other = world.college.group, world.college.other_group
    student = make_student(world, "Позднев", group=other, date_from=dt.date(2027, 2, 1))
    head = world.actor("head")
    # An open-ended membership from September runs into the February one.
    with pytest.raises(DomainError) as caught:
        membership_add(actor=head, group=group, student=student, date_from=SEPT_1)
    assert "ИС-22 (с 01.02.2027)" in caught.value.message
    # Ending the day before is fine.
    membership = membership_add(actor=head, group=group, student=student, date_from=SEPT_1,
                                date_to=dt.date(2027, 1, 31), basis="Приказ 7-к")
    assert membership.date_to == dt.date(2027, 1, 31)
    [event] = audit_rows(membership, AuditEvent.Action.CREATE)
    assert event.changes["basis"] == [None, "Приказ 7-к"]


def test_membership_add_refuses_dates_in_the_wrong_order(world: World) -> None:
    student = make_student(world, "Новиков")
    with pytest.raises(DomainError) as caught:
        membership_add(actor=world.actor("head"), group=world.college.group,
                       student=student, date_from=dt.date(2026, 10, 1),
                       date_to=dt.date(2026, 9, 30))
    assert caught.value.field == "date_to"
    assert caught.value.message == "Дата окончания не может быть раньше даты начала."
    assert not Membership.objects.filter(student=student).exists()


def test_membership_add_refuses_a_student_of_another_college(world: World) -> None:
    student = world.stranger.student
    assert student is not None
    with pytest.raises(DomainError):
        membership_add(actor=world.actor("head"), group=world.college.group,
                       student=student, date_from=TODAY)
    with pytest.raises(NotAllowed):
        membership_add(actor=world.actor(world.stranger.users["head"]), group=world.college.group,
                       student=student, date_from=TODAY)


def test_transfer_mid_year_moves_the_student_between_rolls(world: World) -> None:
    """Closed in ИС-21 on D − 1, on ИС-22's roll from D: each journal shows the right roll."""
    head = world.actor("head")
    group, other = world.college.group, world.college.other_group
    student = world.college.student
    assert student is not None
    day = dt.date(2026, 11, 10)
    membership = Membership.objects.get(group=group, student=student)
    membership_close(actor=head, membership=membership, date_to=day - dt.timedelta(days=1))
    membership_add(actor=head, group=other, student=student, date_from=day, basis="Перевод")

    def names(g: Group, on: dt.date) -> list[str]:
        return [line.student.person.last_name for line in group_roll(g, on)]

    assert "Студентов" in names(group, day - dt.timedelta(days=1))
    assert "Студентов" not in names(group, day)
    assert "Студентов" not in names(other, day - dt.timedelta(days=1))
    assert names(other, day) == ["Ёлкин", "Студентов"]  # «Ё» sorts with «Е»
    # Their subgroup in the old group ended with the membership.
    row = SubgroupMembership.objects.get(student=student, subgroup=world.college.subgroup)
    assert row.date_to == day - dt.timedelta(days=1)
    [event] = audit_rows(membership, AuditEvent.Action.UPDATE)
    assert event.changes["date_to"] == [None, "2026-11-09"]


def test_membership_close_refuses_a_day_before_the_start(world: World) -> None:
    student = world.college.student
    membership = Membership.objects.get(group=world.college.group, student=student)
    with pytest.raises(DomainError) as caught:
        membership_close(actor=world.actor("head"), membership=membership,
                         date_to=dt.date(2025, 8, 31))
    assert caught.value.message == (
        "Дата выбытия не может быть раньше даты зачисления в группу (01.09.2025)."
    )
    membership.refresh_from_db()
    assert membership.date_to is None


def test_membership_close_needs_groups_edit(world: World) -> None:
    membership = Membership.objects.get(group=world.college.group, student=world.college.student)
    with pytest.raises(NotAllowed):
        membership_close(actor=world.actor("curator"), membership=membership, date_to=TODAY)


# --- Enrolment -----------------------------------------------------------------------------------


def card(**extra: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "last_name": "Зачисленов", "first_name": "Олег", "middle_name": "Игоревич",
        "birth_date": dt.date(2010, 5, 4), "sex": Person.Sex.MALE, "snils": snils_make(123456789),
        "personal_file_no": "501/26", "enrolment_order_no": "112-к",
        "enrolment_order_date": dt.date(2026, 11, 13),
    }
    values.update(extra)
    return values


def test_student_enrol_creates_card_and_membership(world: World) -> None:
    group = world.college.group
    student = student_enrol(actor=world.actor("head"), group=group, date_from=TODAY,
                            **card())
    membership = Membership.objects.get(student=student)
    assert membership.group == group
    assert membership.date_from == TODAY
    assert membership.basis == "Приказ № 112-к от 13.11.2026"
    assert student.person.full_name == "Зачисленов Олег Игоревич"
    assert audit_rows(membership, AuditEvent.Action.CREATE)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE,
                                     object_type="people.student",
                                     object_id=str(student.pk)).exists()
    assert student in [line.student for line in group_roll(group, TODAY)]


def test_student_enrol_with_a_bad_snils_saves_nothing(world: World) -> None:
    students, people, memberships = (Student.objects.count(), Person.objects.count(),
                                     Membership.objects.count())
    with pytest.raises(DomainError) as caught:
        student_enrol(actor=world.actor("head"), group=world.college.group,
                      date_from=TODAY, **card(snils="112-233-445 96"))
    assert caught.value.field == "snils"
    assert (Student.objects.count(), Person.objects.count(), Membership.objects.count()) == (
        students, people, memberships
    )


def test_student_enrol_rolls_back_the_card_when_membership_fails(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from otmetka.academics.services import groups as services

    def refuse(**kwargs: object) -> None:
        raise DomainError("отказ")

    monkeypatch.setattr(services, "membership_add", refuse)
    people = Person.objects.count()
    with pytest.raises(DomainError):
        student_enrol(actor=world.actor("head"), group=world.college.group,
                      date_from=TODAY, **card())
    assert Person.objects.count() == people
    assert not Student.objects.filter(person__last_name="Зачисленов").exists()


def test_student_enrol_needs_groups_edit(world: World) -> None:
    with pytest.raises(NotAllowed):
        student_enrol(actor=world.actor("secretary"), group=world.college.group,
                      date_from=TODAY, **card())
    assert not Person.objects.filter(last_name="Зачисленов").exists()


# --- Subgroups -----------------------------------------------------------------------------------


def test_subgroup_create_rename_and_refusals(world: World) -> None:
    dispatcher = world.actor("dispatcher")
    group = world.college.group
    subgroup = subgroup_create(actor=dispatcher, group=group, name="2 подгруппа")
    assert audit_rows(subgroup, AuditEvent.Action.CREATE)
    with pytest.raises(DomainError) as caught:
        subgroup_create(actor=dispatcher, group=group, name="1 подгруппа")
    assert caught.value.message == "Подгруппа «1 подгруппа» в группе ИС-21 уже есть."
    with pytest.raises(DomainError) as caught:
        subgroup_rename(actor=dispatcher, subgroup=subgroup, name="")
    assert caught.value.field == "name"
    subgroup_rename(actor=dispatcher, subgroup=subgroup, name="Английский — 2")
    subgroup.refresh_from_db()
    assert subgroup.name == "Английский — 2"
    [event] = audit_rows(subgroup, AuditEvent.Action.UPDATE)
    assert event.changes["name"] == ["2 подгруппа", "Английский — 2"]


def test_curator_edits_subgroups_of_own_group_only(world: World) -> None:
    curator = world.actor("curator", Role.CURATOR)
    subgroup_create(actor=curator, group=world.college.group, name="2 подгруппа")
    with pytest.raises(NotAllowed):
        subgroup_create(actor=curator, group=world.college.other_group, name="2 подгруппа")
    with pytest.raises(NotAllowed):
        subgroup_create(actor=world.actor("teacher"), group=world.college.group, name="x")
    assert not Subgroup.objects.filter(group=world.college.other_group).exists()


def test_subgroup_delete_refused_while_workload_uses_it(world: World) -> None:
    college = world.college
    deputy = world.actor("deputy")
    Workload.objects.filter(pk=college.workload.pk).update(subgroup=college.subgroup)
    with pytest.raises(DomainError) as caught:
        subgroup_delete(actor=deputy, subgroup=college.subgroup)
    assert "есть в нагрузке (МДК.01.01, Учителев П. А.)" in caught.value.message
    assert Subgroup.objects.filter(pk=college.subgroup.pk).exists()
    Workload.objects.filter(pk=college.workload.pk).update(subgroup=None)
    subgroup_pk = college.subgroup.pk
    subgroup_delete(actor=deputy, subgroup=college.subgroup)
    assert not Subgroup.objects.filter(pk=subgroup_pk).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DELETE, object_id=str(subgroup_pk),
                                     object_type="academics.subgroup").exists()


def test_subgroup_set_members_is_dated(world: World) -> None:
    college = world.college
    group, subgroup = college.group, college.subgroup
    first = college.student
    assert first is not None
    second = make_student(world, "Вторый", group=group)
    dispatcher = world.actor("dispatcher")
    day = dt.date(2026, 11, 2)
    subgroup_set_members(actor=dispatcher, subgroup=subgroup, student_ids=[second.pk], on=day)

    old = SubgroupMembership.objects.get(subgroup=subgroup, student=first)
    assert (old.date_from, old.date_to) == (SEPT_1, dt.date(2026, 11, 1))
    new = SubgroupMembership.objects.get(subgroup=subgroup, student=second)
    assert (new.date_from, new.date_to) == (day, None)

    def members(on: dt.date) -> list[str]:
        return [line.student.person.last_name for line in group_roll(group, on)
                if subgroup.name in line.subgroups]

    assert members(dt.date(2026, 11, 1)) == ["Студентов"]
    assert members(day) == ["Вторый"]
    [event] = audit_rows(subgroup, AuditEvent.Action.UPDATE)
    assert event.changes["students"] == [["Студентов Иван Петрович"], ["Вторый Иван"]]
    assert event.reason == "Состав подгруппы с 02.11.2026"

    # Choosing again on the same day replaces that day's choice without a gap or a duplicate.
    subgroup_set_members(actor=dispatcher, subgroup=subgroup, student_ids=[first.pk, second.pk],
                         on=day)
    assert SubgroupMembership.objects.filter(subgroup=subgroup, student=second).count() == 1
    assert members(day) == ["Вторый", "Студентов"]


def test_subgroup_set_members_only_takes_students_on_the_roll(world: World) -> None:
    college = world.college
    other_student = college.other_student
    assert other_student is not None
    rows = SubgroupMembership.objects.count()
    with pytest.raises(DomainError) as caught:
        subgroup_set_members(actor=world.actor("dispatcher"), subgroup=college.subgroup,
                             student_ids=[other_student.pk], on=TODAY)
    assert caught.value.field == "students"
    assert caught.value.message == "На 16.11.2026 в группе ИС-21 нет: Ёлкин Семён Ильич."
    assert SubgroupMembership.objects.count() == rows


def test_subgroup_update_is_all_or_nothing(world: World) -> None:
    college = world.college
    other_student = college.other_student
    assert other_student is not None
    with pytest.raises(DomainError):
        subgroup_update(actor=world.actor("dispatcher"), subgroup=college.subgroup,
                        name="Новое имя", student_ids=[other_student.pk], on=TODAY)
    college.subgroup.refresh_from_db()
    assert college.subgroup.name == "1 подгруппа"

