from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from otmetka.accounts.navigation import MENU


def navigation(request: HttpRequest) -> dict[str, Any]:
    role = getattr(request, "role", None)
    if role is None:
        return {"active_role": None}

    def menu() -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = [
            {
                "label": item.label,
                "url": reverse(item.url_name),
                "badge_url": reverse(item.badge) if item.badge else "",
            }
            for item in MENU
            if role.has_any(*item.rights)
        ]
        # The section the page belongs to: the longest menu address this path starts with.
        matches: list[str] = [
            item["url"] for item in items if request.path.startswith(item["url"])
        ]
        current = max(matches, key=len, default=None)
        for item in items:
            item["current"] = item["url"] == current
        return items

    return {"active_role": role, "menu": menu, "role_assignments": role.all_assignments}
