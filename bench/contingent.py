"""Benchmark of the contingent import (issue 6: 5,000 students with parents ≤ 30 s).

- ``students_import``: a generated XLSX of 5,000 new students, each with two parents, read,
  validated and committed into the first demo college as its secretary would load it, inside a
  transaction rolled back afterwards so the benchmark database stays as it was.

Django is set up by `bench.run` before this runs; models are imported inside the function.
"""

from __future__ import annotations

import time

from bench.harness import Context, Entry, benchmark, entry

IMPORT_ROWS = 5_000


def students_file(group_names: list[str], rows: int = IMPORT_ROWS) -> bytes:
    """An import file of `rows` new students spread over the groups, two parents each."""
    from otmetka.contingent.imports import STUDENT_COLUMNS
    from otmetka.lib.snils import snils_make
    from otmetka.lib.tables import Sheet, xlsx_bytes

    def row(number: int) -> dict[str, str]:
        return {
            "last_name": f"Импортов{number}",
            "first_name": "Илья",
            "middle_name": "Андреевич",
            "birth_date": f"{number % 28 + 1:02d}.{number % 12 + 1:02d}.2009",
            "sex": "м",
            "snils": snils_make(700_000_000 + number),
            "phone": f"+7 913 {number:07d}",
            "email": f"student{number}@example.ru",
            "address": "г. Томск, ул. Учебная, д. 1",
            "personal_file_no": f"БЕНЧ-{number}",
            "education_base": "9",
            "funding": "бюджет" if number % 3 else "договор",
            "group": group_names[number % len(group_names)],
            "enrolled_on": "01.09.2026",
            "order_no": "500-к",
            "order_date": "25.08.2026",
            "parent1_name": f"Импортова{number} Ольга Петровна",
            "parent1_kind": "мать",
            "parent1_phone": f"+7 923 {number:07d}",
            "parent1_diary": "да",
            "parent2_name": f"Импортов{number} Андрей Ильич",
            "parent2_kind": "отец",
            "parent2_phone": f"+7 933 {number:07d}",
            "parent2_diary": "нет",
        }

    header = [str(column.header) for column in STUDENT_COLUMNS]
    body = [[row(n).get(c.key, "") for c in STUDENT_COLUMNS] for n in range(1, rows + 1)]
    return xlsx_bytes([Sheet(title="Обучающиеся", header=header, rows=body)])


@benchmark("students_import")
def students_import(context: Context) -> Entry | None:
    """Seconds to validate and commit 5,000 students with parents from XLSX (rolled back)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from otmetka.academics.models import Group
    from otmetka.accounts.models import RoleAssignment
    from otmetka.accounts.permissions import ActiveRole
    from otmetka.contingent.imports import students_check
    from otmetka.contingent.imports import students_import as commit
    from otmetka.org.models import Organization

    organization = Organization.objects.order_by("pk").first()
    assignment = (
        RoleAssignment.objects.select_related("organization", "user")
        .filter(organization=organization, role__in=("secretary", "dept_head"))
        .order_by("-role", "pk")
        .first()
    )
    groups = list(
        Group.objects.filter(organization=organization, is_active=True).values_list(
            "name", flat=True
        )
    )
    if organization is None or assignment is None or not groups:
        context.notes.append("students_import: в демо нет секретаря или групп")
        return None
    actor = ActiveRole(assignment)
    if assignment.role == "dept_head" and assignment.department_id is not None:
        groups = list(
            Group.objects.filter(
                organization=organization, is_active=True, department_id=assignment.department_id
            ).values_list("name", flat=True)
        )
    content = students_file(groups)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        check = students_check(actor=actor, name="bench.xlsx", content=content)
        validated = time.perf_counter() - started
        if not check.ok:
            context.notes.append(
                f"students_import: файл не прошёл проверку ({check.error_count} строк с ошибками)"
            )
            transaction.set_rollback(True)
            return None
        result = commit(actor=actor, name="bench.xlsx", content=content)
        seconds = round(time.perf_counter() - started, 2)
        transaction.set_rollback(True)
    context.notes.append(
        f"students_import: {IMPORT_ROWS} строк XLSX, предпросмотр {validated:.1f} с, "
        f"предпросмотр и загрузка {seconds} с; создано {result.created} карточек и "
        f"{result.guardians_created} родителей (откатано); цель ≤ 30 с"
    )
    return entry("students_import", queries=len(captured.captured_queries), seconds=seconds)


@benchmark("students_export")
def students_export(context: Context) -> Entry | None:
    """Seconds to build «Выгрузить всех» (every student with parents, XLSX) as the worker does,
    for the secretary of the first demo college (issue 11: under 3 s)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from otmetka.accounts.models import RoleAssignment
    from otmetka.accounts.permissions import ActiveRole
    from otmetka.contingent.exports import students_xlsx
    from otmetka.lib.dates import local_today
    from otmetka.people.permissions import students_visible_to

    assignment = (
        RoleAssignment.objects.select_related("organization", "user")
        .filter(role="secretary").order_by("organization_id", "pk").first()
    )
    if assignment is None:
        context.notes.append("students_export: в демо нет секретаря")
        return None
    actor = ActiveRole(assignment)
    today = local_today(actor.organization.timezone)
    runs = []
    for _run in range(3):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            content, rows = students_xlsx(students_visible_to(actor), on=today)
        runs.append(time.perf_counter() - started)
    runs.sort()
    context.notes.append(
        f"students_export: {rows} строк, {len(content) // 1024} КБ XLSX, медиана 3 запусков; "
        "цель < 3 с"
    )
    return entry("students_export", queries=len(captured.captured_queries),
                 seconds=round(runs[1], 2))
