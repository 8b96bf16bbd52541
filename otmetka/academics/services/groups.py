"""Writes for groups, their dated rosters and subgroups, and enrolment (Положение 4.5–4.9)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from otmetka.academics.models import (
    Curriculum,
    Group,
    Membership,
    Program,
    Subgroup,
    SubgroupMembership,
    Workload,
)
from otmetka.academics.permissions import can_edit_group, can_edit_subgroups, department_scope
from otmetka.accounts.permissions import ActiveRole
from otmetka.audit.models import AuditEvent
from otmetka.audit.services import audit_change, audit_delete, audit_record, snapshot
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.lib.text import bounded_text
from otmetka.org.models import Department
from otmetka.people import services as people_services
from otmetka.people.models import Employee, Student

GROUP_FIELDS = (
    "name", "program", "curriculum", "department", "intake_year", "is_active", "curators",
)
MEMBERSHIP_FIELDS = ("group", "student", "date_from", "date_to", "basis")
SUBGROUP_FIELDS = ("group", "name")
_GROUP_UPDATABLE = frozenset(
    {"name", "program", "curriculum", "department", "intake_year", "is_active", "curator_ids"}
)


def _date(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


# --- Groups --------------------------------------------------------------------------------------


def _require_group_edit(actor: ActiveRole, group: Group | None = None) -> None:
    if not actor.has("groups.edit"):
        raise NotAllowed(_("Недостаточно прав для формирования групп и их состава."))
    if group is not None and not can_edit_group(actor, group):
        raise NotAllowed(_("Группа %(group)s вам недоступна.") % {"group": group.name})


def _check_group(
    *,
    actor: ActiveRole,
    group: Group | None,
    name: str,
    program: Program,
    curriculum: Curriculum,
    department: Department,
    intake_year: int,
    is_active: bool,
) -> str:
    """Refuse values that break a rule; returns the cleaned name."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Укажите название группы, например ИС-21."), field="name")
    if len(name) > Group._meta.get_field("name").max_length:  # type: ignore[operator]
        raise DomainError(_("Название группы слишком длинное."), field="name")
    if program.organization_id != actor.organization_id:
        raise DomainError(_("Эта специальность вам недоступна."), field="program")
    if curriculum.program_id != program.pk:
        raise DomainError(
            _("Учебный план «%(curriculum)s» относится к другой специальности, не к %(code)s.")
            % {"curriculum": curriculum.name, "code": program.code},
            field="curriculum",
        )
    if department.organization_id != actor.organization_id:
        raise DomainError(_("Это отделение вам недоступно."), field="department")
    own_department = department_scope(actor)
    if own_department is not None and department.pk != own_department:
        raise DomainError(
            _("Вы можете формировать группы только своего отделения."), field="department"
        )
    if not 2000 <= intake_year <= 2100:
        raise DomainError(_("Год набора указан неверно."), field="intake_year")
    if is_active:
        duplicates = Group.objects.active().filter(organization_id=actor.organization_id, name=name)
        if group is not None:
            duplicates = duplicates.exclude(pk=group.pk)
        if duplicates.exists():
            raise DomainError(
                _("Группа «%(name)s» уже есть среди обучающихся групп.") % {"name": name},
                field="name",
            )
    return name


def _curators(actor: ActiveRole, curator_ids: Iterable[int]) -> list[Employee]:
    wanted = set(curator_ids)
    curators = list(
        Employee.objects.working().filter(
            pk__in=wanted, person__organization_id=actor.organization_id
        )
    )
    if len(curators) != len(wanted):
        raise DomainError(
            _("Куратором может быть только работающий сотрудник колледжа."), field="curators"
        )
    return curators


def _save_group(group: Group) -> None:
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError as error:
        raise DomainError(
            _("Группа «%(name)s» уже есть среди обучающихся групп.") % {"name": group.name},
            field="name",
        ) from error


@transaction.atomic
def group_create(
    *,
    actor: ActiveRole,
    name: str,
    program: Program,
    curriculum: Curriculum,
    department: Department,
    intake_year: int,
    curator_ids: Iterable[int] = (),
) -> Group:
    """A new study group of the actor's organization with its curators."""
    _require_group_edit(actor)
    name = _check_group(
        actor=actor, group=None, name=name, program=program, curriculum=curriculum,
        department=department, intake_year=intake_year, is_active=True,
    )
    curators = _curators(actor, curator_ids)
    group = Group(
        organization_id=actor.organization_id, name=name, program=program, curriculum=curriculum,
        department=department, intake_year=intake_year,
    )
    _save_group(group)
    group.curators.set(curators)
    audit_change(actor=actor.user, instance=group, before=None,
                 organization_id=actor.organization_id, fields=GROUP_FIELDS)
    return group


@transaction.atomic
def group_update(*, actor: ActiveRole, group: Group, **fields: Any) -> Group:
    """Change any of name, program, curriculum, department, intake_year, is_active,
    curator_ids."""
    unknown = set(fields) - _GROUP_UPDATABLE
    if unknown:
        raise TypeError(f"group_update() got unexpected fields: {sorted(unknown)}")
    _require_group_edit(actor, group)
    before = snapshot(group, GROUP_FIELDS)
    values = {
        "name": fields.get("name", group.name),
        "program": fields.get("program", group.program),
        "curriculum": fields.get("curriculum", group.curriculum),
        "department": fields.get("department", group.department),
        "intake_year": fields.get("intake_year", group.intake_year),
        "is_active": fields.get("is_active", group.is_active),
    }
    values["name"] = _check_group(actor=actor, group=group, **values)
    curators = _curators(actor, fields["curator_ids"]) if "curator_ids" in fields else None
    for name, value in values.items():
        setattr(group, name, value)
    _save_group(group)
    if curators is not None:
        group.curators.set(curators)
    # Re-read the curators for the record and for the caller.
    getattr(group, "_prefetched_objects_cache", {}).pop("curators", None)
    audit_change(actor=actor.user, instance=group, before=before,
                 organization_id=actor.organization_id, fields=GROUP_FIELDS)
    return group


# --- Memberships (состав группы) ----------------------------------------------------------------


def _check_overlap(
    *,
    student: Student,
    group: Group,
    date_from: dt.date,
    date_to: dt.date | None,
    exclude_pk: int | None = None,
) -> None:
    """A student is in one group at a time: refuse dates that meet another membership."""
    others = Membership.objects.filter(student=student).overlapping(date_from, date_to)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    clash = others.select_related("group").order_by("date_from").first()
    if clash is None:
        return
    params = {
        "student": student.person.full_name,
        "group": clash.group.name,
        "date": _date(clash.date_from),
    }
    if clash.group_id == group.pk:
        message = _("%(student)s уже состоит в группе %(group)s с %(date)s.") % params
    else:
        message = _(
            "%(student)s в эти даты состоит в группе %(group)s (с %(date)s): обучающийся может "
            "быть только в одной группе одновременно."
        ) % params
    raise DomainError(message, field="date_from")


def _lock_student(student: Student) -> None:
    # Serialises concurrent roster changes of one student, so two overlapping memberships
    # cannot both pass the check (a no-op on SQLite, which locks the whole database anyway).
    list(Student.objects.select_for_update().filter(pk=student.pk).values_list("pk"))


@transaction.atomic
def membership_add(
    *,
    actor: ActiveRole,
    group: Group,
    student: Student,
    date_from: dt.date,
    date_to: dt.date | None = None,
    basis: str = "",
) -> Membership:
    """Put a student on the group's roll from `date_from` (to `date_to` inclusive, or open)."""
    _require_group_edit(actor, group)
    if student.person.organization_id != actor.organization_id:
        raise DomainError(_("Обучающийся не найден."), field="student")
    if date_to is not None and date_to < date_from:
        raise DomainError(_("Дата окончания не может быть раньше даты начала."), field="date_to")
    _lock_student(student)
    _check_overlap(student=student, group=group, date_from=date_from, date_to=date_to)
    membership = Membership.objects.create(
        group=group, student=student, date_from=date_from, date_to=date_to,
        basis=bounded_text(basis, limit=200, field="basis"),
    )
    audit_change(actor=actor.user, instance=membership, before=None,
                 organization_id=actor.organization_id, fields=MEMBERSHIP_FIELDS)
    return membership


@transaction.atomic
def membership_close(*, actor: ActiveRole, membership: Membership, date_to: dt.date) -> Membership:
    """The student's last day in the group is `date_to`; their subgroups end with it."""
    group = membership.group
    _require_group_edit(actor, group)
    if date_to < membership.date_from:
        raise DomainError(
            _("Дата выбытия не может быть раньше даты зачисления в группу (%(date)s).")
            % {"date": _date(membership.date_from)},
            field="date_to",
        )
    student = membership.student
    _lock_student(student)
    _check_overlap(student=student, group=group, date_from=membership.date_from, date_to=date_to,
                   exclude_pk=membership.pk)
    before = snapshot(membership, MEMBERSHIP_FIELDS)
    membership.date_to = date_to
    membership.save(update_fields=["date_to"])
    subgroup_rows = SubgroupMembership.objects.filter(subgroup__group=group, student=student)
    subgroup_rows.filter(date_from__gt=date_to).delete()
    subgroup_rows.filter(date_from__lte=date_to).exclude(date_to__lte=date_to).update(
        date_to=date_to
    )
    audit_change(actor=actor.user, instance=membership, before=before,
                 organization_id=actor.organization_id, fields=MEMBERSHIP_FIELDS)
    return membership


@transaction.atomic
def student_enrol(
    *,
    actor: ActiveRole,
    group: Group,
    date_from: dt.date,
    basis: str = "",
    **card_fields: Any,
) -> Student:
    """A new student card and its membership in the group, all or nothing."""
    _require_group_edit(actor, group)
    student = people_services.student_create(actor=actor, **card_fields)
    if not basis and student.enrolment_order_no:
        basis = _("Приказ № %(number)s") % {"number": student.enrolment_order_no}
        if student.enrolment_order_date:
            basis = _("Приказ № %(number)s от %(date)s") % {
                "number": student.enrolment_order_no,
                "date": _date(student.enrolment_order_date),
            }
    membership_add(actor=actor, group=group, student=student, date_from=date_from, basis=basis)
    return student


# --- Subgroups -----------------------------------------------------------------------------------


def _require_subgroups(actor: ActiveRole, group: Group) -> None:
    if not can_edit_subgroups(actor, group):
        raise NotAllowed(
            _("Недостаточно прав для изменения подгрупп группы %(group)s.") % {"group": group.name}
        )


def _subgroup_name(group: Group, name: str, exclude_pk: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Укажите название подгруппы, например «1 подгруппа»."), field="name")
    if len(name) > Subgroup._meta.get_field("name").max_length:  # type: ignore[operator]
        raise DomainError(_("Название подгруппы слишком длинное."), field="name")
    same = Subgroup.objects.filter(group=group, name=name)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise DomainError(
            _("Подгруппа «%(name)s» в группе %(group)s уже есть.")
            % {"name": name, "group": group.name},
            field="name",
        )
    return name


@transaction.atomic
def subgroup_create(*, actor: ActiveRole, group: Group, name: str) -> Subgroup:
    _require_subgroups(actor, group)
    subgroup = Subgroup.objects.create(group=group, name=_subgroup_name(group, name))
    audit_change(actor=actor.user, instance=subgroup, before=None,
                 organization_id=actor.organization_id, fields=SUBGROUP_FIELDS)
    return subgroup


@transaction.atomic
def subgroup_rename(*, actor: ActiveRole, subgroup: Subgroup, name: str) -> Subgroup:
    group = subgroup.group
    _require_subgroups(actor, group)
    before = snapshot(subgroup, SUBGROUP_FIELDS)
    subgroup.name = _subgroup_name(group, name, exclude_pk=subgroup.pk)
    subgroup.save(update_fields=["name"])
    audit_change(actor=actor.user, instance=subgroup, before=before,
                 organization_id=actor.organization_id, fields=SUBGROUP_FIELDS)
    return subgroup


@transaction.atomic
def subgroup_delete(*, actor: ActiveRole, subgroup: Subgroup) -> None:
    """Delete a subgroup that no workload line uses (its dated members go with it)."""
    _require_subgroups(actor, subgroup.group)
    used = Workload.objects.filter(subgroup=subgroup).select_related("item", "teacher__person")
    line = used.first()
    if line is not None:
        raise DomainError(
            _("Подгруппа «%(name)s» есть в нагрузке (%(item)s, %(teacher)s): сначала измените "
              "строки нагрузки.")
            % {"name": subgroup.name, "item": line.item.index,
               "teacher": line.teacher.person.short_name}
        )
    audit_delete(actor=actor.user, instance=subgroup, organization_id=actor.organization_id,
                 fields=SUBGROUP_FIELDS)
    subgroup.delete()


def _names(student_ids: Iterable[int]) -> list[str]:
    people = Student.objects.filter(pk__in=list(student_ids)).select_related("person")
    return [student.person.full_name for student in people.order_by("person__sort_key", "pk")]


@transaction.atomic
def subgroup_set_members(
    *, actor: ActiveRole, subgroup: Subgroup, student_ids: Iterable[int], on: dt.date
) -> None:
    """From `on` onwards the subgroup is exactly `student_ids`: leavers end on `on` − 1 day,
    newcomers start on `on`. Only students on the group's roll that day may be chosen."""
    group = subgroup.group
    _require_subgroups(actor, group)
    wanted = set(student_ids)
    on_roll = set(
        Membership.objects.filter(group=group).on_day(on).values_list("student_id", flat=True)
    )
    strangers = wanted - on_roll
    if strangers:
        raise DomainError(
            _("На %(date)s в группе %(group)s нет: %(names)s.")
            % {"date": _date(on), "group": group.name,
               "names": ", ".join(_names(strangers)) or _("выбранных обучающихся")},
            field="students",
        )
    current = list(SubgroupMembership.objects.filter(subgroup=subgroup).overlapping(on, None))
    before = {row.student_id for row in current if row.date_from <= on}
    kept: set[int] = set()
    for row in sorted(current, key=lambda row: row.date_from):
        if row.student_id in wanted and row.date_from <= on and row.student_id not in kept:
            # Stays: this row continues, open-ended from now on.
            kept.add(row.student_id)
            if row.date_to is not None:
                row.date_to = None
                row.save(update_fields=["date_to"])
        elif row.date_from < on:
            row.date_to = on - dt.timedelta(days=1)
            row.save(update_fields=["date_to"])
        else:
            # Planned for `on` or later and superseded by this choice.
            row.delete()
    SubgroupMembership.objects.bulk_create(
        SubgroupMembership(subgroup=subgroup, student_id=student_id, date_from=on)
        for student_id in sorted(wanted - kept)
    )
    if before != wanted:
        audit_record(
            actor=actor.user,
            action=AuditEvent.Action.UPDATE,
            organization_id=actor.organization_id,
            obj=subgroup,
            changes={"students": [_names(before), _names(wanted)]},
            reason=_("Состав подгруппы с %(date)s") % {"date": _date(on)},
        )


@transaction.atomic
def subgroup_member_add(
    *, actor: ActiveRole, subgroup: Subgroup, student: Student, date_from: dt.date
) -> SubgroupMembership:
    """Put one student into a subgroup from `date_from` until they leave the group — for a
    student an order has just put into the group. The others in the subgroup are untouched."""
    group = subgroup.group
    _require_subgroups(actor, group)
    _lock_student(student)
    params = {"student": student.person.full_name, "group": group.name, "date": _date(date_from)}
    membership = Membership.objects.filter(group=group, student=student).on_day(date_from).first()
    if membership is None:
        raise DomainError(
            _("%(student)s на %(date)s не состоит в группе %(group)s.") % params, field="subgroup"
        )
    clash = (
        SubgroupMembership.objects.filter(subgroup=subgroup, student=student)
        .overlapping(date_from, membership.date_to)
        .order_by("date_from")
        .first()
    )
    if clash is not None:
        raise DomainError(
            _("%(student)s уже в подгруппе «%(subgroup)s» с %(since)s.")
            % {**params, "subgroup": subgroup.name, "since": _date(clash.date_from)},
            field="subgroup",
        )
    row = SubgroupMembership.objects.create(
        subgroup=subgroup, student=student, date_from=date_from, date_to=membership.date_to
    )
    audit_record(
        actor=actor.user,
        action=AuditEvent.Action.UPDATE,
        organization_id=actor.organization_id,
        obj=subgroup,
        changes={"students": [None, student.person.full_name]},
        reason=_("Состав подгруппы с %(date)s") % {"date": _date(date_from)},
    )
    return row


@transaction.atomic
def subgroup_update(
    *,
    actor: ActiveRole,
    subgroup: Subgroup,
    name: str,
    student_ids: Iterable[int],
    on: dt.date,
) -> Subgroup:
    """Rename the subgroup and set its members from `on`, together or not at all."""
    if name.strip() != subgroup.name:
        subgroup_rename(actor=actor, subgroup=subgroup, name=name)
    subgroup_set_members(actor=actor, subgroup=subgroup, student_ids=student_ids, on=on)
    return subgroup
