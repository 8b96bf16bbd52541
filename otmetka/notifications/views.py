"""The user's notifications: list, open (marks read), mark all read, the badge, e-mail settings."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from otmetka.accounts.permissions import role_of, signed_in
from otmetka.lib.errors import DomainError
from otmetka.lib.views import form_error, paginate
from otmetka.notifications.forms import PreferencesForm
from otmetka.notifications.models import Notification
from otmetka.notifications.services import (
    notifications_mark_read,
    preference_of,
    preferences_save,
)


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


@signed_in
def preferences(request: HttpRequest) -> HttpResponse:
    """Which notices the user gets by e-mail, and how: always the signed-in user's own."""
    user_id = _user_id(request)
    form = PreferencesForm(request.POST or None, preference=preference_of(user_id))
    if request.method == "POST" and form.is_valid():
        try:
            preferences_save(
                user_id=user_id,
                email_enabled=form.cleaned_data["email_enabled"],
                digest_enabled=form.cleaned_data["digest_enabled"],
                deliveries=form.deliveries(),
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Настройки уведомлений сохранены."))
            return redirect("notifications:settings")
    person = role_of(request).person
    email = person.email if person is not None else ""
    return render(request, "notifications/settings.html", {"form": form, "email": email})
