"""Вычитка часов: the deputy's report for all teachers, the teacher's own, XLSX and PDF."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.lib.dates import local_today
from otmetka.lib.views import parse_id, query_without_page
from otmetka.org.models import AcademicYear, Department
from otmetka.people.models import Employee
from otmetka.schedule.services.hours import (
    HoursReport,
    HoursTable,
    hours_by_teacher,
    lines_table,
    table_xlsx,
    teachers_table,
)

ALL_RIGHTS = ("reports.all", "timetable.edit")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    today = local_today(role.organization.timezone)
    year = AcademicYear.objects.filter(organization_id=role.organization_id).on_day(today).first()
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


def _table(request: HttpRequest) -> HoursTable:
    role = role_of(request)
    year = _year(role)
    if "teacher" not in request.GET and role.has_any(*ALL_RIGHTS):
        form = HoursFilterForm(request.GET or None, organization_id=role.organization_id)
        department, surname = _filters(form)
        report = hours_by_teacher(
            role.organization_id, year, department_id=department, surname=surname
        )
        return teachers_table(report)
    employee_id = _own_employee_id(role, request)
    report = hours_by_teacher(role.organization_id, year, teacher_id=employee_id)
    return _own_table(report, employee_id)


def _filters(form: HoursFilterForm) -> tuple[int | None, str]:
    if not form.is_bound or not form.is_valid():
        return None, ""
    department = form.cleaned_data["department"]
    return (department.pk if department else None), form.cleaned_data["q"].strip()


def _own_table(report: HoursReport, employee_id: int) -> HoursTable:
    teacher = next((t for t in report.teachers if t.employee.pk == employee_id), None)
    if teacher is None:
        raise Http404(_("У преподавателя нет нагрузки в этом учебном году."))
    return lines_table(report, teacher)


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
    response = HttpResponse(table_xlsx(_table(request)), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="hours.xlsx"'
    return response


@right_required("reports.own", *ALL_RIGHTS)
def hours_pdf(request: HttpRequest) -> HttpResponse:
    from otmetka.journal.services.printing import render_pdf

    table = _table(request)
    role = role_of(request)
    pdf = render_pdf("schedule/hours_pdf.html", {"table": table, "organization": role.organization})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="hours.pdf"'
    return response
