"""Who may see and change which people: querysets of what an actor sees, 404 getters, predicates.

Row scope on students: the whole organization (`students.view_all`), narrowed to the department
of a department head whose role carries one; or the students of the groups the actor curates
(`students.view_own_group`): those in one today, whose cards they may also change, and, to read
only, those who left one since the academic year began. Group membership is read through the
reverse relation `student.memberships`, so this module does not depend on the academics app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import DateField, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from otmetka.accounts.roles import Role
from otmetka.lib.dates import academic_year_start, local_today
from otmetka.org.models import AcademicYear
from otmetka.people.models import (
    Consent,
    Employee,
    Guardianship,
    LateCardJustification,
    Person,
    Student,
)

if TYPE_CHECKING:
    from otmetka.accounts.permissions import ActiveRole

CONTACT_FIELDS = frozenset({"phone", "email", "address", "actual_address"})


def _today(actor: ActiveRole) -> dt.date:
    return local_today(actor.organization.timezone)


def _organization_students(actor: ActiveRole) -> QuerySet[Student]:
    return Student.objects.filter(person__organization_id=actor.organization_id)


def _with_membership(*conditions: Q, **lookups: object) -> Exists:
    """Students with a group membership matching the conditions, as a correlated EXISTS.

    Not `pk__in=(subquery)`: SQLite probes every student of the organization against every id
    the subquery lists, which made the department head's list of 1,900 students take seconds a
    page; EXISTS looks up the memberships of each student by its index (both databases). It
    also never repeats a student who has two memberships.
    """
    membership = Student._meta.get_field("memberships").related_model
    assert isinstance(membership, type)  # the reverse relation's model (no import of academics)
    return Exists(
        membership._default_manager.filter(*conditions, student_id=OuterRef("pk"), **lookups)
    )


def _on_day(day: dt.date) -> Q:
    """A membership that covers the day (date_to inclusive)."""
    return Q(date_from__lte=day) & (Q(date_to__isnull=True) | Q(date_to__gte=day))


def curated_students(actor: ActiveRole) -> QuerySet[Student]:
    """Students who are today in a group the actor curates."""
    if actor.employee_id is None:
        return Student.objects.none()
    return _organization_students(actor).filter(
        _with_membership(_on_day(_today(actor)), group__curators=actor.employee_id)
    )


def _year_start(actor: ActiveRole) -> Coalesce:
    """The first day of the academic year containing today, as an SQL expression (a subquery,
    so the scope costs no query of its own); 1 September when no year is entered."""
    today = _today(actor)
    start = AcademicYear.objects.filter(organization_id=actor.organization_id).on_day(today)
    return Coalesce(
        Subquery(start.values("date_from")[:1]),
        Value(academic_year_start(today.year if today.month >= 9 else today.year - 1)),
        output_field=DateField(),
    )


def curated_students_this_year(actor: ActiveRole) -> QuerySet[Student]:
    """Students who have been, on any day of this academic year up to today, in a group the
    actor curates: today's roll and those who left since the year began.

    A curator still answers for a student who left in the year: the weekly reasons of the
    absences before they left, the semester's reports and letters to the parents, the papers
    the student or the family come for (Положение 4.5). So the curator keeps reading the card
    and its history of groups and orders, and only that: changing it stays with today's roll.
    Students who left in an earlier year are the department's and the secretary's business.
    """
    if actor.employee_id is None:
        return Student.objects.none()
    return _organization_students(actor).filter(
        _with_membership(
            Q(date_to__isnull=True) | Q(date_to__gte=_year_start(actor)),
            date_from__lte=_today(actor),
            group__curators=actor.employee_id,
        )
    )


def students_visible_to(actor: ActiveRole) -> QuerySet[Student]:
    """Students whose personal card the actor may open (a curator's former students to read
    only: `card_read_only`)."""
    if actor.has_any("students.view_all", "students.edit_all"):
        students = _organization_students(actor)
        if actor.role == Role.DEPT_HEAD and actor.department_id is not None:
            students = students.filter(
                _with_membership(
                    _on_day(_today(actor)), group__department_id=actor.department_id
                )
            )
        return students
    if actor.has("students.view_own_group"):
        return curated_students_this_year(actor)
    return Student.objects.none()


def card_read_only(actor: ActiveRole, student: Student) -> bool:
    """Whether the actor reaches this card only to read it: a curator's student who has left
    their group (one query for a curator, none for anyone else)."""
    if actor.has_any("students.view_all", "students.edit_all"):
        return False
    return not curated_students(actor).filter(pk=student.pk).exists()


def cards_openable_by(actor: ActiveRole, student_ids: Iterable[int]) -> frozenset[int]:
    """Which of these students' cards the actor may open, so that a list links only to those
    (no query for the organization-wide scope or for none, else one)."""
    ids = frozenset(student_ids)
    if not ids or not can_view_students(actor):
        return frozenset()
    if actor.has_any("students.view_all", "students.edit_all") and not (
        actor.role == Role.DEPT_HEAD and actor.department_id is not None
    ):
        return ids
    return frozenset(students_visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True))


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


# Late cards (Положение 4.9) are watched from the movement book: whoever keeps it (the department
# head) judges which delays are justified — not the secretary whose deadline it is.
LATE_CARD_JUDGE = "movement.edit"


def late_card_students(actor: ActiveRole) -> QuerySet[Student]:
    """Students whose late card the actor may judge: the organization's; a department head
    bound to a department, those who have been in one of its groups (the late-card list's
    scope, which keeps students who have left since)."""
    if not actor.has(LATE_CARD_JUDGE):
        return Student.objects.none()
    students = _organization_students(actor)
    if actor.role == Role.DEPT_HEAD and actor.department_id is not None:
        students = students.filter(_with_membership(group__department_id=actor.department_id))
    return students


def get_late_card_students_or_404(actor: ActiveRole, student_ids: set[int]) -> list[Student]:
    """All of `student_ids` among the students whose late cards the actor may judge, or 404."""
    students = list(
        late_card_students(actor).filter(pk__in=student_ids).select_related("person")
    )
    if len(students) != len(student_ids):
        raise Http404
    return students


def get_justification_for_user_or_404(
    actor: ActiveRole, justification_id: int
) -> LateCardJustification:
    justifications = LateCardJustification.objects.filter(
        student__in=late_card_students(actor)
    ).select_related("student__person")
    return get_object_or_404(justifications, pk=justification_id)


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


def can_issue_certificates(actor: ActiveRole) -> bool:
    """Справки с места учёбы и об обучении (the certificates app issues them)."""
    return actor.has("certificates.issue")


def can_mark_card_checked(actor: ActiveRole) -> bool:
    return can_edit_contacts(actor)


def can_link_guardians(actor: ActiveRole) -> bool:
    return actor.has_any("guardians.link", "students.edit_contacts_own_group")


def can_record_consents(actor: ActiveRole) -> bool:
    return actor.has_any("students.edit_all", "guardians.link", "students.edit_contacts_own_group")


def can_judge_late_cards(actor: ActiveRole) -> bool:
    return actor.has(LATE_CARD_JUDGE)


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
