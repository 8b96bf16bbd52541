"""Обучающиеся в группе риска: the list with its filters, and its workbook."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from otmetka.academics.models import Group
from otmetka.academics.permissions import GROUP_REPORT_RIGHTS, group_reports_visible_to
from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.lib.dates import local_today
from otmetka.lib.downloads import xlsx_download
from otmetka.lib.tables import Sheet, xlsx_bytes
from otmetka.lib.views import query_without_page
from otmetka.org.models import Period
from otmetka.reports.at_risk import RULES, AtRiskReport, at_risk, rules_explained
from otmetka.reports.forms import AtRiskForm
from otmetka.reports.permissions import forced_department_id
from otmetka.reports.summary import semester_on


def _form(request: HttpRequest, role: ActiveRole, current: Period | None) -> AtRiskForm:
    return AtRiskForm(
        request.GET or None,
        organization_id=role.organization_id,
        groups=group_reports_visible_to(role),
        department_fixed=forced_department_id(role) is not None,
        initial={"period": current},
    )


def filtered_groups(
    groups: QuerySet[Group], period: Period, data: dict[str, Any]
) -> QuerySet[Group]:
    """The groups a filter leaves: a department, a course in the semester's year, a group."""
    if data.get("department") is not None:
        groups = groups.filter(department_id=data["department"].pk)
    if data.get("course"):
        groups = groups.filter(intake_year=period.academic_year.start_year - data["course"] + 1)
    if data.get("group") is not None:
        groups = groups.filter(pk=data["group"].pk)
    return groups


def _report(request: HttpRequest) -> tuple[AtRiskForm, AtRiskReport | None]:
    """The form and the list; no list when the filter is wrong (the form says why)."""
    role = role_of(request)
    today = local_today(role.organization.timezone)
    current = semester_on(role.organization_id, today)
    form = _form(request, role, current)
    if form.is_bound and not form.is_valid():
        for name in ("period", "group", "department"):
            if name in form.errors and str(request.GET.get(name, "")).isdigit():
                raise Http404  # a row outside the actor's scope is not found
        return form, None
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    period = data.get("period") or current
    if period is None:
        return form, None
    groups = filtered_groups(group_reports_visible_to(role), period, data)
    return form, at_risk(groups, period, today=today)


@right_required(*GROUP_REPORT_RIGHTS)
def at_risk_list(request: HttpRequest) -> HttpResponse:
    form, report = _report(request)
    return render(
        request,
        "reports/at_risk.html",
        {
            "form": form,
            "report": report,
            "rules": rules_explained(RULES),
            "query": query_without_page(request),
        },
        status=400 if form.errors else 200,
    )


HEADERS = (
    gettext_lazy("№"),
    gettext_lazy("Группа"),
    gettext_lazy("Обучающийся"),
    gettext_lazy("Индекс"),
    gettext_lazy("Дисциплина"),
    gettext_lazy("Средний балл"),
    gettext_lazy("Прогноз"),
    gettext_lazy("Пропущено без уважительной причины, ч"),
    gettext_lazy("Проведено, ч"),
    gettext_lazy("Нет контрольных"),
    gettext_lazy("Причины"),
)


def at_risk_sheet(report: AtRiskReport) -> Sheet:
    """The list as a sheet: one row per student and discipline, numbers as numbers."""
    title = _("Обучающиеся в группе риска, %(period)s %(year)s, на %(day)s") % {
        "period": report.period.name,
        "year": report.period.academic_year.name,
        "day": f"{report.on:%d.%m.%Y}",
    }
    return Sheet(
        title=_("Группа риска"),
        header=[str(header) for header in HEADERS],
        rows=[
            [
                number,
                line.group.name,
                line.student.person.full_name,
                line.item_index,
                line.item_name,
                line.average,
                int(line.forecast) if line.forecast else None,
                line.unexcused_hours,
                line.hours_held,
                line.missed_controls,
                line.reason,
            ]
            for number, line in enumerate(report.lines, start=1)
        ],
        caption=[title],
        header_style="bold",
        fit_widths=True,
    )


@right_required(*GROUP_REPORT_RIGHTS)
def at_risk_xlsx(request: HttpRequest) -> HttpResponse:
    form, report = _report(request)
    if report is None:
        return render(
            request,
            "reports/at_risk.html",
            {"form": form, "report": None, "rules": rules_explained(RULES), "query": ""},
            status=400,
        )
    name = _("Группа риска %(period)s %(day)s") % {
        "period": report.period.name,
        "day": f"{report.on:%d.%m.%Y}",
    }
    return xlsx_download(xlsx_bytes([at_risk_sheet(report)]), name=f"{name}.xlsx")
