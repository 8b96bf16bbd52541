"""What the demo needs for the electronic diary, added to a college's plan without random draws.

- The demo parent has two children: the demo student and a younger sister in another group
  (`add_demo_sibling`, while the college is laid out), so the parent switches between them.
- After the journals and the timetable (`complete_demo_diary`): the past lessons get the room
  their line has in the timetable; the demo student has marks with comments and homework in
  the current week; a few classmates of the demo student have no consent recorded, so the
  curator sees whom to ask for one.

Nothing here draws from the college's random source: the rest of the demo stays as it was.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from otmetka.academics.models import Membership, SubgroupMembership
from otmetka.demo import catalog
from otmetka.journal.models import Lesson, Mark, WorkKind
from otmetka.org.models import Room
from otmetka.people.models import Consent, Guardianship, Person, Student, person_sort_key
from otmetka.schedule.models import TimetableEntry

if TYPE_CHECKING:
    from otmetka.demo.generator import _CollegeBuilder, _GroupInfo

SIBLING_FIRST_NAME = "Дарья"
CLASSMATES_WITHOUT_CONSENT = 3
# (value, work kind, comment) of the demo student's marks in the current week.
WEEK_MARKS: tuple[tuple[str, str, str], ...] = (
    ("5", "Устный ответ", "Подробный ответ у доски"),
    ("4", "Практическая работа", "Есть неточности в оформлении"),
    ("5", "Самостоятельная работа", ""),
)
WEEK_HOMEWORK = "Повторить конспект, выполнить задания 3–5 из практикума"


def _feminine_patronymic(father_name: str) -> str:
    return next(
        (female for name, _male, female in catalog.ADULT_MALE_NAMES if name == father_name),
        "",
    )


def _sibling_group(builder: _CollegeBuilder) -> _GroupInfo | None:
    """Another full-time group: of the demo group's program in another course if there is one."""
    demo = builder.demo_group
    if demo is None:
        return None
    others = [
        info
        for info in builder.groups
        if info is not demo and not info.spec.part_time
        and info.group.intake_year != demo.group.intake_year
    ]
    same_program = [info for info in others if info.spec.abbreviation == demo.spec.abbreviation]
    chosen = same_program or others
    return (
        min(chosen, key=lambda info: (-info.group.intake_year, info.group.name)) if chosen else None
    )


def add_demo_sibling(builder: _CollegeBuilder) -> Student | None:
    """The demo student's younger sister, in another group, a ward of both demo parents."""
    student = builder.demo_student
    info = _sibling_group(builder)
    if student is None or info is None:
        return None
    family = [
        row
        for row in builder.plan.buckets["guardianships"]
        if isinstance(row, Guardianship) and row.student is student
    ]
    father = next((row.guardian for row in family if row.kind == Guardianship.Kind.FATHER), None)
    surname = father.last_name if father is not None else student.person.last_name
    middle = _feminine_patronymic(father.first_name) if father is not None else ""
    intake = info.group.intake_year
    last_name = surname if surname.endswith("а") else f"{surname}а"
    person = builder.add(
        "persons",
        Person(
            organization=builder.organization,
            last_name=last_name,
            first_name=SIBLING_FIRST_NAME,
            middle_name=middle,
            sort_key=person_sort_key(last_name, SIBLING_FIRST_NAME, middle),
            birth_date=dt.date(intake - 15, 5, 14),
            sex=Person.Sex.FEMALE,
            snils=builder.plan.new_snils(),
            phone=student.person.phone,
            address=student.person.address,
        ),
    )
    order_no = f"{300 + intake % 100}-к"
    first_day = builder.calendar.year_start(intake)
    order_date = first_day - dt.timedelta(days=7)
    while order_date.weekday() >= 5:
        order_date -= dt.timedelta(days=1)
    builder.file_numbers[intake] += 1
    sibling = builder.add(
        "students",
        Student(
            person=person,
            status=Student.Status.STUDYING,
            personal_file_no=f"{builder.file_numbers[intake]:04d}/{intake % 100:02d}",
            enrolment_order_no=order_no,
            enrolment_order_date=order_date,
            citizenship="РФ",
            education_base=Student.EducationBase.GRADE_9,
            card_checked_at=order_date + dt.timedelta(days=1),
        ),
    )
    membership = builder.add(
        "memberships",
        Membership(
            group=info.group,
            student=sibling,
            date_from=first_day,
            basis=f"Приказ № {order_no} от {order_date:%d.%m.%Y}",
        ),
    )
    subgroup = builder.add(
        "subgroup_memberships",
        SubgroupMembership(
            subgroup=info.subgroups[0], student=sibling, date_from=first_day
        ),
    )
    from otmetka.demo.generator import _Open  # the generator imports this module

    builder.open_rows[id(sibling)] = _Open(membership, subgroup)
    builder.subgroup_sizes[id(info.subgroups[0])] += 1
    info.students.append(sibling)
    for row in family:
        builder.add(
            "guardianships",
            Guardianship(
                student=sibling, guardian=row.guardian, kind=row.kind, receives_diary=True
            ),
        )
    builder.consent(person, order_date)
    return sibling


def complete_demo_diary(builder: _CollegeBuilder) -> None:
    """Rooms of past lessons, the demo student's week, classmates without a consent."""
    lessons = [
        lesson
        for lesson in builder.plan.buckets["lessons"]
        if isinstance(lesson, Lesson) and lesson.workload.group.organization is builder.organization
    ]
    _rooms_from_timetable(builder, lessons)
    _demo_week(builder, lessons)
    _classmates_without_consent(builder)


def _rooms_from_timetable(builder: _CollegeBuilder, lessons: list[Lesson]) -> None:
    rooms: dict[int, Room] = {}
    for entry in builder.plan.buckets["timetable_entries"]:
        assert isinstance(entry, TimetableEntry)
        if entry.room is not None:
            rooms.setdefault(id(entry.workload), entry.room)
    for lesson in lessons:
        if lesson.room is None:
            lesson.room = rooms.get(id(lesson.workload))


def _demo_week(builder: _CollegeBuilder, lessons: list[Lesson]) -> None:
    """Marks with comments and homework for the demo student in this week's past lessons."""
    student = builder.demo_student
    if student is None:
        return
    monday = builder.today - dt.timedelta(days=builder.today.weekday())
    groups = {
        id(row.group)
        for row in builder.plan.buckets["memberships"]
        if isinstance(row, Membership) and row.student is student
    }
    subgroups = {
        id(row.subgroup)
        for row in builder.plan.buckets["subgroup_memberships"]
        if isinstance(row, SubgroupMembership) and row.student is student
    }
    week = [
        lesson
        for lesson in lessons
        if monday <= lesson.date < builder.today
        and id(lesson.workload.group) in groups
        and (lesson.workload.subgroup is None or id(lesson.workload.subgroup) in subgroups)
    ]
    week.sort(key=lambda lesson: (lesson.date, lesson.pair_number or 0))
    marked = {
        id(mark.lesson)
        for mark in builder.plan.buckets["marks"]
        if isinstance(mark, Mark) and mark.student is student
    }
    kinds = {
        kind.name: kind
        for kind in builder.plan.buckets["work_kinds"]
        if isinstance(kind, WorkKind) and kind.organization is builder.organization
    }
    free = [lesson for lesson in week if id(lesson) not in marked]
    for lesson, (value, kind, comment) in zip(free, WEEK_MARKS, strict=False):
        builder.add(
            "marks",
            Mark(
                lesson=lesson,
                student=student,
                slot=1,
                value=value,
                work_kind=kinds[kind],
                comment=comment,
                updated_by=lesson.created_by,
            ),
        )
    if week and not any(lesson.homework for lesson in week):
        week[-1].homework = WEEK_HOMEWORK


def _classmates_without_consent(builder: _CollegeBuilder) -> None:
    """Remove the consents of the last few classmates of the demo student (by name)."""
    info = builder.demo_group
    if info is None:
        return
    classmates = sorted(
        (student for student in info.students if student is not builder.demo_student),
        key=lambda student: student.person.sort_key,
    )[-CLASSMATES_WITHOUT_CONSENT:]
    people = {id(student.person) for student in classmates}
    builder.plan.buckets["consents"] = [
        row
        for row in builder.plan.buckets["consents"]
        if not (isinstance(row, Consent) and id(row.person) in people)
    ]
