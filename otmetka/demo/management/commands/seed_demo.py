"""`manage.py seed_demo`: load the demo colleges into an empty database."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from otmetka.accounts.models import RoleAssignment
from otmetka.accounts.permissions import ActiveRole
from otmetka.accounts.roles import Role
from otmetka.demo.calendar import demo_calendar
from otmetka.demo.generator import DEMO_PASSWORD, DEMO_ROLES, SIZES, build_plan, write_plan
from otmetka.demo.logins import login_table
from otmetka.demo.messaging import seed_messaging
from otmetka.demo.movement import seed_movement
from otmetka.lib.dates import local_today
from otmetka.org.models import Organization, Period
from otmetka.schedule.services.generation import MAX_DAYS, lessons_generate


class Command(BaseCommand):
    # argparse needs a real string; commands are imported once the apps are ready.
    help = _(
        "Создаёт демонстрационный колледж в Томске (и второй техникум) в пустой базе: "
        "структуру, планы, группы, обучающихся с родителями, сотрудников, нагрузку и "
        "демонстрационные логины с паролем demo."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size", choices=SIZES, default="college",
            help=_("small — несколько групп для тестов; college — около 2000 "
                              "обучающихся, 80 групп, 150 преподавателей."),
        )
        parser.add_argument(
            "--seed", type=int, default=1,
            help=_("Зерно генератора: одно зерно — одни и те же данные."),
        )
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, default=None,
            help=_("День, на который строится демо (ГГГГ-ММ-ДД); по умолчанию сегодня в Томске."),
        )
        parser.add_argument(
            "--if-empty", action="store_true",
            help=_("Ничего не делать, если в базе уже есть организации."),
        )
        parser.add_argument(
            "--dry-run", action="store_true",
            help=_("Построить и проверить всё, но ничего не сохранять."),
        )

    def handle(self, *args: Any, size: str, seed: int, if_empty: bool, dry_run: bool,
               today: dt.date | None = None, **options: Any) -> None:
        existing = list(Organization.objects.order_by("short_name")
                        .values_list("short_name", flat=True)[:5])
        if existing:
            if if_empty:
                self.stdout.write(_("В базе уже есть данные (%(names)s): демонстрационный колледж "
                                    "не загружается. Демо-логины: %(logins)s; пароль %(password)s.")
                                  % {"names": ", ".join(existing),
                                     "logins": ", ".join(DEMO_ROLES), "password": DEMO_PASSWORD})
                return
            raise CommandError(
                _("В базе уже есть организации (%(names)s): демонстрационные данные загружаются "
                  "только в пустую базу, повторный запуск их не дублирует. Чтобы загрузить их "
                  "заново, начните с пустой базы.") % {"names": ", ".join(existing)}
            )
        started = time.perf_counter()
        today = today or local_today("Asia/Tomsk")
        plan = build_plan(size=size, seed=seed, today=today)
        password_hash = make_password(DEMO_PASSWORD)  # Argon2 is slow: one hash for every login
        with transaction.atomic():
            written = write_plan(plan, password_hash=password_hash)
            written["planned_lessons"] = plan_upcoming_lessons(today)
            written.update(seed_movement(today, written))
            written.update(seed_messaging(today))
            if dry_run:
                transaction.set_rollback(True)
        summary = {
            "seconds": f"{time.perf_counter() - started:.1f}".replace(".", ","),
            "organizations": written["organizations"],
            "groups": written["groups"],
            "students": written["students"],
            "employees": written["employees"],
            "workloads": written["workloads"],
            "users": written["users"],
        }
        if dry_run:
            self.stdout.write(_("Проверка без записи (--dry-run) за %(seconds)s с: организаций "
                                "%(organizations)s, групп %(groups)s, обучающихся %(students)s, "
                                "сотрудников %(employees)s, строк нагрузки %(workloads)s, учётных "
                                "записей %(users)s. Ничего не сохранено.") % summary)
            return
        self.stdout.write(self.style.SUCCESS(
            _("Демонстрационные данные созданы за %(seconds)s с: организаций %(organizations)s, "
              "групп %(groups)s, обучающихся %(students)s, сотрудников %(employees)s, строк "
              "нагрузки %(workloads)s, учётных записей %(users)s.") % summary
        ))
        self.stdout.write(
            _("Журналы текущего учебного года: занятий %(lessons)s, отметок %(marks)s, "
              "записей посещаемости %(attendance)s.")
            % {"lessons": written["lessons"], "marks": written["marks"],
               "attendance": written["attendance"]}
        )
        self.stdout.write(
            _("Расписание текущего семестра: строк %(entries)s, без пересечений преподавателей, "
              "кабинетов и групп; запланировано занятий до конца семестра: %(planned)s.")
            % {"entries": written["timetable_entries"], "planned": written["planned_lessons"]}
        )
        if note := demo_calendar(today).note():
            self.stdout.write(note)
        self.stdout.write("")
        for line in login_table(plan.logins):
            self.stdout.write(line)


def plan_upcoming_lessons(today: dt.date) -> int:
    """Plan the journal's lessons from today to the end of the semester from the timetable, as
    the dispatcher of each demo college would (the past lessons are already in the journals)."""
    created = 0
    done: set[int] = set()
    dispatchers = RoleAssignment.objects.filter(role=Role.DISPATCHER).select_related(
        "user__person__employee", "organization"
    )
    for assignment in dispatchers.order_by("organization_id", "id"):
        if assignment.organization_id in done:
            continue
        done.add(assignment.organization_id)
        semester = (
            Period.objects.semesters()
            .filter(academic_year__organization_id=assignment.organization_id)
            .filter(date_to__gte=today)
            .order_by("date_from")
            .first()
        )
        if semester is None:
            continue
        date_from = max(today, semester.date_from)
        date_to = min(semester.date_to, date_from + dt.timedelta(days=MAX_DAYS - 1))
        report = lessons_generate(
            actor=ActiveRole(assignment),
            organization_id=assignment.organization_id,
            date_from=date_from,
            date_to=date_to,
        )
        created += report.created
    return created
