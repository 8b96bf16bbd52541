"""Row scope of the org app: everything belongs to the actor's own organization, nothing else."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from otmetka.org.models import AcademicYear, BellSchedule, Department, Pair, Period, Room

if TYPE_CHECKING:
    from otmetka.accounts.permissions import ActiveRole

VIEW_RIGHTS = ("org.view", "org.edit")


def can_view_org(actor: ActiveRole) -> bool:
    return actor.has_any(*VIEW_RIGHTS)


def can_edit_org(actor: ActiveRole) -> bool:
    """Years, periods, departments, rooms, bells and the organization's settings."""
    return actor.has("org.edit")


def years_visible_to(actor: ActiveRole) -> QuerySet[AcademicYear]:
    return AcademicYear.objects.filter(organization_id=actor.organization_id)


def periods_visible_to(actor: ActiveRole) -> QuerySet[Period]:
    return Period.objects.filter(academic_year__organization_id=actor.organization_id)


def departments_visible_to(actor: ActiveRole) -> QuerySet[Department]:
    return Department.objects.filter(organization_id=actor.organization_id)


def rooms_visible_to(actor: ActiveRole) -> QuerySet[Room]:
    return Room.objects.filter(organization_id=actor.organization_id)


def bell_schedules_visible_to(actor: ActiveRole) -> QuerySet[BellSchedule]:
    return BellSchedule.objects.filter(organization_id=actor.organization_id)


def pairs_visible_to(actor: ActiveRole) -> QuerySet[Pair]:
    return Pair.objects.filter(bell_schedule__organization_id=actor.organization_id)


def get_year_for_user_or_404(actor: ActiveRole, year_id: int) -> AcademicYear:
    return get_object_or_404(years_visible_to(actor), pk=year_id)


def get_period_for_user_or_404(actor: ActiveRole, period_id: int) -> Period:
    periods = periods_visible_to(actor).select_related("academic_year")
    return get_object_or_404(periods, pk=period_id)


def get_department_for_user_or_404(actor: ActiveRole, department_id: int) -> Department:
    return get_object_or_404(departments_visible_to(actor), pk=department_id)


def get_room_for_user_or_404(actor: ActiveRole, room_id: int) -> Room:
    return get_object_or_404(rooms_visible_to(actor), pk=room_id)


def get_bell_schedule_for_user_or_404(actor: ActiveRole, bells_id: int) -> BellSchedule:
    return get_object_or_404(bell_schedules_visible_to(actor), pk=bells_id)


def get_pair_for_user_or_404(actor: ActiveRole, pair_id: int) -> Pair:
    return get_object_or_404(pairs_visible_to(actor).select_related("bell_schedule"), pk=pair_id)
