"""Reads of the diary: each screen in a fixed number of queries, whatever the data size.

The week page is two queries here (the lessons with their times and changes; everything that
hangs on those lessons for the student), the students are one more (`diary_students`). The
semester's marks and attendance (`marks_by_subject`, `attendance_by_student`) take a list of
students, so that the diary pages and the letters to parents (a whole group at once) read the
same data through the same code.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, partial
from typing import Any

from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast

from otmetka.academics.models import Group, Membership, SubgroupMembership
from otmetka.diary.permissions import own_diary_students_of
from otmetka.diary.prepared import PreparedQuery
from otmetka.journal.averages import proposed_mark, weighted_average
from otmetka.journal.models import (
    ABSENCE_CODES,
    EXCUSED_CODES,
    Attendance,
    AttendanceCode,
    AttestationMark,
    HomeworkAttachment,
    Lesson,
    Mark,
)
from otmetka.lib.text import Case, initials, short_name_in
from otmetka.org.models import Period
from otmetka.people.models import Consent, Guardianship, Student
from otmetka.schedule.bells import with_pair_times
from otmetka.schedule.models import ScheduleChange

# --- who: the students shown and whether the viewer may see their diary -----------------------


def active_consents(person_id: int, today: dt.date) -> QuerySet[Consent]:
    """Consents of a person in force on `today` (signed by then, not revoked by then)."""
    return Consent.objects.filter(person_id=person_id, signed_on__lte=today).filter(
        Q(revoked_on__isnull=True) | Q(revoked_on__gt=today)
    )


@dataclass(frozen=True)
class DiaryStudent:
    """A student whose diary is shown: name, latest group, and whether the viewer's own consent
    is in force (always False for staff, who read without one)."""

    pk: int
    full_name: str
    group_id: int | None
    group_name: str
    viewer_consent: bool = False


_STUDENT_FIELDS = (
    "pk",
    "person__last_name",
    "person__first_name",
    "person__middle_name",
    "diary_group_id",
    "diary_group_name",
)


def _with_group(students: QuerySet[Student], today: dt.date) -> QuerySet[Student]:
    latest = Membership.objects.filter(student_id=OuterRef("pk"), date_from__lte=today).order_by(
        "-date_from", "-pk"
    )
    return students.annotate(
        diary_group_id=Subquery(latest.values("group_id")[:1]),
        diary_group_name=Subquery(latest.values("group__name")[:1]),
    ).order_by("person__sort_key", "pk")


def _diary_student(row: Any, consent: bool = False) -> DiaryStudent:
    pk, last, first, middle, group_id, group_name = row[:6]
    name = " ".join(part for part in (last, first, middle) if part)
    return DiaryStudent(pk, name, group_id, group_name or "", consent)


def diary_students(students: QuerySet[Student], *, today: dt.date) -> list[DiaryStudent]:
    """The students with their latest group, for staff (no consent involved); one query."""
    rows = _with_group(students, today).values_list(*_STUDENT_FIELDS)
    return [_diary_student(row) for row in rows]


def _own_students(
    *, organization_id: int, person_id: int, today: dt.date, parent: bool
) -> QuerySet[Any, Any]:
    students = own_diary_students_of(
        organization_id=organization_id, person_id=person_id, parent=parent
    )
    return (
        _with_group(students, today)
        .annotate(viewer_consent=Exists(active_consents(person_id, today)))
        .values_list(*_STUDENT_FIELDS, "viewer_consent")
    )


_OWN_STUDENTS = {
    parent: PreparedQuery(
        partial(_own_students, parent=parent),
        ids=("organization_id", "person_id"),
        dates=("today",),
    )
    for parent in (False, True)
}


def own_students(
    *, organization_id: int, person_id: int, today: dt.date, parent: bool
) -> list[DiaryStudent]:
    """The student themself or a parent's children who receive the diary, each with the
    viewer's consent in force; one query, compiled once per process."""
    rows = _OWN_STUDENTS[parent].run(
        organization_id=organization_id, person_id=person_id, today=today
    )
    return [_diary_student(row, bool(row[6])) for row in rows]


def group_ids_of(students: list[DiaryStudent]) -> list[int]:
    """The latest groups of the students, without repeats."""
    return sorted({student.group_id for student in students if student.group_id is not None})


def group_curators(group_ids: list[int]) -> dict[int, list[str]]:
    """Full names of the curators of each group (one query)."""
    links = (
        Group.curators.through.objects.filter(group_id__in=group_ids)
        .select_related("employee__person")
        .order_by("employee__person__sort_key")
    )
    names: dict[int, list[str]] = defaultdict(list)
    for link in links:
        names[link.group_id].append(link.employee.person.full_name)
    return dict(names)


# --- the week ----------------------------------------------------------------------------------


MARK_CSS = {"5": "mark-5", "4": "mark-4", "3": "mark-3", "2": "mark-2", "зч": "mark-pass"}


@dataclass(frozen=True)
class DiaryMark:
    value: str
    kind: str
    comment: str
    slot: int

    @property
    def css(self) -> str:
        return mark_css(self.value)


@dataclass
class DiaryFile:
    id: int
    name: str
    url: str = ""  # set by the page: the student's own or the staff's download address


@dataclass
class DiaryLesson:
    """A lesson as the diary shows it, with what hangs on it for one student.

    ``change_kind`` is the timetable change of that date and pair ("" when none); for a move,
    ``original_pair`` / ``original_room`` say where the pair was in the timetable.
    """

    id: int
    date: dt.date
    pair_number: int | None
    hours: int
    status: str
    topic: str
    homework: str
    subject_index: str
    subject_name: str
    teacher_name: str  # who gives it: the substitute when there is one
    # whom the teacher substitutes for, in the genitive: «вместо Учителева П. А.» ("" without)
    absent_teacher_genitive: str
    room_number: str
    starts_at: dt.time | None
    ends_at: dt.time | None
    change_kind: str = ""
    change_reason: str = ""
    original_pair: int | None = None
    original_room: str = ""
    marks: list[DiaryMark] = field(default_factory=list)
    attendance: str = ""
    files: list[DiaryFile] = field(default_factory=list)

    @property
    def cancelled(self) -> bool:
        return self.status == Lesson.Status.CANCELLED

    @property
    def moved(self) -> bool:
        return self.change_kind == ScheduleChange.Kind.MOVE

    @property
    def extra(self) -> bool:
        return self.change_kind == ScheduleChange.Kind.EXTRA

    @property
    def replaced(self) -> bool:
        return self.change_kind == ScheduleChange.Kind.REPLACE_TEACHER or bool(
            self.absent_teacher_genitive
        )

    @property
    def pair_moved(self) -> bool:
        return self.original_pair is not None and self.original_pair != self.pair_number

    @property
    def room_moved(self) -> bool:
        return bool(self.original_room) and self.original_room != self.room_number

    @property
    def subject(self) -> str:
        return f"{self.subject_index} {self.subject_name}"

    @property
    def attendance_label(self) -> str:
        return str(AttendanceCode(self.attendance).label) if self.attendance else ""

    @property
    def absent(self) -> bool:
        return self.attendance in ABSENCE_CODES

    @property
    def late(self) -> bool:
        return self.attendance == AttendanceCode.LATE

    @property
    def excused(self) -> bool:
        return self.attendance in EXCUSED_CODES


@dataclass
class DiaryDay:
    date: dt.date
    is_today: bool
    lessons: list[DiaryLesson] = field(default_factory=list)


@dataclass
class DiaryWeek:
    monday: dt.date
    days: list[DiaryDay]

    @property
    def previous(self) -> dt.date:
        return self.monday - dt.timedelta(days=7)

    @property
    def next(self) -> dt.date:
        return self.monday + dt.timedelta(days=7)

    @property
    def last_day(self) -> dt.date:
        return self.days[-1].date

    @property
    def lesson_count(self) -> int:
        return sum(len(day.lessons) for day in self.days)


def _on_date(prefix: str = "") -> Q:
    """Dated rows (memberships) in force on the date of the outer lesson."""
    return Q(**{f"{prefix}date_from__lte": OuterRef("date")}) & (
        Q(**{f"{prefix}date_to__isnull": True}) | Q(**{f"{prefix}date_to__gte": OuterRef("date")})
    )


def student_lessons(
    *, organization_id: int, student_id: int, date_from: dt.date, date_to: dt.date
) -> QuerySet[Lesson]:
    """Lessons of date_from..date_to that are in the student's diary.

    A lesson is in it when the student was in the lesson's group on its date (dated
    memberships: a transfer moves the diary on that day) and, for a subgroup's lesson, in that
    subgroup on that date. Drawn from the lines of the groups the student was in during the
    range, so the lessons' (workload, date) index does the work.
    """
    groups = (
        Membership.objects.filter(student_id=student_id)
        .overlapping(date_from, date_to)
        .values("group_id")
    )
    on_roll = Membership.objects.filter(_on_date(), student_id=student_id).filter(
        group_id=OuterRef("workload__group_id")
    )
    in_subgroup = SubgroupMembership.objects.filter(_on_date(), student_id=student_id).filter(
        subgroup_id=OuterRef("workload__subgroup_id")
    )
    return (
        Lesson.objects.filter(
            workload__group_id__in=groups,
            workload__group__organization_id=organization_id,
            date__gte=date_from,
            date__lte=date_to,
        )
        .filter(Exists(on_roll))
        .filter(Q(workload__subgroup_id__isnull=True) | Exists(in_subgroup))
    )


def _with_times_and_changes(lessons: QuerySet[Lesson], organization_id: int) -> QuerySet[Lesson]:
    """Annotate each lesson with its times (`schedule.bells`, the one resolver, in SQL) and the
    timetable change of its date and pair, as correlated subqueries."""
    change = ScheduleChange.objects.filter(
        organization_id=organization_id,
        date=OuterRef("date"),
        workload_id=OuterRef("workload_id"),
        pair_number=OuterRef("pair_number"),
    ).order_by("-pk")
    return with_pair_times(lessons, organization_id).annotate(
        change_kind=Subquery(change.values("kind")[:1]),
        change_reason=Subquery(change.values("reason")[:1]),
        change_from_pair=Subquery(change.values("entry__pair_number")[:1]),
        change_from_room=Subquery(change.values("entry__room__number")[:1]),
    )


def _text(expression: Any) -> Cast:
    return Cast(expression, output_field=TextField())


_LESSON_FIELDS = (
    "pk",
    "date",
    "pair_number",
    "hours",
    "status",
    "topic_text",
    "homework",
    "workload__item__index",
    "workload__item__name",
    "teacher__person__last_name",
    "teacher__person__first_name",
    "teacher__person__middle_name",
    "substitution__absent_teacher__person__last_name",
    "substitution__absent_teacher__person__first_name",
    "substitution__absent_teacher__person__middle_name",
    "substitution__absent_teacher__person__sex",
    "room__number",
    "starts_at",
    "ends_at",
    "change_kind",
    "change_reason",
    "change_from_pair",
    "change_from_room",
)


def _week_lessons(
    *, organization_id: int, student_id: int, date_from: dt.date, date_to: dt.date
) -> QuerySet[Any, Any]:
    lessons = student_lessons(
        organization_id=organization_id,
        student_id=student_id,
        date_from=date_from,
        date_to=date_to,
    )
    return (
        _with_times_and_changes(lessons, organization_id)
        .order_by("date", "pair_number", "pk")
        .values_list(*_LESSON_FIELDS)
    )


def _week_hung(*, student_id: int, date_from: dt.date, date_to: dt.date) -> QuerySet[Any, Any]:
    """Marks ∪ attendance of the student and homework files of the lessons of their groups in
    the range: rows (kind, lesson id, a, b, c, d), every column but the lesson id as text. The
    caller keeps the rows of the lessons it shows."""
    tag = lambda kind: Value(kind, output_field=TextField())  # noqa: E731
    empty = Value("", output_field=TextField())
    in_range = {"lesson__date__gte": date_from, "lesson__date__lte": date_to}
    marks = (
        Mark.objects.filter(student_id=student_id, **in_range)
        .annotate(
            row_kind=tag("m"),
            a=_text("value"),
            b=_text("work_kind__name"),
            c=_text("comment"),
            d=_text("slot"),
        )
        .order_by()
        .values_list("row_kind", "lesson_id", "a", "b", "c", "d")
    )
    attendance = (
        Attendance.objects.filter(student_id=student_id, **in_range)
        .annotate(row_kind=tag("a"), a=_text("code"), b=_text("note"), c=empty, d=empty)
        .order_by()
        .values_list("row_kind", "lesson_id", "a", "b", "c", "d")
    )
    groups = (
        Membership.objects.filter(student_id=student_id)
        .overlapping(date_from, date_to)
        .values("group_id")
    )
    files = (
        HomeworkAttachment.objects.filter(lesson__workload__group_id__in=groups, **in_range)
        .annotate(row_kind=tag("f"), a=_text("pk"), b=_text("original_name"), c=empty, d=empty)
        .order_by()
        .values_list("row_kind", "lesson_id", "a", "b", "c", "d")
    )
    return marks.union(attendance, files, all=True)


_WEEK_LESSONS = PreparedQuery(
    _week_lessons, ids=("organization_id", "student_id"), dates=("date_from", "date_to")
)
_WEEK_HUNG = PreparedQuery(_week_hung, ids=("student_id",), dates=("date_from", "date_to"))


def _person_short(last: str | None, first: str | None, middle: str | None) -> str:
    return initials(last, first or "", middle or "") if last else ""


def _diary_lesson(row: Any) -> DiaryLesson:
    (
        pk,
        day,
        pair,
        hours,
        status,
        topic,
        homework,
        index,
        name,
        last,
        first,
        middle,
        absent_last,
        absent_first,
        absent_middle,
        absent_sex,
        room,
        starts_at,
        ends_at,
        change_kind,
        change_reason,
        change_from_pair,
        change_from_room,
    ) = row
    return DiaryLesson(
        id=pk,
        date=day,
        pair_number=pair,
        hours=hours,
        status=status,
        topic=topic,
        homework=homework,
        subject_index=index,
        subject_name=name,
        teacher_name=_person_short(last, first, middle),
        absent_teacher_genitive=(
            short_name_in(
                absent_last, absent_first or "", absent_middle or "", sex=absent_sex or "",
                case=Case.GENITIVE,
            )
            if absent_last
            else ""
        ),
        room_number=room or "",
        starts_at=starts_at,
        ends_at=ends_at,
        change_kind=change_kind or "",
        change_reason=change_reason or "",
        original_pair=change_from_pair,
        original_room=change_from_room or "",
    )


def diary_week(
    *, organization_id: int, student_id: int, monday: dt.date, today: dt.date
) -> DiaryWeek:
    """The student's week, Monday to Saturday (and Sunday when it has lessons): two queries.

    Queries: the lessons (item, teacher, room, substitution joined; bells and timetable change
    as correlated subqueries); marks ∪ attendance ∪ files of the week. Both are compiled once
    per process (`PreparedQuery`): building them is what would cost most.
    """
    sunday = monday + dt.timedelta(days=6)
    rows = _WEEK_LESSONS.run(
        organization_id=organization_id, student_id=student_id, date_from=monday, date_to=sunday
    )
    by_id = {row[0]: _diary_lesson(row) for row in rows}
    if by_id:
        hung = _WEEK_HUNG.run(student_id=student_id, date_from=monday, date_to=sunday)
        for kind, lesson_id, a, b, c, d in hung:
            item = by_id.get(lesson_id)
            if item is None:
                continue
            if kind == "m":
                item.marks.append(DiaryMark(value=a, kind=b, comment=c, slot=int(d)))
            elif kind == "a":
                item.attendance = a
            else:
                item.files.append(DiaryFile(id=int(a), name=b))
        for item in by_id.values():
            item.marks.sort(key=lambda mark: mark.slot)
            item.files.sort(key=lambda file: file.id)
    days = [
        DiaryDay(date=monday + dt.timedelta(days=offset), is_today=False) for offset in range(7)
    ]
    for item in by_id.values():
        days[item.date.weekday()].lessons.append(item)
    if not days[6].lessons:
        days.pop()
    for day in days:
        day.is_today = day.date == today
    return DiaryWeek(monday=monday, days=days)


# --- semesters, marks and attendance -----------------------------------------------------------


def student_semesters(*, organization_id: int, student_id: int, today: dt.date) -> list[Period]:
    """Every semester, of every academic year, in which the student was in a group (begun by
    `today`), newest first, with its year (one query; Положение 2.2: all years stay open)."""
    studied = Membership.objects.filter(
        student_id=student_id, date_from__lte=OuterRef("date_to")
    ).filter(Q(date_to__isnull=True) | Q(date_to__gte=OuterRef("date_from")))
    return list(
        Period.objects.semesters()
        .filter(academic_year__organization_id=organization_id, date_from__lte=today)
        .filter(Exists(studied))
        .select_related("academic_year")
        .order_by("-date_from")
    )


def choose_semester(semesters: list[Period], wanted: str, today: dt.date) -> Period | None:
    """The semester asked for by id (None when it is not one of `semesters`), else the one of
    `today`, else the latest."""
    if wanted:
        return next((p for p in semesters if str(p.pk) == wanted), None)
    current = next((p for p in semesters if p.date_from <= today <= p.date_to), None)
    return current or (semesters[0] if semesters else None)


def mark_css(value: str) -> str:
    return MARK_CSS.get(value, "mark-fail" if value == "нз" else "")


@dataclass(frozen=True)
class MarkEntry:
    date: dt.date
    value: str
    kind: str
    kind_short: str
    weight: Decimal
    comment: str

    @property
    def css(self) -> str:
        return mark_css(self.value)


@dataclass
class SubjectMarks:
    """A curriculum item's marks of a student for a range, with the attestation mark."""

    item_id: int
    index: str
    name: str
    position: int
    marks: list[MarkEntry] = field(default_factory=list)
    attestation: str = ""
    attestation_form: str = ""

    @cached_property
    def average(self) -> Decimal | None:
        return weighted_average((mark.value, mark.weight) for mark in self.marks)

    @property
    def proposed(self) -> str:
        return proposed_mark(self.average)

    @property
    def title(self) -> str:
        return f"{self.index} {self.name}"

    @property
    def attestation_css(self) -> str:
        return mark_css(self.attestation)


def _subject_order(subject: SubjectMarks) -> tuple[int, str, int]:
    return (subject.position, subject.index, subject.item_id)


def marks_by_subject(
    *, organization_id: int, student_ids: list[int], date_from: dt.date, date_to: dt.date
) -> dict[int, list[SubjectMarks]]:
    """Student id → their marks of lessons in date_from..date_to, by curriculum item, each mark
    with its date and work kind (weight for the average); one query."""
    rows = (
        Mark.objects.filter(
            student_id__in=student_ids,
            lesson__date__gte=date_from,
            lesson__date__lte=date_to,
            lesson__workload__group__organization_id=organization_id,
        )
        .order_by("lesson__date", "lesson__pair_number", "lesson_id", "slot")
        .values_list(
            "student_id",
            "lesson__date",
            "value",
            "work_kind__name",
            "work_kind__short_name",
            "work_kind__weight",
            "comment",
            "lesson__workload__item_id",
            "lesson__workload__item__index",
            "lesson__workload__item__name",
            "lesson__workload__item__position",
        )
    )
    subjects: dict[int, dict[int, SubjectMarks]] = defaultdict(dict)
    for student_id, day, value, kind, short, weight, comment, item_id, index, name, pos in rows:
        subject = subjects[student_id].get(item_id)
        if subject is None:
            subject = subjects[student_id][item_id] = SubjectMarks(item_id, index, name, pos)
        subject.marks.append(MarkEntry(day, value, kind, short, weight, comment))
    return {
        student_id: sorted(by_item.values(), key=_subject_order)
        for student_id, by_item in subjects.items()
    }


def semester_results(
    *, organization_id: int, student_id: int, period: Period
) -> list[SubjectMarks]:
    """The semester's marks by subject with the attestation marks set in its sheets (two
    queries: the marks, the attestation marks). A subject attested without current marks is
    listed too."""
    subjects = {
        subject.item_id: subject
        for subject in marks_by_subject(
            organization_id=organization_id,
            student_ids=[student_id],
            date_from=period.date_from,
            date_to=period.date_to,
        ).get(student_id, [])
    }
    attested = (
        AttestationMark.objects.filter(
            student_id=student_id,
            sheet__period_id=period.pk,
            sheet__group__organization_id=organization_id,
        )
        .exclude(value="")
        .values_list(
            "sheet__item_id",
            "sheet__item__index",
            "sheet__item__name",
            "sheet__item__position",
            "value",
            "sheet__form",
        )
    )
    for item_id, index, name, position, value, form in attested:
        subject = subjects.get(item_id)
        if subject is None:
            subject = subjects[item_id] = SubjectMarks(item_id, index, name, position)
        subject.attestation = value
        subject.attestation_form = form
    return sorted(subjects.values(), key=_subject_order)


@dataclass
class MissedHours:
    """Missed hours (Lesson.hours of the absences), excused and not, and times late."""

    excused: int = 0
    unexcused: int = 0
    late: int = 0

    @property
    def missed(self) -> int:
        return self.excused + self.unexcused

    def add(self, code: str, hours: int) -> None:
        if code == AttendanceCode.LATE:
            self.late += 1
        elif code in EXCUSED_CODES:
            self.excused += hours
        elif code in ABSENCE_CODES:
            self.unexcused += hours


@dataclass
class SubjectAttendance(MissedHours):
    item_id: int = 0
    index: str = ""
    name: str = ""
    position: int = 0

    @property
    def title(self) -> str:
        return f"{self.index} {self.name}"


@dataclass
class MonthAttendance(MissedHours):
    month: dt.date = dt.date.min  # the first day of the month


@dataclass
class AttendanceSummary:
    subjects: list[SubjectAttendance] = field(default_factory=list)
    months: list[MonthAttendance] = field(default_factory=list)
    total: MissedHours = field(default_factory=MissedHours)


def _months(date_from: dt.date, date_to: dt.date) -> list[dt.date]:
    months = []
    month = date_from.replace(day=1)
    while month <= date_to:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def attendance_by_student(
    *,
    organization_id: int,
    student_ids: list[int],
    date_from: dt.date,
    date_to: dt.date,
    months_to: dt.date | None = None,
) -> dict[int, AttendanceSummary]:
    """Student id → missed hours by subject and by month of date_from..date_to, excused apart
    from unexcused («Н» — reason not set yet — counts as unexcused), lateness counted apart;
    every student asked for is in the result; one query. The months listed run to `months_to`
    (a semester under way: today) or to the last month with an absence, whichever is later."""
    rows = list(
        Attendance.objects.filter(
            student_id__in=student_ids,
            lesson__date__gte=date_from,
            lesson__date__lte=date_to,
            lesson__workload__group__organization_id=organization_id,
        )
        .exclude(lesson__status=Lesson.Status.CANCELLED)
        .values_list(
            "student_id",
            "code",
            "lesson__date",
            "lesson__hours",
            "lesson__workload__item_id",
            "lesson__workload__item__index",
            "lesson__workload__item__name",
            "lesson__workload__item__position",
        )
    )
    last = max((row[2] for row in rows), default=date_from)
    months = _months(date_from, max(months_to or date_to, last))
    result = {
        student_id: AttendanceSummary(months=[MonthAttendance(month=m) for m in months])
        for student_id in student_ids
    }
    subjects: dict[int, dict[int, SubjectAttendance]] = defaultdict(dict)
    for student_id, code, day, hours, item_id, index, name, position in rows:
        summary = result[student_id]
        subject = subjects[student_id].get(item_id)
        if subject is None:
            subject = SubjectAttendance(item_id=item_id, index=index, name=name, position=position)
            subjects[student_id][item_id] = subject
        subject.add(code, hours)
        summary.total.add(code, hours)
        summary.months[months.index(day.replace(day=1))].add(code, hours)
    for student_id, by_item in subjects.items():
        result[student_id].subjects = sorted(
            by_item.values(), key=lambda s: (s.position, s.index, s.item_id)
        )
    return result


# --- letters to parents (Положение 4.5) --------------------------------------------------------


@dataclass
class Letter:
    student: Student
    subjects: list[SubjectMarks]
    attendance: AttendanceSummary
    parents_online: bool  # a parent receives the diary with an account and a consent in force


@dataclass
class GroupLetters:
    group: Group
    date_from: dt.date
    date_to: dt.date
    curators: list[str]
    letters: list[Letter]


def parents_online_exists(today: dt.date) -> Exists:
    """Whether the outer student (by `pk`) has a parent who reads the electronic diary."""
    consent = Consent.objects.filter(
        person_id=OuterRef("guardian_id"), signed_on__lte=today
    ).filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=today))
    return Exists(
        Guardianship.objects.filter(
            student_id=OuterRef("pk"),
            receives_diary=True,
            guardian__user__isnull=False,
            guardian__user__is_active=True,
        ).filter(Exists(consent))
    )


def letter_roll(
    group: Group, date_from: dt.date, date_to: dt.date, *, today: dt.date
) -> list[Student]:
    """Students on the group's roll at any time in date_from..date_to, by name, each with
    `parents_online` (one query)."""
    on_roll = Membership.objects.filter(group_id=group.pk).overlapping(date_from, date_to)
    return list(
        Student.objects.filter(pk__in=on_roll.values("student_id"))
        .select_related("person")
        .annotate(parents_online=parents_online_exists(today))
        .order_by("person__sort_key", "pk")
    )


def group_letters(
    *,
    group: Group,
    date_from: dt.date,
    date_to: dt.date,
    today: dt.date,
    student_id: int | None = None,
    only_offline: bool = False,
) -> GroupLetters:
    """One letter per student of the group's roll in the period (or one student's), with the
    same marks and attendance the diary shows: four queries whatever the group's size (roll,
    marks, attendance, curators)."""
    roll = letter_roll(group, date_from, date_to, today=today)
    if student_id is not None:
        roll = [student for student in roll if student.pk == student_id]
    if only_offline:
        roll = [student for student in roll if not student.parents_online]  # type: ignore[attr-defined]
    ids = [student.pk for student in roll]
    organization_id = group.organization_id
    marks = marks_by_subject(
        organization_id=organization_id, student_ids=ids, date_from=date_from, date_to=date_to
    )
    attendance = attendance_by_student(
        organization_id=organization_id, student_ids=ids, date_from=date_from, date_to=date_to
    )
    return GroupLetters(
        group=group,
        date_from=date_from,
        date_to=date_to,
        curators=group_curators([group.pk]).get(group.pk, []),
        letters=[
            Letter(
                student=student,
                subjects=marks.get(student.pk, []),
                attendance=attendance[student.pk],
                parents_online=bool(student.parents_online),  # type: ignore[attr-defined]
            )
            for student in roll
        ],
    )
