"""Pages of the weekly timetable: grids by group, teacher and room; editing; XLSX transfer."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from otmetka.academics.models import Group
from otmetka.academics.selectors import course_year, current_academic_year, with_course
from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.lib.confirm import confirmation_step
from otmetka.lib.dates import local_today, on_weekday, week_monday
from otmetka.lib.errors import DomainError, ValidationFailed
from otmetka.lib.views import (
    form_error,
    paginate,
    parse_id,
    query_without_page,
    requested_week,
    search_text,
)
from otmetka.org.models import AcademicYear, Room
from otmetka.schedule.forms_entries import DayClearForm, EntryForm, ImportForm, WeekCopyForm
from otmetka.schedule.models import TimetableEntry
from otmetka.schedule.permissions import (
    can_edit_timetable,
    can_view_rooms,
    get_group_timetable_or_404,
    get_teacher_timetable_or_404,
    groups_with_visible_timetable,
)
from otmetka.schedule.selectors import week_grid
from otmetka.schedule.services import entries as services
from otmetka.schedule.services import transfer
from otmetka.schedule.services.conflicts import organization_conflicts
from otmetka.schedule.services.conflicts import scheduled_vs_planned as hours_lines

EDIT = "timetable.edit"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_KEY = "schedule_import"


def _today(role: ActiveRole) -> dt.date:
    return local_today(role.organization.timezone)


def _entries(role: ActiveRole) -> Any:
    return TimetableEntry.objects.filter(workload__group__organization_id=role.organization_id)


def _week_url(group_id: int, day: dt.date) -> str:
    url = reverse("schedule:group_week", kwargs={"group_id": group_id})
    return f"{url}?week={week_monday(day).isoformat()}"


def _errors(form: Any, error: DomainError) -> None:
    if not isinstance(error, ValidationFailed):
        form_error(form, error)
        return
    for name, found in error.errors.items():
        for message in found:
            form.add_error(name if name in form.fields else None, message)


def _entry_form(role: ActiveRole, group: Group, data: Any = None, **kwargs: Any) -> EntryForm:
    return EntryForm(
        data, workloads=group.workloads.all(), organization_id=role.organization_id, **kwargs
    )


@right_required("timetable.view")
def group_list(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    year = course_year(role.organization_id, local_today(role.organization.timezone))
    groups = with_course(groups_with_visible_timetable(role), year).order_by("course", "name")
    if text := search_text(request):
        groups = groups.filter(name__icontains=text)
    return render(
        request,
        "schedule/group_week_list.html",
        {
            "page": paginate(request, groups),
            "query": query_without_page(request),
            "q": text,
        },
    )


@right_required("timetable.view")
def group_week(request: HttpRequest, group_id: int) -> HttpResponse:
    role = role_of(request)
    group = get_group_timetable_or_404(role, group_id)
    monday = requested_week(request, _today(role))
    grid = week_grid(role.organization_id, _entries(role).filter(workload__group=group), monday)
    context: dict[str, Any] = {"group": group, "grid": grid, "can_edit": can_edit_timetable(role)}
    if context["can_edit"]:
        end = grid.year.date_to if grid.year else monday + dt.timedelta(days=6)
        context["form"] = _entry_form(role, group, initial={"valid_from": monday, "valid_to": end})
        context["copy_form"] = WeekCopyForm(initial={"source": monday})
        context["clear_form"] = DayClearForm(initial={"on": monday})
        # The browser fills in the day and the date chosen (static/otmetka/app.js).
        context["clear_question"] = _clear_question(group, "{weekday}", "{on}")
    return render(request, "schedule/group_week.html", context)


@right_required(EDIT)
def entry_create(request: HttpRequest, group_id: int) -> HttpResponse:
    role = role_of(request)
    group = get_group_timetable_or_404(role, group_id)
    form = _entry_form(role, group, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_create(actor=role, **form.cleaned_data)
        except DomainError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Пара добавлена в расписание."))
            return redirect(_week_url(group.pk, entry.valid_from))
    return render(request, "schedule/entry_form.html", {"form": form, "group": group})


@right_required(EDIT)
def entry_edit(request: HttpRequest, entry_id: int) -> HttpResponse:
    role = role_of(request)
    entry = get_object_or_404(_entries(role).select_related("workload__group"), pk=entry_id)
    group = entry.workload.group
    initial = {name: getattr(entry, name) for name in services.ENTRY_FIELDS}
    form = _entry_form(role, group, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_update(actor=role, entry=entry, **form.cleaned_data)
        except DomainError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Пара в расписании изменена."))
            return redirect(_week_url(group.pk, form.cleaned_data["valid_from"]))
    return render(
        request, "schedule/entry_form.html", {"form": form, "group": group, "entry": entry}
    )


@require_POST
@right_required(EDIT)
def entry_delete(request: HttpRequest, entry_id: int) -> HttpResponse:
    role = role_of(request)
    entry = get_object_or_404(_entries(role).select_related("workload"), pk=entry_id)
    try:
        services.entry_delete(actor=role, entry=entry)
        messages.success(request, _("Пара удалена из расписания."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(_week_url(entry.workload.group_id, max(entry.valid_from, _today(role))))


def _report(request: HttpRequest, error: DomainError) -> None:
    found = error.errors.values() if isinstance(error, ValidationFailed) else [[error.message]]
    for messages_ in found:
        for message in messages_:
            messages.error(request, message)


@require_POST
@right_required(EDIT)
def week_copy(request: HttpRequest, group_id: int) -> HttpResponse:
    role = role_of(request)
    group = get_group_timetable_or_404(role, group_id)
    form = WeekCopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Укажите неделю, на которую копировать."))
        return redirect(_week_url(group.pk, _today(role)))
    source, target = week_monday(form.cleaned_data["source"]), form.cleaned_data["target"]
    try:
        copies = services.week_copy(
            actor=role, group=group, source_monday=source, target_monday=week_monday(target)
        )
    except DomainError as error:
        _report(request, error)
        return redirect(_week_url(group.pk, source))
    messages.success(request, _("Скопировано пар: %(count)s.") % {"count": len(copies)})
    return redirect(_week_url(group.pk, target))


def _clear_question(group: Group, weekday: str, day: str) -> str:
    return _("Снять все пары группы %(group)s %(weekday)s с %(date)s?") % {
        "group": group.name, "weekday": weekday, "date": day,
    }


@require_POST
@right_required(EDIT)
def day_clear(request: HttpRequest, group_id: int) -> HttpResponse:
    role = role_of(request)
    group = get_group_timetable_or_404(role, group_id)
    form = DayClearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Укажите день недели и дату."))
        return redirect(_week_url(group.pk, _today(role)))
    weekday, on = form.cleaned_data["weekday"], form.cleaned_data["on"]
    question = _clear_question(group, on_weekday(weekday), on.strftime("%d.%m.%Y"))
    step = confirmation_step(
        request, question=question, button=_("Снять пары дня"), back=_week_url(group.pk, on)
    )
    if step is not None:
        return step
    try:
        count = services.day_clear(actor=role, group=group, **form.cleaned_data)
    except DomainError as error:
        _report(request, error)
    else:
        messages.success(request, _("Снято пар: %(count)s.") % {"count": count})
    return redirect(_week_url(group.pk, form.cleaned_data["on"]))


@right_required("timetable.view")
def teacher_week(request: HttpRequest, employee_id: int) -> HttpResponse:
    role = role_of(request)
    employee = get_teacher_timetable_or_404(role, employee_id)
    monday = requested_week(request, _today(role))
    grid = week_grid(
        role.organization_id, _entries(role).filter(workload__teacher=employee), monday
    )
    return render(request, "schedule/teacher_week.html", {"employee": employee, "grid": grid})


@right_required("timetable.view")
def room_week(request: HttpRequest, room_id: int) -> HttpResponse:
    role = role_of(request)
    if not can_view_rooms(role):
        raise Http404
    room = get_object_or_404(Room, organization_id=role.organization_id, pk=room_id)
    monday = requested_week(request, _today(role))
    grid = week_grid(role.organization_id, _entries(role).filter(room=room), monday)
    return render(request, "schedule/room_week.html", {"room": room, "grid": grid})


@right_required(EDIT)
def conflicts(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    found = organization_conflicts(role.organization_id, _today(role))
    return render(request, "schedule/conflicts.html", {"conflicts": found})


@right_required(EDIT, "reports.all")
def hours_balance(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    years = AcademicYear.objects.filter(organization_id=role.organization_id)
    year_id = parse_id(request.GET.get("year"))
    year = (
        years.filter(pk=year_id).first()
        if year_id is not None
        else current_academic_year(role.organization_id, _today(role))
    )
    lines = hours_lines(role.organization_id, year) if year else []
    return render(
        request,
        "schedule/conflicts_hours.html",
        {
            "year": year,
            "years": years,
            "lines": lines,
        },
    )


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@right_required("timetable.view")
def export_xlsx(request: HttpRequest, group_id: int | None = None) -> HttpResponse:
    role = role_of(request)
    if group_id is None:
        if request.GET.get("all") != "1" or not can_edit_timetable(role):
            raise Http404
        return _xlsx(transfer.export_xlsx(_entries(role)), "timetable.xlsx")
    group = get_group_timetable_or_404(role, group_id)
    entries = _entries(role).filter(workload__group=group)
    return _xlsx(transfer.export_xlsx(entries), f"timetable-{group.pk}.xlsx")


@right_required(EDIT)
def import_template(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    return _xlsx(transfer.template_xlsx(role.organization_id), "timetable-template.xlsx")


@right_required(EDIT)
def timetable_import(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    if request.method == "POST" and "token" in request.POST:
        return _import_commit(request, role)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = transfer.read_rows(upload.name or "", upload)
        except DomainError as error:
            form_error(form, error)
        else:
            replace = form.cleaned_data["replace"]
            checked = transfer.validate_rows(actor=role, rows=rows, replace=replace)
            problems = transfer.replace_problems(checked) if replace else []
            context: dict[str, Any] = {"rows": checked, "replace": replace, "problems": problems}
            if checked and not problems and not any(row.errors for row in checked):
                context["token"] = secrets.token_urlsafe(16)
                request.session[IMPORT_KEY] = {
                    "token": context["token"],
                    "replace": form.cleaned_data["replace"],
                    "rows": [transfer.row_to_data(row) for row in checked],
                }
            return render(request, "schedule/import_preview.html", context)
    return render(request, "schedule/import.html", {"form": form})


def _import_commit(request: HttpRequest, role: ActiveRole) -> HttpResponse:
    stored = request.session.pop(IMPORT_KEY, None)
    if not stored or stored["token"] != request.POST["token"]:
        messages.error(request, _("Проверка файла устарела; загрузите его ещё раз."))
        return redirect("schedule:import")
    try:
        created = transfer.timetable_import(
            actor=role, rows=stored["rows"], replace=stored["replace"]
        )
    except transfer.ImportRefused as refused:
        return render(
            request,
            "schedule/import_preview.html",
            {"rows": refused.rows, "problems": refused.problems},
        )
    except DomainError as error:  # the saved timetable changed since the check
        messages.error(request, error.message)
        return redirect("schedule:import")
    messages.success(request, _("Загружено пар: %(count)s.") % {"count": len(created)})
    return redirect("schedule:group_list")
