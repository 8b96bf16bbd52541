"""Reads of the accounts pages: the administrator's audit log with its filters."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from otmetka.audit.models import AuditEvent
from otmetka.people.models import Employee, Person, Student


def _local_midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz)


def _ids_as_text(queryset: QuerySet[Student] | QuerySet[Employee] | QuerySet[Person]) -> QuerySet:
    # AuditEvent.object_id is text (it names rows of any table): compare in a subquery.
    return queryset.annotate(key=Cast("pk", CharField())).values("key")


def _about(organization_id: int, text: str) -> Q:
    """Events about a person found by surname: their student or staff card, the person row and
    their account; or whose recorded name contains `text` as typed."""
    persons = Person.objects.filter(organization_id=organization_id).search(text)
    users = persons.filter(user__isnull=False).annotate(key=Cast("user_id", CharField()))
    return (
        Q(object_repr__icontains=text)
        | Q(
            object_type="people.student",
            object_id__in=_ids_as_text(Student.objects.filter(person__in=persons)),
        )
        | Q(
            object_type="people.employee",
            object_id__in=_ids_as_text(Employee.objects.filter(person__in=persons)),
        )
        | Q(object_type="people.person", object_id__in=_ids_as_text(persons))
        | Q(object_type="accounts.user", object_id__in=users.values("key"))
    )


def audit_events(
    organization_id: int,
    tz_name: str,
    *,
    action: str = "",
    actor: str = "",
    about: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """The organization's audit log, newest first, filtered (a page is two queries).

    `actor`: a login prefix or a surname (Person search, «ё» as «е»); `about`: a person by
    surname, as the object of the event; dates are the organization's local days, inclusive.
    """
    events = AuditEvent.objects.for_organization(organization_id)
    if action:
        events = events.filter(action=action)
    if actor:
        persons = Person.objects.filter(organization_id=organization_id).search(actor)
        events = events.filter(
            Q(actor__username__startswith=actor.lower())
            | Q(actor__in=persons.filter(user__isnull=False).values("user_id"))
        )
    if about:
        events = events.filter(_about(organization_id, about))
    tz = ZoneInfo(tz_name)
    if date_from is not None:
        events = events.filter(at__gte=_local_midnight(date_from, tz))
    if date_to is not None:
        events = events.filter(at__lt=_local_midnight(date_to + dt.timedelta(days=1), tz))
    return events.order_by("-at", "-id")
