"""Print the demo logins that exist in this database (`make run` shows them on every start)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from otmetka.accounts.models import User
from otmetka.accounts.roles import Role

DEMO_LOGINS = (
    "director", "admin", "deputy", "hr", "curator", "teacher", "dispatcher", "head",
    "secretary", "methodist", "student", "parent",
)


class Command(BaseCommand):
    help = "Lists the demo logins (password «demo») present in the database."

    def handle(self, *args: Any, **options: Any) -> None:
        users = {
            user.username: user
            for user in User.objects.filter(username__in=DEMO_LOGINS)
            .select_related("person", "organization")
            .prefetch_related("role_assignments")
        }
        others = User.objects.filter(username__startswith="ttit-").order_by("username")
        if not users:
            self.stdout.write("Демо-пользователей нет (база не из seed_demo).")
            return
        self.stdout.write("")
        self.stdout.write("Отметка: http://127.0.0.1:8000/  — демо-входы, пароль у всех: demo")
        for login in DEMO_LOGINS:
            user = users.get(login)
            if user is None:
                continue
            roles = ", ".join(str(Role(a.role).label) for a in user.role_assignments.all())
            self.stdout.write(f"  {login:<11} {roles:<45} {user.display_name()}")
        if others.exists():
            names = ", ".join(others.values_list("username", flat=True)[:6])
            self.stdout.write(f"  другая организация (ТТИТ): {names}")
        self.stdout.write("")
