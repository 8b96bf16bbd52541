"""Reads for the people pages, each in a fixed number of queries whatever the data size."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet

from otmetka.accounts.roles import Role
from otmetka.audit.models import AuditEvent
from otmetka.lib.views import parse_id
from otmetka.lib.workdays import add_working_days, working_days_between
from otmetka.people.models import Consent, Employee, Guardianship, Person, Student
from otmetka.people.permissions import contact_scope, employees_visible_to, students_visible_to

if TYPE_CHECKING:
    from otmetka.accounts.permissions import ActiveRole

STAFF_STATES = ("working", "dismissed", "all")
GUARDIAN_SEARCH_LIMIT = 20
_NEWEST = ("-signed_on", "-id")


def staff_list(
    actor: ActiveRole, *, text: str = "", department_id: int | None = None, state: str = "working"
) -> QuerySet[Employee]:
    """The HR staff list: one query for the page of rows, one for their positions."""
    employees = (
        employees_visible_to(actor)
        .select_related("person", "department")
        .prefetch_related("positions")
        .order_by("person__sort_key", "id")
    )
    if text:
        employees = employees.filter(person__in=Person.objects.search(text))
    if department_id is not None:
        employees = employees.filter(department_id=department_id)
    if state == "working":
        employees = employees.filter(dismissal_date__isnull=True)
    elif state == "dismissed":
        employees = employees.filter(dismissal_date__isnull=False)
    return employees


@dataclass(frozen=True)
class GuardianRow:
    guardianship: Guardianship
    consents: list[Consent]

    @property
    def active_consent(self) -> Consent | None:
        return next((consent for consent in self.consents if consent.is_active), None)


@dataclass(frozen=True)
class StudentCard:
    """Everything the personal card page shows (Положение 4.9)."""

    student: Student
    memberships: list[Any]
    guardians: list[GuardianRow]
    consents: list[Consent]
    current_membership: Any | None
    # Applied orders of the movement book on this student (Положение 4.9), oldest first.
    order_items: list[Any]

    @property
    def active_consent(self) -> Consent | None:
        return next((consent for consent in self.consents if consent.is_active), None)


def student_card(student: Student, today: dt.date) -> StudentCard:
    """The card of a student already fetched with its person: five queries."""
    memberships = list(student.memberships.select_related("group").order_by("date_from", "id"))
    current = next(
        (
            row for row in reversed(memberships)
            if row.date_from <= today and (row.date_to is None or row.date_to >= today)
        ),
        None,
    )
    guardianships = list(
        student.guardianships.select_related("guardian")
        .prefetch_related(
            Prefetch("guardian__consents", queryset=Consent.objects.order_by(*_NEWEST))
        )
        .order_by("guardian__sort_key", "id")
    )
    consents = list(Consent.objects.filter(person_id=student.person_id).order_by(*_NEWEST))
    # Read through the reverse relation: people sits below the movement app in the layers.
    order_items = list(
        student.order_items.filter(order__status="applied")
        .select_related("order", "from_group", "to_group")
        .order_by("effective_date", "id")
    )
    return StudentCard(
        student=student,
        memberships=memberships,
        guardians=[
            GuardianRow(guardianship=row, consents=list(row.guardian.consents.all()))
            for row in guardianships
        ],
        consents=consents,
        current_membership=current,
        order_items=order_items,
    )


def guardian_candidates(actor: ActiveRole, student: Student, text: str) -> list[Person]:
    """Parents already in the base (guardians of some student) matching a surname search."""
    if not text:
        return []
    linked = student.guardianships.values("guardian_id")
    persons = (
        Person.objects.filter(organization_id=actor.organization_id, wards__isnull=False)
        .search(text)
        .exclude(pk__in=linked)
        .exclude(pk=student.person_id)
        .distinct()
        .order_by("sort_key", "id")
    )
    # One more than is shown, so that the page can say the list goes on.
    return list(persons[: GUARDIAN_SEARCH_LIMIT + 1])


def return_student_for(actor: ActiveRole, person: Person, wanted_id: Any) -> Student | None:
    """The card to go back to after a consent of `person`: their own, the one they came from,
    or the first of their children the actor may see."""
    visible = students_visible_to(actor)
    if hasattr(person, "student") and visible.filter(pk=person.student.pk).exists():
        return person.student
    wards = visible.filter(guardianships__guardian=person).order_by("person__sort_key", "id")
    if (chosen_id := parse_id(wanted_id)) is not None:
        chosen = wards.filter(pk=chosen_id).first()
        if chosen is not None:
            return chosen
    scope = contact_scope(actor, full_rights=("students.edit_all", "guardians.link"))
    return wards.filter(pk__in=scope.values("pk")).first() or wards.first()


# --- Who opened a student's data (152-ФЗ), for the student and their parents ----------------------

_NOT_STAFF = ("student", "parent", "")


@dataclass(frozen=True)
class AccessLogLine:
    at: dt.datetime
    who: str
    role: str
    in_diary: bool


def staff_views_of(student: Student) -> QuerySet[AuditEvent]:
    """Staff views of the student's personal card or diary, newest first (one query a page).

    The card and the diary log a view as `AuditEvent.Action.VIEW` of the student; a diary page
    names itself in `changes["page"]`. The student's and parents' own views are left out.
    """
    return (
        AuditEvent.objects.for_organization(student.person.organization_id)
        .filter(
            action=AuditEvent.Action.VIEW,
            object_type=Student._meta.label_lower,
            object_id=str(student.pk),
            actor__isnull=False,
        )
        .exclude(actor_role__in=_NOT_STAFF)
        .only("at", "actor_name", "actor_role", "changes")
        .order_by("-at", "-id")
    )


def access_log_lines(events: Iterable[AuditEvent]) -> list[AccessLogLine]:
    labels = dict(Role.choices)
    return [
        AccessLogLine(
            at=event.at,
            who=event.actor_name,
            role=str(labels.get(event.actor_role, event.actor_role)),
            in_diary=isinstance(event.changes, dict) and "page" in event.changes,
        )
        for event in events
    ]


# --- Staff cards entered late (Положение 4.4) -----------------------------------------------------

STAFF_CARD_WORKING_DAYS = 3


@dataclass(frozen=True)
class LateStaffCard:
    employee: Employee
    entered_on: dt.date
    deadline: dt.date
    days_late: int


def staff_entered_late(actor: ActiveRole, *, since: dt.date | None = None) -> list[LateStaffCard]:
    """Employees whose card was created after the third working day from the hire date.

    One query for the visible employees with a hire date; the production calendar is applied
    in Python (it knows weekends, holidays and the Government's transfers), newest hires first.
    """
    zone = ZoneInfo(actor.organization.timezone)
    employees = (
        employees_visible_to(actor)
        .filter(hire_date__isnull=False)
        .select_related("person", "department")
        .order_by("-hire_date", "person__sort_key", "id")
    )
    if since is not None:
        employees = employees.filter(hire_date__gte=since)
    late = []
    for employee in employees:
        assert employee.hire_date is not None
        entered_on = employee.created_at.astimezone(zone).date()
        deadline = add_working_days(employee.hire_date, STAFF_CARD_WORKING_DAYS)
        if entered_on > deadline:
            late.append(LateStaffCard(
                employee, entered_on, deadline, working_days_between(deadline, entered_on)
            ))
    return late
