"""Who may see and change which people: querysets of what an actor sees, 404 getters, predicates.

Row scope on students: the whole organization (`students.view_all`), narrowed to the department
of a department head whose role carries one; or only the students who are today in a group the
actor curates (`students.view_own_group`). Group membership is read through the reverse relation
`student.memberships`, so this module does not depend on the academics app.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from otmetka.accounts.roles import Role
from otmetka.lib.dates import local_today
from otmetka.people.models import Consent, Employee, Guardianship, Person, Student

if TYPE_CHECKING:
    from otmetka.accounts.permissions import ActiveRole

CONTACT_FIELDS = frozenset({"phone", "email", "address", "actual_address"})


def _today(actor: ActiveRole) -> dt.date:
    return local_today(actor.organization.timezone)


def _current_membership(actor: ActiveRole) -> Q:
    """Students with a membership that covers today's local date (date_to inclusive)."""
    today = _today(actor)
    return Q(memberships__date_from__lte=today) & (
        Q(memberships__date_to__isnull=True) | Q(memberships__date_to__gte=today)
    )


def _organization_students(actor: ActiveRole) -> QuerySet[Student]:
    return Student.objects.filter(person__organization_id=actor.organization_id)


def curated_students(actor: ActiveRole) -> QuerySet[Student]:
    """Students who are today in a group the actor curates."""
    if actor.employee_id is None:
        return Student.objects.none()
    inside = Student.objects.filter(
        _current_membership(actor), memberships__group__curators=actor.employee_id
    )
    # A subquery rather than a join, so a student never appears twice.
    return _organization_students(actor).filter(pk__in=inside.values("pk"))


def students_visible_to(actor: ActiveRole) -> QuerySet[Student]:
    """Students whose personal card the actor may open."""
    if actor.has_any("students.view_all", "students.edit_all"):
        students = _organization_students(actor)
        if actor.role == Role.DEPT_HEAD and actor.department_id is not None:
            inside = Student.objects.filter(
                _current_membership(actor), memberships__group__department_id=actor.department_id
            )
            students = students.filter(pk__in=inside.values("pk"))
        return students
    if actor.has("students.view_own_group"):
        return curated_students(actor)
    return Student.objects.none()


def get_student_for_user_or_404(actor: ActiveRole, student_id: int) -> Student:
    return get_object_or_404(students_visible_to(actor).select_related("person"), pk=student_id)


def contact_scope(actor: ActiveRole, *, full_rights: tuple[str, ...]) -> QuerySet[Student]:
    """Students whose contacts, guardians or consents the actor may change.

    `full_rights` give the whole visible set; a curator's `students.edit_contacts_own_group`
    gives only the students of their groups.
    """
    if actor.has_any(*full_rights):
        return students_visible_to(actor)
    if actor.has("students.edit_contacts_own_group"):
        return curated_students(actor)
    return Student.objects.none()


def get_student_for_contacts_or_404(actor: ActiveRole, student_id: int) -> Student:
    """A student whose card the actor may edit: any visible one, or a curator's own."""
    students = contact_scope(actor, full_rights=("students.edit_all",))
    return get_object_or_404(students.select_related("person"), pk=student_id)


def get_student_for_guardians_or_404(actor: ActiveRole, student_id: int) -> Student:
    students = contact_scope(actor, full_rights=("guardians.link",))
    return get_object_or_404(students.select_related("person"), pk=student_id)


def persons_with_consents_visible_to(actor: ActiveRole) -> QuerySet[Person]:
    """Students and their guardians whose consents the actor may record or revoke."""
    students = contact_scope(actor, full_rights=("students.edit_all", "guardians.link"))
    return Person.objects.filter(organization_id=actor.organization_id).filter(
        Q(pk__in=students.values("person_id"))
        | Q(pk__in=Guardianship.objects.filter(student__in=students).values("guardian_id"))
    )


def get_consent_person_for_user_or_404(actor: ActiveRole, person_id: int) -> Person:
    return get_object_or_404(persons_with_consents_visible_to(actor), pk=person_id)


def get_consent_for_user_or_404(actor: ActiveRole, consent_id: int) -> Consent:
    consents = Consent.objects.filter(person__in=persons_with_consents_visible_to(actor))
    return get_object_or_404(consents.select_related("person"), pk=consent_id)


def get_guardianship_for_user_or_404(actor: ActiveRole, guardianship_id: int) -> Guardianship:
    """A guardian link the actor may remove (same scope as adding one)."""
    students = contact_scope(actor, full_rights=("guardians.link",))
    guardianships = Guardianship.objects.filter(student__in=students)
    return get_object_or_404(
        guardianships.select_related("student__person", "guardian"), pk=guardianship_id
    )


def own_students(actor: ActiveRole) -> QuerySet[Student]:
    """A student's own card, or the children of a parent (Положение 3.9: only one's own data)."""
    person = actor.person
    if person is None or person.organization_id != actor.organization_id:
        return Student.objects.none()
    students = Student.objects.filter(person__organization_id=actor.organization_id)
    if actor.role == Role.STUDENT:
        return students.filter(person_id=person.pk)
    if actor.role == Role.PARENT:
        return students.filter(guardianships__guardian_id=person.pk)
    return Student.objects.none()


def employees_visible_to(actor: ActiveRole) -> QuerySet[Employee]:
    if not actor.has_any("staff.view", "staff.edit"):
        return Employee.objects.none()
    return Employee.objects.filter(person__organization_id=actor.organization_id)


def get_employee_for_user_or_404(actor: ActiveRole, employee_id: int) -> Employee:
    employees = employees_visible_to(actor).select_related("person", "department")
    return get_object_or_404(employees, pk=employee_id)


# --- Zero-query predicates: they read the actor's rights (cached) and ids already on rows. ---


def can_view_students(actor: ActiveRole) -> bool:
    return actor.has_any("students.view_all", "students.view_own_group", "students.edit_all")


def can_edit_student_card(actor: ActiveRole) -> bool:
    return actor.has("students.edit_all")


def can_edit_contacts(actor: ActiveRole) -> bool:
    return actor.has_any("students.edit_all", "students.edit_contacts_own_group")


def can_mark_card_checked(actor: ActiveRole) -> bool:
    return can_edit_contacts(actor)


def can_link_guardians(actor: ActiveRole) -> bool:
    return actor.has_any("guardians.link", "students.edit_contacts_own_group")


def can_record_consents(actor: ActiveRole) -> bool:
    return actor.has_any("students.edit_all", "guardians.link", "students.edit_contacts_own_group")


def can_view_staff(actor: ActiveRole) -> bool:
    return actor.has_any("staff.view", "staff.edit")


def can_edit_staff(actor: ActiveRole) -> bool:
    return actor.has("staff.edit")


def can_create_account_for(actor: ActiveRole, person: Person) -> bool:
    """The «Создать учётную запись» link on a staff card."""
    return (
        actor.has("users.staff")
        and person.organization_id == actor.organization_id
        and person.user_id is None
    )
