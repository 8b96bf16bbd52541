"""Reports: the contingent on a date, movement for a period, the alphabetical book, and the
сводная ведомость of a group for a semester."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.documents.permissions import documents_visible_to
from otmetka.documents.services import document_request
from otmetka.lib.dates import local_today
from otmetka.lib.downloads import pdf_download, xlsx_download
from otmetka.lib.errors import DomainError
from otmetka.lib.views import form_error, paginate, query_without_page
from otmetka.reports import documents, selectors
from otmetka.reports.approval import approval_view, summary_approval_step
from otmetka.reports.catalogue import all_report_rights, entries_for
from otmetka.reports.forms import (
    BookForm,
    ContingentForm,
    GroupSummaryForm,
    MovementForm,
    SummaryPeriodForm,
    SummaryStepForm,
    SummaryYearForm,
)
from otmetka.reports.permissions import (
    REPORT_RIGHTS,
    SUMMARY_OPEN_RIGHTS,
    get_summary_group_or_404,
    summary_groups_visible_to,
)
from otmetka.reports.summary import (
    GroupSummary,
    group_figures,
    group_summary,
    group_summary_year,
    semester_on,
)
from otmetka.reports.summary_files import (
    count_headers,
    summary_file_name,
    summary_pdf,
    summary_subtitle,
    summary_xlsx,
)
from otmetka.reports.tables import Table, pdf_response, xlsx_response

RECENT_DOCUMENTS = 5  # the user's latest documents of the book, listed on its page


@right_required(*all_report_rights())
def index(request: HttpRequest) -> HttpResponse:
    """The reports the active role may open, by section."""
    sections = entries_for(role_of(request).rights)
    return render(request, "reports/index.html", {"sections": sections})


def _today(role: ActiveRole) -> dt.date:
    return local_today(role.organization.timezone)


def _cleaned(form: Any) -> dict[str, Any]:
    return form.cleaned_data if form.is_bound and form.is_valid() else form.initial


def _department(role: ActiveRole, data: dict[str, Any]) -> tuple[int | None, str]:
    """The department a report covers, and its name for the title."""
    chosen = data.get("department")
    return documents.department_of(role, chosen.pk if chosen is not None else None)


def _export(request: HttpRequest, table: Table, name: str, kind: str) -> HttpResponse:
    """A small report (a page or two) made within the request, named in Russian."""
    if kind == "xlsx":
        return xlsx_response(table, sheet_title=name, filename=f"{name}.xlsx")
    return pdf_response(table, organization=role_of(request).organization, filename=f"{name}.pdf")


# --- Contingent on a date ---------------------------------------------------------------------


def _contingent(request: HttpRequest) -> tuple[ContingentForm, selectors.ContingentReport, str]:
    role = role_of(request)
    today = _today(role)
    form = ContingentForm(
        request.GET or None, organization_id=role.organization_id, initial={"on": today}
    )
    data = _cleaned(form)
    department_id, department = _department(role, data)
    report = selectors.contingent_on(
        role.organization_id, data.get("on") or today, today=today, department_id=department_id
    )
    return form, report, department


@right_required(*REPORT_RIGHTS)
def contingent(request: HttpRequest) -> HttpResponse:
    form, report, department = _contingent(request)
    return render(
        request,
        "reports/contingent.html",
        {
            "form": form,
            "report": report,
            "department": department,
            "query": query_without_page(request),
        },
    )


@right_required(*REPORT_RIGHTS)
def contingent_export(request: HttpRequest, kind: str) -> HttpResponse:
    _form, report, department = _contingent(request)
    table = documents.contingent_table(report, department=department)
    return _export(request, table, _("Контингент"), kind)


# --- Movement for a period --------------------------------------------------------------------


def _movement(request: HttpRequest) -> tuple[MovementForm, selectors.MovementReport, str]:
    role = role_of(request)
    today = _today(role)
    start = dt.date(selectors.academic_start_year(today), 9, 1)
    form = MovementForm(
        request.GET or None,
        organization_id=role.organization_id,
        initial={"date_from": start, "date_to": today},
    )
    data = _cleaned(form)
    department_id, department = _department(role, data)
    report = selectors.movement_between(
        role.organization_id,
        data.get("date_from") or start,
        data.get("date_to") or today,
        department_id=department_id,
    )
    return form, report, department


@right_required(*REPORT_RIGHTS)
def movement(request: HttpRequest) -> HttpResponse:
    form, report, department = _movement(request)
    return render(
        request,
        "reports/movement.html",
        {
            "form": form,
            "report": report,
            "department": department,
            "rows": [
                (
                    line,
                    line.cells(report.columns),
                    line.arrived(report.columns),
                    line.departed(report.columns),
                )
                for line in [*report.lines, report.total]
            ],
            "query": query_without_page(request),
        },
    )


@right_required(*REPORT_RIGHTS)
def movement_export(request: HttpRequest, kind: str) -> HttpResponse:
    _form, report, department = _movement(request)
    return _export(
        request, documents.movement_table(report, department=department), _("Движение"), kind
    )


# --- The alphabetical book --------------------------------------------------------------------


def _book(request: HttpRequest) -> tuple[BookForm, Any, str, dict[str, Any]]:
    role = role_of(request)
    form = BookForm(request.GET or None, organization_id=role.organization_id)
    data = _cleaned(form)
    department = data.get("department")
    params = {
        "department": department.pk if department is not None else None,
        "letter": data.get("letter") or "",
        "intake_year": data.get("intake_year"),
    }
    students, subtitle = documents.book_selection(role, params)
    return form, students, subtitle, params


@right_required(*REPORT_RIGHTS)
def alphabetical(request: HttpRequest) -> HttpResponse:
    form, students, subtitle, _params = _book(request)
    page = paginate(request, students)
    recent = documents_visible_to(role_of(request)).filter(kind=documents.ALPHABETICAL)
    return render(
        request,
        "reports/alphabetical.html",
        {
            "form": form,
            "page": page,
            "rows": selectors.book_rows(page.object_list),
            "subtitle": subtitle,
            "query": query_without_page(request),
            "first_number": page.start_index(),
            "documents": recent.order_by("-created_at", "-pk")[:RECENT_DOCUMENTS],
        },
    )


@require_POST
@right_required(*REPORT_RIGHTS)
def alphabetical_export(request: HttpRequest, kind: str) -> HttpResponse:
    """Order the book of the selection on the page, whole, as a document built in the
    background: a hundred pages take far longer than a request may."""
    _form, _students, subtitle, params = _book(request)
    params["format"] = kind
    document = document_request(
        actor=role_of(request),
        kind=documents.ALPHABETICAL,
        title=documents.book_title(params, subtitle),
        params=params,
    )
    return redirect("documents:detail", document_id=document.pk)


# --- The сводная ведомость of a group ---------------------------------------------------------


def _summary_form(request: HttpRequest, data: Any, initial: dict[str, Any]) -> GroupSummaryForm:
    role = role_of(request)
    return GroupSummaryForm(
        data,
        organization_id=role.organization_id,
        groups=summary_groups_visible_to(role),
        initial=initial,
    )


@right_required(*SUMMARY_OPEN_RIGHTS)
def group_summary_choose(request: HttpRequest) -> HttpResponse:
    """The filters: a semester and a group; the chosen report has an address of its own."""
    role = role_of(request)
    form = _summary_form(
        request, request.GET or None, {"period": semester_on(role.organization_id, _today(role))}
    )
    if form.is_bound and form.is_valid():
        url = reverse("reports:group_summary", kwargs={"group_id": form.cleaned_data["group"].pk})
        period = form.cleaned_data["period"]
        if form.cleaned_data["whole_year"]:
            return redirect(f"{url}?{urlencode({'year': period.academic_year_id})}")
        return redirect(f"{url}?{urlencode({'period': period.pk})}")
    return render(request, "reports/group_summary.html", {"form": form, "summary": None})


def _summary(request: HttpRequest, group_id: int) -> GroupSummary:
    """The group (404 outside the actor's scope) in the semester asked for, or the current;
    with `year`, for that whole academic year."""
    role = role_of(request)
    group = get_summary_group_or_404(role, group_id)
    if "year" in request.GET:
        year_form = SummaryYearForm(request.GET, organization_id=role.organization_id)
        if not year_form.is_valid():
            raise Http404
        summary = group_summary_year(group, year_form.cleaned_data["year"])
        if summary is None:
            raise Http404
        return summary
    form = SummaryPeriodForm(request.GET or None, organization_id=role.organization_id)
    if not form.is_bound:
        period = semester_on(role.organization_id, _today(role))
    elif form.is_valid():
        period = form.cleaned_data["period"]
    else:
        raise Http404
    if period is None:
        raise Http404
    return group_summary(group, period)


@right_required(*SUMMARY_OPEN_RIGHTS)
def group_summary_view(request: HttpRequest, group_id: int) -> HttpResponse:
    summary = _summary(request, group_id)
    return _summary_page(request, summary, SummaryStepForm(organization_id=0))


def _summary_page(
    request: HttpRequest, summary: GroupSummary, step_form: SummaryStepForm, status: int = 200
) -> HttpResponse:
    role = role_of(request)
    initial = {
        "period": summary.period,
        "group": summary.group,
        "whole_year": summary.year is not None,
    }
    form = _summary_form(request, None, initial)
    return render(
        request,
        "reports/group_summary.html",
        {
            "form": form,
            "step_form": step_form,
            # The approval is a semester's: a year's ведомость is not agreed as such.
            "approval": None if summary.year else approval_view(role, summary),
            "tz": role.organization.timezone,
            "summary": summary,
            "figures": group_figures(summary),
            "count_headers": count_headers(),
            "subtitle": summary_subtitle(summary),
            "query": urlencode(
                {"year": summary.year.pk} if summary.year else {"period": summary.period.pk}
            ),
        },
        status=status,
    )


@require_POST
@right_required("summary.prepare", "summary.approve")
def group_summary_step(request: HttpRequest, group_id: int) -> HttpResponse:
    """One step of the approval; a refusal is shown on the ведомость and changes nothing."""
    role = role_of(request)
    group = get_summary_group_or_404(role, group_id)
    form = SummaryStepForm(request.POST, organization_id=role.organization_id)
    if form.is_valid():
        period = form.cleaned_data["period"]
        try:
            summary_approval_step(
                actor=role,
                group=group,
                period=period,
                step=form.cleaned_data["step"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            form_error(form, error)
        else:
            url = reverse("reports:group_summary", kwargs={"group_id": group.pk})
            return redirect(f"{url}?{urlencode({'period': period.pk})}")
    # The ведомость the refusal is shown on: the semester posted, if it is one.
    shown = SummaryPeriodForm(request.POST, organization_id=role.organization_id)
    if shown.is_valid():
        period = shown.cleaned_data["period"]
    else:
        period = semester_on(role.organization_id, _today(role))
    if period is None:
        raise Http404
    return _summary_page(request, group_summary(group, period), form, status=400)


@right_required(*SUMMARY_OPEN_RIGHTS)
def group_summary_export(request: HttpRequest, group_id: int, kind: str) -> HttpResponse:
    summary = _summary(request, group_id)
    if kind == "xlsx":
        return xlsx_download(summary_xlsx(summary), name=summary_file_name(summary, "xlsx"))
    role = role_of(request)
    content = summary_pdf(
        summary,
        organization=role.organization,
        approval=None if summary.year else approval_view(role, summary),
    )
    return pdf_download(content, name=summary_file_name(summary, "pdf"))
