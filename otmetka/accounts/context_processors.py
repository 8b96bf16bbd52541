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
        items = []
        for item in MENU:
            if role.has_any(*item.rights):
                url = reverse(item.url_name)
                items.append(
                    {"label": item.label, "url": url, "current": request.path.startswith(url)}
                )
        return items

    return {"active_role": role, "menu": menu, "role_assignments": role.all_assignments}
