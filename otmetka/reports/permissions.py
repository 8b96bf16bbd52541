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

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from otmetka.academics.models import Group
from otmetka.academics.permissions import GROUP_REPORT_RIGHTS, group_reports_visible_to
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


SUMMARY_RIGHTS = GROUP_REPORT_RIGHTS


def get_report_group_or_404(actor: ActiveRole, group_id: int) -> Group:
    """A group the actor may see reports of, with its program, curriculum, department and
    curators (404 outside scope)."""
    groups = (
        group_reports_visible_to(actor)
        .select_related("program", "curriculum", "department")
        .prefetch_related(
            Prefetch("curators", queryset=Employee.objects.select_related("person"))
        )
    )
    return get_object_or_404(groups, pk=group_id)
