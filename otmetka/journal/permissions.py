"""Which journals a role may read and fill.

A journal is a workload line seen for a semester. The teacher reads and fills the journals of
their own workload; the curator reads every journal of the groups they curate (and sets
attendance reasons); a department head reads the department's groups; deputy, director and
admin read all (DESIGN.md §1, Положение 4.3, 4.5, 4.6). A substitute sees and fills only the
lessons they substitute (Положение 4.6), not the rest of that journal: its other lessons, its
attestation, КТП and prints stay closed to them.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from otmetka.academics.models import Group, Workload
from otmetka.academics.permissions import department_scope, group_reports_visible_to
from otmetka.accounts.permissions import ActiveRole
from otmetka.journal.models import AttestationSheet, Lesson, RetakeSheet

# What a journal's pages show of it, fetched with it.
GRID_JOINS = ("group__organization", "item", "subgroup", "teacher__person", "academic_year")


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
        if actor.has("journal.view_own_group"):
            scope |= Q(group__curators=employee_id)
    return workloads.filter(scope).distinct()


def substituted_lessons(actor: ActiveRole) -> QuerySet[Lesson]:
    """The lessons the actor conducts as a substitute, in the actor's organization."""
    if actor.employee_id is None or not actor.has_any("journal.view_own", "journal.edit_own"):
        return Lesson.objects.none()
    return Lesson.objects.filter(
        substitution__substitute_id=actor.employee_id,
        workload__group__organization_id=actor.organization_id,
    )


def lessons_visible_to(actor: ActiveRole) -> QuerySet[Lesson]:
    """Lessons of the journals the actor reads, and the lessons the actor substitutes."""
    scope = Q(workload_id__in=journals_visible_to(actor).values("pk"))
    if actor.employee_id is not None and actor.has_any("journal.view_own", "journal.edit_own"):
        scope |= Q(
            substitution__substitute_id=actor.employee_id,
            workload__group__organization_id=actor.organization_id,
        )
    return Lesson.objects.filter(scope)


def grid_journal_for_user_or_404(
    actor: ActiveRole, workload_id: int
) -> tuple[Workload, frozenset[int] | None]:
    """The journal for its grid, and None when the actor reads all of it; else the ids of the
    lessons of it the actor substitutes, the only ones their grid shows (404 without any)."""
    workload = journals_visible_to(actor).select_related(*GRID_JOINS).filter(pk=workload_id).first()
    if workload is not None:
        return workload, None
    # `workload__pk`: unlike `workload_id`, it answers «none» to an id SQLite cannot hold.
    ids = frozenset(
        substituted_lessons(actor).filter(workload__pk=workload_id).values_list("pk", flat=True)
    )
    if not ids:
        raise Http404
    return get_object_or_404(Workload.objects.select_related(*GRID_JOINS), pk=workload_id), ids


def get_journal_for_user_or_404(actor: ActiveRole, workload_id: int) -> Workload:
    return get_object_or_404(journals_visible_to(actor).select_related(*GRID_JOINS), pk=workload_id)


def get_lesson_for_user_or_404(actor: ActiveRole, lesson_id: int) -> Lesson:
    return get_object_or_404(
        lessons_visible_to(actor).select_related(
            *(f"workload__{join}" for join in GRID_JOINS), "teacher__person", "substitution", "room"
        ),
        pk=lesson_id,
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


# --- Повторная аттестация ---------------------------------------------------------------------


def can_issue_retakes(actor: ActiveRole, group: Group) -> bool:
    """`journal.retakes` in the group's organization; a department head in their department."""
    if group.organization_id != actor.organization_id or not actor.has("journal.retakes"):
        return False
    department_id = department_scope(actor)
    return department_id is None or group.department_id == department_id


def can_enter_retake(actor: ActiveRole, retake_sheet: RetakeSheet) -> bool:
    """An examiner named on the sheet, or whoever may issue it (entering a paper sheet)."""
    sheet = retake_sheet.sheet
    if retake_sheet.organization_id != actor.organization_id:
        return False
    if can_issue_retakes(actor, sheet.group):
        return True
    employee_id = actor.employee_id
    return employee_id is not None and any(
        examiner.pk == employee_id for examiner in retake_sheet.examiners.all()
    )


def retake_sheets_visible_to(actor: ActiveRole) -> QuerySet[RetakeSheet]:
    """Retake sheets of the groups whose reports the actor sees, and those naming them as an
    examiner."""
    sheets = RetakeSheet.objects.filter(organization_id=actor.organization_id)
    visible = Q(sheet__group__in=group_reports_visible_to(actor))
    if actor.has("journal.retakes"):
        department_id = department_scope(actor)
        if department_id is None:
            return sheets
        visible |= Q(sheet__group__department_id=department_id)
    if actor.employee_id is not None:
        visible |= Q(examiners=actor.employee_id)
    return sheets.filter(pk__in=sheets.filter(visible).values("pk"))


def retake_issue_sheets_for(actor: ActiveRole) -> QuerySet[AttestationSheet]:
    """Closed attestation sheets the actor may issue retakes for (none without the right)."""
    if not actor.has("journal.retakes"):
        return AttestationSheet.objects.none()
    sheets = AttestationSheet.objects.filter(
        group__organization_id=actor.organization_id, status=AttestationSheet.Status.CLOSED
    )
    department_id = department_scope(actor)
    return sheets if department_id is None else sheets.filter(group__department_id=department_id)
