"""Send the weekly digest of notices (once per user and ISO week; for cron)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from otmetka.notifications.emails import digests_send


class Command(BaseCommand):
    help = _(
        "Рассылает еженедельную сводку уведомлений тем, кто её выбрал. Каждый получает не "
        "больше одной сводки за календарную неделю, повторный запуск ничего не дублирует."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Только показать, кому ушла бы сводка.")
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
        report = digests_send(today=today, dry_run=options["dry_run"])
        if options["dry_run"]:
            self.stdout.write(
                _("Неделя %(week)s, проверка без отправки: сводку получили бы %(count)s.")
                % {"week": report.week, "count": len(report.planned)}
            )
            for user_id, count in sorted(report.planned.items()):
                self.stdout.write(
                    _("  пользователь %(user)s: уведомлений %(count)s")
                    % {"user": user_id, "count": count}
                )
            return
        self.stdout.write(
            _(
                "Неделя %(week)s: отправлено %(sent)s, не удалось %(failed)s, уже получили "
                "%(already)s, отказались %(not_wanted)s, без адреса %(no_address)s."
            )
            % {
                "week": report.week,
                "sent": report.sent,
                "failed": report.failed,
                "already": report.already_sent,
                "not_wanted": report.not_wanted,
                "no_address": report.no_address,
            }
        )
        if report.failed:
            raise CommandError(_("Часть сводок не отправлена: запустите команду ещё раз позже."))
