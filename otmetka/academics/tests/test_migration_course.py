"""The stored course goes; each active group's intake year keeps the course users saw."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from otmetka.test import migrate_to_latest

BEFORE = [("academics", "0002_initial")]
AFTER = [("academics", "0003_group_course_from_intake_year")]

@pytest.fixture(autouse=True)
def _schema_restored() -> Iterator[None]:
    """Whatever the test leaves, the next tests find every migration applied."""
    yield
    migrate_to_latest()



def _migrate(targets: list[tuple[str, str]]) -> Any:
    """Academics migrated to `targets`; the models as they are then, every other app's at its
    latest (the tables of the other apps stay as they are)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    graph = executor.loader.graph
    reached = {node for target in targets for node in graph.forwards_plan(target)}
    later = {node for node in graph.nodes if node[0] == "academics" and node not in reached}
    others = []
    for leaf in graph.leaf_nodes():
        if leaf[0] == "academics":
            continue
        # The app's latest migration that needs no academics migration past the targets (an
        # app whose later migrations build on them is taken as it was before them).
        node: tuple[str, str] | None = leaf
        while node is not None and later.intersection(graph.forwards_plan(node)):
            parents = [p.key for p in graph.node_map[node].parents if p.key[0] == node[0]]
            node = parents[0] if parents else None
        if node is not None:
            others.append(node)
    return executor.loader.project_state([*others, *targets]).apps


@pytest.mark.django_db(transaction=True)
def test_intake_years_are_made_to_agree_with_the_stored_courses() -> None:
    apps = _migrate(BEFORE)
    organization = apps.get_model("org", "Organization").objects.create(
        name="ОГБПОУ «Миграция»", short_name="Миграция", timezone="Asia/Tomsk"
    )
    years = apps.get_model("org", "AcademicYear").objects
    years.create(organization=organization, name="2026/2027",
                 date_from=dt.date(2026, 9, 1), date_to=dt.date(2027, 8, 31))
    # The rollover into 2027/2028 has run: it raised the courses of all but the final year.
    years.create(organization=organization, name="2027/2028",
                 date_from=dt.date(2027, 9, 1), date_to=dt.date(2028, 8, 31))
    department = apps.get_model("org", "Department").objects.create(
        organization=organization, name="Очное отделение"
    )
    program = apps.get_model("academics", "Program").objects.create(
        organization=organization, code="09.02.07", name="ИСиП", qualification="Программист"
    )
    curriculum = apps.get_model("academics", "Curriculum").objects.create(
        program=program, name="План", intake_year=2025, semesters=8
    )
    groups = apps.get_model("academics", "Group").objects

    def group(name: str, course: int, intake_year: int, is_active: bool = True) -> Any:
        return groups.create(
            organization=organization, name=name, program=program, curriculum=curriculum,
            department=department, course=course, intake_year=intake_year, is_active=is_active,
        )

    promoted = group("ИС-21", 3, 2025)  # agrees with 2027/2028: kept
    final = group("ИС-11", 4, 2023)  # not promoted: agrees with 2026/2027, kept
    typed = group("ИС-31", 2, 2020)  # a course typed by hand against the intake year
    archived = group("ИС-01", 4, 2010, is_active=False)  # left as it is

    apps = _migrate(AFTER)
    intake = dict(apps.get_model("academics", "Group").objects.values_list("pk", "intake_year"))
    assert intake == {promoted.pk: 2025, final.pk: 2023, typed.pk: 2026, archived.pk: 2010}

    apps = _migrate(BEFORE)  # and back: the course of the latest year
    courses = dict(apps.get_model("academics", "Group").objects.values_list("pk", "course"))
    assert courses == {promoted.pk: 3, final.pk: 5, typed.pk: 2, archived.pk: 5}
    _migrate(AFTER)
