"""Bells for a particular date: a shortened day overrides the weekday's bell schedule."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from otmetka.accounts.permissions import ActiveRole
from otmetka.audit.services import audit_change, audit_delete, snapshot
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.org.models import AcademicYear, BellSchedule
from otmetka.schedule.models import DateBells
from otmetka.schedule.permissions import can_edit_timetable

FIELDS = ("date", "bell_schedule", "reason")


def _check(actor: ActiveRole) -> None:
    if not can_edit_timetable(actor):
        raise NotAllowed(_("Менять расписание звонков вы не можете."))


@transaction.atomic
def date_bells_set(
    *, actor: ActiveRole, date: dt.date, bell_schedule: BellSchedule, reason: str = ""
) -> DateBells:
    """Use `bell_schedule` on `date` (e.g. «Сокращённый день» before a holiday)."""
    _check(actor)
    if bell_schedule.organization_id != actor.organization_id:
        raise NotAllowed(_("Это расписание звонков недоступно."))
    if not AcademicYear.objects.filter(organization_id=actor.organization_id).on_day(date).exists():
        raise DomainError(
            _("%(date)s не входит ни в один учебный год.") % {"date": date.strftime("%d.%m.%Y")},
            field="date",
        )
    if not bell_schedule.pairs.exists():
        raise DomainError(_("В этом расписании звонков нет пар."), field="bell_schedule")
    existing = DateBells.objects.filter(organization_id=actor.organization_id, date=date).first()
    before = None
    if existing is not None:
        before = snapshot(existing, FIELDS)
        row = existing
    else:
        row = DateBells(organization_id=actor.organization_id, date=date)
    row.bell_schedule = bell_schedule
    row.reason = reason.strip()[:200]
    row.save()
    audit_change(
        actor=actor.user,
        instance=row,
        before=before,
        organization_id=actor.organization_id,
        fields=FIELDS,
    )
    return row


@transaction.atomic
def date_bells_delete(*, actor: ActiveRole, date_bells: DateBells) -> None:
    _check(actor)
    if date_bells.organization_id != actor.organization_id:
        raise NotAllowed(_("Эта запись недоступна."))
    audit_delete(
        actor=actor.user,
        instance=date_bells,
        organization_id=actor.organization_id,
        fields=FIELDS,
    )
    date_bells.delete()
