"""Pages of teacher workload: the deputy's distribution and the teacher's own lines."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from otmetka.academics.forms.workload import WorkloadFilterForm, WorkloadForm
from otmetka.academics.models import Group, Workload
from otmetka.academics.permissions import (
    can_edit_workload,
    get_workload_for_user_or_404,
    workloads_visible_to,
)
from otmetka.academics.selectors import (
    current_academic_year,
    group_plan_for_year,
    workload_lines,
    workload_summary,
    workload_totals,
)
from otmetka.academics.services.workload import workload_create, workload_delete, workload_update
from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.lib.views import form_error, paginate, parse_id, query_without_page
from otmetka.org.models import AcademicYear
from otmetka.people.models import Person

EDIT = "workload.edit"


def _current_year(role: ActiveRole) -> AcademicYear | None:
    return current_academic_year(role.organization_id, local_today(role.organization.timezone))


def _filtered(request: HttpRequest) -> tuple[WorkloadFilterForm, QuerySet[Workload]]:
    """The filter form (year defaults to the one containing today) and the lines it selects."""
    role = role_of(request)
    data = request.GET.copy()
    if not data.get("year"):
        year = _current_year(role)
        data["year"] = str(year.pk) if year is not None else ""
    form = WorkloadFilterForm(data, organization_id=role.organization_id)
    lines = workloads_visible_to(role)
    if not form.is_valid():
        return form, lines.none()
    if form.cleaned_data["year"] is not None:
        lines = lines.filter(academic_year=form.cleaned_data["year"])
    if form.cleaned_data["group"] is not None:
        lines = lines.filter(group=form.cleaned_data["group"])
    if form.cleaned_data["q"]:
        people = Person.objects.filter(organization_id=role.organization_id)
        lines = lines.filter(teacher__person__in=people.search(form.cleaned_data["q"]))
    return form, lines


@right_required("workload.view_all")
def workload_list(request: HttpRequest) -> HttpResponse:
    form, lines = _filtered(request)
    page = paginate(request, workload_lines(lines))
    return render(request, "academics/workload_list.html", {
        "form": form, "page": page, "query": query_without_page(request),
        "can_edit": can_edit_workload(role_of(request)),
    })


@right_required("workload.view_all")
def workload_teachers(request: HttpRequest) -> HttpResponse:
    form, lines = _filtered(request)
    page = paginate(request, workload_summary(lines))
    return render(request, "academics/workload_teachers.html", {
        "form": form, "page": page, "query": query_without_page(request),
        "totals": workload_totals(lines),
    })


def _group_param(request: HttpRequest, role: ActiveRole) -> Group | None:
    group_id = parse_id(request.GET.get("group", ""))
    if group_id is None:
        return None
    return get_object_or_404(Group.objects.filter(organization_id=role.organization_id),
                             pk=group_id)


@right_required(EDIT)
def workload_create_view(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    group = _group_param(request, role)
    year = _current_year(role)
    initial = {"group": group.pk if group else None, "academic_year": year.pk if year else None}
    form = WorkloadForm(request.POST or None, organization_id=role.organization_id, group=group,
                        initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            workload_create(actor=role, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Строка нагрузки добавлена."))
            return redirect("academics:workload_list")
    plan, course = None, None
    if group is not None and year is not None:
        plan, course = group_plan_for_year(group, year), group.course_in(year)
    return render(request, "academics/workload_form.html", {
        "form": form, "workload": None, "group": group, "year": year, "plan": plan,
        "course": course,
    })


@right_required(EDIT)
def workload_edit(request: HttpRequest, workload_id: int) -> HttpResponse:
    role = role_of(request)
    workload = get_workload_for_user_or_404(role, workload_id)
    form = WorkloadForm(request.POST or None, organization_id=role.organization_id,
                        initial=WorkloadForm.initial_for(workload))
    if request.method == "POST" and form.is_valid():
        try:
            workload_update(actor=role, workload=workload, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Изменения сохранены."))
            return redirect("academics:workload_list")
    plan = group_plan_for_year(workload.group, workload.academic_year)
    return render(request, "academics/workload_form.html", {
        "form": form, "workload": workload, "group": workload.group,
        "year": workload.academic_year, "plan": plan,
        "course": workload.group.course_in(workload.academic_year),
    })


@require_POST
@right_required(EDIT)
def workload_delete_view(request: HttpRequest, workload_id: int) -> HttpResponse:
    role = role_of(request)
    workload = get_workload_for_user_or_404(role, workload_id)
    try:
        workload_delete(actor=role, workload=workload)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("academics:workload_edit", workload_id=workload.pk)
    messages.success(request, _("Строка нагрузки удалена."))
    return redirect("academics:workload_list")


@right_required("workload.view_own")
def my_workload(request: HttpRequest) -> HttpResponse:
    """The teacher's start page: their lines of the current year (later, links to journals)."""
    role = role_of(request)
    year = _current_year(role)
    lines = workloads_visible_to(role).none()
    if role.employee_id is not None and year is not None:
        lines = workloads_visible_to(role).filter(teacher_id=role.employee_id, academic_year=year)
    page = paginate(request, workload_lines(lines))
    return render(request, "academics/my_workload.html", {
        "page": page, "query": query_without_page(request), "year": year,
        "totals": workload_totals(lines), "is_employee": role.employee_id is not None,
    })
