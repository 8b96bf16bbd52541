"""Who is acting: the user in their active role, with that role's rights in their organization."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property, wraps
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import resolve_url

from otmetka.accounts.models import RoleAssignment, RoleRightOverride, User
from otmetka.accounts.rights import DEFAULT_RIGHTS
from otmetka.accounts.roles import Role
from otmetka.lib.dates import local_today
from otmetka.people.models import Person, Student


def effective_rights(organization_id: int, role: str) -> frozenset[str]:
    """The role's default rights changed by the organization's overrides (one query)."""
    rights = set(DEFAULT_RIGHTS.get(role, frozenset()))
    overrides = RoleRightOverride.objects.filter(organization_id=organization_id, role=role)
    for right, granted in overrides.values_list("right", "granted"):
        if granted:
            rights.add(right)
        else:
            rights.discard(right)
    return frozenset(rights)


def users_with_right(organization_id: int, right: str) -> QuerySet[User]:
    """Active accounts holding, in one of their roles in the organization, `right` (the
    roles' defaults changed by the organization's overrides, as `effective_rights`): who is
    told when something waits for that right (the overrides now, the accounts when
    evaluated)."""
    overrides = RoleRightOverride.objects.filter(organization_id=organization_id, right=right)
    granted = {role for role, rights in DEFAULT_RIGHTS.items() if right in rights}
    for role, allowed in overrides.values_list("role", "granted"):
        if allowed:
            granted.add(role)
        else:
            granted.discard(role)
    return User.objects.filter(
        is_active=True,
        pk__in=RoleAssignment.objects.filter(
            organization_id=organization_id, role__in=sorted(granted)
        ).values("user_id"),
    )


# (organization, role, rights_version) → rights. Entries of an old version are never read
# again; the bound keeps a long-lived process small.
_RIGHTS_CACHE: dict[tuple[int, str, int], frozenset[str]] = {}
_RIGHTS_CACHE_SIZE = 4096


def cached_rights(organization_id: int, role: str, version: int) -> frozenset[str]:
    """`effective_rights` remembered per process until the organization's rights change."""
    key = (organization_id, role, version)
    rights = _RIGHTS_CACHE.get(key)
    if rights is None:
        if len(_RIGHTS_CACHE) >= _RIGHTS_CACHE_SIZE:
            _RIGHTS_CACHE.clear()
        rights = _RIGHTS_CACHE[key] = effective_rights(organization_id, role)
    return rights


def forget_cached_rights() -> None:
    _RIGHTS_CACHE.clear()


class ActiveRole:
    """The acting user in one of their roles; every scoped query starts from here."""

    def __init__(
        self, assignment: RoleAssignment, all_assignments: list[RoleAssignment] | None = None
    ) -> None:
        self.assignment = assignment
        self.all_assignments = all_assignments if all_assignments is not None else [assignment]
        self.user: User = assignment.user
        self.role: str = assignment.role
        self.organization_id: int = assignment.organization_id
        self.department_id: int | None = assignment.department_id

    def __repr__(self) -> str:
        return f"<ActiveRole {self.user.username} {self.role} org={self.organization_id}>"

    @property
    def organization(self) -> Any:
        return self.assignment.organization

    @property
    def label(self) -> str:
        return str(Role(self.role).label)

    @cached_property
    def rights(self) -> frozenset[str]:
        # The organization comes with the role assignment, so a warm process asks no query.
        version = self.organization.rights_version
        return cached_rights(self.organization_id, self.role, version)

    def has(self, right: str) -> bool:
        return right in self.rights

    def has_any(self, *rights: str) -> bool:
        return any(right in self.rights for right in rights)

    def has_all(self, *rights: str) -> bool:
        return all(right in self.rights for right in rights)

    @cached_property
    def person(self) -> Person | None:
        # The auth backend loads the person with the user; fall back to a query otherwise.
        if "person" in self.user._state.fields_cache:
            return getattr(self.user, "person", None)
        return Person.objects.filter(user_id=self.user.pk).select_related("employee").first()

    @property
    def employee_id(self) -> int | None:
        person = self.person
        employee = getattr(person, "employee", None) if person is not None else None
        return employee.pk if employee is not None else None


def role_of(request: HttpRequest) -> ActiveRole:
    role = getattr(request, "role", None)
    if role is None:
        raise PermissionDenied
    return role


F = TypeVar("F", bound=Callable[..., HttpResponseBase])


def right_required(*rights: str) -> Callable[[F], F]:
    """The view needs a signed-in user whose active role has at least one of `rights` (else 403)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                if request.headers.get("HX-Request"):
                    # An in-page request after the session expired: send the whole page to
                    # the login form instead of swapping the form into a fragment.
                    return HttpResponse(
                        headers={"HX-Redirect": str(resolve_url(settings.LOGIN_URL))}
                    )
                return redirect_to_login(request.get_full_path())
            role = role_of(request)
            if rights and not role.has_any(*rights):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_rights = rights  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def signed_in(view: F) -> F:
    """Any signed-in user with an active role."""
    return right_required()(view)


def users_visible_to(actor: ActiveRole) -> QuerySet[User]:
    """Accounts of the actor's organization that the actor manages."""
    if not actor.has_any("users.staff", "users.students", "users.parents"):
        return User.objects.none()
    users = User.objects.filter(organization_id=actor.organization_id, is_superuser=False)
    if actor.has_all("users.staff", "users.students", "users.parents"):
        return users
    allowed = Q(pk__in=[])
    if actor.has("users.students"):
        allowed |= Q(role_assignments__role=Role.STUDENT)
    if actor.has("users.parents"):
        allowed |= Q(role_assignments__role=Role.PARENT)
    if actor.has("users.staff"):
        allowed |= Q(
            role_assignments__role__in=[r for r in Role if r not in (Role.STUDENT, Role.PARENT)]
        )
        allowed |= Q(role_assignments__isnull=True)
    return users.filter(allowed).distinct()


def can_issue_credentials(actor: ActiveRole, user: User) -> bool:
    """Admins issue to anyone in their organization; a curator to the students and parents of
    the groups they curate now (Положение 3.10, 4.5)."""
    if user.organization_id != actor.organization_id or user.is_superuser:
        return False
    if actor.has("credentials.issue_all"):
        return True
    if not actor.has("credentials.issue_own_group") or actor.employee_id is None:
        return False
    roles = set(user.role_assignments.values_list("role", flat=True))
    if not roles or not roles <= {Role.STUDENT, Role.PARENT}:
        return False
    return (
        _curated_students_now(actor)
        .filter(Q(person__user_id=user.pk) | Q(guardianships__guardian__user_id=user.pk))
        .exists()
    )


def _curated_students_now(actor: ActiveRole) -> QuerySet[Student]:
    """Students on the roll today (local date) of a group the actor curates."""
    today = local_today(actor.organization.timezone)
    return Student.objects.filter(
        Q(memberships__date_to__isnull=True) | Q(memberships__date_to__gte=today),
        memberships__group__curators=actor.employee_id,
        memberships__date_from__lte=today,
    )


def can_issue_credentials_for_person(actor: ActiveRole, person: Person) -> bool:
    """May the actor give a student's or parent's account to `person` (one query for a curator).

    Admins (`credentials.issue_all`): anyone of their organization. A curator
    (`credentials.issue_own_group`): a student on today's roll of a group they curate, or a
    parent (legal representative) of such a student (Положение 3.10, 4.5).
    """
    if person.organization_id != actor.organization_id:
        return False
    if actor.has("credentials.issue_all"):
        return True
    if not actor.has("credentials.issue_own_group") or actor.employee_id is None:
        return False
    return (
        _curated_students_now(actor)
        .filter(Q(person_id=person.pk) | Q(guardianships__guardian_id=person.pk))
        .exists()
    )


def can_issue_credentials_for_group(
    actor: ActiveRole, *, organization_id: int, curator_ids: set[int]
) -> bool:
    """The credentials page of a group: admins for every group of their organization, a curator
    for the groups they curate now (zero queries: the group's curators come prefetched)."""
    if organization_id != actor.organization_id:
        return False
    if actor.has("credentials.issue_all"):
        return True
    return (
        actor.has("credentials.issue_own_group")
        and actor.employee_id is not None
        and actor.employee_id in curator_ids
    )
