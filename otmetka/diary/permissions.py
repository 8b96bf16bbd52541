"""Whose diary a role may open (Положение 3.7–3.9, 4.11, 4.12; 152-ФЗ).

A student opens only their own diary, a parent only the diaries of the children whose
guardianship says they receive it. Staff open a student's diary read-only: the curator of the
student's current group (`students.view_own_group` / `journal.view_own_group`), and roles that
read every card or every journal of the organization (`students.view_all`, `journal.view_all`;
a department head bound to a department: its students). Everyone else gets 404, as if the
student did not exist.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from otmetka.academics.models import Group, Membership, SubgroupMembership
from otmetka.accounts.permissions import ActiveRole
from otmetka.accounts.roles import Role
from otmetka.journal.models import HomeworkAttachment
from otmetka.lib.dates import local_today
from otmetka.people.models import Guardianship, Student
from otmetka.people.permissions import curated_students

OWN_RIGHTS = ("diary.view_own",)
STAFF_RIGHTS = (
    "students.view_all",
    "students.view_own_group",
    "journal.view_all",
    "journal.view_own_group",
)
LETTER_RIGHTS = ("reports.own_group", "reports.all")


def own_diary_students_of(
    *, organization_id: int, person_id: int, parent: bool
) -> QuerySet[Student]:
    """The person's own student card, or (a parent) the children who receive their diary."""
    if parent:
        # Scoped inside the subquery, so the database starts from the few children rather than
        # from every person of the organization.
        children = Guardianship.objects.filter(
            guardian_id=person_id,
            receives_diary=True,
            student__person__organization_id=organization_id,
        )
        return Student.objects.filter(pk__in=children.values("student_id"))
    return Student.objects.filter(person_id=person_id, person__organization_id=organization_id)


def own_diary_role(actor: ActiveRole) -> bool | None:
    """Whether the actor reads the diary as a parent (True), as a student (False), or not at
    all (None: no person, no right, or a role without a diary of its own)."""
    if actor.person is None or not actor.has("diary.view_own"):
        return None
    if actor.role == Role.PARENT:
        return True
    if actor.role == Role.STUDENT:
        return False
    return None


def own_diary_students(actor: ActiveRole) -> QuerySet[Student]:
    """The student themself, or a parent's children who receive the diary; nobody else."""
    parent = own_diary_role(actor)
    if parent is None or actor.person is None:
        return Student.objects.none()
    return own_diary_students_of(
        organization_id=actor.organization_id, person_id=actor.person.pk, parent=parent
    )


def staff_diary_students(actor: ActiveRole) -> QuerySet[Student]:
    """Students whose diary a member of staff may read (every view of it is audited)."""
    students = Student.objects.filter(person__organization_id=actor.organization_id)
    if actor.has_any("students.view_all", "students.edit_all", "journal.view_all"):
        if actor.role == Role.DEPT_HEAD and actor.department_id is not None:
            today = local_today(actor.organization.timezone)
            inside = Membership.objects.filter(group__department_id=actor.department_id)
            return students.filter(pk__in=inside.on_day(today).values("student_id"))
        return students
    if actor.has_any("students.view_own_group", "journal.view_own_group"):
        return curated_students(actor)
    return Student.objects.none()


def can_view_staff_diary(actor: ActiveRole) -> bool:
    return actor.has_any(*STAFF_RIGHTS)


def diary_attachment_or_404(students: QuerySet[Student], attachment_id: int) -> HomeworkAttachment:
    """A homework file of a lesson in the diary of one of `students` (else 404).

    The lesson is in a student's diary when the student was in the lesson's group on its date
    and, for a subgroup's lesson, in that subgroup on that date (two queries).
    """
    attachment = get_object_or_404(
        HomeworkAttachment.objects.select_related("lesson__workload"), pk=attachment_id
    )
    lesson = attachment.lesson
    day = lesson.date
    on_roll = Membership.objects.filter(group_id=lesson.workload.group_id).on_day(day)
    allowed = students.filter(pk__in=on_roll.values("student_id"))
    if lesson.workload.subgroup_id is not None:
        in_subgroup = SubgroupMembership.objects.filter(
            subgroup_id=lesson.workload.subgroup_id
        ).on_day(day)
        allowed = allowed.filter(pk__in=in_subgroup.values("student_id"))
    if not allowed.exists():
        raise Http404
    return attachment


def letter_groups(actor: ActiveRole) -> QuerySet[Group]:
    """Groups whose letters to parents the actor may print (Положение 4.5): any group of the
    organization with `reports.all` (a department head bound to a department: its groups), the
    groups the actor curates with `reports.own_group`."""
    groups = Group.objects.filter(organization_id=actor.organization_id)
    if actor.has("reports.all"):
        if actor.role == Role.DEPT_HEAD and actor.department_id is not None:
            return groups.filter(department_id=actor.department_id)
        return groups
    if actor.has("reports.own_group") and actor.employee_id is not None:
        curated = Group.curators.through.objects.filter(employee_id=actor.employee_id)
        return groups.filter(pk__in=curated.values("group_id"))
    return Group.objects.none()


def get_letter_group_or_404(actor: ActiveRole, group_id: int) -> Group:
    return get_object_or_404(letter_groups(actor), pk=group_id)
