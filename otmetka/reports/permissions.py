"""Who may open the contingent reports, and over which rows.

Rights: `reports.all` (director, deputy, department head) or `movement.view`. A department
head whose role carries a department sees that department only; everyone else the whole
organization of their active role.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from otmetka.accounts.roles import Role

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
