"""Writes of the accounts app: users, roles, rights, credentials. Each one audited."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from otmetka.accounts.models import RoleAssignment, RoleRightOverride, User, login_validator
from otmetka.accounts.permissions import (
    ActiveRole,
    can_issue_credentials,
    can_issue_credentials_for_person,
    effective_rights,
)
from otmetka.accounts.rights import DEFAULT_RIGHTS, RIGHTS_BY_CODE
from otmetka.accounts.roles import Role
from otmetka.audit.models import AuditEvent
from otmetka.audit.services import audit_record
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.lib.text import by_sex
from otmetka.org.models import Organization
from otmetka.people.models import Guardianship, Person, Student

# No 0/O, 1/l/I: a one-time password is read off a paper slip.
_OTP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def one_time_password(length: int = 10) -> str:
    return "".join(secrets.choice(_OTP_ALPHABET) for _ in range(length))


def _normalize_login(username: str) -> str:
    login = (username or "").strip().lower()
    try:
        login_validator(login)
    except ValidationError as error:
        raise DomainError(str(error.messages[0]), field="username") from error
    return login


@transaction.atomic
def user_create(
    *,
    actor: ActiveRole,
    username: str,
    roles: Iterable[str] = (),
    person_id: int | None = None,
) -> tuple[User, str]:
    """A new account in the actor's organization with a one-time password (returned once)."""
    _require_users_right(actor, roles)
    login = _normalize_login(username)
    if User.objects.filter(username=login).exists():
        raise DomainError(_("Логин «%(login)s» уже занят.") % {"login": login}, field="username")
    user = User(username=login, organization_id=actor.organization_id)
    password = one_time_password()
    _set_one_time_password(user, password, actor)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise DomainError(
            _("Логин «%(login)s» уже занят.") % {"login": login}, field="username"
        ) from error
    if person_id is not None:
        _link_person(actor=actor, user=user, person_id=person_id)
    audit_record(
        actor=actor.user,
        action=AuditEvent.Action.CREATE,
        organization_id=actor.organization_id,
        obj=user,
        changes={"username": [None, login]},
    )
    for role in roles:
        role_grant(actor=actor, user=user, role=role)
    return user, password


def _link_person(*, actor: ActiveRole, user: User, person_id: int) -> None:
    from otmetka.people.models import Person

    updated = Person.objects.filter(
        pk=person_id, organization_id=actor.organization_id, user__isnull=True
    ).update(user=user)
    if not updated:
        raise DomainError(_("У этого человека уже есть учётная запись."), field="person")


def _require_users_right(actor: ActiveRole, roles: Iterable[str]) -> None:
    for role in roles:
        if role == Role.STUDENT:
            needed = "users.students"
        elif role == Role.PARENT:
            needed = "users.parents"
        else:
            needed = "users.staff"
        if not actor.has(needed):
            raise NotAllowed(
                _("Недостаточно прав для учётных записей с ролью «%(role)s».")
                % {"role": Role(role).label}
            )
    if not actor.has_any("users.staff", "users.students", "users.parents"):
        raise NotAllowed(_("Недостаточно прав для управления учётными записями."))


def _same_organization(actor: ActiveRole, user: User) -> None:
    if user.organization_id != actor.organization_id or user.is_superuser:
        raise NotAllowed(_("Эта учётная запись вам недоступна."))


@transaction.atomic
def role_grant(
    *, actor: ActiveRole, user: User, role: str, department_id: int | None = None
) -> RoleAssignment:
    _same_organization(actor, user)
    if role not in Role.values:
        raise DomainError(_("Неизвестная роль."), field="role")
    _require_users_right(actor, [role])
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user,
        organization_id=actor.organization_id,
        role=role,
        defaults={"department_id": department_id},
    )
    if created:
        audit_record(
            actor=actor.user,
            action=AuditEvent.Action.ROLE_GRANT,
            organization_id=actor.organization_id,
            obj=user,
            changes={"role": [None, role], "department": [None, department_id]},
        )
    return assignment


@transaction.atomic
def role_revoke(*, actor: ActiveRole, assignment: RoleAssignment) -> None:
    _same_organization(actor, assignment.user)
    _require_users_right(actor, [assignment.role])
    if assignment.user_id == actor.user.pk and assignment.role == Role.ADMIN:
        raise DomainError(_("Нельзя снять роль администратора с самого себя."))
    audit_record(
        actor=actor.user,
        action=AuditEvent.Action.ROLE_REVOKE,
        organization_id=actor.organization_id,
        obj=assignment.user,
        changes={"role": [assignment.role, None]},
    )
    assignment.delete()


@transaction.atomic
def user_set_active(*, actor: ActiveRole, user: User, is_active: bool) -> None:
    _same_organization(actor, user)
    _require_users_right(actor, user.role_assignments.values_list("role", flat=True))
    _apply_active(actor, user, is_active)


def _apply_active(actor: ActiveRole, user: User, is_active: bool) -> None:
    if user.pk == actor.user.pk and not is_active:
        raise DomainError(_("Нельзя заблокировать собственную учётную запись."))
    if user.is_active == is_active:
        return
    user.is_active = is_active
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor.user,
        action=AuditEvent.Action.UPDATE,
        organization_id=actor.organization_id,
        obj=user,
        changes={"is_active": [not is_active, is_active]},
    )


def _set_one_time_password(user: User, password: str, actor: ActiveRole) -> None:
    user.set_password(password)
    user.must_change_password = True
    days = actor.organization.otp_valid_days
    user.password_expires_at = timezone.now() + dt.timedelta(days=days)


@transaction.atomic
def credentials_issue(*, actor: ActiveRole, user: User) -> str:
    """Issue a one-time password (Положение 3.10, 3.16, 4.2, 4.5); returns it once, to hand out."""
    if not can_issue_credentials(actor, user):
        raise NotAllowed(_("Вы не можете выдавать реквизиты этому пользователю."))
    password = one_time_password()
    _set_one_time_password(user, password, actor)
    user.is_active = True
    user.save(
        update_fields=["password", "must_change_password", "password_expires_at", "is_active"]
    )
    _audit_credentials_issue(actor, user)
    return password


@transaction.atomic
def password_change(*, user: User, new_password: str, address: str | None = None) -> None:
    """The user sets their own password; a one-time password stops being one."""
    try:
        validate_password(new_password, user)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field="new_password1") from error
    if user.check_password(new_password) and user.must_change_password:
        raise DomainError(_("Новый пароль должен отличаться от временного."), field="new_password1")
    user.set_password(new_password)
    user.must_change_password = False
    user.password_expires_at = None
    user.password_changed_at = timezone.now()
    user.save(
        update_fields=[
            "password",
            "must_change_password",
            "password_expires_at",
            "password_changed_at",
        ]
    )
    audit_record(
        actor=user,
        action=AuditEvent.Action.PASSWORD_CHANGE,
        organization_id=user.organization_id,
        obj=user,
        address=address,
    )


@transaction.atomic
def rights_set(*, actor: ActiveRole, role: str, rights: Iterable[str]) -> dict[str, list[bool]]:
    """Make the role's rights in the actor's organization exactly `rights`; returns the change."""
    if not actor.has("rights.edit"):
        raise NotAllowed(_("Недостаточно прав для настройки ролей."))
    if role not in Role.values:
        raise DomainError(_("Неизвестная роль."))
    wanted = set(rights)
    unknown = wanted - set(RIGHTS_BY_CODE)
    if unknown:
        raise DomainError(
            _("Неизвестные права: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
        )
    if role == Role.ADMIN and "rights.edit" not in wanted and actor.role == Role.ADMIN:
        raise DomainError(_("Нельзя отнять у администратора право настраивать роли."))
    before = effective_rights(actor.organization_id, role)
    defaults = DEFAULT_RIGHTS.get(role, frozenset())
    RoleRightOverride.objects.filter(organization_id=actor.organization_id, role=role).delete()
    RoleRightOverride.objects.bulk_create(
        [
            RoleRightOverride(
                organization_id=actor.organization_id, role=role, right=code, granted=code in wanted
            )
            for code in sorted(set(defaults) ^ wanted)
        ]
    )
    changes = {code: [code in before, code in wanted] for code in sorted(set(before) ^ wanted)}
    Organization.objects.filter(pk=actor.organization_id).update(
        rights_version=F("rights_version") + 1
    )
    if changes:
        audit_record(
            actor=actor.user,
            action=AuditEvent.Action.RIGHTS_CHANGE,
            organization_id=actor.organization_id,
            object_type="accounts.role",
            object_id=role,
            object_repr=str(Role(role).label),
            changes=changes,
        )
    return changes


# --- Accounts of students and parents, given by their curator (Положение 3.10, 4.5, 4.11, 4.12) --

_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
_LOGIN_ROLES = (Role.STUDENT, Role.PARENT)
# Room left after the base for the number that tells namesakes apart.
_LOGIN_BASE_LENGTH = 56


def transliterate(text: str) -> str:
    """Latin letters for a Russian name, lower case: «Щукина-Ёлкина» → «shchukina-elkina»."""
    result = []
    for char in text.lower():
        if char in _TRANSLIT:
            result.append(_TRANSLIT[char])
        elif char.isascii() and (char.isalnum() or char == "-"):
            result.append(char)
    return "".join(result)


def login_base(person: Person) -> str:
    """Surname and initials in Latin letters: Иванов Иван Петрович → «ivanov.ip»."""
    surname = transliterate(person.last_name).strip("-")[:_LOGIN_BASE_LENGTH] or "user"
    letters = "".join(transliterate(name)[:1] for name in (person.first_name, person.middle_name))
    base = f"{surname}.{letters}" if letters else surname
    # A login has at least two characters (accounts.models.login_validator).
    return base if len(base) >= 2 else f"{base}.user"


def free_login(base: str, *, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """`base`, or `base` with the smallest number from 2 on that no account uses (one query)."""
    used = set(User.objects.filter(username__startswith=base).values_list("username", flat=True))
    used |= set(taken)
    number = 1
    login = base
    while login in used:
        number += 1
        login = f"{base}{number}"
    return _normalize_login(login)


def _person_can_hold(person: Person, role: str) -> bool:
    if role == Role.STUDENT:
        return Student.objects.filter(person_id=person.pk).exists()
    return Guardianship.objects.filter(guardian_id=person.pk).exists()


@transaction.atomic
def account_issue_for_person(*, actor: ActiveRole, person: Person, role: str) -> tuple[User, str]:
    """A student's or parent's account for `person`: a generated login, the role, a one-time
    password (returned once, to be handed out on a slip). The curator's way to give access to
    their group without the administrator's rights on accounts."""
    if role not in _LOGIN_ROLES:
        raise DomainError(_("Здесь выдаются только учётные записи обучающихся и родителей."))
    if not can_issue_credentials_for_person(actor, person):
        raise NotAllowed(_("Вы не можете выдавать реквизиты этому человеку."))
    if not _person_can_hold(person, role):
        message = (
            _("%(name)s не обучающийся.")
            if role == Role.STUDENT
            else by_sex(
                person.grammatical_sex,
                male=_("%(name)s не присоединён как родитель (законный представитель)."),
                female=_("%(name)s не присоединена как родитель (законный представитель)."),
                unknown=_("%(name)s не присоединён(а) как родитель (законный представитель)."),
            )
        )
        raise DomainError(message % {"name": person.full_name})
    if person.user_id is not None:
        raise DomainError(
            _("%(name)s: учётная запись уже есть, выдайте новый временный пароль.")
            % {"name": person.full_name}
        )
    user = User(organization_id=actor.organization_id)
    password = one_time_password()
    _set_one_time_password(user, password, actor)
    taken: set[str] = set()
    for _attempt in range(5):
        user.username = free_login(login_base(person), taken=taken)
        try:
            with transaction.atomic():
                user.save()
            break
        except IntegrityError:
            # Someone took the same login a moment ago: try the next number.
            taken.add(user.username)
    else:
        raise DomainError(_("Не удалось подобрать свободный логин, повторите попытку."))
    if not Person.objects.filter(pk=person.pk, user__isnull=True).update(user=user):
        raise DomainError(_("У этого человека уже есть учётная запись."))
    person.user = user
    RoleAssignment.objects.create(user=user, organization_id=actor.organization_id, role=role)
    audit_record(
        actor=actor.user,
        action=AuditEvent.Action.CREATE,
        organization_id=actor.organization_id,
        obj=user,
        changes={"username": [None, user.username], "person": [None, person.full_name]},
    )
    audit_record(
        actor=actor.user,
        action=AuditEvent.Action.ROLE_GRANT,
        organization_id=actor.organization_id,
        obj=user,
        changes={"role": [None, role]},
    )
    _audit_credentials_issue(actor, user)
    return user, password


def _audit_credentials_issue(actor: ActiveRole, user: User) -> None:
    expires = user.password_expires_at
    audit_record(
        actor=actor.user,
        action=AuditEvent.Action.CREDENTIALS_ISSUE,
        organization_id=actor.organization_id,
        obj=user,
        changes={"expires_at": [None, expires.isoformat()]} if expires else {},
    )


@transaction.atomic
def account_set_active(*, actor: ActiveRole, user: User, is_active: bool) -> None:
    """Block or unblock a student's or parent's account: whoever may issue its credentials may
    also shut it (a curator for their group, Положение 4.5 «контроль доступа»)."""
    if not can_issue_credentials(actor, user):
        raise NotAllowed(_("Эта учётная запись вам недоступна."))
    _apply_active(actor, user, is_active)
