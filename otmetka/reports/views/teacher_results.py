"""Итоги успеваемости по дисциплине (Положение 4.6.10): a teacher's own journals for a period;
the deputy, the director and a department head (their department) choose any teacher."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.journal.permissions import journals_visible_to
from otmetka.lib.dates import local_today
from otmetka.lib.downloads import pdf_download, xlsx_download
from otmetka.lib.views import query_without_page
from otmetka.people.models import Employee
from otmetka.reports.forms import TeacherResultsForm
from otmetka.reports.summary import semester_on
from otmetka.reports.teacher_results import (
    TeacherResults,
    formulas,
    result_headers,
    results_file_name,
    results_pdf,
    results_rows,
    results_subtitle,
    results_title,
    results_total,
    results_xlsx,
    teacher_results,
)

TEACHER_RESULTS_RIGHTS = ("reports.own", "reports.all")


def _oversees(role: ActiveRole) -> bool:
    return role.has("reports.all") and role.has("journal.view_all")


def _default_period(role: ActiveRole, today: dt.date) -> tuple[dt.date, dt.date]:
    """The current semester from its start to its end, else the month so far."""
    semester = semester_on(role.organization_id, today)
    if semester is None:
        return today.replace(day=1), today
    return semester.date_from, semester.date_to


def _results(request: HttpRequest) -> tuple[TeacherResultsForm, TeacherResults | None, str]:
    """The chosen teacher's results (the actor's own for a teacher); None until an overseer
    has chosen a teacher. A bad filter leaves the default period, with the form's message."""
    role = role_of(request)
    today = local_today(role.organization.timezone)
    start, end = _default_period(role, today)
    everyone = _oversees(role)
    form = TeacherResultsForm(
        request.GET or None,
        organization_id=role.organization_id,
        everyone=everyone,
        initial={"date_from": start, "date_to": end},
    )
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if everyone:
        teacher: Employee | None = data.get("teacher")
        teacher_id, name = (teacher.pk, teacher.person.full_name) if teacher else (None, "")
    else:
        teacher_id, name = role.employee_id, role.person.full_name if role.person else ""
    if teacher_id is None:
        return form, None, ""
    results = teacher_results(
        journals_visible_to(role),
        teacher_id,
        data.get("date_from") or start,
        data.get("date_to") or end,
        today=today,
    )
    return form, results, name


@right_required(*TEACHER_RESULTS_RIGHTS)
def teacher_results_view(request: HttpRequest) -> HttpResponse:
    form, results, teacher = _results(request)
    context: dict[str, Any] = {
        "form": form,
        "results": results,
        "teacher": teacher,
        "formulas": formulas(),
    }
    if results is not None:
        context |= {
            "title": results_title(results, teacher),
            "subtitle": results_subtitle(results),
            "headers": result_headers(),
            "rows": list(zip(results.journals, results_rows(results), strict=True)),
            "total": results_total(results),
            "query": query_without_page(request),
        }
    return render(request, "reports/teacher_results.html", context)


@right_required(*TEACHER_RESULTS_RIGHTS)
def teacher_results_export(request: HttpRequest, kind: str) -> HttpResponse:
    _form, results, teacher = _results(request)
    if results is None:
        raise Http404
    if kind == "xlsx":
        return xlsx_download(
            results_xlsx(results, teacher=teacher),
            name=results_file_name(results, teacher, "xlsx"),
        )
    content = results_pdf(results, teacher=teacher, organization=role_of(request).organization)
    return pdf_download(content, name=results_file_name(results, teacher, "pdf"))
