"""Run the background worker (printed journals, e-mails): `db_worker` that outlives an outage.

Same options as django-tasks-db's `db_worker`, plus the backoff while the database is out.
"""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django.utils.translation import gettext as _
from django_tasks_db.management.commands import db_worker

from otmetka.lib.worker import OutageTolerantWorker, tasks_db_logger


class Command(db_worker.Command):
    help = _(
        "Запускает фоновый обработчик задач (печать журналов, письма). Если база данных "
        "недоступна, обработчик ждёт её, повторяя попытки всё реже, и не завершается."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--backoff",
            type=db_worker.valid_interval,
            default=1.0,
            help=_("Пауза (с) после первой ошибки базы данных; дальше удваивается."),
        )
        parser.add_argument(
            "--max-backoff",
            type=db_worker.valid_interval,
            default=60.0,
            help=_("Самая длинная пауза (с) между попытками, пока база данных недоступна."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The package's handle() builds its own Worker; this is it with ours in its place.
        self.configure_logging(options["verbosity"])
        reload, batch = options["reload"], options["batch"]
        if reload and batch:
            tasks_db_logger.warning(
                "Warning: --reload and --batch cannot be specified together. Disabling autoreload."
            )
            reload = False
        queue_names = options["queue_name"].split(",")
        exclude = options["exclude_queues"]
        excluded_queue_names = exclude.split(",") if exclude else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")

        worker = OutageTolerantWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=batch,
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded_queue_names,
            backoff=options["backoff"],
            max_backoff=max(options["max_backoff"], options["backoff"]),
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                # Only the reloader's child runs tasks and handles the signals.
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
