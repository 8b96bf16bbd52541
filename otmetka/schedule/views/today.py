"""The teacher's «сегодня» page and the dispatcher's lesson-generation page."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from otmetka.accounts.permissions import right_required, role_of
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError
from otmetka.lib.views import form_error
from otmetka.org.models import Period
from otmetka.schedule.forms_generate import GenerateForm
from otmetka.schedule.selectors import TodayStatus, teacher_day
from otmetka.schedule.services.generation import lessons_generate

REPORT_LINES = 200


@right_required("journal.edit_own")
def today(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    tz = role.organization.timezone
    day = local_today(tz)
    moment = timezone.now().astimezone(ZoneInfo(tz))
    pairs = (
        teacher_day(role.organization_id, role.employee_id, day, moment.time())
        if role.employee_id is not None
        else []
    )
    return render(
        request,
        "schedule/today.html",
        {"day": day, "pairs": pairs, "statuses": TodayStatus},
    )


@right_required("timetable.edit")
def generate(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    report = None
    if request.method == "POST":
        form = GenerateForm(request.POST)
        if form.is_valid():
            try:
                report = lessons_generate(
                    actor=role,
                    organization_id=role.organization_id,
                    date_from=form.cleaned_data["date_from"],
                    date_to=form.cleaned_data["date_to"],
                    dry_run=form.cleaned_data["dry_run"],
                )
            except DomainError as error:
                form_error(form, error)
    else:
        day = local_today(role.organization.timezone)
        semester = (
            Period.objects.semesters()
            .filter(academic_year__organization_id=role.organization_id, date_to__gte=day)
            .order_by("date_from")
            .first()
        )
        initial = {"date_from": day, "date_to": semester.date_to if semester else day}
        form = GenerateForm(initial=initial)
    return render(
        request,
        "schedule/generate.html",
        {"form": form, "report": report, "limit": f":{REPORT_LINES}", "limit_count": REPORT_LINES},
    )
