"""Demo orders in the movement book (книга движения) of every demo college.

The generator puts the students into their groups directly (their enrolment orders are on the
cards), so the book would be empty. Here the demo department head (`head`) records, through the
movement services as a user would, a handful of orders around the demo's `today`:

- an applied transfer between two groups of one program a few weeks ago;
- an applied expulsion «по собственному желанию» a month ago;
- an applied academic leave until the end of the academic year;
- a signed order not yet applied (an expulsion in connection with a transfer to another
  college, in force next week) and a draft (an academic leave from next week).

A college with no two groups of one program gets no transfer.

The services date the order's signing and applying now; the demo dates them on the order's
day. The journals were written for the rolls before these orders, so the marks and attendance
of a student who left a group are removed from that group's lessons on and after the day they
left, and the transferred student joins a subgroup of the new group. The demo students and the
demo parents' children are never moved: other tests and the browser test depend on them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q

from otmetka.academics.models import Group, Membership, Subgroup, SubgroupMembership
from otmetka.accounts.models import RoleAssignment
from otmetka.accounts.permissions import ActiveRole
from otmetka.accounts.roles import Role
from otmetka.demo import catalog
from otmetka.journal.models import Attendance, Lesson, Mark
from otmetka.movement import services
from otmetka.movement.models import ExpulsionReason, Order, OrderKind
from otmetka.org.models import AcademicYear
from otmetka.people.models import Student

# Logins prefixes of the demo colleges: "" for ТПТ, "ttit-" for ТТИТ.
PREFIXES = sorted({spec.login_prefix for specs in catalog.SIZES.values() for spec in specs})
ONE_DAY = dt.timedelta(days=1)


def _weekday_on_or_before(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= ONE_DAY
    return day


def _weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += ONE_DAY
    return day


def _at(day: dt.date, hour: int, minute: int, tz: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(tz))


def _year_end(organization_id: int, day: dt.date) -> dt.date:
    """The last day of the college's academic year of `day` (31 August in the usual calendar;
    the demo's calendar may move the summer's edge, otmetka/demo/calendar.py)."""
    year = AcademicYear.objects.filter(organization_id=organization_id).on_day(day).first()
    if year is not None:
        return year.date_to
    return dt.date(day.year + (1 if day.month >= 9 else 0), 8, 31)


def _date(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


@dataclass
class _Roll:
    """Who is on which roll of the head's department today, and who may be moved."""

    memberships: list[Membership]
    protected: set[int]
    curated: set[int]  # groups of the demo curator: moved from last
    counts: Counter[int] = field(default_factory=Counter)
    used: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.counts.update(membership.group_id for membership in self.memberships)

    def candidates(self, group_id: int, before: dt.date) -> list[Membership]:
        """Students of the group who may be moved on `before` (on its roll since earlier)."""
        return [
            membership
            for membership in self.memberships
            if membership.group_id == group_id
            and membership.student_id not in self.protected
            and membership.student_id not in self.used
            and membership.student.status == Student.Status.STUDYING
            and membership.date_from < before
        ]

    def groups(self) -> list[Group]:
        unique = {membership.group_id: membership.group for membership in self.memberships}
        return sorted(unique.values(), key=lambda group: group.name)

    def pick(
        self, group: Group, day: dt.date, *, without_account: bool = False
    ) -> Membership | None:
        found = self.candidates(group.pk, day)  # in the roll's alphabetical order
        if without_account:
            found = [m for m in found if m.student.person.user_id is None] or found
        if not found:
            return None
        chosen = found[len(found) // 2]  # a stable choice from the middle of the roll
        self.used.add(chosen.student_id)
        return chosen

    def largest(self, day: dt.date, *, without_account: bool = False) -> Membership | None:
        """A student of the largest group (the demo curator's last), to keep every roll full."""
        groups = [group for group in self.groups() if self.candidates(group.pk, day)]
        if not groups:
            return None
        group = min(groups, key=lambda g: (-self.counts[g.pk], g.pk in self.curated, g.name))
        return self.pick(group, day, without_account=without_account)

    def transfer_pair(self, day: dt.date) -> tuple[Group, Group] | None:
        """Two groups of one program, of one course if there are such (else down a course),
        the source the larger; None when no program has two groups here."""
        pairs = [
            (source, target)
            for source in self.groups()
            for target in self.groups()
            if source.pk != target.pk
            and source.program_id == target.program_id
            and target.intake_year >= source.intake_year  # the same course or a lower one
            and self.candidates(source.pk, day)
        ]
        if not pairs:
            return None
        return min(
            pairs,
            key=lambda pair: (
                pair[1].intake_year - pair[0].intake_year,
                -self.counts[pair[0].pk],
                pair[0].pk in self.curated,
                self.counts[pair[1].pk],
                pair[0].name,
                pair[1].name,
            ),
        )


@dataclass
class _Cleanup:
    """What the orders changed that the generated journals do not know yet."""

    left: list[tuple[int, int, dt.date]] = field(default_factory=list)  # student, group, day
    joined: list[tuple[int, int, dt.date]] = field(default_factory=list)
    stamps: list[tuple[Order, dt.date, str, bool, bool]] = field(default_factory=list)


def _order(
    actor: ActiveRole,
    cleanup: _Cleanup,
    *,
    number: str,
    date: dt.date,
    kind: str,
    title: str,
    basis: str,
    items: list[dict[str, Any]],
    sign: bool = True,
    apply: bool = True,
) -> Order:
    order = services.order_create(
        actor=actor, number=number, date=date, kind=kind, title=title, basis=basis
    )
    for item in items:
        services.order_item_add(actor=actor, order=order, **item)
    if sign:
        services.order_sign(actor=actor, order=order)
    if sign and apply:
        services.order_apply(actor=actor, order=order)
    cleanup.stamps.append((order, date, actor.organization.timezone, sign, sign and apply))
    return order


def _college(actor: ActiveRole, roll: _Roll, today: dt.date, cleanup: _Cleanup) -> int:
    """The orders of one college; returns how many were recorded."""
    expelled_on = _weekday_on_or_before(today - dt.timedelta(days=30))
    transferred_on = _weekday_on_or_before(today - dt.timedelta(days=21))
    leave_on = _weekday_on_or_before(today - dt.timedelta(days=9))
    signed_on = _weekday_on_or_before(today - dt.timedelta(days=2))
    next_week = _weekday_on_or_after(today + dt.timedelta(days=7))
    drafted_on = _weekday_on_or_before(today)
    recorded = 0

    # An expelled student's account is closed: one who never had one, as in the generator.
    expelled = roll.largest(expelled_on, without_account=True)
    if expelled is not None:
        _order(
            actor,
            cleanup,
            number="41-к",
            date=expelled_on,
            kind=OrderKind.EXPULSION,
            title="Об отчислении обучающегося",
            basis=f"Личное заявление обучающегося от {_date(expelled_on - 3 * ONE_DAY)}",
            items=[
                {
                    "student": expelled.student,
                    "effective_date": expelled_on,
                    "reason": ExpulsionReason.OWN_WISH,
                }
            ],
        )
        roll.counts[expelled.group_id] -= 1
        cleanup.left.append((expelled.student_id, expelled.group_id, expelled_on))
        recorded += 1

    pair = roll.transfer_pair(transferred_on)
    if pair is not None:
        source, target = pair
        moved = roll.pick(source, transferred_on)
        assert moved is not None
        _order(
            actor,
            cleanup,
            number="47-к",
            date=transferred_on,
            kind=OrderKind.TRANSFER,
            title="О переводе обучающегося в другую группу",
            basis=(
                f"Личное заявление обучающегося от {_date(transferred_on - 2 * ONE_DAY)}, "
                "согласие родителя (законного представителя)"
            ),
            items=[
                {
                    "student": moved.student,
                    "effective_date": transferred_on,
                    "from_group": source,
                    "to_group": target,
                }
            ],
        )
        roll.counts[source.pk] -= 1
        roll.counts[target.pk] += 1
        cleanup.left.append((moved.student_id, source.pk, transferred_on))
        cleanup.joined.append((moved.student_id, target.pk, transferred_on))
        recorded += 1

    on_leave = roll.largest(leave_on)
    if on_leave is not None:
        leave_until = _year_end(actor.organization_id, leave_on)
        _order(
            actor,
            cleanup,
            number="52-к",
            date=leave_on,
            kind=OrderKind.LEAVE,
            title="О предоставлении академического отпуска",
            basis=(
                f"Личное заявление обучающегося от {_date(leave_on - 2 * ONE_DAY)}, заключение "
                "врачебной комиссии"
            ),
            items=[
                {
                    "student": on_leave.student,
                    "effective_date": leave_on,
                    "leave_until": leave_until,
                    "note": "По медицинским показаниям",
                }
            ],
        )
        roll.counts[on_leave.group_id] -= 1
        cleanup.left.append((on_leave.student_id, on_leave.group_id, leave_on))
        recorded += 1

    leaving = roll.largest(signed_on)
    if leaving is not None:
        _order(
            actor,
            cleanup,
            number="55-к",
            date=signed_on,
            kind=OrderKind.EXPULSION,
            title="Об отчислении обучающегося в связи с переводом",
            basis=(
                "Личное заявление обучающегося, справка ОГБПОУ «Томский техникум "
                "информационных технологий» о приёме в порядке перевода"
            ),
            items=[
                {
                    "student": leaving.student,
                    "effective_date": next_week,
                    "reason": ExpulsionReason.TRANSFER_OUT,
                }
            ],
            apply=False,
        )
        recorded += 1

    drafted = roll.largest(drafted_on)
    if drafted is not None:
        _order(
            actor,
            cleanup,
            number="56-к",
            date=drafted_on,
            kind=OrderKind.LEAVE,
            title="О предоставлении академического отпуска",
            basis="Личное заявление обучающегося, заявление родителя (законного представителя)",
            items=[
                {
                    "student": drafted.student,
                    "effective_date": next_week,
                    "leave_until": _year_end(actor.organization_id, next_week),
                    "note": "По семейным обстоятельствам",
                }
            ],
            sign=False,
        )
        recorded += 1
    return recorded


def _tidy(cleanup: _Cleanup) -> tuple[int, int]:
    """Journals, subgroups and the orders' times after the orders (a few queries in all);
    returns how many marks and attendance rows were removed from the journals."""
    marks = attendance = 0
    if cleanup.left:
        # Lesson ids first, then deletes by student and lesson id: PostgreSQL plans a delete
        # joined to lessons on freshly written, unanalysed tables as a nested scan of minutes.
        gone = Q()
        for student_id, group_id, day in cleanup.left:
            lesson_ids = list(
                Lesson.objects.filter(workload__group_id=group_id, date__gte=day).values_list(
                    "id", flat=True
                )
            )
            gone |= Q(student_id=student_id, lesson_id__in=lesson_ids)
        marks = Mark.objects.filter(gone).delete()[0]
        attendance = Attendance.objects.filter(gone).delete()[0]
    if cleanup.joined:
        # The smaller subgroup of the new group, as a curator would choose.
        sizes = {
            subgroup.pk: (subgroup.group_id, subgroup.members, subgroup.name)
            for subgroup in Subgroup.objects.filter(
                group_id__in=[group_id for _, group_id, _ in cleanup.joined]
            ).annotate(
                members=Count(
                    "memberships",
                    filter=Q(memberships__date_to__isnull=True),
                )
            )
        }
        rows = []
        for student_id, group_id, day in cleanup.joined:
            options = [
                (members, name, pk)
                for pk, (owner, members, name) in sizes.items()
                if owner == group_id
            ]
            if options:
                rows.append(
                    SubgroupMembership(
                        subgroup_id=min(options)[2], student_id=student_id, date_from=day
                    )
                )
        SubgroupMembership.objects.bulk_create(rows)
    orders = []
    for order, day, tz, signed, applied in cleanup.stamps:
        order.created_at = _at(day, 9, 30, tz)
        order.signed_at = _at(day, 11, 0, tz) if signed else None
        order.applied_at = _at(day, 11, 10, tz) if applied else None
        orders.append(order)
    if orders:
        Order.objects.bulk_update(orders, ["created_at", "signed_at", "applied_at"])
    return marks, attendance


def seed_movement(today: dt.date, written: dict[str, int]) -> dict[str, int]:
    """The demo orders of every demo college whose department head is there.

    Returns the number of orders and the journals' `marks` and `attendance` counts of
    `written` less the rows of the students who left their groups.
    """
    heads = list(
        RoleAssignment.objects.filter(
            role=Role.DEPT_HEAD,
            user__username__in=[prefix + "head" for prefix in PREFIXES],
            department__isnull=False,
        )
        .select_related("user", "organization")
        .order_by("organization_id")
    )
    if not heads:
        return {"orders": 0}
    memberships = list(
        Membership.objects.on_day(today)
        .filter(
            group__department_id__in=[head.department_id for head in heads],
            group__is_active=True,
        )
        .select_related("group", "student__person")
        .order_by("group__name", "student__person__sort_key", "pk")
    )
    protected = set(
        Student.objects.filter(
            Q(person__user__username__in=[prefix + "student" for prefix in PREFIXES])
            | Q(guardianships__guardian__user__username__in=[p + "parent" for p in PREFIXES])
        ).values_list("pk", flat=True)
    )
    curated = set(
        Group.objects.filter(
            curators__person__user__username__in=[prefix + "curator" for prefix in PREFIXES]
        ).values_list("pk", flat=True)
    )
    cleanup = _Cleanup()
    recorded = 0
    for head in heads:
        roll = _Roll(
            [m for m in memberships if m.group.department_id == head.department_id],
            protected,
            curated,
        )
        recorded += _college(ActiveRole(head), roll, today, cleanup)
    marks, attendance = _tidy(cleanup)
    return {
        "orders": recorded,
        "marks": written.get("marks", 0) - marks,
        "attendance": written.get("attendance", 0) - attendance,
    }
