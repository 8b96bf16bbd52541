"""Per-request: the active role, forced password change, sliding idle expiry."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from otmetka.accounts.models import RoleAssignment, User
from otmetka.accounts.permissions import ActiveRole

ROLE_SESSION_KEY = "otmetka_role"
TOUCH_SESSION_KEY = "otmetka_touched"
# Refresh the idle expiry at most this often, so a page view rarely writes the session.
_TOUCH_EVERY_SECONDS = 300


def load_active_role(request: HttpRequest, user: User) -> ActiveRole | None:
    """The role chosen in this session, else the user's first; None when they hold none.

    One query loads all of the user's roles: the header's role switch needs them anyway.
    """
    assignments = list(
        RoleAssignment.objects.filter(user=user).select_related("organization").order_by("id")
    )
    if not assignments:
        return None
    wanted = request.session.get(ROLE_SESSION_KEY)
    assignment = next((a for a in assignments if a.pk == wanted), None)
    if assignment is None:
        assignment = assignments[0]
        request.session[ROLE_SESSION_KEY] = assignment.pk
    for item in assignments:
        item.user = user
    role = ActiveRole(assignment, all_assignments=assignments)
    user._active_role = role  # type: ignore[attr-defined]
    return role


class ActiveRoleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.role = None  # type: ignore[attr-defined]
        user = request.user
        if user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            assert isinstance(user, User)
            request.role = load_active_role(request, user)  # type: ignore[attr-defined]
            self._touch(request)
            if user.must_change_password and not self._exempt(request):
                if request.headers.get("HX-Request"):
                    # In-page requests (the notification badge) wait until the password is
                    # changed: swapping the password form into a fragment would confuse the page.
                    return HttpResponse(status=204)
                return redirect(f"{reverse('accounts:password_change')}")
        return self.get_response(request)

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        allowed = (
            reverse("accounts:password_change"),
            reverse("accounts:logout"),
            reverse("i18n:set_language"),
        )
        return request.path in allowed

    @staticmethod
    def _touch(request: HttpRequest) -> None:
        now = int(time.time())
        touched = request.session.get(TOUCH_SESSION_KEY, 0)
        if now - touched >= _TOUCH_EVERY_SECONDS:
            request.session[TOUCH_SESSION_KEY] = now
