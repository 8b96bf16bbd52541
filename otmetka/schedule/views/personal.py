"""My timetable: own pairs, a student's group, a parent's chosen child; a week as PDF."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from otmetka.academics.models import Membership, SubgroupMembership
from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.accounts.roles import Role
from otmetka.lib.dates import local_today
from otmetka.lib.views import parse_id, requested_week
from otmetka.people.models import Student
from otmetka.schedule.permissions import get_group_timetable_or_404, get_teacher_timetable_or_404
from otmetka.schedule.selectors import Slot, range_slots


@dataclass
class Mine:
    """Whose timetable «my» means for the actor, and the children to switch between."""

    slots: list[Slot] = field(default_factory=list)
    children: list[Student] = field(default_factory=list)
    child: Student | None = None


def _on_day(day: dt.date) -> Q:
    return Q(date_from__lte=day) & (Q(date_to__isnull=True) | Q(date_to__gte=day))


def _student_slots(role: ActiveRole, student: Student, start: dt.date, end: dt.date) -> list[Slot]:
    group_ids = list(
        Membership.objects.filter(_on_day(end), student=student).values_list("group_id", flat=True)
    )
    subgroups = set(
        SubgroupMembership.objects.filter(_on_day(end), student=student).values_list(
            "subgroup_id", flat=True
        )
    )
    slots = range_slots(role.organization_id, start, end, group_ids=group_ids)
    return [s for s in slots if s.subgroup_id is None or s.subgroup_id in subgroups]


def my_slots(request: HttpRequest, role: ActiveRole, start: dt.date, end: dt.date) -> Mine:
    person = role.person
    if role.role == Role.STUDENT and person is not None:
        student = get_object_or_404(Student, person=person)
        return Mine(slots=_student_slots(role, student, start, end))
    if role.role == Role.PARENT and person is not None:
        children = list(
            Student.objects.filter(
                guardianships__guardian=person, person__organization_id=role.organization_id
            )
            .select_related("person")
            .order_by("person__sort_key")
        )
        wanted = request.GET.get("student")
        child = next((c for c in children if str(c.pk) == wanted), None)
        if wanted and child is None:
            raise Http404
        child = child or (children[0] if children else None)
        slots = _student_slots(role, child, start, end) if child else []
        return Mine(slots=slots, children=children, child=child)
    if role.employee_id is not None:
        return Mine(
            slots=range_slots(role.organization_id, start, end, teacher_id=role.employee_id)
        )
    return Mine()


def _days(monday: dt.date, slots: list[Slot]) -> list[tuple[dt.date, list[Slot]]]:
    days = [monday + dt.timedelta(days=offset) for offset in range(6)]
    return [(day, [s for s in slots if s.date == day]) for day in days]


@right_required("timetable.view")
def my_week(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    today = local_today(role.organization.timezone)
    monday = requested_week(request, today)
    mine = my_slots(request, role, monday, monday + dt.timedelta(days=5))
    context = {
        "mine": mine,
        "days": _days(monday, mine.slots),
        "monday": monday,
        "previous": monday - dt.timedelta(weeks=1),
        "next": monday + dt.timedelta(weeks=1),
        "today": today,
    }
    return render(request, "schedule/my_week.html", context)


@right_required("timetable.view")
def my_today(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    today = local_today(role.organization.timezone)
    mine = my_slots(request, role, today, today)
    return render(request, "schedule/my_today.html", {"mine": mine, "today": today})


@right_required("timetable.view")
def week_pdf(request: HttpRequest) -> HttpResponse:
    from otmetka.lib.downloads import pdf_download
    from otmetka.lib.pdf import render_pdf

    role = role_of(request)
    today = local_today(role.organization.timezone)
    monday = requested_week(request, today)
    sunday = monday + dt.timedelta(days=5)
    group_id, teacher_id = parse_id(request.GET.get("group")), parse_id(request.GET.get("teacher"))
    if group_id is not None:
        group = get_group_timetable_or_404(role, group_id)
        title = group.name
        slots = range_slots(role.organization_id, monday, sunday, group_ids=[group.pk])
    elif teacher_id is not None:
        teacher = get_teacher_timetable_or_404(role, teacher_id)
        title = teacher.person.full_name
        slots = range_slots(role.organization_id, monday, sunday, teacher_id=teacher.pk)
    else:
        raise Http404
    context = {
        "title": title,
        "days": _days(monday, slots),
        "monday": monday,
        "sunday": sunday,
        "organization": role.organization,
    }
    pdf = render_pdf("schedule/print_week.html", context)
    return pdf_download(pdf, name=f"week-{monday.isoformat()}.pdf")
