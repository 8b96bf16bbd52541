"""Onboard a college: the organization, its current academic year and its first administrator."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from otmetka.accounts.models import RoleAssignment, User, login_validator
from otmetka.accounts.roles import Role
from otmetka.accounts.services import one_time_password
from otmetka.audit.models import AuditEvent
from otmetka.audit.services import audit_record
from otmetka.lib.errors import DomainError
from otmetka.org import services
from otmetka.org.models import Organization


class DryRun(Exception):
    """Undo everything a --dry-run did once it has been checked."""


def _admin_create(organization: Organization, login: str) -> tuple[User, str]:
    """The first administrator, with a one-time password to change at the first login."""
    login = (login or "").strip().lower()
    try:
        login_validator(login)
    except ValidationError as error:
        raise DomainError(str(error.messages[0]), field="admin_login") from error
    if User.objects.filter(username=login).exists():
        raise DomainError(
            _("Логин «%(login)s» уже занят.") % {"login": login}, field="admin_login"
        )
    password = one_time_password()
    user = User.objects.create_user(
        login,
        password,
        organization=organization,
        must_change_password=True,
        password_expires_at=timezone.now() + dt.timedelta(days=organization.otp_valid_days),
    )
    RoleAssignment.objects.create(user=user, organization=organization, role=Role.ADMIN)
    audit_record(actor=None, action=AuditEvent.Action.CREATE, organization_id=organization.pk,
                 obj=user, changes={"username": [None, login]})
    audit_record(actor=None, action=AuditEvent.Action.ROLE_GRANT,
                 organization_id=organization.pk, obj=user,
                 changes={"role": [None, str(Role.ADMIN)]})
    return user, password


class Command(BaseCommand):
    help = (
        "Подключает колледж: создаёт организацию, текущий учебный год с семестрами и каникулами "
        "и первого администратора с временным паролем."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="Полное наименование")
        parser.add_argument("--short-name", required=True, help="Краткое наименование, ТПТ")
        parser.add_argument("--admin-login", required=True, help="Логин администратора АИС")
        parser.add_argument("--timezone", default="Asia/Tomsk", help="Часовой пояс IANA")
        parser.add_argument(
            "--dry-run", action="store_true", help="Проверить и показать, ничего не создавая"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                organization, year = services.organization_create(
                    name=options["name"],
                    short_name=options["short_name"],
                    timezone=options["timezone"],
                )
                user, password = _admin_create(organization, options["admin_login"])
                report = self._report(organization, year, user)
                if options["dry_run"]:
                    raise DryRun
        except DomainError as error:
            raise CommandError(error.message, returncode=1) from error
        except DryRun:
            self.stdout.write(_("Проверка пройдена, ничего не создано. Будет создано:"))
            self.stdout.write(report)
            return
        self.stdout.write(report)
        self.stdout.write(
            _("Временный пароль: %(password)s — показан один раз; сменить при первом входе "
              "до %(until)s.")
            % {
                "password": password,
                "until": timezone.localtime(
                    user.password_expires_at, ZoneInfo(organization.timezone)
                ).strftime("%d.%m.%Y %H:%M"),
            }
        )

    @staticmethod
    def _report(organization: Organization, year: Any, user: User) -> str:
        lines = [
            _("Организация: %(short)s — %(name)s, часовой пояс %(zone)s.")
            % {"short": organization.short_name, "name": organization.name,
               "zone": organization.timezone},
            _("Учебный год %(name)s: %(from)s–%(to)s.")
            % {"name": year.name, "from": f"{year.date_from:%d.%m.%Y}",
               "to": f"{year.date_to:%d.%m.%Y}"},
        ]
        for period in year.periods.order_by("date_from"):
            lines.append(f"  {period.name}: {period.date_from:%d.%m.%Y}–{period.date_to:%d.%m.%Y}")
        lines.append(_("Администратор: логин %(login)s.") % {"login": user.username})
        return "\n".join(lines)
