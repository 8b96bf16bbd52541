"""Send the e-mails of notices still pending: for cron, and after the task worker was down."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from otmetka.notifications.emails import DeliveryReport, emails_deliver


class Command(BaseCommand):
    help = _(
        "Отправляет письма уведомлений, которые ещё ждут отправки (и те, чей срок повтора "
        "наступил). Повторный запуск не отправляет ничего дважды."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Только показать, что было бы отправлено.")
        )
        parser.add_argument(
            "--limit", type=int, default=500, help=_("Сколько писем обрабатывать за одну порцию.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        limit = max(1, options["limit"])
        report = DeliveryReport()
        while True:  # portion after portion; what failed waits for its retry time
            portion = emails_deliver(dry_run=options["dry_run"], limit=limit)
            report.add(portion)
            if options["dry_run"] or portion.processed < limit:
                break
        counts = report.as_dict()
        if options["dry_run"]:
            line = _(
                "Проверка без отправки: отправили бы %(sent)s, в сводку %(digest)s, "
                "без адреса %(skipped)s, не нужно %(not_needed)s."
            )
        else:
            line = _(
                "Отправлено %(sent)s, повторим позже %(retry)s, не удалось %(failed)s, "
                "в сводку %(digest)s, без адреса %(skipped)s, не нужно %(not_needed)s."
            )
        self.stdout.write(line % counts)
