"""Pages that show a one-time password are never kept by a browser or a proxy."""

from __future__ import annotations

from django.urls import reverse

from otmetka.accounts.roles import Role
from otmetka.test import World


def test_issued_passwords_are_not_cached(world: World) -> None:
    admin = world.client_for("admin")
    response = admin.post(
        reverse("accounts:user_issue_credentials", kwargs={"user_id": world.user("teacher").pk}),
        {"confirm": "1"},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    response = admin.post(
        reverse("accounts:user_create"), {"username": "novikova", "roles": [Role.TEACHER]}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
