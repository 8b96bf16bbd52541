"""Tell each curator, once a week, how many of their students are at risk (for cron)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from otmetka.reports.at_risk_notices import at_risk_notices_send


class Command(BaseCommand):
    help = _(
        "Уведомляет кураторов, сколько обучающихся их групп в группе риска, со ссылкой на "
        "список. Каждый куратор получает не больше одного уведомления за календарную неделю, "
        "повторный запуск ничего не дублирует."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Только показать, кому ушло бы уведомление.")
        )
        parser.add_argument(
            "--date",
            help=_("День, чья неделя считается текущей (ГГГГ-ММ-ДД); по умолчанию сегодня."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(_("Дата пишется так: 2026-11-16.")) from error
        report = at_risk_notices_send(today=today, dry_run=options["dry_run"])
        for plan in report.planned:
            self.stdout.write(
                _("  пользователь %(user)s: %(title)s")
                % {"user": plan.user_id, "title": plan.title}
            )
        if options["dry_run"]:
            self.stdout.write(
                _(
                    "Проверка без отправки: уведомление получили бы %(count)s, "
                    "уже получили %(already)s."
                )
                % {"count": len(report.planned), "already": report.already_sent}
            )
            return
        self.stdout.write(
            _("Уведомлено кураторов: %(count)s, уже получили на этой неделе: %(already)s.")
            % {"count": len(report.planned), "already": report.already_sent}
        )
