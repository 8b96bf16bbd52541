"""Credentials for a group: accounts and one-time passwords for its students and their parents,
handed out by the curator on paper slips (Положение 3.10, 3.14, 4.5, 4.11, 4.12).

The passwords live only in the returned values: the caller shows or prints them once and forgets
them. Nothing stores them in plain text, not even the session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from otmetka.academics.access import group_access
from otmetka.academics.models import Group
from otmetka.academics.permissions import can_manage_group_access
from otmetka.accounts.permissions import ActiveRole
from otmetka.accounts.roles import Role
from otmetka.accounts.services import account_issue_for_person, credentials_issue
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.people.models import Person, Student


@dataclass(frozen=True)
class IssuedCredential:
    """What one paper slip carries; `password` exists nowhere else."""

    person: Person
    student: Student
    role: str
    username: str
    password: str = field(repr=False)
    expires_at: dt.datetime | None
    created: bool

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)

    @property
    def is_student(self) -> bool:
        return self.role == Role.STUDENT


@transaction.atomic
def credentials_issue_group(
    *, actor: ActiveRole, group: Group, person_ids: Iterable[int]
) -> list[IssuedCredential]:
    """Give each chosen student of the group's current roll and each chosen parent an account
    (created when missing, login from the name) and a new one-time password; all or nothing.

    A rerun issues new passwords and creates no second account. Argon2 hashes each password
    (about 50 ms): a group of 30 students with their parents takes a few seconds.
    """
    if not can_manage_group_access(actor, group):
        raise NotAllowed(_("Реквизиты этой группы выдаёт её куратор или администратор АИС."))
    wanted = set(person_ids)
    if not wanted:
        raise DomainError(_("Отметьте, кому выдать реквизиты."), field="person")
    access = group_access(group, local_today(actor.organization.timezone))
    rows = [row for row in access.rows if row.person.pk in wanted]
    found = {row.person.pk for row in rows}
    if found != wanted:
        raise DomainError(
            _("Реквизиты выдаются только обучающимся группы и их родителям."), field="person"
        )
    issued: list[IssuedCredential] = []
    done: set[int] = set()
    for row in rows:
        person = row.person
        if person.pk in done:
            continue  # a parent of two students of the group gets one slip
        done.add(person.pk)
        if not row.manageable:
            # Not on a slip handed out by the curator, not even by the administrator: a staff
            # account's password is reset on its own page (accounts:user_detail).
            raise DomainError(
                _(
                    "%(name)s: это учётная запись сотрудника, её реквизиты выдаёт администратор "
                    "АИС на странице пользователя."
                )
                % {"name": person.full_name},
                field="person",
            )
        try:
            if person.user is None:
                user, password = account_issue_for_person(actor=actor, person=person, role=row.role)
                created = True
            else:
                user = person.user
                password = credentials_issue(actor=actor, user=user)
                created = False
        except DomainError as error:
            raise DomainError(
                _("%(name)s: %(reason)s") % {"name": person.full_name, "reason": error.message},
                field="person",
            ) from error
        issued.append(
            IssuedCredential(
                person=person,
                student=row.student,
                role=row.role,
                username=user.username,
                password=password,
                expires_at=user.password_expires_at,
                created=created,
            )
        )
    return issued
