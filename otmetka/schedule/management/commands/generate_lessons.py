"""Plan the journal's lessons from the timetable for a range of dates (idempotent)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from otmetka.accounts.models import RoleAssignment
from otmetka.accounts.permissions import ActiveRole
from otmetka.lib.errors import DomainError
from otmetka.schedule.services.generation import lessons_generate


def _date(value: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise CommandError(f"not a date: {value!r} (use YYYY-MM-DD or DD.MM.YYYY)")


class Command(BaseCommand):
    help = (
        "Create the planned lessons of the timetable for --from..--to, remove those no longer "
        "in it (keeping any with marks, attendance, topic or homework), cancel cancelled pairs. "
        "Runs as --as USERNAME, a user whose role may edit the timetable; a rerun changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", required=True, type=_date)
        parser.add_argument("--to", dest="date_to", required=True, type=_date)
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            help="login of the dispatcher or deputy the change is recorded under",
        )
        parser.add_argument("--dry-run", action="store_true", help="count, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        assignments = RoleAssignment.objects.select_related("organization", "user").filter(
            user__username=options["username"], user__is_active=True
        )
        actor = next(
            (
                role
                for role in (ActiveRole(assignment) for assignment in assignments.order_by("pk"))
                if role.has("timetable.edit")
            ),
            None,
        )
        if actor is None:
            raise CommandError(f"{options['username']!r} has no role that edits the timetable")
        try:
            report = lessons_generate(
                actor=actor,
                organization_id=actor.organization_id,
                date_from=options["date_from"],
                date_to=options["date_to"],
                dry_run=options["dry_run"],
            )
        except DomainError as error:
            raise CommandError(str(error)) from error
        prefix = "dry run: " if report.dry_run else ""
        self.stdout.write(
            f"{prefix}{actor.organization}: created {report.created}, removed {report.removed}, "
            f"cancelled {report.cancelled}, substitutions {report.substituted}, "
            f"kept {len(report.kept)}, refused {len(report.refused)}"
        )
        for line in [*report.kept, *report.refused]:
            self.stdout.write(f"  {line}")
