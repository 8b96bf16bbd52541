"""The demo journals: КТП, lessons, marks, absences and substitutions of the current year.

Runs after a college's plan is laid out (`generator._CollegeBuilder.build`) and adds unsaved
rows to the same plan: the organization's work kinds, a КТП for every workload line of the
current year, and for every semester of that year up to the day before `today` the lessons at
the rate the line's hours give (two hours a pair), each with the next topic of the plan, on
days from Monday to Saturday outside public holidays, with pair numbers that clash neither for
the group nor for the teacher where that is possible. Marks and absences go only to students on
the roll on the lesson's day (dated memberships; subgroup memberships for a subgroup's line).
The demo is generated data, not user actions: no journal history rows are written for it.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import F, OuterRef, Subquery

from otmetka.academics.models import (
    CurriculumHours,
    CurriculumItem,
    Membership,
    SubgroupMembership,
    Workload,
)
from otmetka.accounts.models import User
from otmetka.demo import catalog, topics
from otmetka.journal.defaults import DEFAULT_WORK_KINDS
from otmetka.journal.models import (
    Attendance,
    AttendanceCode,
    Lesson,
    LessonType,
    Mark,
    MarkValue,
    PlannedTopic,
    Substitution,
    ThematicPlan,
    WorkKind,
)
from otmetka.org.models import Period
from otmetka.people.models import Employee, Student

if TYPE_CHECKING:
    from otmetka.demo.generator import _CollegeBuilder

# Buckets this module fills, in insertion order (after every bucket of the college itself).
JOURNAL_BUCKETS: tuple[str, ...] = (
    "work_kinds", "thematic_plans", "planned_topics", "lessons", "substitutions", "marks",
    "attendance",
)

PAIRS_A_DAY = 6
# The demo colleges teach six days a week, as many colleges do; Saturday is shorter (its own
# bells, catalog.SATURDAY_PAIRS) and has four pairs at most.
SATURDAY_PAIRS_A_DAY = 4
# Non-working public holidays that fall inside the semesters (month, day).
PUBLIC_HOLIDAYS: frozenset[tuple[int, int]] = frozenset({
    (11, 4), (12, 31), (2, 23), (3, 8), (5, 1), (5, 9), (6, 12),
})

ABSENCE_SHARE = 0.05
LATE_SHARE = 0.01
REASON_SHARE = 0.6  # of the absences before the current week (the curator sets them weekly)
SUBSTITUTION_SHARE = 0.006
# Reasons the curator sets for an absence, with their weights.
REASONS: tuple[tuple[str, int], ...] = (
    (AttendanceCode.ILLNESS, 5), (AttendanceCode.EXCUSED, 2), (AttendanceCode.UNEXCUSED, 3),
    (AttendanceCode.BY_ORDER, 1),
)
# Mark weights (5, 4, 3, 2) of a strong, an average and a weak student.
MARK_VALUES = (MarkValue.FIVE, MarkValue.FOUR, MarkValue.THREE, MarkValue.TWO)
MARK_WEIGHTS: tuple[tuple[int, int, int, int], ...] = (
    (55, 35, 9, 1), (25, 45, 25, 5), (8, 32, 45, 15),
)
LEVEL_SHARES = (0.3, 0.5, 0.2)
ABSENCE_BY_LEVEL = (0.6, 1.0, 1.8)  # multiplies ABSENCE_SHARE

# Work kinds (by name in DEFAULT_WORK_KINDS) a lesson type's marks are given for, weighted.
WORK_KINDS_BY_TYPE: dict[str, tuple[tuple[str, int], ...]] = {
    LessonType.THEORY: (("Устный ответ", 6), ("Домашнее задание", 2),
                        ("Самостоятельная работа", 1), ("Тестирование", 1)),
    LessonType.PRACTICAL: (("Практическая работа", 8), ("Устный ответ", 2)),
    LessonType.LABORATORY: (("Лабораторная работа", 1),),
    LessonType.CONTROL: (("Контрольная работа", 1),),
    LessonType.SEMINAR: (("Доклад", 2), ("Реферат", 1)),
    LessonType.PRACTICE: (("Практическая работа", 1),),
    LessonType.COURSEWORK: (("Проект", 1),),
    LessonType.EXAM: (("Зачёт", 1),),
}
SECOND_MARK_KIND = "Домашнее задание"


def pairs_a_day(day: dt.date) -> int:
    """The most pairs a group has on `day`: six on weekdays, four on Saturdays."""
    return SATURDAY_PAIRS_A_DAY if day.weekday() == 5 else PAIRS_A_DAY


def bells_of(day: dt.date) -> tuple[tuple[dt.time, dt.time], ...]:
    return catalog.SATURDAY_PAIRS if day.weekday() == 5 else catalog.WEEKDAY_PAIRS


def semester_days(date_from: dt.date, date_to: dt.date) -> list[dt.date]:
    """Teaching days of a semester: Monday to Saturday, public holidays excepted."""
    days = []
    day = date_from
    while day <= date_to:
        if day.weekday() < 6 and (day.month, day.day) not in PUBLIC_HOLIDAYS:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


@dataclass
class _Line:
    """A workload line with its КТП topics of each half-year and the next topic to teach."""

    workload: Workload
    area: str
    topics: dict[int, list[PlannedTopic]] = field(default_factory=dict)
    taught: dict[int, int] = field(default_factory=lambda: defaultdict(int))


@dataclass(frozen=True)
class _Slot:
    line: _Line
    half: int
    day: dt.date
    pair: int


@dataclass(frozen=True)
class _Cells:
    lesson: Lesson
    user: User | None
    roster: list[Student]
    attended: set[int]
    absent: set[int]
    marked: set[int]


class JournalBuilder:
    """Adds one college's journals to the plan of `college` (already built)."""

    def __init__(self, college: _CollegeBuilder, rng: random.Random) -> None:
        self.college = college
        self.plan = college.plan
        self.rng = rng
        self.today = college.today
        self.organization = college.organization
        self.zone = ZoneInfo(self.organization.timezone)
        self.week_start = self.today - dt.timedelta(days=self.today.weekday())
        self.work_kinds: dict[str, WorkKind] = {}
        self.levels: dict[int, int] = {}
        self.members: dict[int, list[tuple[Student, dt.date, dt.date | None]]] = defaultdict(list)
        self.subgroup_members: dict[int, list[tuple[Student, dt.date, dt.date | None]]] = (
            defaultdict(list)
        )
        self.curator_users: dict[int, User | None] = {}
        self.areas: dict[tuple[str, str], str] = {}
        self.hours: dict[int, dict[int, CurriculumHours]] = defaultdict(dict)
        self.demo_teacher = next((teacher.employee for teacher in college.teachers
                                  if teacher.demo_key == "teacher"), None)
        self.demo_group = college.demo_group.group if college.demo_group else None
        # The demo teacher's lessons in the demo group: (lesson, who filled it, roster, ids of
        # students with an attendance row, ids of the absent, ids of the marked).
        self.demo_cells: list[_Cells] = []

    def add(self, bucket: str, obj: object) -> None:
        self.plan.buckets[bucket].append(obj)  # type: ignore[arg-type]

    # --- what the college already holds -------------------------------------------------------

    def collect(self) -> None:
        buckets = self.plan.buckets
        for membership in buckets["memberships"]:
            assert isinstance(membership, Membership)
            if membership.group.organization is self.organization:
                self.members[id(membership.group)].append(
                    (membership.student, membership.date_from, membership.date_to))
        for row in buckets["subgroup_memberships"]:
            assert isinstance(row, SubgroupMembership)
            if row.subgroup.group.organization is self.organization:
                self.subgroup_members[id(row.subgroup)].append(
                    (row.student, row.date_from, row.date_to))
        for link in buckets["group_curators"]:
            group = link.group  # type: ignore[attr-defined]
            if group.organization is self.organization:
                self.curator_users[id(group)] = link.employee.person.user  # type: ignore[attr-defined]
        for abbreviation, template in self.college.templates.items():
            for item_template in template:
                self.areas[(abbreviation, item_template.index)] = item_template.area
        for row in buckets["hours"]:
            assert isinstance(row, CurriculumHours)
            if row.item.curriculum.program.organization is self.organization:
                self.hours[id(row.item)][row.semester] = row

    def semesters(self) -> list[tuple[int, dt.date, dt.date]]:
        periods = [period for period in self.plan.buckets["periods"]
                   if isinstance(period, Period) and period.academic_year is self.college.year
                   and period.kind == Period.Kind.SEMESTER]
        return sorted((period.number, period.date_from, period.date_to) for period in periods)

    # --- build ----------------------------------------------------------------------------------

    def build(self) -> None:
        self.collect()
        self.create_work_kinds()
        abbreviations = {id(info.group): info.spec.abbreviation for info in self.college.groups}
        lines = []
        for workload in self.plan.buckets["workloads"]:
            assert isinstance(workload, Workload)
            if workload.academic_year is not self.college.year:
                continue
            area = self.areas.get((abbreviations[id(workload.group)], workload.item.index), "")
            line = _Line(workload, area)
            self.thematic_plan(line)
            lines.append(line)
        for half, date_from, date_to in self.semesters():
            if date_from >= self.today:
                continue
            for slot in self.timetable(lines, half, semester_days(date_from, date_to)):
                self.lesson(slot)
        self.complete_demo_journal()

    def complete_demo_journal(self) -> None:
        """The demo teacher's journal shows a mark of the demo student and an absence."""
        student = self.college.demo_student
        if student is None or not self.demo_cells:
            return
        if not any(id(student) in cells.marked for cells in self.demo_cells):
            for cells in reversed(self.demo_cells):
                if student in cells.roster and id(student) not in cells.attended:
                    self.mark(cells.lesson, student, 1, "Устный ответ", cells.user)
                    cells.marked.add(id(student))
                    break
        if not any(cells.absent for cells in self.demo_cells):
            for cells in reversed(self.demo_cells):
                absent = [other for other in cells.roster if other is not student
                          and id(other) not in cells.attended and id(other) not in cells.marked]
                if absent:
                    self.add("attendance", Attendance(lesson=cells.lesson, student=absent[0],
                                                      code=AttendanceCode.ABSENT,
                                                      updated_by=cells.user))
                    cells.absent.add(id(absent[0]))
                    break

    def create_work_kinds(self) -> None:
        for position, (name, short_name, weight, sgo_type_id) in enumerate(DEFAULT_WORK_KINDS):
            kind = WorkKind(organization=self.organization, name=name, short_name=short_name,
                            weight=weight, sgo_type_id=sgo_type_id, position=position + 1)
            self.work_kinds[name] = kind
            self.add("work_kinds", kind)

    # --- КТП ----------------------------------------------------------------------------------

    def thematic_plan(self, line: _Line) -> None:
        workload = line.workload
        plan = ThematicPlan(workload=workload, note="")
        self.add("thematic_plans", plan)
        item = workload.item
        stems = topics.theory_stems(line.area)
        practice = topics.practice_stems(line.area)
        if line.area in topics.AREA_THEORY:
            practice = practice + stems
        offset = self.rng.randrange(len(stems))
        counters: dict[str, int] = defaultdict(int)
        position = 0
        section = 1
        for half, hours in ((1, workload.hours_first), (2, workload.hours_second)):
            kinds = self.topic_kinds(
                item, workload.group.semester_of(half, workload.academic_year), hours
            )
            if position == 0 and kinds and LessonType.THEORY in kinds:
                kinds.remove(LessonType.THEORY)
                kinds.insert(0, LessonType.THEORY)
            section_length = max(6, len(kinds) // 4)
            planned = []
            in_section = 0
            for number, kind in enumerate(kinds):
                position += 1
                hours_of = 2 if number < len(kinds) - 1 or hours % 2 == 0 else 1
                last_in_section = (number + 1) % section_length == 0 or number == len(kinds) - 1
                if kind == LessonType.THEORY and position == 1:
                    title = topics.INTRODUCTION % item.name
                elif kind == LessonType.THEORY and last_in_section and number > 0:
                    kind = LessonType.CONTROL
                    title = topics.SECTION_TEST % section
                elif kind == LessonType.THEORY:
                    in_section += 1
                    stem = stems[(offset + counters["theory"]) % len(stems)]
                    counters["theory"] += 1
                    title = f"Тема {section}.{in_section}. {stem}"
                elif kind == LessonType.PRACTICE:
                    counters["practice"] += 1
                    stem = practice[(offset + counters["practice"]) % len(practice)]
                    title = topics.PRACTICE_DAY % (counters["practice"], stem)
                elif kind == LessonType.COURSEWORK:
                    stem = practice[(offset + counters["coursework"]) % len(practice)]
                    counters["coursework"] += 1
                    title = topics.COURSEWORK % stem.lower()
                else:
                    counters[kind] += 1
                    stem = practice[(offset + counters[kind]) % len(practice)]
                    template = (topics.LABORATORY if kind == LessonType.LABORATORY
                                else topics.PRACTICAL)
                    title = template % (counters[kind], stem)
                homework = self.homework_text() if self.rng.random() < 0.4 else ""
                topic = PlannedTopic(plan=plan, position=position, title=title, hours=hours_of,
                                     lesson_type=kind, homework=homework)
                self.add("planned_topics", topic)
                planned.append(topic)
                if last_in_section:
                    section += 1
                    in_section = 0
            line.topics[half] = planned

    def topic_kinds(self, item: CurriculumItem, semester: int, hours: int) -> list[str]:
        """Lesson types of the pairs of `hours`, interleaved in the curriculum's proportions."""
        pairs = math.ceil(hours / 2)
        if not pairs:
            return []
        if item.kind in (CurriculumItem.Kind.EDUCATIONAL_PRACTICE,
                         CurriculumItem.Kind.INDUSTRIAL_PRACTICE):
            return [LessonType.PRACTICE] * pairs
        row = self.hours[id(item)].get(semester)
        shares: dict[str, int] = {LessonType.THEORY: pairs}
        if row is not None and row.classroom:
            shares = {
                LessonType.THEORY: row.theory, LessonType.PRACTICAL: row.practical,
                LessonType.LABORATORY: row.laboratory, LessonType.COURSEWORK: row.coursework,
            }
        total = sum(shares.values())
        used: dict[str, int] = defaultdict(int)
        kinds = []
        for number in range(pairs):
            # The kind furthest behind its share goes next: an even interleaving.
            kind = max(shares, key=lambda k: (shares[k] * (number + 1) / total - used[k],
                                              shares[k]))
            used[kind] += 1
            kinds.append(kind)
        return kinds

    def homework_text(self) -> str:
        text = self.rng.choice(topics.HOMEWORK)
        count = text.count("%d")
        if count == 1:
            return text % self.rng.randint(3, 40)
        if count == 2:
            first = self.rng.randint(1, 60)
            return text % (first, first + self.rng.randint(2, 6))
        return text

    # --- the timetable ------------------------------------------------------------------------

    def timetable(self, lines: list[_Line], half: int, days: list[dt.date]) -> list[_Slot]:
        """Days and pairs of each line's lessons up to the day before `today`.

        A line's lessons are spread evenly over the semester's teaching days; each day a group's
        lessons take the lowest pair that neither the group nor the teacher has taken yet, and
        a lesson that finds none moves on to the next day.
        """
        wanted: dict[int, list[_Line]] = defaultdict(list)
        for line in lines:
            count = len(line.topics.get(half, ()))
            if not count or not days:
                continue
            step = len(days) / count
            phase = self.rng.random() * min(step, 5)
            for number in range(count):
                wanted[min(len(days) - 1, int(phase + number * step))].append(line)
        carried: dict[int, list[_Line]] = defaultdict(list)
        slots: list[_Slot] = []
        for index, day in enumerate(days):
            if day >= self.today:
                break
            by_group: dict[int, list[_Line]] = defaultdict(list)
            order: list[int] = []
            for line in wanted.get(index, ()):
                key = id(line.workload.group)
                if key not in by_group and not carried.get(key):
                    order.append(key)
                by_group[key].append(line)
            order = [key for key in carried if carried[key]] + order
            teacher_busy: set[tuple[int, int]] = set()
            for key in order:
                fresh = by_group.get(key, [])
                self.rng.shuffle(fresh)
                pending = carried.pop(key, []) + fresh
                taken: set[int] = set()
                left = []
                for line in pending:
                    teacher = id(line.workload.teacher)
                    pair = next((number for number in range(1, pairs_a_day(day) + 1)
                                 if number not in taken and (teacher, number) not in teacher_busy),
                                None)
                    if pair is None:
                        left.append(line)
                        continue
                    taken.add(pair)
                    teacher_busy.add((teacher, pair))
                    slots.append(_Slot(line, half, day, pair))
                if left:
                    carried[key] = left
        return slots

    # --- lessons, marks, attendance -----------------------------------------------------------

    def roster(self, workload: Workload, day: dt.date) -> list[Student]:
        if workload.subgroup is not None:
            rows = self.subgroup_members[id(workload.subgroup)]
        else:
            rows = self.members[id(workload.group)]
        return [student for student, date_from, date_to in rows
                if date_from <= day and (date_to is None or day <= date_to)]

    def level(self, student: Student) -> int:
        key = id(student)
        if key not in self.levels:
            roll = self.rng.random()
            self.levels[key] = 0 if roll < LEVEL_SHARES[0] else (
                1 if roll < LEVEL_SHARES[0] + LEVEL_SHARES[1] else 2)
        return self.levels[key]

    def filled_at(self, day: dt.date, pair: int) -> dt.datetime:
        ends = bells_of(day)[pair - 1][1]
        moment = dt.datetime.combine(day, ends, tzinfo=self.zone)
        moment += dt.timedelta(minutes=self.rng.randint(3, 150))
        roll = self.rng.random()
        if roll < 0.03:
            moment += dt.timedelta(days=self.rng.randint(2, 6))
        elif roll < 0.1:
            moment += dt.timedelta(days=1)
        latest = dt.datetime.combine(self.today, dt.time(0, 0), tzinfo=self.zone)
        return min(moment, latest - dt.timedelta(minutes=self.rng.randint(1, 60)))

    def lesson(self, slot: _Slot) -> None:
        line = slot.line
        workload = line.workload
        topic = line.topics[slot.half][line.taught[slot.half]]
        line.taught[slot.half] += 1
        teacher = workload.teacher
        substitute = None
        if self.rng.random() < SUBSTITUTION_SHARE:
            substitute = self.substitute_for(teacher, line.area)
            if substitute is not None:
                teacher = substitute
        user = teacher.person.user
        homework = ""
        if self.rng.random() < 0.5:
            homework = topic.homework or self.homework_text()
        lesson = Lesson(
            workload=workload, date=slot.day, pair_number=slot.pair, hours=topic.hours,
            lesson_type=topic.lesson_type, topic=topic, topic_text=topic.title,
            homework=homework, teacher=teacher, status=Lesson.Status.HELD,
            source=Lesson.Source.MANUAL, filled_at=self.filled_at(slot.day, slot.pair),
            created_by=user,
        )
        self.add("lessons", lesson)
        if substitute is not None:
            self.add("substitutions", Substitution(
                lesson=lesson, absent_teacher=workload.teacher, substitute=substitute,
                reason=self.rng.choice(topics.SUBSTITUTION_REASONS),
            ))
        roster = self.roster(workload, slot.day)
        cells = self.marks_and_attendance(lesson, user, roster)
        if workload.teacher is self.demo_teacher and workload.group is self.demo_group:
            self.demo_cells.append(cells)

    def substitute_for(self, teacher: Employee, area: str) -> Employee | None:
        colleagues = [other.employee for other in self.college.teachers
                      if other.area == area and other.employee is not teacher]
        if not colleagues:
            colleagues = [other.employee for other in self.college.teachers
                          if other.employee is not teacher]
        return self.rng.choice(colleagues) if colleagues else None

    def marks_and_attendance(self, lesson: Lesson, user: User | None,
                             roster: list[Student]) -> _Cells:
        cells = _Cells(lesson, user, roster, set(), set(), set())
        present = []
        curator = self.curator_users.get(id(lesson.workload.group))
        for student in roster:
            roll = self.rng.random()
            absence = ABSENCE_SHARE * ABSENCE_BY_LEVEL[self.level(student)]
            if roll < absence:
                code: str = AttendanceCode.ABSENT
                updated_by = user
                if lesson.date < self.week_start and self.rng.random() < REASON_SHARE:
                    code = self.rng.choices([code for code, _ in REASONS],
                                            [weight for _, weight in REASONS])[0]
                    updated_by = curator or user
                self.add("attendance", Attendance(lesson=lesson, student=student, code=code,
                                                  updated_by=updated_by))
                cells.attended.add(id(student))
                cells.absent.add(id(student))
                continue
            if roll < absence + LATE_SHARE:
                self.add("attendance", Attendance(lesson=lesson, student=student,
                                                  code=AttendanceCode.LATE, updated_by=user))
                cells.attended.add(id(student))
            present.append(student)
        kinds = WORK_KINDS_BY_TYPE.get(lesson.lesson_type)
        if not kinds or not present:
            return cells
        if lesson.lesson_type == LessonType.CONTROL:
            marked = [student for student in present if self.rng.random() < 0.9]
        else:
            count = round(len(present) * self.rng.uniform(0.2, 0.3))
            marked = self.rng.sample(present, count)
        names = [name for name, _ in kinds]
        weights = [weight for _, weight in kinds]
        for student in marked:
            cells.marked.add(id(student))
            self.mark(lesson, student, 1, self.rng.choices(names, weights)[0], user)
            if (lesson.lesson_type in (LessonType.THEORY, LessonType.PRACTICAL)
                    and self.rng.random() < 0.05):
                self.mark(lesson, student, 2, SECOND_MARK_KIND, user)
        return cells

    def mark(self, lesson: Lesson, student: Student, slot: int, kind: str,
             user: User | None) -> None:
        value = self.rng.choices(MARK_VALUES, MARK_WEIGHTS[self.level(student)])[0]
        comment = ""
        comments = topics.MARK_COMMENTS.get(value)
        if comments and self.rng.random() < (0.4 if value == MarkValue.TWO else 0.05):
            comment = self.rng.choice(comments)
        self.add("marks", Mark(lesson=lesson, student=student, slot=slot, value=value,
                               work_kind=self.work_kinds[kind], comment=comment,
                               updated_by=user))


def add_journals(college: _CollegeBuilder, rng: random.Random) -> None:
    """Add the journals of the current year of one college to its plan."""
    JournalBuilder(college, rng).build()


def stamp_journal_times(organization_ids: list[int]) -> None:
    """Date the journal rows when their lesson was filled, not when the demo was loaded.

    `bulk_create` stamps auto_now fields with the current time; three updates (no query per
    row) give lessons, marks and attendance the time the teacher filled the lesson in.
    """
    lessons = Lesson.objects.filter(workload__group__organization_id__in=organization_ids)
    lessons.filter(filled_at__isnull=False).update(
        created_at=F("filled_at"), updated_at=F("filled_at")
    )
    filled = Lesson.objects.filter(pk=OuterRef("lesson_id")).values("filled_at")[:1]
    Mark.objects.filter(lesson__in=lessons).update(
        created_at=Subquery(filled), updated_at=Subquery(filled)
    )
    Attendance.objects.filter(lesson__in=lessons).update(updated_at=Subquery(filled))
