"""The day's changes (замены): list, forms for editors, delete, a printable PDF sheet."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError
from otmetka.lib.views import form_error
from otmetka.org.models import AcademicYear
from otmetka.schedule.forms_changes import ChangeForm, DayForm
from otmetka.schedule.models import ScheduleChange, TimetableEntry
from otmetka.schedule.permissions import (
    can_edit_timetable,
    groups_with_visible_timetable,
    sees_everything,
)
from otmetka.schedule.selectors import day_slots
from otmetka.schedule.services import changes as services


def chosen_day(request: HttpRequest, role: ActiveRole) -> dt.date:
    return DayForm(request.GET).day(local_today(role.organization.timezone))


def visible_changes(role: ActiveRole, day: dt.date) -> QuerySet[ScheduleChange]:
    """The day's changes the actor may see: all with oversight, else those of their scope."""
    changes = ScheduleChange.objects.filter(organization_id=role.organization_id, date=day)
    if not sees_everything(role):
        scope = Q(workload__group__in=groups_with_visible_timetable(role))
        if role.employee_id is not None:
            scope |= Q(teacher_id=role.employee_id)
        changes = changes.filter(scope)
    return changes.select_related(
        "entry__room",
        "workload__group",
        "workload__item",
        "workload__subgroup",
        "workload__teacher__person",
        "teacher__person",
        "room",
    ).order_by("pair_number", "workload__group__name", "id")


def _apply(role: ActiveRole, day: dt.date, data: dict[str, Any]) -> None:
    kind = data["kind"]
    common = {"actor": role, "date": day, "reason": data["reason"]}
    if kind == ScheduleChange.Kind.EXTRA:
        services.change_extra(
            **common, workload=data["workload"], pair_number=data["pair_number"], room=data["room"]
        )
        return
    entry = get_object_or_404(
        TimetableEntry.objects.select_related("workload__group", "workload__teacher__person"),
        pk=data["entry"],
        workload__group__organization_id=role.organization_id,
    )
    if kind == ScheduleChange.Kind.CANCEL:
        services.change_cancel(**common, entry=entry)
    elif kind == ScheduleChange.Kind.REPLACE_TEACHER:
        services.change_replace_teacher(**common, entry=entry, teacher=data["teacher"])
    else:
        services.change_move(
            **common, entry=entry, pair_number=data["pair_number"], room=data["room"]
        )


@right_required("timetable.view")
def changes_day(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    day_form = DayForm(request.GET)
    day = day_form.day(local_today(role.organization.timezone))
    form = None
    if can_edit_timetable(role):
        year = AcademicYear.objects.filter(organization_id=role.organization_id).on_day(day).first()
        form = ChangeForm(
            request.POST if request.method == "POST" else None,
            organization_id=role.organization_id,
            year_id=year.pk if year else None,
            slots=day_slots(role.organization_id, day),
        )
        # A date in the address that is no date refuses the change (its message is shown at
        # the date field) instead of writing it on today.
        if request.method == "POST" and day_form.is_valid() and form.is_valid():
            try:
                _apply(role, day, form.cleaned_data)
                return redirect(services.changes_url(day))
            except DomainError as error:
                form_error(form, error)
    elif request.method == "POST":
        raise PermissionDenied
    changes = [(c, services.change_title(c)) for c in visible_changes(role, day)]
    context = {
        "day": day,
        "changes": changes,
        "form": form,
        "day_form": DayForm(initial={"date": day}),
        "day_errors": day_form.errors.get("date", []),
    }
    return render(request, "schedule/changes_day.html", context)


@require_POST
@right_required("timetable.edit")
def change_delete(request: HttpRequest, change_id: int) -> HttpResponse:
    role = role_of(request)
    change = get_object_or_404(
        ScheduleChange.objects.select_related("workload__group", "entry"),
        pk=change_id,
        organization_id=role.organization_id,
    )
    day = change.date
    services.change_delete(actor=role, change=change)
    return redirect(services.changes_url(day))


@right_required("timetable.view")
def changes_pdf(request: HttpRequest) -> HttpResponse:
    from otmetka.lib.downloads import pdf_download
    from otmetka.lib.pdf import render_pdf

    role = role_of(request)
    day = chosen_day(request, role)
    changes = [(c, services.change_title(c)) for c in visible_changes(role, day)]
    context = {"day": day, "changes": changes, "organization": role.organization}
    title = _("Изменения в расписании на %(date)s") % {"date": f"{day:%d.%m.%Y}"}
    pdf = render_pdf(
        "schedule/print_changes.html", context, header=f"{role.organization.name} · {title}"
    )
    return pdf_download(pdf, name=f"changes-{day.isoformat()}.pdf")
