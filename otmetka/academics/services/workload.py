"""Writes for teacher workload (педагогическая нагрузка), set by the deputy (Положение 4.3)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from otmetka.academics.models import CurriculumItem, Group, Subgroup, Workload
from otmetka.accounts.permissions import ActiveRole
from otmetka.audit.services import audit_change, audit_delete, snapshot
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.lib.text import by_sex
from otmetka.org.models import AcademicYear
from otmetka.people.models import Employee

WORKLOAD_FIELDS = (
    "academic_year", "teacher", "group", "item", "subgroup", "hours_first", "hours_second",
)
_SMALLINT_MAX = 32767


def _require_edit(actor: ActiveRole) -> None:
    if not actor.has("workload.edit"):
        raise NotAllowed(_("Недостаточно прав для распределения нагрузки."))


def _check_workload(
    *,
    actor: ActiveRole,
    workload: Workload | None,
    academic_year: AcademicYear,
    teacher: Employee,
    group: Group,
    item: CurriculumItem,
    subgroup: Subgroup | None,
    hours_first: int,
    hours_second: int,
) -> None:
    organization_id = actor.organization_id
    if academic_year.organization_id != organization_id:
        raise DomainError(_("Учебный год не найден в вашей организации."), field="academic_year")
    if teacher.person.organization_id != organization_id:
        raise DomainError(
            _("Преподаватель работает в другой организации: нагрузку назначают только своим "
              "сотрудникам."),
            field="teacher",
        )
    today = local_today(actor.organization.timezone)
    if teacher.dismissal_date is not None and teacher.dismissal_date < today:
        message = by_sex(
            teacher.person.grammatical_sex,
            male=_("%(teacher)s уволен %(date)s: нагрузку назначают работающим сотрудникам."),
            female=_("%(teacher)s уволена %(date)s: нагрузку назначают работающим сотрудникам."),
            unknown=_(
                "%(teacher)s уволен(а) %(date)s: нагрузку назначают работающим сотрудникам."
            ),
        )
        raise DomainError(
            message
            % {"teacher": teacher.person.full_name, "date": f"{teacher.dismissal_date:%d.%m.%Y}"},
            field="teacher",
        )
    if group.organization_id != organization_id:
        raise DomainError(_("Группа не найдена в вашей организации."), field="group")
    if not group.is_active:
        raise DomainError(
            _("Группа %(group)s больше не обучается.") % {"group": group}, field="group"
        )
    if item.curriculum_id != group.curriculum_id:
        raise DomainError(
            _("«%(item)s» не входит в учебный план группы %(group)s («%(curriculum)s»).")
            % {"item": item, "group": group, "curriculum": group.curriculum},
            field="item",
        )
    if item.kind == CurriculumItem.Kind.MODULE:
        raise DomainError(
            _("Нагрузку назначают на дисциплину, МДК или практику, а не на профессиональный "
              "модуль целиком."),
            field="item",
        )
    if subgroup is not None and subgroup.group_id != group.pk:
        raise DomainError(
            _("Подгруппа «%(subgroup)s» — не из группы %(group)s.")
            % {"subgroup": subgroup.name, "group": group},
            field="subgroup",
        )
    for name, value in (("hours_first", hours_first), ("hours_second", hours_second)):
        if not 0 <= value <= _SMALLINT_MAX:
            raise DomainError(_("Часы — целое число от 0 до 32767."), field=name)
    if hours_first + hours_second == 0:
        raise DomainError(_("Укажите часы хотя бы в одном семестре."), field="hours_first")
    duplicates = Workload.objects.filter(
        academic_year=academic_year, teacher=teacher, group=group, item=item, subgroup=subgroup
    )
    if workload is not None:
        duplicates = duplicates.exclude(pk=workload.pk)
    if duplicates.exists():
        raise DomainError(
            _duplicate_message(teacher=teacher, group=group, item=item, year=academic_year),
            field="item",
        )


def _duplicate_message(
    *, teacher: Employee, group: Group, item: CurriculumItem, year: AcademicYear
) -> str:
    return _(
        "У преподавателя %(teacher)s уже есть нагрузка по «%(item)s» в группе %(group)s на "
        "%(year)s учебный год: измените ту строку."
    ) % {"teacher": teacher.person.full_name_genitive, "item": item, "group": group, "year": year}


def _save(workload: Workload) -> None:
    try:
        with transaction.atomic():
            workload.save()
    except IntegrityError as error:
        raise DomainError(
            _duplicate_message(teacher=workload.teacher, group=workload.group,
                               item=workload.item, year=workload.academic_year),
            field="item",
        ) from error


@transaction.atomic
def workload_create(
    *,
    actor: ActiveRole,
    academic_year: AcademicYear,
    teacher: Employee,
    group: Group,
    item: CurriculumItem,
    subgroup: Subgroup | None = None,
    hours_first: int,
    hours_second: int,
) -> Workload:
    """A line of a teacher's workload for the year: group × item (× subgroup), hours per half."""
    _require_edit(actor)
    _check_workload(actor=actor, workload=None, academic_year=academic_year, teacher=teacher,
                    group=group, item=item, subgroup=subgroup, hours_first=hours_first,
                    hours_second=hours_second)
    workload = Workload(academic_year=academic_year, teacher=teacher, group=group, item=item,
                        subgroup=subgroup, hours_first=hours_first, hours_second=hours_second)
    _save(workload)
    audit_change(actor=actor.user, instance=workload, before=None,
                 organization_id=actor.organization_id, fields=WORKLOAD_FIELDS)
    return workload


@transaction.atomic
def workload_update(
    *,
    actor: ActiveRole,
    workload: Workload,
    academic_year: AcademicYear,
    teacher: Employee,
    group: Group,
    item: CurriculumItem,
    subgroup: Subgroup | None = None,
    hours_first: int,
    hours_second: int,
) -> Workload:
    _require_edit(actor)
    if workload.group.organization_id != actor.organization_id:
        raise NotAllowed(_("Эта строка нагрузки вам недоступна."))
    _check_workload(actor=actor, workload=workload, academic_year=academic_year, teacher=teacher,
                    group=group, item=item, subgroup=subgroup, hours_first=hours_first,
                    hours_second=hours_second)
    before = snapshot(workload, WORKLOAD_FIELDS)
    workload.academic_year, workload.teacher, workload.group = academic_year, teacher, group
    workload.item, workload.subgroup = item, subgroup
    workload.hours_first, workload.hours_second = hours_first, hours_second
    _save(workload)
    audit_change(actor=actor.user, instance=workload, before=before,
                 organization_id=actor.organization_id, fields=WORKLOAD_FIELDS)
    return workload


@transaction.atomic
def workload_delete(*, actor: ActiveRole, workload: Workload) -> None:
    _require_edit(actor)
    if workload.group.organization_id != actor.organization_id:
        raise NotAllowed(_("Эта строка нагрузки вам недоступна."))
    audit_delete(actor=actor.user, instance=workload, organization_id=actor.organization_id,
                 fields=WORKLOAD_FIELDS)
    try:
        workload.delete()
    except ProtectedError as error:  # the audit row goes back with the transaction
        raise DomainError(
            _("Строку нагрузки нельзя удалить: по ней уже есть занятия, КТП или расписание.")
        ) from error
