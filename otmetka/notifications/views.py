"""The user's notifications: list, open (marks read), mark all read, the unread badge."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from otmetka.accounts.permissions import signed_in
from otmetka.lib.views import paginate
from otmetka.notifications.models import Notification
from otmetka.notifications.services import notifications_mark_read


def _user_id(request: HttpRequest) -> int:
    user_id = request.user.pk
    assert isinstance(user_id, int)
    return user_id


@signed_in
def notification_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, Notification.objects.filter(user_id=_user_id(request)))
    return render(request, "notifications/list.html", {"page": page, "query": ""})


@require_POST
@signed_in
def mark_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_read(user_id=_user_id(request))
    return redirect("notifications:list")


@signed_in
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=notification_id, user_id=_user_id(request))
    if notification.read_at is None:
        notifications_mark_read(user_id=_user_id(request), ids=[notification.pk])
    safe = url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(notification.url if notification.url and safe else "notifications:list")


@signed_in
def badge(request: HttpRequest) -> HttpResponse:
    unread = Notification.objects.filter(user_id=_user_id(request), read_at__isnull=True).count()
    return render(request, "notifications/badge.html", {"unread": unread})
