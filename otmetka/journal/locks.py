"""The edit lock (Положение 3.18, 4.6; DESIGN.md §4 rule 4).

Teachers and curators may not create, change or delete marks or attendance of a lesson older
than the organization's `edit_lock_days` (30 by default), counted in the organization's local
dates, nor anything in a journal whose attestation sheet for that semester is closed. A deputy
or admin may grant a time-boxed unlock of one journal; it lifts the age lock only — a closed
sheet must be reopened by the deputy instead. Checked in the services, whatever the door.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from otmetka.academics.models import Workload
from otmetka.journal.models import AttestationSheet, JournalUnlock
from otmetka.lib.dates import local_today
from otmetka.org.models import Period


@dataclass(frozen=True)
class LockState:
    locked: bool
    reason: str = ""


def lock_boundary(today: dt.date, edit_lock_days: int) -> dt.date:
    """The oldest lesson date still editable: with 30 days, today − 30 is open, − 31 is locked."""
    return today - dt.timedelta(days=edit_lock_days)


def active_unlock(workload_id: int) -> JournalUnlock | None:
    return (
        JournalUnlock.objects.filter(
            workload_id=workload_id, revoked_at__isnull=True, valid_until__gt=timezone.now()
        )
        .order_by("-valid_until")
        .first()
    )


def closed_sheet_for(workload: Workload, day: dt.date) -> AttestationSheet | None:
    period = (
        Period.objects.semesters()
        .filter(academic_year__organization_id=workload.group.organization_id)
        .on_day(day)
        .first()
    )
    if period is None:
        return None
    return AttestationSheet.objects.filter(
        group_id=workload.group_id,
        item_id=workload.item_id,
        period=period,
        status=AttestationSheet.Status.CLOSED,
    ).first()


def lesson_lock(
    *, workload: Workload, day: dt.date, bypass_age: bool = False, today: dt.date | None = None
) -> LockState:
    """Whether marks and attendance of a lesson on `day` are locked for teachers and curators.

    `bypass_age` is for roles that are not subject to the age lock (none by default: the
    deputy grants an unlock rather than editing herself).
    """
    organization = workload.group.organization
    if today is None:
        today = local_today(organization.timezone)
    if closed_sheet_for(workload, day) is not None:
        return LockState(True, _("Ведомость за этот семестр закрыта: журнал менять нельзя."))
    boundary = lock_boundary(today, organization.edit_lock_days)
    if day < boundary and not bypass_age and active_unlock(workload.pk) is None:
        return LockState(
            True,
            _("Занятие старше %(days)s дней: изменить его можно только после разблокировки.")
            % {"days": organization.edit_lock_days},
        )
    return LockState(False)
