"""The year rollover (перевод на следующий учебный год): one atomic, audited step.

What it does, in one transaction under a lock of the organization's row:
- creates the next academic year with its two semesters and the holidays given;
- lists the groups that go on to the next course and the final-year groups: the final-year ones
  leave by a graduation order of the movement book, never by the rollover;
- continues subgroups: a member of a subgroup whose subgroup membership ends before the new
  year gets a new one from the new year's first day (open memberships simply go on);
- copies the current year's workload lines of the promoted groups into the new year as the
  draft to review: same teacher, group, item and subgroup, hours from the curriculum's new
  semesters (lines whose item has no classroom hours in them are not copied).

No group row changes: a group's course is its course *in an academic year*, counted from its
intake year (`Group.course_in`). So the rollover may run in May, while the second semester is
still being marked, and every page of the current year stays as it was; the groups are on the
next course in the new year because it is the next year.

The last course of a group comes from its curriculum: a group is in its final year when the
second semester of its course, (course − 1) × 2 + 2, reaches `Curriculum.semesters` — the same
course-to-semester rule the workload and the journal use (`Group.semester_of`).

Running it twice does not promote twice: it refuses when a year after the current one exists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from otmetka.academics.models import (
    CurriculumHours,
    Group,
    Membership,
    SubgroupMembership,
    Workload,
)
from otmetka.academics.permissions import department_scope
from otmetka.audit.models import AuditEvent
from otmetka.audit.services import audit_record
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.org.models import AcademicYear, Organization, Period

if TYPE_CHECKING:
    from otmetka.accounts.permissions import ActiveRole

ROLLOVER_RIGHTS = ("workload.edit", "groups.edit")  # the deputy, the department head


def is_final_year(group: Group, year: AcademicYear) -> bool:
    """The group studies its curriculum's last semester in `year`."""
    return group.semester_of(2, year) >= group.curriculum.semesters


@dataclass(frozen=True)
class GroupCourse:
    """A group with its course in the current year, for the page that proposes the rollover."""

    group: Group
    course: int

    @property
    def next_course(self) -> int:
        return self.course + 1


@dataclass(frozen=True)
class HolidaySpan:
    name: str
    date_from: dt.date
    date_to: dt.date


@dataclass(frozen=True)
class YearDates:
    name: str
    date_from: dt.date
    date_to: dt.date
    semester1: tuple[dt.date, dt.date]
    semester2: tuple[dt.date, dt.date]
    holidays: tuple[HolidaySpan, ...] = ()


@dataclass
class RolloverProposal:
    current: AcademicYear
    dates: YearDates
    promoted: list[GroupCourse] = field(default_factory=list)
    graduating: list[GroupCourse] = field(default_factory=list)
    next_year: AcademicYear | None = None


@dataclass(frozen=True)
class RolloverResult:
    year: AcademicYear
    promoted: list[Group]
    graduating: list[Group]
    subgroup_members_renewed: int
    workload_lines: int


def _shift(day: dt.date) -> dt.date:
    """The same date a year later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def current_year(organization_id: int, today: dt.date) -> AcademicYear | None:
    """The year today falls in, else the latest year that has begun."""
    years = AcademicYear.objects.filter(organization_id=organization_id)
    return (
        years.on_day(today).first()
        or years.filter(date_from__lte=today).order_by("-date_from").first()
    )


def _later_year(organization_id: int, current: AcademicYear) -> AcademicYear | None:
    return (
        AcademicYear.objects.filter(
            organization_id=organization_id, date_from__gt=current.date_from
        )
        .order_by("date_from")
        .first()
    )


def _active_groups(organization_id: int) -> list[Group]:
    return list(
        Group.objects.active()
        .filter(organization_id=organization_id)
        .select_related("curriculum", "program")
        .order_by("-intake_year", "name")
    )


def rollover_proposal(organization_id: int, today: dt.date) -> RolloverProposal | None:
    """The next year's dates proposed from the current one (+1 year) and what would happen to
    each group: three queries (years, periods, groups). None when no year is set up."""
    current = current_year(organization_id, today)
    if current is None:
        return None
    periods = list(current.periods.order_by("date_from"))
    semesters = {p.number: p for p in periods if p.kind == Period.Kind.SEMESTER}
    start, end = _shift(current.date_from), _shift(current.date_to)

    def semester(number: int, default: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
        period = semesters.get(number)
        return (_shift(period.date_from), _shift(period.date_to)) if period else default

    middle = dt.date(start.year + 1, 1, 1)
    dates = YearDates(
        name=f"{start.year}/{end.year if end.year != start.year else end.year + 1}",
        date_from=start,
        date_to=end,
        semester1=semester(1, (start, middle - dt.timedelta(days=1))),
        semester2=semester(2, (middle, dt.date(middle.year, 6, 30))),
        holidays=tuple(
            HolidaySpan(p.name, _shift(p.date_from), _shift(p.date_to))
            for p in periods
            if p.kind == Period.Kind.HOLIDAYS
        ),
    )
    proposal = RolloverProposal(current, dates, next_year=_later_year(organization_id, current))
    for group in _active_groups(organization_id):
        line = GroupCourse(group, group.course_in(current))
        (proposal.graduating if is_final_year(group, current) else proposal.promoted).append(line)
    return proposal


def _check_dates(current: AcademicYear, dates: YearDates) -> None:
    name = " ".join(dates.name.split())
    if not name:
        raise DomainError(_("Укажите название учебного года."), field="name")
    if len(name) > 20:
        raise DomainError(_("Название учебного года не длиннее 20 символов."), field="name")
    if dates.date_from <= current.date_to:
        raise DomainError(
            _("Новый учебный год должен начинаться после окончания текущего (%(date)s).")
            % {"date": current.date_to.strftime("%d.%m.%Y")},
            field="date_from",
        )
    if dates.date_to <= dates.date_from:
        raise DomainError(_("Окончание учебного года раньше его начала."), field="date_to")
    spans = [
        ("semester1", _("1 семестр"), dates.semester1),
        ("semester2", _("2 семестр"), dates.semester2),
        *((f"holiday{i}", h.name, (h.date_from, h.date_to)) for i, h in enumerate(dates.holidays)),
    ]
    for field_name, label, (start, end) in spans:
        if end < start:
            raise DomainError(
                _("%(period)s: окончание раньше начала.") % {"period": label}, field=field_name
            )
        if start < dates.date_from or end > dates.date_to:
            raise DomainError(
                _("%(period)s выходит за границы учебного года.") % {"period": label},
                field=field_name,
            )
    if dates.semester2[0] <= dates.semester1[1]:
        raise DomainError(_("2 семестр должен начинаться после 1-го."), field="semester2")


def _create_year(organization_id: int, dates: YearDates) -> AcademicYear:
    year = AcademicYear.objects.create(
        organization_id=organization_id,
        name=" ".join(dates.name.split()),
        date_from=dates.date_from,
        date_to=dates.date_to,
    )
    periods = [
        Period(
            academic_year=year,
            kind=Period.Kind.SEMESTER,
            number=number,
            name=_("%(number)s семестр") % {"number": number},
            date_from=start,
            date_to=end,
        )
        for number, (start, end) in ((1, dates.semester1), (2, dates.semester2))
    ]
    periods += [
        Period(
            academic_year=year,
            kind=Period.Kind.HOLIDAYS,
            number=number,
            name=holiday.name or _("Каникулы"),
            date_from=holiday.date_from,
            date_to=holiday.date_to,
        )
        for number, holiday in enumerate(dates.holidays, start=1)
    ]
    Period.objects.bulk_create(periods)
    return year


def _renew_subgroups(groups: Sequence[Group], current: AcademicYear, start: dt.date) -> int:
    """New subgroup memberships from `start` for members whose membership ends before it.

    Only for students still on the group's roll on `start` whose last subgroup membership in
    the group is this one: a student who left the group, or moved to another subgroup of it,
    is not put back (four queries and one insert)."""
    ending = (
        SubgroupMembership.objects.filter(
            subgroup__group__in=groups,
            date_to__isnull=False,
            date_to__gte=current.date_from,
            date_to__lt=start,
        )
        .select_related("subgroup")
        .order_by("subgroup_id", "student_id", "-date_to")
    )
    continuing = set(
        SubgroupMembership.objects.filter(subgroup__group__in=groups)
        .on_day(start)
        .values_list("subgroup_id", "student_id")
    )
    on_roll = set(
        Membership.objects.filter(group__in=groups)
        .on_day(start)
        .values_list("group_id", "student_id")
    )
    latest_start: dict[tuple[int, int], dt.date] = {}
    for group_id, student_id, date_from in SubgroupMembership.objects.filter(
        subgroup__group__in=groups
    ).values_list("subgroup__group_id", "student_id", "date_from"):
        key = (group_id, student_id)
        if key not in latest_start or date_from > latest_start[key]:
            latest_start[key] = date_from
    renewed = []
    for membership in ending:
        key = (membership.subgroup_id, membership.student_id)
        in_group = (membership.subgroup.group_id, membership.student_id)
        if key in continuing or in_group not in on_roll:
            continue
        assert membership.date_to is not None
        if latest_start[in_group] > membership.date_to:  # moved to another subgroup since
            continue
        continuing.add(key)
        renewed.append(
            SubgroupMembership(
                subgroup_id=membership.subgroup_id,
                student_id=membership.student_id,
                date_from=start,
            )
        )
    SubgroupMembership.objects.bulk_create(renewed)
    return len(renewed)


def _copy_workload(groups: Sequence[Group], current: AcademicYear, year: AcademicYear) -> int:
    """The promoted groups' lines of the current year in the new one, with the classroom hours
    of the groups' semesters in the new year."""
    by_pk = {group.pk: group for group in groups}
    lines = list(
        Workload.objects.filter(academic_year=current, group_id__in=by_pk).order_by("id")
    )
    semesters = {group.semester_of(half, year) for group in groups for half in (1, 2)}
    hours = {
        (row.item_id, row.semester): row.theory + row.practical + row.laboratory + row.coursework
        for row in CurriculumHours.objects.filter(
            item_id__in={line.item_id for line in lines}, semester__in=semesters
        )
    }
    copies = []
    for line in lines:
        group = by_pk[line.group_id]
        first = hours.get((line.item_id, group.semester_of(1, year)), 0)
        second = hours.get((line.item_id, group.semester_of(2, year)), 0)
        if first or second:
            copies.append(
                Workload(
                    academic_year=year,
                    teacher_id=line.teacher_id,
                    group_id=line.group_id,
                    item_id=line.item_id,
                    subgroup_id=line.subgroup_id,
                    hours_first=first,
                    hours_second=second,
                )
            )
    Workload.objects.bulk_create(copies)
    return len(copies)


@transaction.atomic
def year_rollover(*, actor: ActiveRole, today: dt.date, dates: YearDates) -> RolloverResult:
    """Create the next year, continue subgroups, draft the workload of the promoted groups.

    Changes nothing in the current year: the groups' courses follow from the year asked about.
    """
    if not actor.has_any(*ROLLOVER_RIGHTS):
        raise NotAllowed(_("Недостаточно прав для перевода на следующий учебный год."))
    if department_scope(actor) is not None:
        # The rollover creates the organization's year and promotes every department's groups.
        raise NotAllowed(
            _(
                "Перевод на следующий учебный год выполняется для всего колледжа: его проводит "
                "заместитель директора по УМР."
            )
        )
    organization_id = actor.organization_id
    # Serialise rollovers of one organization: the second waits, then sees the new year.
    Organization.objects.select_for_update().filter(pk=organization_id).first()
    current = current_year(organization_id, today)
    if current is None:
        raise DomainError(_("Текущий учебный год не задан: перевод не из чего делать."))
    later = _later_year(organization_id, current)
    if later is not None:
        raise DomainError(
            _("Следующий учебный год %(name)s уже создан: перевод групп уже выполнен.")
            % {"name": later.name}
        )
    _check_dates(current, dates)
    if AcademicYear.objects.filter(organization_id=organization_id, name=dates.name).exists():
        raise DomainError(_("Учебный год %(name)s уже есть.") % {"name": dates.name}, field="name")
    year = _create_year(organization_id, dates)
    groups = _active_groups(organization_id)
    promoted = [group for group in groups if not is_final_year(group, current)]
    graduating = [group for group in groups if is_final_year(group, current)]
    renewed = _renew_subgroups(promoted, current, dates.date_from)
    copied = _copy_workload(promoted, current, year)
    audit_record(
        actor=actor.user,
        action=AuditEvent.Action.CREATE,
        organization_id=organization_id,
        obj=year,
        changes={
            "rollover_from": [None, current.name],
            "promoted": [None, [f"{group.name}: {group.course_in(year)}" for group in promoted]],
            "graduating": [None, [group.name for group in graduating]],
            "subgroup_members_renewed": [None, renewed],
            "workload_lines": [None, copied],
        },
        reason=_("Перевод на следующий учебный год"),
    )
    return RolloverResult(year, promoted, graduating, renewed, copied)
