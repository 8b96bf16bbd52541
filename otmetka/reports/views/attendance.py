"""Посещаемость: a group's month by reason, the ведомость пропусков, students over the
college's threshold of unexcused hours, totals per group, department and college, and the
absences behind each number.

Rights: GROUP_REPORT_RIGHTS. The groups are those of `group_reports_visible_to` (a curator's
own, a department head's department, the whole college for the deputy and the director); a
group outside them is 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from otmetka.academics.models import Group
from otmetka.academics.permissions import group_reports_visible_to
from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.lib.dates import local_today
from otmetka.lib.downloads import pdf_download, xlsx_download
from otmetka.org.models import Department
from otmetka.people.models import Student
from otmetka.reports import attendance as selectors
from otmetka.reports import attendance_files as files
from otmetka.reports.forms import AttendanceFilterForm, GroupMonthForm
from otmetka.reports.permissions import (
    SUMMARY_RIGHTS,
    forced_department_id,
    get_report_group_or_404,
)
from otmetka.reports.tables import table_xlsx

RIGHTS = SUMMARY_RIGHTS


def _today(role: ActiveRole) -> dt.date:
    return local_today(role.organization.timezone)


def _this_month(role: ActiveRole) -> tuple[dt.date, dt.date]:
    today = _today(role)
    return selectors.month_bounds(today.year, today.month)


def _period(form: AttendanceFilterForm, role: ActiveRole) -> tuple[dt.date, dt.date]:
    """The dates asked for (they win over the month), else the month, else this month; bad
    input leaves the form's messages and this month."""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("date_from") and data.get("date_to"):
            return data["date_from"], data["date_to"]
        if data.get("month"):
            return selectors.month_bounds(*data["month"])
    return _this_month(role)


def _dates_query(date_from: dt.date, date_to: dt.date) -> str:
    return urlencode({"date_from": date_from.isoformat(), "date_to": date_to.isoformat()})


def _scoped_groups(role: ActiveRole, form: AttendanceFilterForm, day: dt.date) -> QuerySet[Group]:
    """The actor's groups narrowed by the form's department, course and group."""
    groups = group_reports_visible_to(role)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("department") is not None:
            groups = groups.filter(department_id=data["department"].pk)
        if data.get("group") is not None:
            groups = groups.filter(pk=data["group"].pk)
        groups = selectors.course_filter(groups, data.get("course"), day)
    return groups


def _filter_form(request: HttpRequest, *, with_scope: bool = True) -> AttendanceFilterForm:
    """The filters, this month shown when none are asked for; a department head is offered
    their own department only."""
    role = role_of(request)
    form = AttendanceFilterForm(
        request.GET or None,
        organization_id=role.organization_id,
        groups=group_reports_visible_to(role),
        with_scope=with_scope,
        initial={"month": f"{_today(role):%Y-%m}"},
    )
    department_id = forced_department_id(role)
    field = form.fields.get("department")
    if department_id is not None and isinstance(field, forms.ModelChoiceField):
        field.queryset = Department.objects.filter(
            pk=department_id, organization_id=role.organization_id
        )
    return form


def _query(request: HttpRequest) -> str:
    return request.GET.urlencode()


# --- Choosing a group and a month -------------------------------------------------------------


@right_required(*RIGHTS)
def attendance_choose(request: HttpRequest, target: str) -> HttpResponse:
    """A group and a month; the report (the group's month or its ведомость пропусков) has an
    address of its own."""
    role = role_of(request)
    today = _today(role)
    form = GroupMonthForm(
        request.GET or None,
        groups=group_reports_visible_to(role),
        initial={"month": f"{today:%Y-%m}"},
    )
    if form.is_bound and form.is_valid():
        year, month = form.cleaned_data["month"]
        url = reverse(f"reports:{target}", kwargs={"group_id": form.cleaned_data["group"].pk})
        return redirect(f"{url}?{urlencode({'month': f'{year:04}-{month:02}'})}")
    return render(request, "reports/attendance_choose.html", {"form": form, "target": target})


# --- One group for a month or a period --------------------------------------------------------


def _group(
    request: HttpRequest, group_id: int
) -> tuple[AttendanceFilterForm, selectors.GroupAttendance]:
    role = role_of(request)
    group = get_report_group_or_404(role, group_id)
    form = _filter_form(request, with_scope=False)
    date_from, date_to = _period(form, role)
    return form, selectors.group_attendance(group, date_from, date_to)


@right_required(*RIGHTS)
def attendance_group(request: HttpRequest, group_id: int) -> HttpResponse:
    form, report = _group(request, group_id)
    return render(
        request,
        "reports/attendance_group.html",
        {
            "form": form,
            "report": report,
            "period": files.period_text(report.date_from, report.date_to),
            "dates": _dates_query(report.date_from, report.date_to),
            "month": f"{report.date_from:%Y-%m}",
            "query": _query(request),
        },
    )


@right_required(*RIGHTS)
def attendance_group_export(request: HttpRequest, group_id: int, kind: str) -> HttpResponse:
    _form, report = _group(request, group_id)
    table = files.group_table(report)
    name = f"{table.title} {files.period_text(report.date_from, report.date_to)}"
    if kind == "xlsx":
        return xlsx_download(table_xlsx(table, _("Посещаемость")), name=f"{name}.xlsx")
    content = files.table_pdf(
        table,
        organization=role_of(request).organization,
        signatures=files.group_signatures(report.group),
        note=files.codes_key(),
    )
    return pdf_download(content, name=f"{name}.pdf")


# --- The ведомость пропусков ------------------------------------------------------------------


def _sheet(
    request: HttpRequest, group_id: int
) -> tuple[AttendanceFilterForm, selectors.AbsenceSheet]:
    role = role_of(request)
    group = get_report_group_or_404(role, group_id)
    form = _filter_form(request, with_scope=False)
    date_from, _date_to = _period(form, role)
    return form, selectors.absence_sheet(group, date_from.year, date_from.month)


@right_required(*RIGHTS)
def attendance_sheet(request: HttpRequest, group_id: int) -> HttpResponse:
    form, sheet = _sheet(request, group_id)
    for name in ("date_from", "date_to"):
        form.fields.pop(name, None)  # a ведомость is of a whole month
    return render(
        request,
        "reports/attendance_sheet.html",
        {
            "form": form,
            "sheet": sheet,
            "period": files.period_text(sheet.date_from, sheet.date_to),
            "dates": _dates_query(sheet.date_from, sheet.date_to),
            "month": f"{sheet.date_from:%Y-%m}",
            "hours_headers": files.sheet_headers(),
            "key": files.codes_key(),
        },
    )


@right_required(*RIGHTS)
def attendance_sheet_export(request: HttpRequest, group_id: int, kind: str) -> HttpResponse:
    _form, sheet = _sheet(request, group_id)
    name = f"{files.sheet_title(sheet)} {files.period_text(sheet.date_from, sheet.date_to)}"
    if kind == "xlsx":
        return xlsx_download(files.sheet_xlsx(sheet), name=f"{name}.xlsx")
    content = files.sheet_pdf(sheet, organization=role_of(request).organization)
    return pdf_download(content, name=f"{name}.pdf")


# --- Totals per group, department and college -------------------------------------------------


def _totals(request: HttpRequest) -> tuple[AttendanceFilterForm, selectors.AttendanceTotals]:
    role = role_of(request)
    form = _filter_form(request)
    date_from, date_to = _period(form, role)
    groups = _scoped_groups(role, form, date_from)
    return form, selectors.attendance_totals(
        groups, date_from, date_to, college=role.organization.short_name
    )


@right_required(*RIGHTS)
def attendance_totals(request: HttpRequest) -> HttpResponse:
    form, report = _totals(request)
    return render(
        request,
        "reports/attendance_totals.html",
        {
            "form": form,
            "report": report,
            "period": files.period_text(report.date_from, report.date_to),
            "dates": _dates_query(report.date_from, report.date_to),
            "query": _query(request),
        },
    )


@right_required(*RIGHTS)
def attendance_totals_export(request: HttpRequest, kind: str) -> HttpResponse:
    _form, report = _totals(request)
    period = files.period_text(report.date_from, report.date_to)
    table = files.totals_table(report, subtitle=_("за %(period)s") % {"period": period})
    name = f"{table.title} {period}"
    if kind == "xlsx":
        return xlsx_download(table_xlsx(table, _("Посещаемость")), name=f"{name}.xlsx")
    content = files.table_pdf(
        table,
        organization=role_of(request).organization,
        signatures=files.head_signatures(),
        note=files.codes_key(),
    )
    return pdf_download(content, name=f"{name}.pdf")


# --- Over the threshold -----------------------------------------------------------------------


def _over(
    request: HttpRequest,
) -> tuple[AttendanceFilterForm, list[selectors.OverLine], int, dt.date, dt.date]:
    role = role_of(request)
    form = _filter_form(request)
    date_from, date_to = _period(form, role)
    threshold = role.organization.unexcused_hours_threshold
    lines = selectors.over_threshold(
        _scoped_groups(role, form, date_from), date_from, date_to, threshold
    )
    return form, lines, threshold, date_from, date_to


@right_required(*RIGHTS)
def attendance_over(request: HttpRequest) -> HttpResponse:
    form, lines, threshold, date_from, date_to = _over(request)
    return render(
        request,
        "reports/attendance_over.html",
        {
            "form": form,
            "lines": lines,
            "threshold": threshold,
            "title": files.over_title(threshold),
            "period": files.period_text(date_from, date_to),
            "dates": _dates_query(date_from, date_to),
            "query": _query(request),
        },
    )


@right_required(*RIGHTS)
def attendance_over_export(request: HttpRequest, kind: str) -> HttpResponse:
    _form, lines, threshold, date_from, date_to = _over(request)
    period = files.period_text(date_from, date_to)
    table = files.over_table(
        lines, threshold=threshold, subtitle=_("за %(period)s") % {"period": period}
    )
    name = f"{_('Пропуски сверх порога')} {period}"
    if kind == "xlsx":
        return xlsx_download(table_xlsx(table, _("Сверх порога")), name=f"{name}.xlsx")
    content = files.table_pdf(
        table,
        organization=role_of(request).organization,
        signatures=files.head_signatures(),
        note=files.codes_key(),
    )
    return pdf_download(content, name=f"{name}.pdf")


# --- The absences behind a number -------------------------------------------------------------


def _absences_context(request: HttpRequest, group_id: int) -> dict[str, Any]:
    role = role_of(request)
    group = get_report_group_or_404(role, group_id)
    form = _filter_form(request, with_scope=False)
    if form.is_bound and not form.is_valid():
        raise Http404
    date_from, date_to = _period(form, role)
    reason = request.GET.get("reason") or "all"
    if reason not in selectors.REASONS:
        raise Http404
    # The roster decides whose absences a number counts, as on the report's page.
    roster = {
        student.pk: student
        for student, _start, _end in selectors.roster_between(group.pk, date_from, date_to)
    }
    student: Student | None = None
    if request.GET.get("student"):
        student = (
            roster.get(int(request.GET["student"])) if request.GET["student"].isdigit() else None
        )
        if student is None:
            raise Http404
    rows = selectors.absence_list(
        group,
        date_from,
        date_to,
        reason=reason,
        student_ids=[student.pk] if student is not None else list(roster),
    )
    return {
        "group": group,
        "student": student,
        "reason_label": selectors.REASONS[reason][1],
        "rows": rows,
        "hours": sum(row.lesson.hours for row in rows),
        "period": files.period_text(date_from, date_to),
        "back": f"{reverse('reports:attendance_group', kwargs={'group_id': group.pk})}?"
        + _dates_query(date_from, date_to),
    }


@right_required(*RIGHTS)
def attendance_absences(request: HttpRequest, group_id: int) -> HttpResponse:
    """The absences a number of the reports counts: a group's or a student's, of one reason."""
    return render(request, "reports/attendance_absences.html", _absences_context(request, group_id))
