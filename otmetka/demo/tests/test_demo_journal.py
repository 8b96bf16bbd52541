"""The demo journals: КТП, lessons, marks and absences of the semester up to the demo's day."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import Count, QuerySet

from otmetka.academics.models import Membership, SubgroupMembership, Workload
from otmetka.demo import catalog
from otmetka.demo.generator import DEMO_TODAY, build_plan
from otmetka.demo.journal import PUBLIC_HOLIDAYS, bells_of, semester_days
from otmetka.journal.defaults import DEFAULT_WORK_KINDS
from otmetka.journal.models import (
    ABSENCE_CODES,
    Attendance,
    AttendanceCode,
    JournalHistory,
    Lesson,
    LessonType,
    Mark,
    PlannedTopic,
    Substitution,
    ThematicPlan,
    WorkKind,
)
from otmetka.org.models import Organization, Period
from otmetka.people.models import Student


def journal_lessons() -> QuerySet[Lesson]:
    """The past lessons the demo wrote into the journals; seed_demo then plans the rest of the
    semester from the timetable (source «timetable»), which other tests cover."""
    return Lesson.objects.filter(source=Lesson.Source.MANUAL)

pytestmark = pytest.mark.django_db

TOMSK = ZoneInfo("Asia/Tomsk")


@pytest.fixture
def seeded() -> str:
    out = io.StringIO()
    call_command("seed_demo", size="small", today=DEMO_TODAY, stdout=out)
    return out.getvalue()


Rows = dict[tuple[int, int], list[tuple[dt.date, dt.date | None]]]


def dated_rows(model: type[Membership] | type[SubgroupMembership], key: str) -> Rows:
    rows: Rows = defaultdict(list)
    for owner, student, date_from, date_to in model.objects.values_list(
        key, "student_id", "date_from", "date_to"
    ):
        rows[(owner, student)].append((date_from, date_to))
    return rows


def on_roll(rows: Rows, owner: int, student: int, day: dt.date) -> bool:
    return any(date_from <= day and (date_to is None or day <= date_to)
               for date_from, date_to in rows.get((owner, student), ()))


def test_the_demo_teacher_keeps_a_journal_of_the_demo_students_group(seeded: str) -> None:
    assert f"занятий {journal_lessons().count()}, отметок {Mark.objects.count()}" in seeded
    student = Student.objects.get(person__user__username="student")
    group = Membership.objects.on_day(DEMO_TODAY).get(student=student).group
    journals = Workload.objects.filter(teacher__person__user__username="teacher", group=group)
    lessons = journal_lessons().filter(workload__in=journals)
    assert lessons.count() >= 20
    assert lessons.filter(teacher__person__user__username="teacher").exists()
    assert Mark.objects.filter(lesson__in=lessons, student=student).exists()
    assert Mark.objects.filter(lesson__in=lessons).count() > lessons.count()
    assert Attendance.objects.filter(lesson__in=lessons, code__in=ABSENCE_CODES).exists()
    # Recent lessons too: the last school day before the demo's day has lessons to mark.
    assert lessons.filter(date__gte=DEMO_TODAY - dt.timedelta(days=7)).exists()
    workload = journals.first()
    assert workload is not None
    assert ThematicPlan.objects.get(workload=workload).topics.count() * 2 >= workload.hours_first


def test_every_workload_line_of_the_year_has_a_plan_and_lessons_follow_it(seeded: str) -> None:
    lines = Workload.objects.select_related("academic_year")
    assert ThematicPlan.objects.count() == lines.count()
    for line in lines:
        topics = list(PlannedTopic.objects.filter(plan__workload=line).order_by("position"))
        assert [topic.position for topic in topics] == list(range(1, len(topics) + 1))
        assert sum(topic.hours for topic in topics) == line.hours_first + line.hours_second
        taught = list(journal_lessons().filter(workload=line).order_by("date", "pair_number")
                      .values_list("topic__position", "topic_text", "topic__title",
                                   "lesson_type", "topic__lesson_type"))
        # The next topic each time, in date order, from this line's own plan.
        assert [position for position, *_ in taught] == list(range(1, len(taught) + 1))
        for _, text, title, lesson_type, topic_type in taught:
            assert text == title
            assert lesson_type == topic_type
        assert len(taught) <= (line.hours_first + 1) // 2
    titles = set(PlannedTopic.objects.values_list("title", flat=True))
    assert any(title.startswith("Введение. Предмет, цели и задачи дисциплины") for title in titles)
    assert any(title.startswith("Контрольная работа по разделу") for title in titles)
    assert any(title.startswith("Практическое занятие № ") for title in titles)
    types = set(journal_lessons().values_list("lesson_type", flat=True))
    assert {LessonType.THEORY, LessonType.PRACTICAL, LessonType.CONTROL} <= types


def test_marks_and_attendance_only_for_students_on_the_roll_that_day(seeded: str) -> None:
    groups = dated_rows(Membership, "group_id")
    subgroups = dated_rows(SubgroupMembership, "subgroup_id")
    for model in (Mark, Attendance):
        rows = model.objects.values_list(
            "student_id", "lesson__date", "lesson__workload__group_id",
            "lesson__workload__subgroup_id",
        )
        assert rows
        for student, day, group, subgroup in rows:
            assert on_roll(groups, group, student, day), (model, student, day)
            if subgroup is not None:
                assert on_roll(subgroups, subgroup, student, day), (model, student, day)
    # A student who left mid-year is in the journals before the day they left, not after.
    moved = Membership.objects.filter(date_to__isnull=False).first()
    assert moved is not None
    marks = Mark.objects.filter(student_id=moved.student_id, lesson__workload__group=moved.group)
    assert not marks.filter(lesson__date__gt=moved.date_to).exists()


def test_no_two_lessons_of_a_group_share_a_day_and_pair(seeded: str) -> None:
    clashes = (journal_lessons().values("workload__group_id", "date", "pair_number")
               .annotate(count=Count("id")).filter(count__gt=1))
    assert not clashes.exists()
    assert set(journal_lessons().values_list("pair_number", flat=True)) <= set(range(1, 7))
    # The timetable keeps a teacher in one room at a time, substitutions aside.
    teacher_clashes = (journal_lessons().filter(substitution__isnull=True)
                       .values("teacher_id", "date", "pair_number")
                       .annotate(count=Count("id")).filter(count__gt=1))
    assert not teacher_clashes.exists()


def test_lessons_are_held_on_school_days_of_the_semester_before_today(seeded: str) -> None:
    semesters = list(Period.objects.semesters().values_list(
        "academic_year__organization_id", "date_from", "date_to"))
    days = journal_lessons().values_list("workload__group__organization_id", "date").distinct()
    assert days
    for organization, day in days:
        assert day < DEMO_TODAY
        # Monday to Saturday: the demo colleges teach six days a week.
        assert day.weekday() < 6 and (day.month, day.day) not in PUBLIC_HOLIDAYS
        assert any(owner == organization and date_from <= day <= date_to
                   for owner, date_from, date_to in semesters)
        assert not Period.objects.holidays().on_day(day).filter(
            academic_year__organization_id=organization).exists()
    # 4 November, День народного единства.
    assert not journal_lessons().filter(date=dt.date(2026, 11, 4)).exists()
    assert journal_lessons().filter(date__lt=dt.date(2026, 9, 1)).count() == 0


def test_lessons_are_filled_by_their_teacher_mostly_on_the_day(seeded: str) -> None:
    lessons = list(
        journal_lessons().select_related("workload", "substitution", "created_by__person")
    )
    late = 0
    for lesson in lessons:
        assert lesson.status == Lesson.Status.HELD
        assert lesson.filled_at is not None and lesson.pair_number is not None
        ends = bells_of(lesson.date)[lesson.pair_number - 1][1]
        assert lesson.filled_at >= dt.datetime.combine(lesson.date, ends, tzinfo=TOMSK)
        assert lesson.filled_at < dt.datetime.combine(DEMO_TODAY, dt.time(0), tzinfo=TOMSK)
        assert lesson.created_at == lesson.filled_at
        late += lesson.filled_at.astimezone(TOMSK).date() > lesson.date
        substitution = getattr(lesson, "substitution", None)
        if substitution is None:
            assert lesson.teacher_id == lesson.workload.teacher_id
        else:
            assert substitution.absent_teacher_id == lesson.workload.teacher_id
            assert lesson.teacher_id == substitution.substitute_id != lesson.workload.teacher_id
        assert lesson.created_by is not None
        assert lesson.created_by.person.employee.pk == lesson.teacher_id
    assert 0 < late < len(lessons) * 0.25
    assert Substitution.objects.exists()
    with_homework = sum(1 for lesson in lessons if lesson.homework)
    assert 0.35 < with_homework / len(lessons) < 0.65
    mark = Mark.objects.select_related("lesson").first()
    assert mark is not None and mark.created_at == mark.lesson.filled_at


def test_marks_absences_and_work_kinds_look_like_a_real_journal(seeded: str) -> None:
    for organization in Organization.objects.all():
        kinds = list(WorkKind.objects.filter(organization=organization)
                     .values_list("name", "short_name", "weight", "sgo_type_id"))
        assert kinds == list(DEFAULT_WORK_KINDS)
    owners = set(Mark.objects.values_list("work_kind__organization_id",
                                          "lesson__workload__group__organization_id"))
    assert all(kind_owner == lesson_owner for kind_owner, lesson_owner in owners)
    values = Counter(Mark.objects.values_list("value", flat=True))
    total = sum(values.values())
    assert values["4"] + values["5"] > 0.6 * total
    assert values["3"] > 0 and values["2"] > 0
    assert values["2"] < values["3"] < values["4"]
    kinds_by_type = set(Mark.objects.values_list("lesson__lesson_type", "work_kind__name"))
    assert (LessonType.CONTROL, "Контрольная работа") in kinds_by_type
    assert (LessonType.PRACTICAL, "Практическая работа") in kinds_by_type
    codes = Counter(Attendance.objects.values_list("code", flat=True))
    absences = sum(count for code, count in codes.items() if code in ABSENCE_CODES)
    excused = sum(codes[code] for code in (AttendanceCode.ILLNESS, AttendanceCode.EXCUSED,
                                           AttendanceCode.UNEXCUSED, AttendanceCode.BY_ORDER))
    assert 0.3 < excused / absences < 0.8  # the curator has given about half a reason
    # Reasons are the curator's, set weekly: none yet for the current week.
    week_start = DEMO_TODAY - dt.timedelta(days=DEMO_TODAY.weekday())
    assert not Attendance.objects.filter(lesson__date__gte=week_start).exclude(
        code__in=(AttendanceCode.ABSENT, AttendanceCode.LATE)).exists()
    per_lesson = list(journal_lessons().exclude(lesson_type=LessonType.CONTROL)
                      .annotate(marked=Count("marks__student", distinct=True))
                      .values_list("marked", flat=True))
    rostered = Membership.objects.on_day(DEMO_TODAY).count()
    groups = Membership.objects.on_day(DEMO_TODAY).values("group").distinct().count()
    average_roster = rostered / groups
    share = sum(per_lesson) / len(per_lesson) / average_roster
    assert 0.12 < share < 0.35
    roll = sum(Membership.objects.filter(group=lesson.workload.group).on_day(lesson.date).count()
               for lesson in journal_lessons().select_related("workload__group")[:200])
    absent = Attendance.objects.filter(lesson__in=journal_lessons().all()[:200],
                                       code__in=ABSENCE_CODES).count()
    assert 0.01 < absent / roll < 0.1
    # The written journals are generated data, not anyone's edits: no history for them (the
    # lessons planned from the timetable go through the journal's service, which records them).
    assert not JournalHistory.objects.filter(lesson_ref__in=journal_lessons().values("pk")).exists()


def test_the_same_seed_and_day_give_the_same_journals() -> None:
    def journal(seed: int, today: dt.date = DEMO_TODAY) -> list[tuple[object, ...]]:
        plan = build_plan(size="small", seed=seed, today=today)
        rows: list[tuple[object, ...]] = []
        for lesson in plan.buckets["lessons"]:
            assert isinstance(lesson, Lesson)
            rows.append((lesson.workload.group.name, lesson.date, lesson.pair_number,
                         lesson.topic_text, lesson.homework))
        for mark in plan.buckets["marks"]:
            assert isinstance(mark, Mark)
            rows.append((mark.lesson.date, mark.student.person.full_name, mark.value))
        return rows

    first = journal(1)
    assert first == journal(1)
    assert first != journal(2)
    earlier = journal(1, dt.date(2026, 10, 15))
    assert 0 < len(earlier) < len(first)
    # On 1 September the demo's year started two weeks early (otmetka/demo/calendar.py): the
    # journals hold those two weeks, and nothing of 1 September itself yet.
    assert 0 < len(journal(1, dt.date(2026, 9, 1))) < len(earlier)
    september = build_plan(size="small", seed=1, today=dt.date(2026, 9, 1))
    days = {lesson.date for lesson in september.buckets["lessons"] if isinstance(lesson, Lesson)}
    assert min(days) == dt.date(2026, 8, 17) and max(days) == dt.date(2026, 8, 31)


def test_in_spring_the_second_semester_continues_the_plan() -> None:
    today = dt.date(2027, 3, 10)
    plan = build_plan(size="small", seed=1, today=today)
    lessons = [lesson for lesson in plan.buckets["lessons"] if isinstance(lesson, Lesson)]
    spring = [lesson for lesson in lessons if lesson.date >= dt.date(2027, 1, 12)]
    assert spring and all(lesson.date < today for lesson in lessons)
    assert not any(dt.date(2026, 12, 29) <= lesson.date <= dt.date(2027, 1, 11)
                   for lesson in lessons)
    assert not any(lesson.date in (dt.date(2027, 2, 23), dt.date(2027, 3, 8)) for lesson in lessons)
    for lesson in spring:
        assert lesson.topic is not None
        workload = lesson.workload
        # Spring lessons take topics after the autumn's hours.
        assert lesson.topic.position > (workload.hours_first + 1) // 2


def test_semester_days_skip_sundays_and_public_holidays() -> None:
    days = semester_days(dt.date(2026, 11, 2), dt.date(2026, 11, 8))
    assert days == [dt.date(2026, 11, 2), dt.date(2026, 11, 3), dt.date(2026, 11, 5),
                    dt.date(2026, 11, 6), dt.date(2026, 11, 7)]
    # Saturday has its own, shorter bells.
    assert bells_of(dt.date(2026, 11, 7)) == catalog.SATURDAY_PAIRS
    assert bells_of(dt.date(2026, 11, 6)) == catalog.WEEKDAY_PAIRS


def test_the_rest_of_the_semester_is_planned_from_the_timetable(seeded: str) -> None:
    planned = Lesson.objects.filter(source=Lesson.Source.TIMETABLE)
    assert planned.exists()
    assert not planned.filter(date__lt=DEMO_TODAY).exists()
    assert set(planned.values_list("status", flat=True)) == {Lesson.Status.PLANNED}
    weekdays = {day.isoweekday() for day in planned.values_list("date", flat=True)}
    assert weekdays <= {1, 2, 3, 4, 5, 6}
    assert "запланировано занятий до конца семестра" in seeded
