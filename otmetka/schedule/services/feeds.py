"""iCal feeds: a secret address per teacher or group, revocable; the calendar text itself."""

from __future__ import annotations

import datetime as dt
import secrets
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from otmetka.academics.models import Group
from otmetka.accounts.permissions import ActiveRole
from otmetka.audit.services import audit_change
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.people.models import Employee
from otmetka.schedule.models import CalendarFeed
from otmetka.schedule.permissions import can_edit_timetable
from otmetka.schedule.selectors import Slot, range_slots

FEED_FIELDS = ("employee", "group", "revoked_at")
WEEKS_BACK = 2
WEEKS_AHEAD = 8


def can_create_feed(actor: ActiveRole, employee: Employee | None, group: Group | None) -> bool:
    if can_edit_timetable(actor):
        return True
    return group is None and employee is not None and employee.pk == actor.employee_id


@transaction.atomic
def feed_create(
    *, actor: ActiveRole, employee: Employee | None = None, group: Group | None = None
) -> CalendarFeed:
    """A new secret calendar address: a teacher for themself, editors for any teacher or group."""
    if (employee is None) == (group is None):
        raise DomainError(_("Выберите преподавателя или группу."), field="employee")
    if not actor.has("timetable.view") or not can_create_feed(actor, employee, group):
        raise NotAllowed(_("Создавать такой календарь вы не можете."))
    organization_id = employee.person.organization_id if employee else group.organization_id  # type: ignore[union-attr]
    if organization_id != actor.organization_id:
        raise NotAllowed(_("Создавать такой календарь вы не можете."))
    feed = CalendarFeed.objects.create(
        organization_id=actor.organization_id,
        employee=employee,
        group=group,
        token=secrets.token_urlsafe(32),
        created_by=actor.user,
    )
    audit_change(
        actor=actor.user,
        instance=feed,
        before=None,
        organization_id=actor.organization_id,
        fields=FEED_FIELDS,
    )
    return feed


@transaction.atomic
def feed_revoke(*, actor: ActiveRole, feed: CalendarFeed) -> CalendarFeed:
    """The address stops working at once (404 from then on)."""
    own = feed.created_by_id == actor.user.pk
    if feed.organization_id != actor.organization_id or not (own or can_edit_timetable(actor)):
        raise NotAllowed(_("Отозвать этот календарь вы не можете."))
    if feed.revoked_at is not None:
        raise DomainError(_("Этот календарь уже отозван."))
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    audit_change(
        actor=actor.user,
        instance=feed,
        before={
            "employee": str(feed.employee) if feed.employee else None,
            "group": str(feed.group) if feed.group else None,
            "revoked_at": None,
        },
        organization_id=actor.organization_id,
        fields=FEED_FIELDS,
    )
    return feed


def ical_escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def ical_fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    parts: list[str] = []
    current = ""
    limit = 75
    for char in line:
        if len((current + char).encode()) > limit:
            parts.append(current)
            current = char
            limit = 74  # continuation lines start with a space
        else:
            current += char
    parts.append(current)
    return "\r\n ".join(parts)


def _utc(day: dt.date, time: dt.time, tz: ZoneInfo) -> str:
    moment = dt.datetime.combine(day, time, tzinfo=tz).astimezone(dt.UTC)
    return moment.strftime("%Y%m%dT%H%M%SZ")


def _event(slot: Slot, tz: ZoneInfo, stamp: str, host: str) -> list[str]:
    assert slot.starts_at is not None and slot.ends_at is not None
    uid = f"{slot.date:%Y%m%d}-{slot.pair_number}-{slot.workload_id}-{slot.entry_id or 'x'}@{host}"
    description = slot.teacher_name
    if slot.original_teacher_name:
        description = _("%(teacher)s (замена: вместо %(absent)s)") % {
            "teacher": slot.teacher_name,
            "absent": slot.original_teacher_genitive,
        }
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{_utc(slot.date, slot.starts_at, tz)}",
        f"DTEND:{_utc(slot.date, slot.ends_at, tz)}",
        f"SUMMARY:{ical_escape(slot.title)}",
        f"DESCRIPTION:{ical_escape(description)}",
    ]
    if slot.room_number:
        lines.append(f"LOCATION:{ical_escape(slot.room_number)}")
    lines.append("END:VEVENT")
    return lines


def feed_calendar(feed: CalendarFeed, host: str = "otmetka") -> str:
    """The feed's pairs, two weeks back and eight ahead, as an RFC 5545 calendar (UTC times)."""
    tz = ZoneInfo(feed.organization.timezone)
    today = local_today(feed.organization.timezone)
    slots = range_slots(
        feed.organization_id,
        today - dt.timedelta(weeks=WEEKS_BACK),
        today + dt.timedelta(weeks=WEEKS_AHEAD),
        group_ids=[feed.group_id] if feed.group_id else None,
        teacher_id=feed.employee_id,
    )
    stamp = timezone.now().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    name = str(feed.employee or feed.group)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Otmetka//Timetable//RU",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ical_escape(_('Расписание: %(name)s') % {'name': name})}",
    ]
    for slot in slots:
        if slot.starts_at is not None and slot.ends_at is not None:
            lines.extend(_event(slot, tz, stamp, host))
    lines.append("END:VCALENDAR")
    return "".join(ical_fold(line) + "\r\n" for line in lines)
