"""Row scope of the academics app: which groups, curricula and workload lines a role may see."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from otmetka.academics.models import (
    Curriculum,
    CurriculumHours,
    CurriculumItem,
    Group,
    Membership,
    Program,
    Subgroup,
    Workload,
)
from otmetka.accounts.permissions import ActiveRole, can_issue_credentials_for_group
from otmetka.accounts.roles import Role
from otmetka.people.models import Employee


def department_scope(actor: ActiveRole) -> int | None:
    """The department a department head is bound to (None: the whole organization)."""
    if actor.role == Role.DEPT_HEAD:
        return actor.department_id
    return None


def groups_visible_to(actor: ActiveRole) -> QuerySet[Group]:
    """Groups of the actor's organization within their row scope.

    `groups.view_all`: the organization (a department head bound to a department: its groups).
    Otherwise the groups the actor curates (`groups.view_own`) and, for a teacher, the groups
    they have workload in. Subqueries, not joins, so that counts annotated later stay right.
    """
    groups = Group.objects.filter(organization_id=actor.organization_id)
    if actor.has("groups.view_all"):
        department_id = department_scope(actor)
        if department_id is not None:
            return groups.filter(department_id=department_id)
        return groups
    employee_id = actor.employee_id
    if employee_id is None:
        return groups.none()
    scope = Q(pk__in=[])
    if actor.has("groups.view_own"):
        curated = Group.curators.through.objects.filter(employee_id=employee_id)
        scope |= Q(pk__in=curated.values("group_id"))
    if actor.has_any("workload.view_own", "journal.view_own"):
        taught = Workload.objects.filter(teacher_id=employee_id)
        scope |= Q(pk__in=taught.values("group_id"))
    return groups.filter(scope)


def _curators_prefetch(lookup: str = "curators") -> Prefetch:
    return Prefetch(lookup, queryset=Employee.objects.select_related("person"))


def get_group_for_user_or_404(actor: ActiveRole, group_id: int) -> Group:
    """The group with its program, curriculum, department and curators (404 outside scope)."""
    groups = (
        groups_visible_to(actor)
        .select_related("program", "curriculum", "department")
        .prefetch_related(_curators_prefetch())
    )
    return get_object_or_404(groups, pk=group_id)


def get_subgroup_for_user_or_404(actor: ActiveRole, subgroup_id: int) -> Subgroup:
    subgroups = (
        Subgroup.objects.filter(group__in=groups_visible_to(actor))
        .select_related("group")
        .prefetch_related(_curators_prefetch("group__curators"))
    )
    return get_object_or_404(subgroups, pk=subgroup_id)


def get_membership_for_user_or_404(actor: ActiveRole, membership_id: int) -> Membership:
    memberships = Membership.objects.filter(group__in=groups_visible_to(actor)).select_related(
        "group", "student__person"
    )
    return get_object_or_404(memberships, pk=membership_id)


def curator_ids(group: Group) -> set[int]:
    """Employee ids of the group's curators; no query when they were prefetched."""
    cache = getattr(group, "_prefetched_objects_cache", {})
    if "curators" in cache:
        return {employee.pk for employee in cache["curators"]}
    return set(group.curators.values_list("pk", flat=True))


def can_edit_group(actor: ActiveRole, group: Group) -> bool:
    """`groups.edit` in the group's organization (a department head: only their department)."""
    if group.organization_id != actor.organization_id or not actor.has("groups.edit"):
        return False
    department_id = department_scope(actor)
    return department_id is None or group.department_id == department_id


def can_edit_subgroups(actor: ActiveRole, group: Group) -> bool:
    """`subgroups.edit_all` (within a department head's department) or `subgroups.edit_own`
    for a group the actor curates (Положение 4.5–4.8)."""
    if group.organization_id != actor.organization_id:
        return False
    if actor.has("subgroups.edit_all"):
        department_id = department_scope(actor)
        if department_id is None or group.department_id == department_id:
            return True
    if actor.has("subgroups.edit_own") and actor.employee_id is not None:
        return actor.employee_id in curator_ids(group)
    return False


def can_manage_group_access(actor: ActiveRole, group: Group) -> bool:
    """The group's credentials and consents page: its curator now, or an administrator
    (`credentials.issue_all`); zero queries when the curators were prefetched."""
    return can_issue_credentials_for_group(
        actor, organization_id=group.organization_id, curator_ids=curator_ids(group)
    )


# Programs, curricula and workload.


def can_view_programs(actor: ActiveRole) -> bool:
    return actor.has_any("programs.view", "programs.edit")


def can_edit_programs(actor: ActiveRole) -> bool:
    return actor.has("programs.edit")


def can_edit_workload(actor: ActiveRole) -> bool:
    return actor.has("workload.edit")


def can_draft_graduation_order(actor: ActiveRole) -> bool:
    """Whether the rollover page offers «Подготовить приказ о выпуске» (the new-order page).

    The right of `movement.permissions.can_create_order`, which academics, a layer below
    movement, cannot import; a test keeps the two the same for every role.
    """
    return actor.has("movement.edit")


def programs_visible_to(actor: ActiveRole) -> QuerySet[Program]:
    """Programs of the actor's organization, for anyone who may see programs at all."""
    if not can_view_programs(actor):
        return Program.objects.none()
    return Program.objects.filter(organization_id=actor.organization_id)


def curricula_visible_to(actor: ActiveRole) -> QuerySet[Curriculum]:
    if not can_view_programs(actor):
        return Curriculum.objects.none()
    return Curriculum.objects.filter(program__organization_id=actor.organization_id)


def get_program_for_user_or_404(actor: ActiveRole, program_id: int) -> Program:
    return get_object_or_404(programs_visible_to(actor).select_related("department"), pk=program_id)


def get_curriculum_for_user_or_404(actor: ActiveRole, curriculum_id: int) -> Curriculum:
    return get_object_or_404(
        curricula_visible_to(actor).select_related("program"), pk=curriculum_id
    )


def get_item_for_user_or_404(actor: ActiveRole, item_id: int) -> CurriculumItem:
    items = CurriculumItem.objects.filter(curriculum__in=curricula_visible_to(actor))
    return get_object_or_404(items.select_related("curriculum__program", "parent"), pk=item_id)


def get_hours_for_user_or_404(actor: ActiveRole, hours_id: int) -> CurriculumHours:
    hours = CurriculumHours.objects.filter(item__curriculum__in=curricula_visible_to(actor))
    return get_object_or_404(hours.select_related("item__curriculum__program"), pk=hours_id)


def workloads_visible_to(actor: ActiveRole) -> QuerySet[Workload]:
    """All lines of the organization (`workload.view_all`) or the actor's own (`view_own`)."""
    lines = Workload.objects.filter(group__organization_id=actor.organization_id)
    if actor.has_any("workload.view_all", "workload.edit"):
        return lines
    if actor.has("workload.view_own") and actor.employee_id is not None:
        return lines.for_teacher(actor.employee_id)
    return Workload.objects.none()


def get_workload_for_user_or_404(actor: ActiveRole, workload_id: int) -> Workload:
    lines = workloads_visible_to(actor).select_related(
        "academic_year", "teacher__person", "group__curriculum", "item", "subgroup"
    )
    return get_object_or_404(lines, pk=workload_id)


# Group reports (сводная ведомость): who may see every mark of a group. `reports.all` and
# `journal.view_all` reach the organization (a department head bound to a department: its
# groups), `reports.own_group` the groups the actor curates.
GROUP_REPORT_RIGHTS = ("reports.all", "journal.view_all", "reports.own_group")


def group_reports_visible_to(actor: ActiveRole) -> QuerySet[Group]:
    """The groups whose reports the actor may open."""
    groups = Group.objects.filter(organization_id=actor.organization_id)
    if actor.has_any("reports.all", "journal.view_all"):
        department_id = department_scope(actor)
        return groups if department_id is None else groups.filter(department_id=department_id)
    if actor.has("reports.own_group") and actor.employee_id is not None:
        curated = Group.curators.through.objects.filter(employee_id=actor.employee_id)
        return groups.filter(pk__in=curated.values("group_id"))
    return groups.none()


def can_view_group_reports(actor: ActiveRole, group: Group) -> bool:
    """The same scope as `group_reports_visible_to`, for one group; no query when the
    group's curators were prefetched."""
    if group.organization_id != actor.organization_id:
        return False
    if actor.has_any("reports.all", "journal.view_all"):
        department_id = department_scope(actor)
        return department_id is None or group.department_id == department_id
    if actor.has("reports.own_group") and actor.employee_id is not None:
        return actor.employee_id in curator_ids(group)
    return False
