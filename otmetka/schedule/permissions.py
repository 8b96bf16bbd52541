"""Who sees and edits which timetable (Положение 4.3, 4.7).

The dispatcher and the deputy edit (`timetable.edit`). Those who oversee the college (any of
`timetable.edit`, `groups.view_all`, `reports.all`) see every group's, teacher's and room's
timetable; a teacher sees their own and the groups they teach, a curator the groups they
curate, a student their group, a parent their children's groups.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from otmetka.academics.models import Group
from otmetka.accounts.permissions import ActiveRole
from otmetka.accounts.roles import Role
from otmetka.lib.dates import local_today
from otmetka.people.models import Employee

OVERSIGHT = ("timetable.edit", "groups.view_all", "reports.all")


def can_edit_timetable(actor: ActiveRole) -> bool:
    return actor.has("timetable.edit")


def sees_everything(actor: ActiveRole) -> bool:
    return actor.has_any(*OVERSIGHT)


def groups_with_visible_timetable(actor: ActiveRole) -> QuerySet[Group]:
    groups = Group.objects.filter(organization_id=actor.organization_id)
    if sees_everything(actor):
        return groups
    if not actor.has("timetable.view"):
        return groups.none()
    today = local_today(actor.organization.timezone)
    on_roll = Q(memberships__date_from__lte=today) & (
        Q(memberships__date_to__isnull=True) | Q(memberships__date_to__gte=today)
    )
    person = actor.person
    scope = Q(pk__in=[])
    if actor.employee_id is not None:
        scope |= Q(curators=actor.employee_id) | Q(workloads__teacher_id=actor.employee_id)
    if person is not None and actor.role == Role.STUDENT:
        scope |= on_roll & Q(memberships__student__person=person)
    if person is not None and actor.role == Role.PARENT:
        scope |= on_roll & Q(memberships__student__guardianships__guardian=person)
    return groups.filter(scope).distinct()


def get_group_timetable_or_404(actor: ActiveRole, group_id: int) -> Group:
    return get_object_or_404(groups_with_visible_timetable(actor), pk=group_id)


def teachers_with_visible_timetable(actor: ActiveRole) -> QuerySet[Employee]:
    employees = Employee.objects.filter(person__organization_id=actor.organization_id)
    if sees_everything(actor):
        return employees
    if actor.employee_id is not None and actor.has("timetable.view"):
        return employees.filter(pk=actor.employee_id)
    return employees.none()


def get_teacher_timetable_or_404(actor: ActiveRole, employee_id: int) -> Employee:
    return get_object_or_404(
        teachers_with_visible_timetable(actor).select_related("person"), pk=employee_id
    )


def can_view_rooms(actor: ActiveRole) -> bool:
    return sees_everything(actor)
