"""Objects the attestation, reasons and printing tests build on top of the persona world."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from otmetka.academics.models import Workload
from otmetka.journal.models import Attendance, Lesson, Mark, WorkKind
from otmetka.people.models import Student
from otmetka.test import World

TOMSK = ZoneInfo("Asia/Tomsk")


def tomsk(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TOMSK)


def work_kind(world: World, name: str = "Устный ответ", weight: str = "1") -> WorkKind:
    return WorkKind.objects.get_or_create(
        organization=world.org,
        name=name,
        defaults={"short_name": name[:2], "weight": Decimal(weight)},
    )[0]


def lesson(workload: Workload, day: dt.date, pair: int = 1, hours: int = 2) -> Lesson:
    return Lesson.objects.create(
        workload=workload,
        date=day,
        pair_number=pair,
        hours=hours,
        teacher=workload.teacher,
        topic_text=f"Тема {day:%d.%m}",
        homework="§ 1",
    )


def mark(lesson: Lesson, student: Student, value: str, kind: WorkKind, slot: int = 1) -> Mark:
    return Mark.objects.create(
        lesson=lesson, student=student, value=value, work_kind=kind, slot=slot
    )


def absence(lesson: Lesson, student: Student, code: str = "Н") -> Attendance:
    return Attendance.objects.create(lesson=lesson, student=student, code=code)
