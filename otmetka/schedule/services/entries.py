"""Writes for the weekly timetable (Положение 4.7): entries, copying a week, clearing a day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from otmetka.academics.models import Group, Workload
from otmetka.accounts.permissions import ActiveRole
from otmetka.audit.services import audit_change, audit_delete, snapshot
from otmetka.lib.errors import DomainError, NotAllowed, ValidationFailed
from otmetka.org.models import Room
from otmetka.schedule.bells import Bells, weekday_bells
from otmetka.schedule.models import TimetableEntry, WeekParity
from otmetka.schedule.services.conflicts import find_conflicts, missing_pair_message

ENTRY_FIELDS = ("workload", "weekday", "pair_number", "room", "parity", "valid_from", "valid_to")


def require_edit(actor: ActiveRole) -> None:
    if not actor.has("timetable.edit"):
        raise NotAllowed(_("Недостаточно прав для составления расписания."))


def entry_problems(
    *,
    actor: ActiveRole,
    entry: TimetableEntry,
    pairs: Bells | None = None,
    also: Sequence[TimetableEntry] = (),
    exclude_ids: Sequence[int] = (),
) -> dict[str | None, list[str]]:
    """Everything wrong with `entry` (unsaved or edited), by form field; empty if none."""
    errors: dict[str | None, list[str]] = {}

    def add(name: str | None, message: str) -> None:
        errors.setdefault(name, []).append(message)

    workload = entry.workload
    if workload.group.organization_id != actor.organization_id:
        add("workload", _("Эта строка нагрузки не относится к вашей организации."))
        return errors
    if entry.room is not None and entry.room.organization_id != actor.organization_id:
        add("room", _("Этот кабинет не относится к вашей организации."))
    if entry.weekday not in range(1, 7):
        add("weekday", _("Выберите день недели с понедельника по субботу."))
        return errors
    if entry.parity not in WeekParity.values:
        add("parity", _("Выберите чередование недель."))
    if pairs is None:
        pairs = weekday_bells(actor.organization_id)
    if entry.pair_number not in pairs.of_weekday(entry.weekday):
        add("pair_number", missing_pair_message(entry.weekday, entry.pair_number))
    year = workload.academic_year
    if entry.valid_to < entry.valid_from:
        add("valid_to", _("Дата окончания раньше даты начала."))
    elif entry.valid_from < year.date_from or entry.valid_to > year.date_to:
        add(
            "valid_to",
            _("Срок действия должен быть внутри учебного года %(year)s (%(start)s – %(end)s).")
            % {
                "year": year.name,
                "start": year.date_from.strftime("%d.%m.%Y"),
                "end": year.date_to.strftime("%d.%m.%Y"),
            },
        )
    if not errors:
        conflicts = find_conflicts(entry, entry.pk, also=also, exclude_ids=exclude_ids)
        if conflicts:
            errors[None] = conflicts
    return errors


def _load_workload(workload: Workload) -> Workload:
    return Workload.objects.select_related(
        "academic_year", "group", "item", "subgroup", "teacher__person"
    ).get(pk=workload.pk)


@transaction.atomic
def entry_create(
    *,
    actor: ActiveRole,
    workload: Workload,
    weekday: int,
    pair_number: int,
    room: Room | None = None,
    parity: str = WeekParity.EVERY,
    valid_from: dt.date,
    valid_to: dt.date,
) -> TimetableEntry:
    """A weekly pair for a workload line; refused with every conflict it would make."""
    require_edit(actor)
    entry = TimetableEntry(
        workload=_load_workload(workload),
        weekday=weekday,
        pair_number=pair_number,
        room=room,
        parity=parity,
        valid_from=valid_from,
        valid_to=valid_to,
        created_by=actor.user,
    )
    errors = entry_problems(actor=actor, entry=entry)
    if errors:
        raise ValidationFailed(errors)
    entry.save()
    audit_change(
        actor=actor.user,
        instance=entry,
        before=None,
        organization_id=actor.organization_id,
        fields=ENTRY_FIELDS,
    )
    return entry


def _check_owned(actor: ActiveRole, entry: TimetableEntry) -> None:
    if entry.workload.group.organization_id != actor.organization_id:
        raise NotAllowed(_("Эта строка расписания вам недоступна."))


@transaction.atomic
def entry_update(
    *,
    actor: ActiveRole,
    entry: TimetableEntry,
    workload: Workload,
    weekday: int,
    pair_number: int,
    room: Room | None = None,
    parity: str = WeekParity.EVERY,
    valid_from: dt.date,
    valid_to: dt.date,
) -> TimetableEntry:
    require_edit(actor)
    entry = TimetableEntry.objects.select_related("workload__group", "room").get(pk=entry.pk)
    _check_owned(actor, entry)
    before = snapshot(entry, ENTRY_FIELDS)
    entry.workload = _load_workload(workload)
    entry.weekday, entry.pair_number, entry.room = weekday, pair_number, room
    entry.parity, entry.valid_from, entry.valid_to = parity, valid_from, valid_to
    errors = entry_problems(actor=actor, entry=entry)
    if errors:
        raise ValidationFailed(errors)
    entry.save()
    audit_change(
        actor=actor.user,
        instance=entry,
        before=before,
        organization_id=actor.organization_id,
        fields=ENTRY_FIELDS,
    )
    return entry


def _delete(actor: ActiveRole, entry: TimetableEntry) -> None:
    if entry.changes.exists():
        raise DomainError(
            _(
                "У пары «%(entry)s» есть изменения на даты; закончите её действие датой, "
                "а не удаляйте."
            )
            % {"entry": entry}
        )
    audit_delete(
        actor=actor.user, instance=entry, organization_id=actor.organization_id, fields=ENTRY_FIELDS
    )
    entry.delete()


@transaction.atomic
def entry_delete(*, actor: ActiveRole, entry: TimetableEntry) -> None:
    require_edit(actor)
    entry = TimetableEntry.objects.select_related("workload__group", "room").get(pk=entry.pk)
    _check_owned(actor, entry)
    _delete(actor, entry)


def end_before(actor: ActiveRole, entry: TimetableEntry, day: dt.date) -> None:
    """End `entry` on the day before `day`, or delete it when it would not start by then."""
    if entry.valid_from >= day:
        _delete(actor, entry)
        return
    before = snapshot(entry, ENTRY_FIELDS)
    entry.valid_to = day - dt.timedelta(days=1)
    entry.save(update_fields=["valid_to"])
    audit_change(
        actor=actor.user,
        instance=entry,
        before=before,
        organization_id=actor.organization_id,
        fields=ENTRY_FIELDS,
    )


def _require_group(actor: ActiveRole, group: Group) -> None:
    if group.organization_id != actor.organization_id:
        raise NotAllowed(_("Эта группа вам недоступна."))


@transaction.atomic
def week_copy(
    *, actor: ActiveRole, group: Group, source_monday: dt.date, target_monday: dt.date
) -> list[TimetableEntry]:
    """Make the group's timetable from `target_monday` on the one of the source week.

    The group's entries in force from the target week are ended before it; the entries of the
    source week are copied to run from the target Monday to the end of their academic year.
    """
    require_edit(actor)
    _require_group(actor, group)
    if source_monday.weekday() != 0 or target_monday.weekday() != 0:
        raise DomainError(_("Неделя задаётся датой её понедельника."), field="target")
    if source_monday == target_monday:
        raise DomainError(_("Выберите другую неделю, не ту, что копируется."), field="target")
    related = (
        "workload__academic_year",
        "workload__group",
        "workload__item",
        "workload__subgroup",
        "workload__teacher__person",
        "room",
    )
    group_entries = TimetableEntry.objects.filter(workload__group=group).select_related(*related)
    source = list(group_entries.overlapping(source_monday, source_monday + dt.timedelta(days=5)))
    if not source:
        raise DomainError(_("В копируемой неделе у группы нет пар."), field="target")
    ending = list(group_entries.filter(valid_to__gte=target_monday))
    copies = []
    for entry in source:
        if entry.valid_from > source_monday + dt.timedelta(days=entry.weekday - 1):
            continue
        if entry.valid_to < source_monday + dt.timedelta(days=entry.weekday - 1):
            continue
        copies.append(
            TimetableEntry(
                workload=entry.workload,
                weekday=entry.weekday,
                pair_number=entry.pair_number,
                room=entry.room,
                parity=entry.parity,
                valid_from=target_monday,
                valid_to=entry.workload.academic_year.date_to,
                created_by=actor.user,
            )
        )
    _save_all(actor, copies, exclude_ids=[e.pk for e in ending], target_monday=target_monday)
    for entry in ending:
        end_before(actor, entry, target_monday)
    for copy in copies:
        copy.save()
        audit_change(
            actor=actor.user,
            instance=copy,
            before=None,
            organization_id=actor.organization_id,
            fields=ENTRY_FIELDS,
        )
    return copies


def _save_all(
    actor: ActiveRole,
    entries: list[TimetableEntry],
    *,
    exclude_ids: Sequence[int],
    target_monday: dt.date,
) -> None:
    pairs = weekday_bells(actor.organization_id)
    messages: list[str] = []
    for entry in entries:
        if entry.valid_to < target_monday:
            messages.append(
                _("Неделя %(week)s вне учебного года.")
                % {"week": target_monday.strftime("%d.%m.%Y")}
            )
            break
        for found in entry_problems(
            actor=actor, entry=entry, pairs=pairs, also=entries, exclude_ids=exclude_ids
        ).values():
            messages.extend(m for m in found if m not in messages)
    if messages:
        raise ValidationFailed({None: messages})


@transaction.atomic
def day_clear(*, actor: ActiveRole, group: Group, weekday: int, on: dt.date) -> int:
    """End the group's entries of `weekday` from the date `on`; returns how many were ended."""
    require_edit(actor)
    _require_group(actor, group)
    if weekday not in range(1, 7):
        raise DomainError(_("Выберите день недели с понедельника по субботу."), field="weekday")
    entries = list(
        TimetableEntry.objects.filter(
            workload__group=group, weekday=weekday, valid_to__gte=on
        ).select_related("workload__group", "workload__item", "workload__teacher__person", "room")
    )
    for entry in entries:
        end_before(actor, entry, on)
    return len(entries)
