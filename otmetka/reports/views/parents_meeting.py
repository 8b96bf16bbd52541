"""The curator's group report for a parents' meeting (Положение 4.5.8): marks and attendance
of a group for a period, one table or a page per student; printable. Who sees which group:
GROUP_REPORT_RIGHTS (a curator their own groups)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from otmetka.academics.permissions import GROUP_REPORT_RIGHTS, group_reports_visible_to
from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.lib.dates import local_today
from otmetka.lib.downloads import pdf_download, xlsx_download
from otmetka.lib.views import query_without_page
from otmetka.reports.forms import MeetingChooseForm, MeetingForm
from otmetka.reports.parents_meeting import (
    MeetingReport,
    meeting_file_name,
    meeting_pdf,
    meeting_subtitle,
    meeting_title,
    meeting_xlsx,
    parents_meeting_report,
)
from otmetka.reports.permissions import get_report_group_or_404
from otmetka.reports.summary import semester_on


def _default_period(role: ActiveRole) -> tuple[dt.date, dt.date]:
    """From the start of the current semester to today."""
    today = local_today(role.organization.timezone)
    semester = semester_on(role.organization_id, today)
    start = semester.date_from if semester is not None and semester.date_from <= today else today
    return start, today


@right_required(*GROUP_REPORT_RIGHTS)
def parents_meeting_choose(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    start, end = _default_period(role)
    form = MeetingChooseForm(
        request.GET or None,
        groups=group_reports_visible_to(role),
        initial={"date_from": start, "date_to": end, "layout": MeetingForm.TABLE},
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        url = reverse("reports:parents_meeting", kwargs={"group_id": data["group"].pk})
        query = {
            "date_from": (data["date_from"] or start).isoformat(),
            "date_to": (data["date_to"] or end).isoformat(),
            "layout": data["layout"] or MeetingForm.TABLE,
        }
        return redirect(f"{url}?{urlencode(query)}")
    return render(request, "reports/parents_meeting.html", {"form": form, "report": None})


def _report(request: HttpRequest, group_id: int) -> tuple[MeetingForm, MeetingReport, bool]:
    """The group (404 outside the actor's scope) for the period asked; a bad period leaves the
    default, with the form's message. True: a page per student."""
    role = role_of(request)
    group = get_report_group_or_404(role, group_id)
    start, end = _default_period(role)
    form = MeetingForm(
        request.GET or None,
        initial={"date_from": start, "date_to": end, "layout": MeetingForm.TABLE},
    )
    data: dict[str, Any] = form.cleaned_data if form.is_bound and form.is_valid() else {}
    report = parents_meeting_report(
        group, data.get("date_from") or start, data.get("date_to") or end
    )
    return form, report, data.get("layout") == MeetingForm.PAGES


@right_required(*GROUP_REPORT_RIGHTS)
def parents_meeting_view(request: HttpRequest, group_id: int) -> HttpResponse:
    form, report, per_student = _report(request, group_id)
    return render(
        request,
        "reports/parents_meeting.html",
        {
            "form": form,
            "report": report,
            "per_student": per_student,
            "title": meeting_title(report),
            "subtitle": meeting_subtitle(report),
            "query": query_without_page(request),
        },
    )


@right_required(*GROUP_REPORT_RIGHTS)
def parents_meeting_export(request: HttpRequest, group_id: int, kind: str) -> HttpResponse:
    _form, report, per_student = _report(request, group_id)
    if kind == "xlsx":
        return xlsx_download(meeting_xlsx(report), name=meeting_file_name(report, "xlsx"))
    content = meeting_pdf(
        report, organization=role_of(request).organization, per_student=per_student
    )
    return pdf_download(content, name=meeting_file_name(report, "pdf"))
