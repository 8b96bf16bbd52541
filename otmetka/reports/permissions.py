"""Who may open the reports, and over which rows.

Contingent reports: `reports.all` (director, deputy, department head) or `movement.view`. A
department head whose role carries a department sees that department only; everyone else the
whole organization of their active role.

Group reports (the сводная ведомость): `reports.all` or `journal.view_all` over the
organization (a department head: their department), `reports.own_group` over the groups the
actor curates (academics.permissions.group_reports_visible_to). Others get 403, a group out of
scope 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from otmetka.academics.models import Group
from otmetka.academics.permissions import (
    GROUP_REPORT_RIGHTS,
    department_scope,
    group_reports_visible_to,
)
from otmetka.accounts.roles import Role
from otmetka.people.models import Employee

if TYPE_CHECKING:
    from otmetka.accounts.permissions import ActiveRole

REPORT_RIGHTS = ("reports.all", "movement.view")


def forced_department_id(actor: ActiveRole) -> int | None:
    """The department an actor is confined to, or None for the whole organization."""
    if actor.role == Role.DEPT_HEAD and actor.department_id is not None:
        return actor.department_id
    return None


def report_department_id(actor: ActiveRole, wanted: int | None) -> int | None:
    """The department a report covers: the actor's own if confined, else the one asked for."""
    return forced_department_id(actor) or wanted


# The сводная ведомость opens for the group-report rights and for those who prepare, print or
# agree it: a secretary prints every group's (Положение 4.9), a department head their
# department's, a curator their own groups'.
SUMMARY_OPEN_RIGHTS = (*GROUP_REPORT_RIGHTS, "summary.prepare", "summary.approve")
# The other group reports (attendance, quality, debts): the group-report rights alone.
SUMMARY_RIGHTS = GROUP_REPORT_RIGHTS


def summary_groups_visible_to(actor: ActiveRole) -> QuerySet[Group]:
    """The groups whose сводная ведомость the actor may open."""
    if actor.has_any("summary.prepare", "summary.approve") and actor.role != Role.CURATOR:
        groups = Group.objects.filter(organization_id=actor.organization_id)
        department_id = department_scope(actor)
        return groups if department_id is None else groups.filter(department_id=department_id)
    return group_reports_visible_to(actor)


def can_prepare_summary(actor: ActiveRole) -> bool:
    """Prepare a group's ведомость for agreement, or record that it was printed (within the
    groups `summary_groups_visible_to` gives)."""
    return actor.has("summary.prepare")


def can_approve_summary(actor: ActiveRole) -> bool:
    """Agree the printing of a ведомость, return it, or sign (visa) the printed one."""
    return actor.has("summary.approve")


def get_summary_group_or_404(actor: ActiveRole, group_id: int) -> Group:
    """A group whose сводная ведомость the actor may open (404 outside scope)."""
    return _report_group_or_404(summary_groups_visible_to(actor), group_id)


def get_report_group_or_404(actor: ActiveRole, group_id: int) -> Group:
    """A group the actor may see reports of, with its program, curriculum, department and
    curators (404 outside scope)."""
    return _report_group_or_404(group_reports_visible_to(actor), group_id)


def _report_group_or_404(visible: QuerySet[Group], group_id: int) -> Group:
    groups = visible.select_related("program", "curriculum", "department").prefetch_related(
        Prefetch("curators", queryset=Employee.objects.select_related("person"))
    )
    return get_object_or_404(groups, pk=group_id)
