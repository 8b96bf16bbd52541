"""Objects the grid, lesson, mark and unlock tests build on top of the persona world."""

from __future__ import annotations

import datetime as dt
from typing import Any

from otmetka.academics.models import Membership, Workload
from otmetka.journal.models import Lesson, PlannedTopic, ThematicPlan
from otmetka.journal.services.work_kinds import work_kinds_ensure_defaults
from otmetka.people.models import Student
from otmetka.test import TODAY, World, make_person


def make_lesson(
    workload: Workload, day: dt.date = TODAY, pair: int | None = None, **extra: Any
) -> Lesson:
    extra.setdefault("topic_text", "Тема")
    work_kinds_ensure_defaults(workload.group.organization_id)
    return Lesson.objects.create(
        workload=workload, date=day, pair_number=pair, teacher=workload.teacher, **extra
    )


def make_student(
    world: World,
    last: str,
    date_from: dt.date = dt.date(2025, 9, 1),
    date_to: dt.date | None = None,
    group: Any = None,
) -> Student:
    person = make_person(world.org, last, "Тест", "Тестович")
    student = Student.objects.create(person=person)
    Membership.objects.create(
        group=group or world.college.group, student=student, date_from=date_from, date_to=date_to
    )
    return student


def make_plan(workload: Workload, *titles: str) -> list[PlannedTopic]:
    plan, _created = ThematicPlan.objects.get_or_create(workload=workload)
    return [
        PlannedTopic.objects.create(plan=plan, position=index, title=title)
        for index, title in enumerate(titles, start=1)
    ]
