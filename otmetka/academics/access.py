"""Reads for a group's access page: who of the roll and their parents can sign in, and who has
signed the consent the electronic diary needs (Положение 3.8, 3.10, 4.5).

Four queries whatever the size of the group: the roll, the guardians, the active consents and
the roles of the accounts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import cast

from django.db.models import QuerySet
from django.utils import timezone

from otmetka.academics.models import Group, Membership
from otmetka.accounts.models import RoleAssignment, User
from otmetka.accounts.roles import Role
from otmetka.people.models import Consent, Guardianship, Person, Student

SHOW_CHOICES = ("all", "never", "no_account", "no_consent")
_DIARY_ROLES = frozenset({Role.STUDENT, Role.PARENT})


@dataclass(frozen=True)
class AccessRow:
    """One person of the page: a student on the roll, or one of their parents."""

    person: Person
    student: Student
    guardianship: Guardianship | None
    consent: Consent | None
    account_roles: frozenset[str]
    otp_state: str  # "", "pending" (a one-time password waits to be changed) or "expired"
    # The account (or the lack of one) is a student's or a parent's: the page may create it,
    # issue a password and block it. A member of staff's account (a teacher who is also a
    # parent) is left to its own page, for anyone: a slip passes through the curator's hands.
    manageable: bool

    @property
    def user(self) -> User | None:
        return self.person.user

    @property
    def is_student(self) -> bool:
        return self.guardianship is None

    @property
    def role(self) -> str:
        return Role.STUDENT if self.is_student else Role.PARENT

    @property
    def never_signed_in(self) -> bool:
        return self.user is None or self.user.last_login is None

    @property
    def is_blocked(self) -> bool:
        return self.user is not None and not self.user.is_active

    @property
    def receives_diary(self) -> bool:
        return self.guardianship is None or self.guardianship.receives_diary

    def matches(self, show: str) -> bool:
        if show == "never":
            return self.never_signed_in
        if show == "no_account":
            return self.user is None
        if show == "no_consent":
            return self.consent is None
        return True


@dataclass
class GroupAccess:
    group: Group
    on: dt.date
    rows: list[AccessRow] = field(default_factory=list)

    def rows_for(self, show: str) -> list[AccessRow]:
        return [row for row in self.rows if row.matches(show)]

    def row_for(self, person_id: int) -> AccessRow | None:
        return next((row for row in self.rows if row.person.pk == person_id), None)

    def _distinct(self, *, students: bool, missing: str) -> int:
        return len(
            {
                row.person.pk
                for row in self.rows
                if row.is_student == students and row.matches(missing)
            }
        )

    @property
    def students(self) -> int:
        return self._distinct(students=True, missing="all")

    @property
    def parents(self) -> int:
        return self._distinct(students=False, missing="all")

    @property
    def students_without_consent(self) -> int:
        return self._distinct(students=True, missing="no_consent")

    @property
    def parents_without_consent(self) -> int:
        return self._distinct(students=False, missing="no_consent")

    @property
    def without_account(self) -> int:
        return len({row.person.pk for row in self.rows if row.user is None})

    @property
    def never_signed_in(self) -> int:
        return len({row.person.pk for row in self.rows if row.never_signed_in})

    def candidates(self, *, students: bool, parents: bool, only_never: bool) -> list[int]:
        """Whom «выдать реквизиты группе» reaches: the chosen kinds of people the actor may
        manage, except blocked accounts and parents who declined the electronic diary."""
        chosen: dict[int, None] = {}
        for row in self.rows:
            wanted = students if row.is_student else parents
            if not wanted or not row.manageable or row.is_blocked or not row.receives_diary:
                continue
            if only_never and not row.never_signed_in:
                continue
            chosen[row.person.pk] = None
        return list(chosen)


def _otp_state(user: User | None, now: dt.datetime) -> str:
    if user is None or not user.must_change_password:
        return ""
    if user.password_expires_at is not None and user.password_expires_at <= now:
        return "expired"
    return "pending"


def group_access(group: Group, on: dt.date) -> GroupAccess:
    """Students on the group's roll on `on`, each followed by their parents (four queries)."""
    memberships = cast(
        "QuerySet[Membership]",
        Membership.objects.filter(group=group)
        .on_day(on)
        .select_related("student__person__user")
        .order_by("student__person__sort_key", "student_id"),
    )
    students: dict[int, Student] = {}
    for membership in memberships:
        students.setdefault(membership.student_id, membership.student)
    guardianships: dict[int, list[Guardianship]] = {}
    links = (
        Guardianship.objects.filter(student_id__in=list(students))
        .select_related("guardian__user")
        .order_by("guardian__sort_key", "id")
    )
    for link in links:
        guardianships.setdefault(link.student_id, []).append(link)
    persons = [student.person for student in students.values()]
    persons += [link.guardian for group_links in guardianships.values() for link in group_links]
    consents: dict[int, Consent] = {}
    for consent in Consent.objects.filter(
        person_id__in={person.pk for person in persons}, revoked_on__isnull=True
    ).order_by("signed_on", "id"):
        consents[consent.person_id] = consent
    roles: dict[int, set[str]] = {}
    user_ids = {person.user_id for person in persons if person.user_id is not None}
    assignments = RoleAssignment.objects.filter(user_id__in=user_ids).values_list("user_id", "role")
    for user_id, role in assignments:
        roles.setdefault(user_id, set()).add(role)
    now = timezone.now()

    def row(person: Person, student: Student, link: Guardianship | None) -> AccessRow:
        account_roles = frozenset(roles.get(person.user_id or 0, ()))
        manageable = person.user_id is None or (
            bool(account_roles) and account_roles <= _DIARY_ROLES
        )
        return AccessRow(
            person=person,
            student=student,
            guardianship=link,
            consent=consents.get(person.pk),
            account_roles=account_roles,
            otp_state=_otp_state(person.user, now),
            manageable=manageable,
        )

    access = GroupAccess(group=group, on=on)
    for student in students.values():
        access.rows.append(row(student.person, student, None))
        for link in guardianships.get(student.pk, []):
            access.rows.append(row(link.guardian, student, link))
    return access
