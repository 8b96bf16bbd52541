"""The director's start page: the college at a glance (Положение 4.1)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from otmetka.academics.selectors import organization_summary
from otmetka.accounts.permissions import right_required, role_of
from otmetka.lib.dates import local_today


@right_required("reports.all")
def dashboard(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    today = local_today(role.organization.timezone)
    summary = organization_summary(role.organization_id, on=today)
    return render(request, "academics/dashboard.html", {
        "summary": summary, "organization": role.organization,
    })
