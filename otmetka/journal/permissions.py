"""Which journals a role may read and fill.

A journal is a workload line seen for a semester. The teacher reads and fills the journals of
their own workload and the lessons they substitute; the curator reads every journal of the
groups they curate (and sets attendance reasons); a department head reads the department's
groups; deputy, director and admin read all (DESIGN.md §1, Положение 4.3, 4.5, 4.6).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from otmetka.academics.models import Workload
from otmetka.accounts.permissions import ActiveRole
from otmetka.journal.models import Lesson


def journals_visible_to(actor: ActiveRole) -> QuerySet[Workload]:
    workloads = Workload.objects.filter(group__organization_id=actor.organization_id)
    if actor.has("journal.view_all"):
        if actor.department_id is not None and actor.role == "dept_head":
            return workloads.filter(group__department_id=actor.department_id)
        return workloads
    scope = Q(pk__in=[])
    employee_id = actor.employee_id
    if employee_id is not None:
        if actor.has_any("journal.view_own", "journal.edit_own"):
            scope |= Q(teacher_id=employee_id)
            scope |= Q(lessons__substitution__substitute_id=employee_id)
        if actor.has("journal.view_own_group"):
            scope |= Q(group__curators=employee_id)
    return workloads.filter(scope).distinct()


def get_journal_for_user_or_404(actor: ActiveRole, workload_id: int) -> Workload:
    return get_object_or_404(
        journals_visible_to(actor).select_related(
            "group", "item", "subgroup", "teacher__person", "academic_year"
        ),
        pk=workload_id,
    )


def can_edit_journal(actor: ActiveRole, workload: Workload) -> bool:
    """May fill this journal at all (the edit lock is checked per lesson, in the services)."""
    if actor.has("journal.edit_all"):
        return workload.group.organization_id == actor.organization_id
    return actor.has("journal.edit_own") and workload.teacher_id == actor.employee_id


def can_edit_lesson(actor: ActiveRole, lesson: Lesson) -> bool:
    """The journal's own teacher, or the substitute of this lesson."""
    if can_edit_journal(actor, lesson.workload):
        return True
    substitution = getattr(lesson, "substitution", None)
    return (
        actor.has("journal.edit_own")
        and substitution is not None
        and substitution.substitute_id == actor.employee_id
    )


def can_set_attendance_reasons(actor: ActiveRole, workload: Workload) -> bool:
    if not actor.has("journal.attendance_reasons"):
        return False
    return any(curator.pk == actor.employee_id for curator in workload.group.curators.all())


def can_unlock(actor: ActiveRole) -> bool:
    return actor.has("journal.unlock")
