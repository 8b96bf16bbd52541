"""A diary week in the persona world: bells, lessons with marks, absences, files and changes.

TODAY (Monday 16.11.2026) starts the week. The demo student of ИС-21 (in «1 подгруппа») has:
Monday — МДК.01.01, 1st pair in room 214, a mark 5 «Устный ответ» with a comment, homework
with a file; Tuesday — absent («Н»); Wednesday — a shortened day (DateBells), late («ОП»);
Thursday — a cancelled pair (cancelled in the timetable, reason «Болезнь преподавателя»);
Saturday — a pair at Saturday's bells (DayBells); a subgroup's lesson of their subgroup on
Friday, and one of the other subgroup that the diary must not show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile

from otmetka.academics.models import Subgroup, Workload
from otmetka.journal.models import (
    Attendance,
    AttendanceCode,
    HomeworkAttachment,
    Lesson,
    Mark,
    WorkKind,
)
from otmetka.org.models import BellSchedule, Pair, Room
from otmetka.people.models import Consent, Person
from otmetka.schedule.models import DateBells, DayBells, ScheduleChange, TimetableEntry
from otmetka.test import TODAY, World

MONDAY = TODAY
TUESDAY = TODAY + dt.timedelta(days=1)
WEDNESDAY = TODAY + dt.timedelta(days=2)
THURSDAY = TODAY + dt.timedelta(days=3)
FRIDAY = TODAY + dt.timedelta(days=4)
SATURDAY = TODAY + dt.timedelta(days=5)


@dataclass
class DiaryWorld:
    world: World
    answer: WorkKind
    test: WorkKind
    room: Room
    lessons: dict[str, Lesson] = field(default_factory=dict)
    attachment: HomeworkAttachment | None = None
    other_subgroup_workload: Workload | None = None


def consent(person: Person, signed_on: dt.date = dt.date(2025, 9, 1), **extra: Any) -> Consent:
    return Consent.objects.create(
        person=person, signed_on=signed_on, document="Заявление-согласие № 7", **extra
    )


def bells(world: World) -> None:
    org = world.org
    default = BellSchedule.objects.create(organization=org, name="Основное", is_default=True)
    for number, (start, end) in enumerate(
        ((dt.time(8, 30), dt.time(10, 0)), (dt.time(10, 10), dt.time(11, 40))), start=1
    ):
        Pair.objects.create(bell_schedule=default, number=number, starts_at=start, ends_at=end)
    saturday = BellSchedule.objects.create(organization=org, name="Суббота")
    Pair.objects.create(
        bell_schedule=saturday, number=1, starts_at=dt.time(9, 0), ends_at=dt.time(10, 20)
    )
    DayBells.objects.create(organization=org, weekday=6, bell_schedule=saturday)
    short = BellSchedule.objects.create(organization=org, name="Сокращённый день")
    Pair.objects.create(
        bell_schedule=short, number=1, starts_at=dt.time(8, 30), ends_at=dt.time(9, 30)
    )
    DateBells.objects.create(
        organization=org, date=WEDNESDAY, bell_schedule=short, reason="Предпраздничный день"
    )


def lesson(
    workload: Workload, day: dt.date, pair: int, *, room: Room | None = None, **fields: Any
) -> Lesson:
    fields.setdefault("teacher", workload.teacher)
    return Lesson.objects.create(workload=workload, date=day, pair_number=pair, room=room, **fields)


def build_diary_week(world: World, *, with_consents: bool = True) -> DiaryWorld:
    college = world.college
    org = world.org
    bells(world)
    room = Room.objects.get(organization=org, number="214")
    answer = WorkKind.objects.create(
        organization=org, name="Устный ответ", short_name="О", weight=Decimal("1")
    )
    test = WorkKind.objects.create(
        organization=org, name="Контрольная работа", short_name="КР", weight=Decimal("2")
    )
    data = DiaryWorld(world=world, answer=answer, test=test, room=room)
    if with_consents:
        consent(college.student.person)
        consent(college.parent)
    student = college.student
    workload = college.workload
    monday = lesson(
        workload, MONDAY, 1, room=room, topic_text="Введение в модуль", homework="Прочитать §1"
    )
    Mark.objects.create(
        lesson=monday, student=student, value="5", work_kind=answer, comment="Отличный ответ"
    )
    data.attachment = HomeworkAttachment.objects.create(
        lesson=monday,
        file=ContentFile(b"%PDF-1.4 task", name="zadanie.pdf"),
        original_name="Задание 1.pdf",
        size=13,
        content_type="application/pdf",
    )
    tuesday = lesson(workload, TUESDAY, 2, topic_text="Типы данных")
    Attendance.objects.create(lesson=tuesday, student=student, code=AttendanceCode.ABSENT)
    wednesday = lesson(workload, WEDNESDAY, 1, topic_text="Условия")
    Attendance.objects.create(lesson=wednesday, student=student, code=AttendanceCode.LATE)
    entry = TimetableEntry.objects.create(
        workload=workload,
        weekday=4,
        pair_number=2,
        room=room,
        valid_from=college.semester1.date_from,
        valid_to=college.semester1.date_to,
    )
    thursday = lesson(
        workload,
        THURSDAY,
        2,
        room=room,
        status=Lesson.Status.CANCELLED,
        source=Lesson.Source.TIMETABLE,
    )
    ScheduleChange.objects.create(
        organization=org,
        date=THURSDAY,
        kind=ScheduleChange.Kind.CANCEL,
        entry=entry,
        workload=workload,
        pair_number=2,
        reason="Болезнь преподавателя",
    )
    saturday = lesson(workload, SATURDAY, 1, status=Lesson.Status.PLANNED)
    subgroup_workload = Workload.objects.create(
        academic_year=college.year,
        teacher=college.employees["other_teacher"],
        group=college.group,
        item=college.discipline,
        subgroup=college.subgroup,
        hours_first=40,
    )
    friday = lesson(subgroup_workload, FRIDAY, 1, topic_text="Процессы")
    other_subgroup = Subgroup.objects.create(group=college.group, name="2 подгруппа")
    data.other_subgroup_workload = Workload.objects.create(
        academic_year=college.year,
        teacher=college.employees["other_teacher"],
        group=college.group,
        item=college.discipline,
        subgroup=other_subgroup,
        hours_first=40,
    )
    lesson(data.other_subgroup_workload, FRIDAY, 2, topic_text="Чужая подгруппа")
    lesson(college.other_workload, MONDAY, 1, topic_text="Чужая группа")
    data.lessons = {
        "monday": monday,
        "tuesday": tuesday,
        "wednesday": wednesday,
        "thursday": thursday,
        "friday": friday,
        "saturday": saturday,
    }
    return data
