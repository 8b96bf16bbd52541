"""iCal feeds: the actor's secret addresses, create, revoke, and the public calendar."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from otmetka.accounts.permissions import right_required, role_of
from otmetka.lib.errors import DomainError
from otmetka.schedule.forms_feeds import FeedForm
from otmetka.schedule.models import CalendarFeed
from otmetka.schedule.permissions import (
    can_edit_timetable,
    groups_with_visible_timetable,
    teachers_with_visible_timetable,
)
from otmetka.schedule.services.feeds import feed_calendar, feed_create, feed_revoke


@right_required("timetable.view")
def feed_list(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    feeds = CalendarFeed.objects.filter(
        organization_id=role.organization_id, created_by=role.user, revoked_at__isnull=True
    ).select_related("employee__person", "group")
    rows = [
        (feed, request.build_absolute_uri(reverse("schedule:ical", kwargs={"token": feed.token})))
        for feed in feeds
    ]
    editor = can_edit_timetable(role)
    context = {
        "rows": rows,
        "editor": editor,
        "own": role.employee_id,
        "groups": groups_with_visible_timetable(role) if editor else [],
        "teachers": teachers_with_visible_timetable(role).select_related("person")
        if editor
        else [],
        "error": request.GET.get("error", ""),
    }
    return render(request, "schedule/feed_list.html", context)


@require_POST
@right_required("timetable.view")
def feed_create_view(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    form = FeedForm(request.POST)
    if not form.is_valid():
        return _refused(request, form.error_text())
    data = form.cleaned_data
    group = employee = None
    if data["group"] is not None:
        group = get_object_or_404(groups_with_visible_timetable(role), pk=data["group"])
    if data["employee"] is not None:
        employee = get_object_or_404(
            teachers_with_visible_timetable(role).select_related("person"), pk=data["employee"]
        )
    try:
        feed_create(actor=role, employee=employee, group=group)
    except DomainError as error:
        return _refused(request, error.message)
    return redirect("schedule:feed_list")


def _refused(request: HttpRequest, error: str) -> HttpResponse:
    return render(request, "schedule/feed_error.html", {"error": error}, status=400)


@require_POST
@right_required("timetable.view")
def feed_revoke_view(request: HttpRequest, feed_id: int) -> HttpResponse:
    role = role_of(request)
    feeds = CalendarFeed.objects.filter(
        organization_id=role.organization_id, revoked_at__isnull=True
    )
    if not can_edit_timetable(role):
        feeds = feeds.filter(created_by=role.user)
    feed_revoke(actor=role, feed=get_object_or_404(feeds, pk=feed_id))
    return redirect("schedule:feed_list")


def ical(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the token is the secret. Revoked or unknown → 404."""
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("organization", "employee__person", "group"),
        token=token,
        revoked_at__isnull=True,
    )
    body = feed_calendar(feed, host=request.get_host().split(":")[0] or "otmetka")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="timetable.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
