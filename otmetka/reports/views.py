"""Contingent reports: on a date, movement for a period, the alphabetical book."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.audit.models import AuditEvent
from otmetka.audit.services import audit_record
from otmetka.lib.dates import local_today
from otmetka.lib.views import paginate, query_without_page
from otmetka.org.models import Department
from otmetka.reports import documents, selectors
from otmetka.reports.forms import BookForm, ContingentForm, MovementForm
from otmetka.reports.permissions import REPORT_RIGHTS, report_department_id
from otmetka.reports.tables import Table, pdf_response, xlsx_response

BOOK_PDF_LIMIT = 2000  # rows of one printed selection of the book


def _today(role: ActiveRole) -> dt.date:
    return local_today(role.organization.timezone)


def _cleaned(form: Any) -> dict[str, Any]:
    return form.cleaned_data if form.is_bound and form.is_valid() else form.initial


def _department(role: ActiveRole, data: dict[str, Any]) -> tuple[int | None, str]:
    """The department a report covers, and its name for the title."""
    chosen = data.get("department")
    department_id = report_department_id(role, chosen.pk if chosen is not None else None)
    if department_id is None:
        return None, ""
    department = Department.objects.filter(
        pk=department_id, organization_id=role.organization_id
    ).first()
    return department_id, department.name if department is not None else ""


def _export(request: HttpRequest, table: Table, name: str, kind: str) -> HttpResponse:
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
    return _export(request, table, "contingent", kind)


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
        request, documents.movement_table(report, department=department), "movement", kind
    )


# --- The alphabetical book --------------------------------------------------------------------


def _book(request: HttpRequest) -> tuple[BookForm, Any, str]:
    role = role_of(request)
    form = BookForm(request.GET or None, organization_id=role.organization_id)
    data = _cleaned(form)
    department_id, department = _department(role, data)
    book_filter = selectors.BookFilter(
        letter=data.get("letter") or "", intake_year=data.get("intake_year")
    )
    students = selectors.alphabetical_students(
        role.organization_id, book_filter, department_id=department_id
    )
    parts = [department]
    if book_filter.letter:
        parts.append(_("на букву «%(letter)s»") % {"letter": book_filter.letter.upper()})
    if book_filter.intake_year:
        parts.append(_("набор %(year)s года") % {"year": book_filter.intake_year})
    return form, students, ", ".join(part for part in parts if part)


@right_required(*REPORT_RIGHTS)
def alphabetical(request: HttpRequest) -> HttpResponse:
    form, students, subtitle = _book(request)
    page = paginate(request, students)
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
        },
    )


@right_required(*REPORT_RIGHTS)
def alphabetical_export(request: HttpRequest, kind: str) -> HttpResponse:
    _form, students, subtitle = _book(request)
    rows = selectors.book_rows(students[:BOOK_PDF_LIMIT])
    role = role_of(request)
    # Names, birth dates and orders leaving the system are a view of personal data (152-ФЗ).
    audit_record(
        actor=role.user,
        action=AuditEvent.Action.VIEW,
        organization_id=role.organization_id,
        object_type="reports.alphabetical",
        object_repr=_("Алфавитная книга (%(kind)s): %(selection)s, строк: %(count)s")
        % {"kind": kind.upper(), "selection": subtitle or _("все"), "count": len(rows)},
    )
    return _export(request, documents.book_table(rows, subtitle=subtitle), "alphabetical", kind)
