"""The background worker, made to outlive a database outage.

django-tasks-db's `db_worker` exits on any database error other than «database is locked»: a
PostgreSQL restart stopped it, and the tasks waited until someone started it again by hand.
`OutageTolerantWorker` runs the same tasks the same way, but a database error while it polls
for a task, claims one or records a result closes the connections, waits (exponential
backoff, capped, with jitter) and tries again.
"""

from __future__ import annotations

import logging
import random
import time
from typing import Any

from django.db import close_old_connections, connections
from django.db.utils import OperationalError
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from otmetka.lib.outage import DATABASE_ERRORS

logger = logging.getLogger(__name__)
# The package's logger, for the lines that the worker logs in the package's own words.
tasks_db_logger = logging.getLogger("django_tasks_db")


def backoff_delay(
    failures: int, *, first: float, cap: float, rng: random.Random | None = None
) -> float:
    """Seconds to wait after the `failures`-th failure in a row: doubling from `first`, at most
    `cap`, and jittered down by up to half so that many workers do not reconnect in step."""
    ceiling = min(cap, first * 2 ** min(failures - 1, 62))
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)


def drop_connections() -> None:
    """Close every database connection of this thread; closing a dead one may fail too."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except DATABASE_ERRORS:
            logger.debug("Closing a broken connection failed", exc_info=True)


class OutageTolerantWorker(Worker):
    """django-tasks-db's worker whose loop waits out a database outage instead of exiting.

    The loop is the package's (`Worker.run`), written again because the package re-raises
    every database error from inside it; tasks still run through the package's `run_task`.
    """

    def __init__(self, *, backoff: float, max_backoff: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.failures = 0
        # Tasks that ran but whose result could not be written (the database went away): their
        # rows still say RUNNING; the failure is written as soon as the database is back.
        self.unrecorded: list[tuple[DBTaskResult, BaseException]] = []

    def run(self) -> None:
        tasks_db_logger.info(
            "Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names)
        )
        if self.startup_delay and self.interval:
            # A random small delay avoids a thundering herd of workers started together.
            time.sleep(random.random())

        while self.running:
            try:
                self.record_unrecorded()
                retrieved, task_result = self.claim_next()
                if task_result is not None:
                    self.run_task(task_result)
                # Check for expired connections, as a request would at its end.
                close_old_connections()
            except DATABASE_ERRORS as error:
                self.wait_out(error)
                continue
            if self.failures:
                logger.warning("The database is back after %d failed attempt(s)", self.failures)
                self.failures = 0

            if self.batch and retrieved and task_result is None:
                tasks_db_logger.info(
                    "No more tasks to run for worker_id=%s - exiting gracefully.", self.worker_id
                )
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                tasks_db_logger.info(
                    "Run maximum tasks (%d) on worker=%s - exiting gracefully.",
                    self._run_tasks,
                    self.worker_id,
                )
                return
            # If a signal has just interrupted a task, stop now rather than sleep.
            if self.running and task_result is None:
                time.sleep(self.interval)

    def claim_next(self) -> tuple[bool, DBTaskResult | None]:
        """Lock and claim the next ready task; (whether the queue was read, the task or None)."""
        # A connection the server dropped while we slept is noticed here, not mid-transaction.
        close_old_connections()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    # The claim keeps other workers from running it too.
                    task_result.claim(self.worker_id)
            except OperationalError as error:
                # SQLite's «database is locked» passes; the package's worker waits it out too.
                if error.args and is_locked_database_exception(error):
                    return False, None
                raise
        return True, task_result

    def run_task(self, db_task_result: DBTaskResult) -> None:
        try:
            super().run_task(db_task_result)
        except DATABASE_ERRORS as error:
            self.unrecorded.append((db_task_result, error))
            raise

    def record_unrecorded(self) -> None:
        """Write the failure of each task whose result was lost with the database."""
        while self.unrecorded:
            db_task_result, error = self.unrecorded[0]
            # The traceback shows the task's own error too, when it had one: it is the context
            # of the error that stopped the result from being written.
            db_task_result.set_failed(error)
            self.unrecorded.pop(0)
            logger.error(
                "Task id=%s path=%s failed: the database went away while it ran",
                db_task_result.id,
                db_task_result.task_path,
            )

    def wait_out(self, error: BaseException) -> None:
        """Log the outage, drop the connections and sleep before the next attempt."""
        self.failures += 1
        delay = backoff_delay(self.failures, first=self.backoff, cap=self.max_backoff)
        text = str(error).strip()
        message = text.splitlines()[0] if text else type(error).__name__
        logger.warning(
            "Database unavailable (%s): attempt %d failed, next in %.1f s",
            message,
            self.failures,
            delay,
            # The first failure's traceback says where it broke; the repeats would only spam.
            exc_info=error if self.failures == 1 else None,
        )
        drop_connections()
        time.sleep(delay)
