"""Print the demo logins that exist in this database (`make run` shows them on every start)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from otmetka.demo.logins import demo_logins_in_database, login_table


class Command(BaseCommand):
    # argparse needs a real string; commands are imported once the apps are ready.
    help = _("Печатает демонстрационные логины (пароль demo), если они есть в базе.")

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo_logins_in_database()
        if not logins:
            self.stdout.write(_("Демо-пользователей нет (база не из seed_demo)."))
            return
        self.stdout.write("")
        self.stdout.write(_("Отметка: http://127.0.0.1:8000/"))
        for line in login_table(logins):
            self.stdout.write(f"  {line}")
        self.stdout.write("")
