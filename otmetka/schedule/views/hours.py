"""Вычитка часов: the deputy's report for all teachers, the teacher's own, XLSX and PDF."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.documents.services import document_request
from otmetka.lib.dates import local_today
from otmetka.lib.downloads import xlsx_download
from otmetka.lib.errors import DomainError
from otmetka.lib.views import parse_id, query_without_page
from otmetka.org.models import AcademicYear, Department
from otmetka.people.models import Employee
from otmetka.schedule.documents import HOURS_PDF, hours_title
from otmetka.schedule.services.hours import (
    HOURS_ALL_RIGHTS,
    HoursTable,
    current_year,
    hours_by_teacher,
    hours_table,
    lines_table,
    table_xlsx,
    teachers_table,
)

ALL_RIGHTS = HOURS_ALL_RIGHTS


class HoursFilterForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Отделение"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("все отделения"),
    )
    q = forms.CharField(label=_("Фамилия"), max_length=100, required=False)

    def __init__(self, *args: object, organization_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Department.objects.filter(organization_id=organization_id)


def _year(role: ActiveRole) -> AcademicYear:
    year = current_year(role.organization_id, local_today(role.organization.timezone))
    if year is None:
        raise Http404(_("Учебный год не задан."))
    return year


def _own_employee_id(role: ActiveRole, request: HttpRequest) -> int:
    """The teacher of an export: ?teacher= for overseers, else (and only) the actor's own."""
    wanted = request.GET.get("teacher", "")
    if wanted and parse_id(wanted) is None:
        raise Http404
    if wanted and role.has_any(*ALL_RIGHTS):
        employee = Employee.objects.filter(
            pk=int(wanted), person__organization_id=role.organization_id
        ).first()
        if employee is None:
            raise Http404
        return employee.pk
    if role.employee_id is None or (wanted and int(wanted) != role.employee_id):
        raise Http404
    return role.employee_id


def _params(request: HttpRequest) -> dict[str, Any]:
    """Which table the address asks for: every teacher (with the page's filters) for those who
    oversee, else one teacher's lines (the actor's own, or any for those who oversee)."""
    role = role_of(request)
    if "teacher" not in request.GET and role.has_any(*ALL_RIGHTS):
        form = HoursFilterForm(request.GET or None, organization_id=role.organization_id)
        department, surname = _filters(form)
        return {"teacher": None, "department": department, "q": surname}
    teacher = _own_employee_id(role, request)
    return {"teacher": teacher, "department": None, "q": "", "own": teacher == role.employee_id}


def _table(request: HttpRequest) -> HoursTable:
    try:
        return hours_table(role_of(request), _params(request))
    except DomainError as error:
        raise Http404(error.message) from error


def _filters(form: HoursFilterForm) -> tuple[int | None, str]:
    if not form.is_bound or not form.is_valid():
        return None, ""
    department = form.cleaned_data["department"]
    return (department.pk if department else None), form.cleaned_data["q"].strip()


@right_required(*ALL_RIGHTS)
def hours_report(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    year = _year(role)
    form = HoursFilterForm(request.GET or None, organization_id=role.organization_id)
    department, surname = _filters(form)
    report = hours_by_teacher(role.organization_id, year, department_id=department, surname=surname)
    return render(
        request,
        "schedule/hours_report.html",
        {
            "form": form,
            "report": report,
            "table": teachers_table(report),
            "query": query_without_page(request),
        },
    )


@right_required("reports.own")
def hours_my(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    if role.employee_id is None:
        raise Http404
    report = hours_by_teacher(role.organization_id, _year(role), teacher_id=role.employee_id)
    teacher = next((t for t in report.teachers if t.employee.pk == role.employee_id), None)
    table = lines_table(report, teacher) if teacher is not None else None
    return render(
        request,
        "schedule/hours_my.html",
        {"report": report, "table": table, "employee_id": role.employee_id},
    )


@right_required("reports.own", *ALL_RIGHTS)
def hours_xlsx(request: HttpRequest) -> HttpResponse:
    """The table in XLSX, made within the request (a second for the whole college)."""
    return xlsx_download(table_xlsx(_table(request)), name=f"{_('Вычитка часов')}.xlsx")


@require_POST
@right_required("reports.own", *ALL_RIGHTS)
def hours_pdf(request: HttpRequest) -> HttpResponse:
    """Order the printable table: laid out in the background (seconds for the college)."""
    role = role_of(request)
    params = _params(request)
    document = document_request(
        actor=role, kind=HOURS_PDF, title=hours_title(role, params), params=params
    )
    return redirect("documents:detail", document_id=document.pk)
