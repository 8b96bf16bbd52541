"""`make bench`: seed (or reuse) the college demo in its own database, measure, print, save.

    python -m bench.run            # every benchmark
    python -m bench.run login      # only some, by name (the others keep their last results)

The database is var/bench.sqlite3, apart from the development one; results go to
var/bench.json as a list of {"name", "queries", "p50_ms", "p95_ms", "rps", "seconds"}.
To add a benchmark, register one function that returns its entry:

    @benchmark("journal_grid")
    def journal_grid(context: Context) -> Entry:
        return measure(lambda: client.get(url), repeat=context.repeat).as_entry("journal_grid")

Django is set up inside `main()`, after the environment points at the benchmark database, so
the functions import Django models and the test client when they run.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.harness import (
    BENCHMARKS,
    Context,
    Entry,
    benchmark,
    entry,
    format_table,
    measure,
    merge_results,
    read_results,
    write_results,
)

ROOT = Path(__file__).resolve().parent.parent
DATABASE = ROOT / "var" / "bench.sqlite3"
RESULTS = ROOT / "var" / "bench.json"
DEMO_SIZE = "college"
LOGIN = ("teacher", "demo")


def demo_fingerprint() -> str:
    """A digest of the code that shapes the benchmark's data: the demo and every migration."""
    digest = hashlib.sha256()
    sources = sorted((ROOT / "otmetka" / "demo").rglob("*.py"))
    sources += sorted((ROOT / "otmetka").glob("*/migrations/*.py"))
    for path in sources:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _stamp(database: Path) -> Path:
    return database.with_name(database.name + ".demo")


def discard_if_stale(database: Path) -> None:
    """A database seeded by other demo code would measure other data: start it afresh."""
    stamp = _stamp(database)
    if database.exists() and (not stamp.exists() or stamp.read_text() != demo_fingerprint()):
        for leftover in database.parent.glob(database.name + "*"):
            leftover.unlink()


def configure(database: Path, url: str | None = None) -> None:
    """Point Django at the benchmark's own database (or at `url`, a PostgreSQL database the
    caller made for it), in debug mode, then set it up."""
    database.parent.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = url or f"sqlite:///{database.resolve()}"
    os.environ["DEBUG"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otmetka.settings")
    # Django's test client presents itself as «testserver».
    hosts = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ["ALLOWED_HOSTS"] = f"{hosts},testserver"
    import django

    django.setup()


def prepare(size: str = DEMO_SIZE) -> float | None:
    """Migrate; build the demo if the database is empty. Seconds the build took, else None."""
    from django.core.management import call_command

    from otmetka.org.models import Organization

    call_command("migrate", verbosity=0, interactive=False)
    if Organization.objects.exists():
        return None
    started = time.perf_counter()
    call_command("seed_demo", size=size, stdout=io.StringIO())
    return round(time.perf_counter() - started, 2)


@benchmark("seed_college")
def seed_college(context: Context) -> Entry:
    """Seconds to build the college demo; a reused database keeps the last measured value."""
    seconds = context.seed_seconds
    if seconds is None:
        seconds = context.previous.get("seed_college", {}).get("seconds")
    measured = "измерено сейчас" if context.seed_seconds is not None else "последнее измерение"
    context.notes.append(f"seed_college: seed_demo --size {DEMO_SIZE}, {measured}; цель ≤ 120 с")
    return entry("seed_college", seconds=seconds)


@benchmark("login")
def login(context: Context) -> Entry:
    """A full login round trip: GET the login page, POST the password, follow to the start page."""
    from django.test import Client
    from django.urls import reverse

    url = reverse("accounts:login")
    username, password = LOGIN

    def round_trip() -> None:
        client = Client()  # a fresh browser: no session, no trusted-device cookie
        page = client.get(url)
        if page.status_code != 200:
            raise RuntimeError(f"login page answered {page.status_code}")
        response = client.post(url, {"username": username, "password": password}, follow=True)
        if response.status_code != 200 or not response.redirect_chain:
            raise RuntimeError(f"login of {username!r} did not reach a start page "
                               f"(status {response.status_code})")

    timing = measure(round_trip, repeat=context.repeat, warmup=context.warmup)
    return timing.as_entry("login")


GRID_MISSING = "journal_grid: страница журнала ещё не подключена"
CELL_MISSING = "mark_save: сохранение ячейки журнала ещё не подключено"


@dataclass(frozen=True)
class JournalChoice:
    """The demo journal a benchmark opens: its line, semester, teacher and size."""

    workload_id: int
    period_id: int
    teacher_user_id: int
    label: str
    students: int
    lessons: int


def journal_url(name: str, **kwargs: int) -> str | None:
    """The URL of a journal page, or None while that page is not wired in."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(f"journal:{name}", kwargs=kwargs)
    except NoReverseMatch:
        return None


def largest_journal() -> JournalChoice | None:
    """The journal of the main demo college with the most lessons × students in its semester.

    Four queries: the semester, lessons per line, the group and subgroup rosters of it.
    """
    from django.db.models import Count

    from otmetka.academics.models import Membership, SubgroupMembership, Workload
    from otmetka.journal.models import Lesson
    from otmetka.lib.dates import local_today
    from otmetka.org.models import Organization, Period

    organization = Organization.objects.order_by("pk").first()
    if organization is None:
        return None
    today = local_today(organization.timezone)
    semesters = Period.objects.semesters().filter(academic_year__organization=organization,
                                                  date_from__lte=today).order_by("-date_from")
    period = semesters.first()
    if period is None:
        return None
    lessons = dict(
        Lesson.objects.filter(workload__group__organization=organization)
        .between(period.date_from, period.date_to)
        .values("workload_id").annotate(count=Count("id")).values_list("workload_id", "count")
    )
    if not lessons:
        return None
    groups = dict(
        Membership.objects.filter(group__organization=organization)
        .overlapping(period.date_from, min(today, period.date_to))
        .values("group_id").annotate(count=Count("student_id", distinct=True))
        .values_list("group_id", "count")
    )
    subgroups = dict(
        SubgroupMembership.objects.filter(subgroup__group__organization=organization)
        .overlapping(period.date_from, min(today, period.date_to))
        .values("subgroup_id").annotate(count=Count("student_id", distinct=True))
        .values_list("subgroup_id", "count")
    )
    lines = Workload.objects.filter(pk__in=lessons).select_related(
        "group", "item", "subgroup", "teacher__person"
    )

    def students(line: Workload) -> int:
        if line.subgroup_id is not None:
            return subgroups.get(line.subgroup_id, 0)
        return groups.get(line.group_id, 0)

    best = max(lines, key=lambda line: (students(line) * lessons[line.pk], -line.pk))
    user_id = best.teacher.person.user_id
    if user_id is None:
        return None
    label = f"{best.group.name}, {best.item.index} {best.item.name}"
    if best.subgroup is not None:
        label += f", {best.subgroup.name}"
    return JournalChoice(best.pk, period.pk, user_id, label, students(best), lessons[best.pk])


def role_client(user_id: int, role: str) -> Any:
    """A test client signed in as the user, acting in `role`."""
    from django.test import Client

    from otmetka.accounts.middleware import ROLE_SESSION_KEY
    from otmetka.accounts.models import RoleAssignment, User

    client = Client()
    client.force_login(User.objects.get(pk=user_id))
    assignment = RoleAssignment.objects.filter(user_id=user_id, role=role).order_by("pk").first()
    if assignment is not None:
        session = client.session
        session[ROLE_SESSION_KEY] = assignment.pk
        session.save()
    return client


def teacher_client(user_id: int) -> Any:
    """A test client signed in as the user in the teacher role, as a teacher works."""
    from otmetka.accounts.roles import Role

    return role_client(user_id, Role.TEACHER)


@benchmark("journal_grid")
def journal_grid(context: Context) -> Entry | None:
    """The teacher's grid page of the largest demo journal, as the teacher opens it."""
    choice = largest_journal()
    if choice is None:
        context.notes.append("journal_grid: в демо-колледже нет журналов с занятиями")
        return None
    url = journal_url("grid", workload_id=choice.workload_id)
    if url is None:
        context.notes.append(GRID_MISSING)
        return None
    client = teacher_client(choice.teacher_user_id)
    url = f"{url}?period={choice.period_id}"

    def open_grid() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"journal grid answered {response.status_code}")

    timing = measure(open_grid, repeat=context.repeat, warmup=context.warmup)
    context.notes.append(f"journal_grid: {choice.label} — {choice.students} обучающихся × "
                         f"{choice.lessons} занятий")
    return timing.as_entry("journal_grid")


def recent_cell() -> tuple[int, int, int, str] | None:
    """(lesson, student, teacher's user, current text) of an empty cell of a recent lesson of
    the main demo college: taught by the line's own teacher, inside the edit lock's window,
    the student on the roll that day."""
    from django.db.models import F

    from otmetka.academics.models import Membership, SubgroupMembership
    from otmetka.journal.locks import lock_boundary
    from otmetka.journal.models import Attendance, Lesson, Mark
    from otmetka.lib.dates import local_today
    from otmetka.org.models import Organization

    organization = Organization.objects.order_by("pk").first()
    if organization is None:
        return None
    today = local_today(organization.timezone)
    boundary = lock_boundary(today, organization.edit_lock_days)
    lessons = (Lesson.objects.filter(workload__group__organization=organization,
                                     date__gte=boundary, date__lte=today,
                                     teacher_id=F("workload__teacher_id"),
                                     teacher__person__user__isnull=False)
               .select_related("workload", "teacher__person").order_by("-date", "-pk"))
    for lesson in lessons[:20]:
        workload = lesson.workload
        if workload.subgroup_id is not None:
            roll = set(SubgroupMembership.objects.filter(subgroup_id=workload.subgroup_id)
                       .on_day(lesson.date).values_list("student_id", flat=True))
        else:
            roll = set(Membership.objects.filter(group_id=workload.group_id)
                       .on_day(lesson.date).values_list("student_id", flat=True))
        roll -= set(Mark.objects.filter(lesson=lesson).values_list("student_id", flat=True))
        roll -= set(Attendance.objects.filter(lesson=lesson).values_list("student_id",
                                                                         flat=True))
        student_id = min(roll, default=None)
        user_id = lesson.teacher.person.user_id
        if student_id is not None and user_id is not None:
            return lesson.pk, student_id, user_id, ""
    return None


@benchmark("mark_save")
def mark_save(context: Context) -> Entry | None:
    """POST one mark into a grid cell (5 and 4 in turn) as the page does, with its history row."""
    cell = recent_cell()
    if cell is None:
        context.notes.append("mark_save: в демо-колледже нет свежего занятия с пустой ячейкой")
        return None
    lesson_id, student_id, user_id, current = cell
    url = journal_url("cell_save", lesson_id=lesson_id, student_id=student_id)
    if url is None:
        context.notes.append(CELL_MISSING)
        return None
    client = teacher_client(user_id)
    shown = {"text": current}

    def save() -> None:
        value = "4" if shown["text"] == "5" else "5"
        response = client.post(url, {"value": value, "version": shown["text"]},
                               headers={"HX-Request": "true"})
        if response.status_code != 200 or b"cell-error" in response.content:
            raise RuntimeError(f"saving a mark answered {response.status_code}: "
                               f"{response.content[:300]!r}")
        shown["text"] = value

    timing = measure(save, repeat=context.repeat, warmup=context.warmup)
    return timing.as_entry("mark_save")


@benchmark("lessons_generate")
def lessons_generate(context: Context) -> Entry | None:
    """Seconds to plan the current semester's lessons of the whole demo college from its
    timetable, in a transaction rolled back afterwards so the database stays as it was."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from otmetka.accounts.models import RoleAssignment
    from otmetka.accounts.permissions import ActiveRole
    from otmetka.lib.dates import local_today
    from otmetka.org.models import Organization, Period
    from otmetka.schedule.models import TimetableEntry
    from otmetka.schedule.services.generation import lessons_generate as generate

    organization = Organization.objects.order_by("pk").first()
    if organization is None:
        return None
    if not TimetableEntry.objects.filter(workload__group__organization=organization).exists():
        context.notes.append("lessons_generate: в демо-колледже нет расписания")
        return None
    today = local_today(organization.timezone)
    semester = (Period.objects.semesters().filter(academic_year__organization=organization,
                                                  date_from__lte=today)
                .order_by("-date_from").first())
    assignment = (RoleAssignment.objects.select_related("organization", "user")
                  .filter(organization=organization, role__in=("dispatcher", "deputy"))
                  .order_by("role", "pk").first())
    if semester is None or assignment is None:
        context.notes.append("lessons_generate: нет текущего семестра или диспетчера")
        return None
    actor = ActiveRole(assignment)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        report = generate(actor=actor, organization_id=organization.pk,
                          date_from=semester.date_from, date_to=semester.date_to)
        seconds = round(time.perf_counter() - started, 2)
        transaction.set_rollback(True)
    context.notes.append(
        f"lessons_generate: {semester.date_from:%d.%m.%Y}–{semester.date_to:%d.%m.%Y}: "
        f"создано {report.created}, удалено {report.removed}, отменено {report.cancelled}, "
        f"не изменено {len(report.kept)}, отказано {len(report.refused)} (откатано)"
    )
    return entry("lessons_generate", queries=len(captured.captured_queries), seconds=seconds)


@benchmark("teacher_today")
def teacher_today(context: Context) -> Entry | None:
    """The demo teacher's «сегодня» start page, as the teacher opens it."""
    from django.urls import NoReverseMatch, reverse

    from otmetka.accounts.models import User

    try:
        url = reverse("schedule:today")
    except NoReverseMatch:
        context.notes.append("teacher_today: страница «Сегодня» ещё не подключена")
        return None
    user = User.objects.filter(username=LOGIN[0]).first()
    if user is None:
        context.notes.append("teacher_today: в демо нет пользователя teacher")
        return None
    client = teacher_client(user.pk)

    def open_today() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"today page answered {response.status_code}")

    timing = measure(open_today, repeat=context.repeat, warmup=context.warmup)
    return timing.as_entry("teacher_today")


def student_list(context: Context, name: str, role: str) -> Entry | None:
    """The first page of «Обучающиеся» as the main demo college's user in `role` opens it."""
    from django.urls import reverse

    from otmetka.accounts.models import RoleAssignment

    assignment = (RoleAssignment.objects.filter(role=role, organization__isnull=False)
                  .select_related("department").order_by("organization_id", "pk").first())
    if assignment is None:
        context.notes.append(f"{name}: в демо нет роли {role}")
        return None
    client = role_client(assignment.user_id, role)
    url = reverse("academics:student_list")

    def open_list() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"student list answered {response.status_code}")

    timing = measure(open_list, repeat=context.repeat, warmup=context.warmup)
    scope = assignment.department.name if assignment.department else "вся организация"
    context.notes.append(f"{name}: «Обучающиеся», первая страница, {scope}")
    return timing.as_entry(name)


@benchmark("student_list_head")
def student_list_head(context: Context) -> Entry | None:
    """The department head's student list: the department's students on today's rolls."""
    return student_list(context, "student_list_head", "dept_head")


@benchmark("student_list_deputy")
def student_list_deputy(context: Context) -> Entry | None:
    """The same list as the deputy sees it: every student of the organization."""
    return student_list(context, "student_list_deputy", "deputy")


# The diary's benchmarks register themselves after these (bench/diary.py).
import bench.contingent  # noqa: E402, F401
import bench.diary  # noqa: E402, F401
import bench.journal  # noqa: E402, F401
import bench.reports  # noqa: E402, F401


def run(names: list[str], context: Context, output: Path) -> list[Entry]:
    """Run the named benchmarks, save them merged with the last results; returns the fresh ones."""
    if context.seed_seconds is not None and "seed_college" not in names:
        names = ["seed_college", *names]  # a build measured now is worth keeping
    fresh = [result for name in names if (result := BENCHMARKS[name](context)) is not None]
    write_results(output, merge_results(context.previous, fresh))
    return fresh


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description="Seed (or reuse) the college demo in its own database and measure it.",
    )
    parser.add_argument("names", nargs="*", metavar="name",
                        help=f"benchmarks to run (default: all): {', '.join(BENCHMARKS)}")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs first (default 3)")
    parser.add_argument("--database", type=Path, default=DATABASE)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--database-url", default=None,
        help="measure on this (PostgreSQL) database instead of the SQLite file, e.g. "
             "scripts/with-postgres.sh sh -c 'createdb … && python -m bench.run "
             "--database-url \"$DATABASE_URL\" --output var/bench-pg.json'",
    )
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    if args.database_url is None:
        discard_if_stale(args.database)
    configure(args.database, args.database_url)
    seed_seconds = prepare()
    if args.database_url is None:
        _stamp(args.database).write_text(demo_fingerprint())  # the data now matches this code
    context = Context(seed_seconds=seed_seconds, previous=read_results(args.output),
                      repeat=args.repeat, warmup=args.warmup)
    fresh = run(args.names or list(BENCHMARKS), context, args.output)
    sys.stdout.write(format_table(fresh) + "\n")
    for note in context.notes:
        sys.stdout.write(note + "\n")
    sys.stdout.write(f"saved to {args.output}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
