"""The edit lock (Положение 3.18, 4.6; DESIGN.md §4 rule 4).

Teachers and curators may not create, change or delete marks or attendance of a lesson older
than the organization's `edit_lock_days` (30 by default), counted in the organization's local
dates, nor anything in a journal whose attestation sheet for that semester is closed. A deputy
or admin may grant a time-boxed unlock of one journal; it lifts the age lock only — a closed
sheet must be reopened by the deputy instead.

Every service that changes a lesson or what hangs on it (marks, attendance and its reasons,
topic and homework, files, who conducted it, its room, its status) asks `lesson_guard` for one
lesson or `LessonLocks` for many, whatever the door: the grid, the lesson page, the timetable,
a change for a date, generation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from otmetka.academics.models import Workload
from otmetka.journal.models import AttestationSheet, JournalUnlock
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError
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
        return LockState(True, _closed_message())
    boundary = lock_boundary(today, organization.edit_lock_days)
    if day < boundary and not bypass_age and active_unlock(workload.pk) is None:
        return LockState(True, _age_message(organization.edit_lock_days))
    return LockState(False)


def _closed_message() -> str:
    return _("Ведомость за этот семестр закрыта: журнал менять нельзя.")


def _age_message(days: int) -> str:
    return ngettext(
        "Занятие старше %(days)s дня: изменить его можно только после разблокировки.",
        "Занятие старше %(days)s дней: изменить его можно только после разблокировки.",
        days,
    ) % {"days": days}


def lesson_guard(*, workload: Workload, day: dt.date, field: str | None = None) -> str:
    """Refuse (DomainError) a change to the workload's lesson on `day` while it is locked.

    Returns the reason of the unlock that lets the change through (for the history row), or ""
    when the lesson is not old enough to need one.
    """
    state = lesson_lock(workload=workload, day=day)
    if state.locked:
        raise DomainError(state.reason, field=field)
    organization = workload.group.organization
    if day < lock_boundary(local_today(organization.timezone), organization.edit_lock_days):
        unlock = active_unlock(workload.pk)
        return unlock.reason if unlock is not None else ""
    return ""


@dataclass
class LessonLocks:
    """The lock state of many lessons of one organization, read in three queries at most."""

    boundary: dt.date
    days: int
    semesters: list[Period] = dataclasses.field(default_factory=list)
    # (group, item, semester) of closed sheets; workloads with an active unlock.
    closed: set[tuple[int, int, int]] = dataclasses.field(default_factory=set)
    unlocked: set[int] = dataclasses.field(default_factory=set)

    def refusal(self, workload: Workload, day: dt.date) -> str:
        """Why a change to the workload's lesson on `day` is refused ("" when it is not)."""
        for semester in self.semesters:
            if semester.date_from <= day <= semester.date_to and (
                (workload.group_id, workload.item_id, semester.pk) in self.closed
            ):
                return _closed_message()
        if day < self.boundary and workload.pk not in self.unlocked:
            return _age_message(self.days)
        return ""

    def guard(self, workload: Workload, day: dt.date) -> None:
        refusal = self.refusal(workload, day)
        if refusal:
            raise DomainError(refusal)


def lesson_locks(
    workloads: Iterable[Workload],
    date_from: dt.date,
    date_to: dt.date,
    *,
    periods: Iterable[Period] | None = None,
) -> LessonLocks:
    """What `LessonLocks.refusal` needs for lessons of these journals in date_from..date_to.

    The workloads come with `group__organization`; all belong to one organization. Queries:
    the semesters overlapping the dates (unless the caller has read the `periods` already),
    their closed sheets, the active unlocks (each only when needed).
    """
    workloads = list(workloads)
    if not workloads:
        return LessonLocks(boundary=date_from, days=0)
    organization = workloads[0].group.organization
    boundary = lock_boundary(local_today(organization.timezone), organization.edit_lock_days)
    locks = LessonLocks(boundary=boundary, days=organization.edit_lock_days)
    if periods is None:
        periods = (
            Period.objects.semesters()
            .filter(academic_year__organization_id=organization.pk)
            .overlapping(date_from, date_to)
        )
    locks.semesters = [period for period in periods if period.kind == Period.Kind.SEMESTER]
    if locks.semesters:
        locks.closed = set(
            AttestationSheet.objects.filter(
                group_id__in={workload.group_id for workload in workloads},
                period__in=[semester.pk for semester in locks.semesters],
                status=AttestationSheet.Status.CLOSED,
            ).values_list("group_id", "item_id", "period_id")
        )
    if date_from < boundary:
        locks.unlocked = set(
            JournalUnlock.objects.filter(
                workload_id__in={workload.pk for workload in workloads},
                revoked_at__isnull=True,
                valid_until__gt=timezone.now(),
            ).values_list("workload_id", flat=True)
        )
    return locks
