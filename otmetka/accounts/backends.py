from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from otmetka.accounts.models import User
from otmetka.lib.dates import local_today


class AccountBackend(ModelBackend):
    """ModelBackend that loads the person and staff card with the user (one query per request)
    and shuts out an employee from the day after their dismissal, open sessions included."""

    def get_user(self, user_id: Any) -> User | None:
        user = (
            User.objects.select_related("person", "person__employee", "organization")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None

    def user_can_authenticate(self, user: Any) -> bool:
        if not super().user_can_authenticate(user):
            return False
        person = getattr(user, "person", None)
        employee = getattr(person, "employee", None) if person is not None else None
        dismissed = getattr(employee, "dismissal_date", None)
        if dismissed is None or user.organization is None:
            return True
        return bool(dismissed >= local_today(user.organization.timezone))
