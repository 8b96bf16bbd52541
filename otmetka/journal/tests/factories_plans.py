"""Builders for the КТП and work kinds tests, on top of the persona world of otmetka/test.py."""

from __future__ import annotations

import datetime as dt

from otmetka.academics.models import Workload
from otmetka.journal.models import Lesson, LessonType, PlannedTopic, ThematicPlan


def make_plan(workload: Workload, *titles: str, hours: int = 2) -> ThematicPlan:
    plan, _created = ThematicPlan.objects.get_or_create(workload=workload)
    start = PlannedTopic.objects.filter(plan=plan).count()
    for index, title in enumerate(titles, start=start + 1):
        PlannedTopic.objects.create(plan=plan, position=index, title=title, hours=hours,
                                    lesson_type=LessonType.THEORY)
    return plan


def make_lesson(workload: Workload, topic: PlannedTopic | None, day: dt.date) -> Lesson:
    return Lesson.objects.create(workload=workload, date=day, teacher=workload.teacher,
                                 topic=topic, topic_text=topic.title if topic else "")


def titles(plan: ThematicPlan) -> list[str]:
    return list(plan.topics.order_by("position").values_list("title", flat=True))


def positions(plan: ThematicPlan) -> list[int]:
    return list(plan.topics.order_by("position").values_list("position", flat=True))
