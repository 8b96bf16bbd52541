"""«Успеваемость и качество знаний»: the page, its workbook and its printout."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from otmetka.academics.permissions import GROUP_REPORT_RIGHTS, group_reports_visible_to
from otmetka.accounts.permissions import right_required, role_of
from otmetka.lib.dates import local_today
from otmetka.lib.downloads import pdf_download, xlsx_download
from otmetka.lib.views import query_without_page
from otmetka.reports import quality_files
from otmetka.reports.forms import QualityForm
from otmetka.reports.quality import BY_GROUP, QualityFilter, QualityReport, quality_report
from otmetka.reports.summary import semester_on


def _report(request: HttpRequest) -> tuple[QualityForm, QualityReport | None, str]:
    """The filters and the report over the actor's groups; no report while a filter is
    wrong (the form then says what)."""
    role = role_of(request)
    groups = group_reports_visible_to(role)
    current = semester_on(role.organization_id, local_today(role.organization.timezone))
    initial: dict[str, Any] = {
        "academic_year": current.academic_year if current else None,
        "term": str(current.number) if current else "1",
        "by": BY_GROUP,
    }
    form = QualityForm(
        request.GET or None, organization_id=role.organization_id, groups=groups, initial=initial
    )
    if form.is_bound and not form.is_valid():
        return form, None, ""
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    data = {**initial, **{key: value for key, value in chosen.items() if value not in (None, "")}}
    if data["academic_year"] is None:
        return form, None, ""
    department, group, teacher = data.get("department"), data.get("group"), data.get("teacher")
    filters = QualityFilter(
        department_id=department.pk if department else None,
        course=data.get("course"),
        group_id=group.pk if group else None,
        discipline=data.get("discipline") or "",
        teacher_id=teacher.pk if teacher else None,
    )
    scope = ", ".join(str(x) for x in (department, group, data.get("discipline"), teacher) if x)
    report = quality_report(
        organization_id=role.organization_id,
        groups=groups,
        year=data["academic_year"],
        term=data["term"],
        by=data["by"],
        filters=filters,
    )
    return form, report, scope


@right_required(*GROUP_REPORT_RIGHTS)
def quality(request: HttpRequest) -> HttpResponse:
    form, report, scope = _report(request)
    context: dict[str, Any] = {"form": form, "report": report, "query": query_without_page(request)}
    if report is not None:
        context |= {
            "headers": quality_files.headers(report.by),
            "rows": [(line, quality_files.line_texts(line)) for line in report.lines],
            "total": quality_files.line_texts(report.total),
            "formulas": quality_files.formulas(report.by),
            "notes": quality_files.notes(report),
            "charts": quality_files.charts(report),
            "subtitle": quality_files.subtitle(report, scope),
            "title": quality_files.title(report),
            "chart_label_width": quality_files.LABEL_WIDTH,
            "chart_width": quality_files.CHART_WIDTH,
        }
    return render(request, "reports/quality.html", context)


@right_required(*GROUP_REPORT_RIGHTS)
def quality_export(request: HttpRequest, kind: str) -> HttpResponse:
    form, report, scope = _report(request)
    if report is None:  # the page says what is wrong with the filters
        return redirect(f"{reverse('reports:quality')}?{query_without_page(request)}")
    name = quality_files.file_name(report, kind)
    if kind == "xlsx":
        return xlsx_download(quality_files.quality_xlsx(report, scope), name=name)
    content = quality_files.quality_pdf(report, scope, organization=role_of(request).organization)
    return pdf_download(content, name=name)
