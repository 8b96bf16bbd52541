"""The demo college generator: a deterministic plan of unsaved rows, then bulk inserts.

`build_plan(size=..., seed=...)` touches no database: it lays out every row of the demo
colleges as unsaved model instances that point at each other, drawn from random sources seeded
by `seed`, so a seed always gives the same college. `write_plan(plan, password_hash=...)`
inserts them bucket by bucket with `bulk_create` (parents before children: Django fills a
child's foreign key from its parent once the parent has its id), in one transaction, without a
query per row. The rows are the ones the services would make: names with
their collation key, formatted СНИЛС, curriculum hours that add up, memberships that never
overlap.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from faker import Faker

from otmetka.academics.models import (
    Curriculum,
    CurriculumHours,
    CurriculumItem,
    Group,
    Membership,
    Program,
    Subgroup,
    SubgroupMembership,
    Workload,
)
from otmetka.accounts.models import RoleAssignment, User
from otmetka.accounts.roles import Role
from otmetka.demo import catalog
from otmetka.demo.calendar import demo_calendar
from otmetka.demo.catalog import CollegeSpec, ProgramSpec
from otmetka.demo.diary import add_demo_sibling, complete_demo_diary
from otmetka.demo.journal import JOURNAL_BUCKETS, add_journals, stamp_journal_times
from otmetka.demo.timetable import TIMETABLE_BUCKETS, add_timetable
from otmetka.lib.snils import snils_make
from otmetka.org.models import (
    AcademicYear,
    BellSchedule,
    Department,
    Organization,
    Pair,
    Period,
    Room,
)
from otmetka.people.models import (
    Consent,
    Employee,
    Guardianship,
    Person,
    Position,
    Student,
    person_sort_key,
)

# The day the demo is set on: the current academic year and every date derive from it.
DEMO_TODAY = dt.date(2026, 11, 28)
DEMO_PASSWORD = "demo"
SIZES = tuple(catalog.SIZES)

# The fixed demo logins and their roles (the first role is the one a login starts in).
DEMO_ROLES: dict[str, tuple[str, ...]] = {
    "director": (Role.DIRECTOR,),
    "admin": (Role.ADMIN,),
    "deputy": (Role.DEPUTY,),
    "hr": (Role.HR,),
    "curator": (Role.CURATOR, Role.TEACHER),
    "teacher": (Role.TEACHER,),
    "dispatcher": (Role.DISPATCHER,),
    "head": (Role.DEPT_HEAD,),
    "secretary": (Role.SECRETARY,),
    "methodist": (Role.METHODIST,),
    "student": (Role.STUDENT,),
    "parent": (Role.PARENT,),
}

# Administration: login key (fixed demo login) or "" (a generated login), position, roles.
_ADMINISTRATION: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("director", "Директор", (Role.DIRECTOR,)),
    ("admin", "Инженер-программист", (Role.ADMIN,)),
    ("deputy", "Заместитель директора по учебно-методической работе", (Role.DEPUTY,)),
    ("hr", "Специалист по кадрам", (Role.HR,)),
    ("dispatcher", "Диспетчер образовательного учреждения", (Role.DISPATCHER,)),
    ("head", "Заведующий отделением", (Role.DEPT_HEAD,)),
    ("secretary", "Секретарь учебной части", (Role.SECRETARY,)),
    ("methodist", "Методист", (Role.METHODIST,)),
)
# A bigger college has more of them; the part-time head leads the part-time department.
_EXTRA_ADMINISTRATION: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("", "Заместитель директора по учебно-производственной работе", (Role.DEPUTY,)),
    ("part_time_head", "Заведующий отделением", (Role.DEPT_HEAD,)),
    ("", "Методист", (Role.METHODIST,)),
    ("", "Педагог-психолог", ()),
    ("", "Социальный педагог", ()),
)

# Share of young men among the students of a program (by its professional area).
_MALE_SHARE = {"ИС": 0.75, "СА": 0.8, "ТМ": 0.85, "ЭО": 0.9, "АТ": 0.93, "СЗ": 0.7,
               "ЭБ": 0.15, "СП": 0.9}
# Share of women among the teachers of an area.
_FEMALE_TEACHERS = {catalog.RUS: 0.95, catalog.LANG: 0.9, catalog.MATH: 0.8,
                    catalog.HIST: 0.75, catalog.PE: 0.4, catalog.OBZR: 0.3, catalog.INF: 0.6,
                    catalog.SCI: 0.8, catalog.ECON: 0.85, "ИС": 0.5, "СА": 0.35, "ЭБ": 0.95}
_FEMALE_TEACHERS_DEFAULT = 0.3

_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}

# Insertion order: every bucket's foreign keys point into earlier buckets.
WRITE_ORDER: tuple[str, ...] = (
    "organizations", "academic_years", "periods", "departments", "rooms", "bell_schedules",
    "pairs", "positions", "programs", "curricula", "items", "sub_items", "hours", "users",
    "persons", "employees", "employee_positions", "students", "guardianships", "consents",
    "groups", "group_curators", "subgroups", "memberships", "subgroup_memberships",
    "workloads", "role_assignments", *JOURNAL_BUCKETS, *TIMETABLE_BUCKETS,
)
_BATCH_SIZE = 500


def transliterate(text: str) -> str:
    return "".join(_TRANSLIT.get(char, char) for char in text.lower() if char.isalnum())


def feminine_surname(surname: str) -> str:
    """Смирнов → Смирнова, Достоевский → Достоевская; Шевченко and Белых stay as they are."""
    for male, female in (("ский", "ская"), ("цкий", "цкая"), ("ой", "ая"), ("ый", "ая")):
        if surname.endswith(male):
            return surname[: -len(male)] + female
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    return surname


def _even(value: float) -> int:
    return 2 * round(value / 2)


# --- Curriculum templates -----------------------------------------------------------------------


@dataclass(frozen=True)
class HoursRow:
    theory: int = 0
    practical: int = 0
    laboratory: int = 0
    coursework: int = 0
    independent: int = 0
    consultations: int = 0
    attestation_hours: int = 0
    form: str = ""

    @property
    def total(self) -> int:
        return (self.theory + self.practical + self.laboratory + self.coursework
                + self.independent + self.consultations + self.attestation_hours)

    @property
    def classroom(self) -> int:
        return self.theory + self.practical + self.laboratory + self.coursework


@dataclass(frozen=True)
class ItemTemplate:
    index: str
    name: str
    kind: str
    area: str
    bundle: str
    parent: str  # index of the ПМ it belongs to, or ""
    hours: dict[int, HoursRow]

    @property
    def is_language(self) -> bool:
        return self.area == catalog.LANG


def _discipline_hours(
    classroom: int,
    *,
    form: str,
    laboratory: bool = False,
    coursework: bool = False,
    general: bool = False,
    area: str = "",
    part_time: bool = False,
) -> HoursRow:
    """Split classroom hours into theory, practice, labs; add self-study and the exam."""
    self_study = 0
    if part_time:
        reduced = max(4, _even(classroom * 0.25))
        self_study = classroom - reduced
        classroom = reduced
    project = catalog.COURSEWORK_HOURS if coursework and classroom >= 40 else 0
    lessons = classroom - project
    if area == catalog.LANG:
        theory = 0
    elif area == catalog.PE:
        theory = _even(lessons * 0.1)
    else:
        theory = _even(lessons * 0.5)
    practice = lessons - theory
    laboratory_hours = _even(practice * 0.5) if laboratory else 0
    exam = form == catalog.EXAM
    return HoursRow(
        theory=theory,
        practical=practice - laboratory_hours,
        laboratory=laboratory_hours,
        coursework=project,
        independent=self_study + (0 if general else _even(classroom * 0.15)),
        consultations=catalog.EXAM_CONSULTATION_HOURS if exam else 0,
        attestation_hours=catalog.EXAM_HOURS if exam else 0,
        form=form,
    )


def _semester_forms(semesters: list[int], final_form: str, area: str) -> dict[int, str]:
    """The final semester gets the item's own form; earlier ones a credit or another form."""
    interim = catalog.CREDIT if area == catalog.PE else catalog.OTHER
    return {semester: (final_form if semester == semesters[-1] else interim)
            for semester in semesters}


def curriculum_template(spec: ProgramSpec) -> list[ItemTemplate]:
    """The items of a program's curriculum with hours per semester, in plan order."""
    length = spec.semesters + (2 if spec.part_time else 0)  # the full-time plan it follows
    shift = 2 if spec.part_time else 0
    own_area = spec.area
    items: list[ItemTemplate] = []

    def place(hours: dict[int, int]) -> list[tuple[int, int]]:
        return [(semester - shift, value) for semester, value in sorted(hours.items())
                if semester <= length and semester - shift >= 1]

    def discipline(index: str, name: str, area: str, hours: dict[int, int], final_form: str,
                   *, laboratory: bool, general: bool, bundle: str, kind: str,
                   parent: str = "", coursework: bool = False) -> None:
        placed = place(hours)
        if not placed:
            return
        forms = _semester_forms([semester for semester, _ in placed], final_form, area)
        last = placed[-1][0]
        rows = {
            semester: _discipline_hours(
                value, form=forms[semester], laboratory=laboratory, general=general, area=area,
                coursework=coursework and semester == last, part_time=spec.part_time,
            )
            for semester, value in placed
        }
        items.append(ItemTemplate(index, name, kind, area, bundle, parent, rows))

    def practice(index: str, name: str, kind: str, hours: dict[int, int], parent: str) -> None:
        placed = place(hours)
        if placed:
            rows = {semester: HoursRow(practical=value, form=catalog.DIFF_CREDIT)
                    for semester, value in placed}
            items.append(ItemTemplate(index, name, kind, own_area, parent, parent, rows))

    discipline_kind = CurriculumItem.Kind.DISCIPLINE
    for subject in (*catalog.GENERAL_SUBJECTS, *catalog.HUMANITIES_SUBJECTS):
        discipline(subject.index, subject.name, subject.area, subject.hours, subject.final_form,
                   laboratory=subject.laboratory, general=subject.index.startswith(("ОУД", "ИП")),
                   bundle=subject.bundle, kind=discipline_kind)
    layout = catalog.PROFESSIONAL_LAYOUT[length]
    for number, (name, area) in enumerate(spec.disciplines):
        discipline(
            f"ОП.{number + 1:02d}", name, area or own_area, layout[number % len(layout)],
            catalog.EXAM if number % 3 == 0 else catalog.DIFF_CREDIT,
            laboratory=not area and number % 2 == 0, general=False,
            bundle=area if area else "", kind=discipline_kind,
        )
    for number, (module, module_layout) in enumerate(
        zip(spec.modules, catalog.MODULE_LAYOUT[length], strict=False), start=1
    ):
        module_index = f"ПМ.{number:02d}"
        position = len(items)
        for part, (course, course_hours) in enumerate(
            zip(module.courses, module_layout.courses, strict=False), start=1
        ):
            discipline(
                f"МДК.{number:02d}.{part:02d}", course, own_area, course_hours,
                catalog.EXAM if part == 1 else catalog.DIFF_CREDIT,
                laboratory=part == 1, general=False, bundle=module_index,
                kind=CurriculumItem.Kind.INTERDISCIPLINARY_COURSE, parent=module_index,
                coursework=part == 1 and number <= 2,
            )
        practice(f"УП.{number:02d}", "Учебная практика", CurriculumItem.Kind.EDUCATIONAL_PRACTICE,
                 module_layout.educational_practice, module_index)
        practice(f"ПП.{number:02d}", "Производственная практика",
                 CurriculumItem.Kind.INDUSTRIAL_PRACTICE, module_layout.industrial_practice,
                 module_index)
        parts = items[position:]
        if not parts:
            continue
        last = max(semester for part_item in parts for semester in part_item.hours)
        exam = HoursRow(attestation_hours=catalog.MODULE_EXAM_HOURS,
                        form=catalog.QUALIFICATION_EXAM)
        items.insert(position, ItemTemplate(module_index, module.name, CurriculumItem.Kind.MODULE,
                                            own_area, "", "", {last: exam}))
    final = spec.semesters
    items.append(ItemTemplate(
        "ПДП", "Производственная практика (преддипломная)",
        CurriculumItem.Kind.INDUSTRIAL_PRACTICE, own_area, "ПДП", "",
        {final: HoursRow(practical=catalog.PRE_DIPLOMA_PRACTICE_HOURS, form=catalog.DIFF_CREDIT)},
    ))
    items.append(ItemTemplate(
        "ГИА", "Государственная итоговая аттестация", CurriculumItem.Kind.FINAL_ATTESTATION,
        own_area, "", "", {final: HoursRow(attestation_hours=catalog.FINAL_ATTESTATION_HOURS)},
    ))
    return items


def program_spec(abbreviation: str) -> ProgramSpec:
    if abbreviation.endswith("з"):
        return catalog.part_time(catalog.PROGRAMS[abbreviation[:-1]])
    return catalog.PROGRAMS[abbreviation]


# --- The plan -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    username: str
    roles: tuple[str, ...]
    full_name: str
    organization: str


@dataclass
class Plan:
    buckets: dict[str, list[models.Model]] = field(
        default_factory=lambda: {name: [] for name in WRITE_ORDER}
    )
    logins: list[DemoLogin] = field(default_factory=list)
    usernames: set[str] = field(default_factory=set)
    snils_numbers: set[int] = field(default_factory=set)
    snils_random: random.Random = field(default_factory=random.Random)

    def add(self, bucket: str, obj: models.Model) -> Any:
        self.buckets[bucket].append(obj)
        return obj

    def new_snils(self) -> str:
        while True:
            number = self.snils_random.randrange(2_000_000, 999_999_999)
            if number not in self.snils_numbers:
                self.snils_numbers.add(number)
                return snils_make(number)

    def new_username(self, wanted: str) -> str:
        username = wanted
        number = 2
        while username in self.usernames:
            username = f"{wanted}{number}"
            number += 1
        self.usernames.add(username)
        return username


@dataclass
class _Teacher:
    number: int
    employee: Employee
    area: str
    demo_key: str = ""
    load: int = 0
    curates: Group | None = None


@dataclass
class _Bundle:
    """Lines of one group that one teacher takes together (a ПМ, Русский язык и литература)."""

    group: Group
    area: str
    key: str
    lines: list[tuple[CurriculumItem, int | None, int, int]] = field(default_factory=list)

    @property
    def hours(self) -> int:
        return sum(first + second for _, _, first, second in self.lines)


@dataclass
class _GroupInfo:
    group: Group
    spec: ProgramSpec
    items: dict[str, CurriculumItem]
    subgroups: list[Subgroup]
    students: list[Student] = field(default_factory=list)


@dataclass
class _Open:
    """A student's current (open) rows, closed when they leave the group."""

    membership: Membership
    subgroup: SubgroupMembership | None = None


class _CollegeBuilder:
    """Lays out one college of a plan from its spec and a random source."""

    def __init__(
        self, plan: Plan, spec: CollegeSpec, rng: random.Random, fake: Faker, today: dt.date
    ) -> None:
        self.today = today
        self.plan = plan
        self.spec = spec
        self.rng = rng
        self.fake = fake
        # The usual college calendar, or one whose summer edge moved so that `today` is in a
        # semester under way (otmetka/demo/calendar.py).
        self.calendar = demo_calendar(today)
        self.current_year = self.calendar.current_year
        self.identities: set[tuple[str, dt.date | None]] = set()
        self.positions: dict[str, Position] = {}
        self.templates: dict[str, list[ItemTemplate]] = {}
        self.curricula: dict[tuple[str, int], tuple[Curriculum, dict[str, CurriculumItem]]] = {}
        self.programs: dict[str, Program] = {}
        self.groups: list[_GroupInfo] = []
        self.demo_group: _GroupInfo | None = None
        self.demo_student: Student | None = None
        self.teachers: list[_Teacher] = []
        # (person, role, demo login key or "") of students and parents who get an account.
        self.account_holders: list[tuple[Person, str, str]] = []
        self.open_rows: dict[int, _Open] = {}
        self.subgroup_sizes: dict[int, int] = defaultdict(int)
        self.expelled: set[int] = set()
        self.file_numbers: dict[int, int] = defaultdict(int)
        self.consent_number = 0
        self.teaching: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))

    # --- helpers --------------------------------------------------------------------------------

    def add(self, bucket: str, obj: models.Model) -> Any:
        return self.plan.add(bucket, obj)

    def day_between(self, start: dt.date, end: dt.date, *, weekday: bool = False) -> dt.date:
        day = start + dt.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))
        while weekday and day.weekday() >= 5:
            day += dt.timedelta(days=1)
        return day

    def born_before(self, birth: dt.date, least: int, most: int) -> dt.date:
        """A birth date `least` to `most` years before `birth` (a parent's)."""
        return self.day_between(dt.date(birth.year - most, 1, 1),
                                dt.date(birth.year - least, 12, 31))

    def phone(self) -> str:
        prefix = self.rng.choice(catalog.MOBILE_PREFIXES)
        digits = f"{self.rng.randrange(10_000_000):07d}"
        return f"+7 {prefix} {digits[:3]}-{digits[3:5]}-{digits[5:]}"

    def address(self) -> str:
        if self.rng.random() < 0.8:
            place, street = "г. Томск", self.rng.choice(catalog.TOMSK_STREETS)
        else:
            place, streets = self.rng.choice(catalog.REGION_PLACES)
            street = self.rng.choice(streets)
        house = self.rng.randint(1, 180)
        if place in ("г. Томск", "г. Северск") and self.rng.random() < 0.85:
            return f"{place}, {street}, д. {house}, кв. {self.rng.randint(1, 160)}"
        return f"{place}, {street}, д. {house}"

    def male_surname(self) -> str:
        return str(self.fake.last_name_male())

    def person(
        self,
        last: str,
        first: str,
        middle: str,
        sex: str,
        birth: dt.date | None,
        *,
        snils: bool = True,
        address: str = "",
    ) -> Person:
        key = person_sort_key(last, first, middle)
        # The people services refuse a second card with the same ФИО and date of birth.
        while birth is not None and (key, birth) in self.identities:
            birth += dt.timedelta(days=1)
        self.identities.add((key, birth))
        return self.add("persons", Person(
            organization=self.organization, last_name=last, first_name=first, middle_name=middle,
            sort_key=key, birth_date=birth, sex=sex,
            snils=self.plan.new_snils() if snils else "", phone=self.phone(), address=address,
        ))

    def account(self, person: Person, roles: tuple[str, ...], *, key: str = "",
                department: Department | None = None) -> User:
        if key:
            username = self.plan.new_username(self.spec.login_prefix + key)
        else:
            wanted = transliterate(person.last_name) + "." + transliterate(person.first_name)[:1]
            wanted += transliterate(person.middle_name)[:1]
            username = self.plan.new_username(self.spec.login_prefix + wanted)
        user = self.add("users", User(username=username, organization=self.organization))
        person.user = user
        for role in roles:
            self.add("role_assignments", RoleAssignment(
                user=user, organization=self.organization, role=role,
                department=department if role == Role.DEPT_HEAD else None,
            ))
        return user

    def consent(self, person: Person, signed_on: dt.date) -> None:
        self.consent_number += 1
        revoked = None
        if self.rng.random() < 0.01:
            revoked = self.day_between(signed_on + dt.timedelta(days=30), self.today)
        self.add("consents", Consent(
            person=person, signed_on=signed_on, revoked_on=revoked,
            document=f"Заявление-согласие на обработку персональных данных "
                     f"№ {self.consent_number}",
        ))

    # --- structure ------------------------------------------------------------------------------

    def build(self) -> None:
        self.structure()
        self.programs_and_curricula()
        self.administration()
        self.groups_and_students()
        self.movements()
        add_demo_sibling(self)
        bundles = self.bundles()
        self.hire_teachers(bundles)
        self.assign_workload(bundles)
        self.choose_curators()
        self.accounts()
        self.demo_logins()

    def structure(self) -> None:
        spec = self.spec
        self.organization = self.add("organizations", Organization(
            name=spec.name, short_name=spec.short_name, inn=self.inn(), address=spec.address,
            timezone="Asia/Tomsk", credentials_contact=spec.credentials_contact,
        ))
        for year in self.calendar.years():
            self.year = self.add("academic_years", AcademicYear(
                organization=self.organization, name=year.name,
                date_from=year.date_from, date_to=year.date_to,
            ))
            for period in year.periods:
                self.add("periods", Period(
                    academic_year=self.year, kind=period.kind, number=period.number,
                    name=period.name, date_from=period.date_from, date_to=period.date_to,
                ))
        self.full_time = self.add("departments", Department(
            organization=self.organization, name="Очное отделение",
            form_of_study=Department.Form.FULL_TIME,
        ))
        self.part_time: Department | None = None
        if spec.part_time_department:
            self.part_time = self.add("departments", Department(
                organization=self.organization, name="Заочное отделение",
                form_of_study=Department.Form.PART_TIME,
            ))
        for building, room_number, room_name, room_kind, capacity in catalog.ROOMS:
            if spec.all_rooms or building == catalog.MAIN_BUILDING:
                self.add("rooms", Room(organization=self.organization, building=building,
                                       number=room_number, name=room_name, kind=room_kind,
                                       capacity=capacity))
        for name, is_default, pairs in (
            ("Основное (понедельник — пятница)", True, catalog.WEEKDAY_PAIRS),
            ("Суббота", False, catalog.SATURDAY_PAIRS),
        ):
            bells = self.add("bell_schedules", BellSchedule(
                organization=self.organization, name=name, is_default=is_default,
            ))
            for number, (starts_at, ends_at) in enumerate(pairs, start=1):
                self.add("pairs", Pair(bell_schedule=bells, number=number, starts_at=starts_at,
                                       ends_at=ends_at))
        for name, is_teaching in catalog.POSITIONS:
            self.positions[name] = self.add("positions", Position(
                organization=self.organization, name=name, is_teaching=is_teaching,
            ))

    def inn(self) -> str:
        """A ten-digit ИНН of a Tomsk organization with a correct check digit."""
        body = self.spec.inn_prefix + "".join(str(self.rng.randint(0, 9)) for _ in range(5))
        weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
        check = sum(int(digit) * weight for digit, weight in zip(body, weights, strict=True))
        return body + str(check % 11 % 10)

    def programs_and_curricula(self) -> None:
        for abbreviation in self.spec.programs:
            spec = program_spec(abbreviation)
            form = Program.Form.PART_TIME if spec.part_time else Program.Form.FULL_TIME
            program = self.add("programs", Program(
                organization=self.organization, code=spec.code, name=spec.name,
                qualification=spec.qualification, level=spec.level, form_of_study=form,
                duration_months=spec.duration_months,
                department=self.part_time if spec.part_time else self.full_time,
            ))
            self.programs[abbreviation] = program
            template = self.templates.setdefault(abbreviation, curriculum_template(spec))
            courses = spec.semesters // 2
            label = "заочная форма, набор" if spec.part_time else "набор"
            for intake in range(self.current_year - courses + 1, self.current_year + 1):
                curriculum = self.add("curricula", Curriculum(
                    program=program, name=f"{spec.code} {label} {intake}", intake_year=intake,
                    semesters=spec.semesters, approved_on=dt.date(intake, 5, 29),
                ))
                self.curricula[(abbreviation, intake)] = (
                    curriculum, self.curriculum_items(curriculum, template)
                )

    def curriculum_items(
        self, curriculum: Curriculum, template: list[ItemTemplate]
    ) -> dict[str, CurriculumItem]:
        items: dict[str, CurriculumItem] = {}
        for position, item_template in enumerate(template, start=1):
            parent = items.get(item_template.parent)
            item = self.add("sub_items" if parent is not None else "items", CurriculumItem(
                curriculum=curriculum, parent=parent, kind=item_template.kind,
                index=item_template.index, name=item_template.name, position=position,
            ))
            items[item_template.index] = item
            for semester, row in item_template.hours.items():
                self.add("hours", CurriculumHours(
                    item=item, semester=semester, total=row.total, theory=row.theory,
                    practical=row.practical, laboratory=row.laboratory,
                    coursework=row.coursework, independent=row.independent,
                    consultations=row.consultations, attestation_hours=row.attestation_hours,
                    attestation_form=row.form,
                ))
        return items

    # --- staff ----------------------------------------------------------------------------------

    def employee(self, person: Person, positions: list[str], *, department: Department | None,
                 dismissal: dt.date | None = None) -> Employee:
        assert person.birth_date is not None
        latest = self.calendar.year_start(self.current_year) - dt.timedelta(days=1)
        earliest = min(latest, max(dt.date(person.birth_date.year + 22, 8, 25),
                                   dt.date(1995, 8, 25)))
        employee = self.add("employees", Employee(
            person=person, department=department,
            hire_date=self.day_between(earliest, latest, weekday=True),
            hire_order_no=f"{self.rng.randint(12, 240)}-лс", dismissal_date=dismissal,
        ))
        for name in positions:
            self.add("employee_positions", Employee.positions.through(
                employee=employee, position=self.positions[name],
            ))
        return employee

    def adult(self, sex: str, *, born_from: int, born_to: int, key: str = "") -> Person:
        """A grown-up: one of the fixed demo names for `key`, else a generated one."""
        birth = self.day_between(dt.date(born_from, 1, 1), dt.date(born_to, 12, 31))
        fixed = self.spec.fixed_names.get(key) if key else None
        if fixed is not None:
            return self.person(fixed.last_name, fixed.first_name, fixed.middle_name, fixed.sex,
                               birth)
        surname = self.male_surname()
        _, patronymic_male, patronymic_female = self.rng.choice(catalog.ADULT_MALE_NAMES)
        if sex == Person.Sex.FEMALE:
            first = self.rng.choice(catalog.ADULT_FEMALE_NAMES)
            return self.person(feminine_surname(surname), first, patronymic_female, sex, birth)
        first = self.rng.choice(catalog.ADULT_MALE_NAMES)[0]
        return self.person(surname, first, patronymic_male, sex, birth)

    def administration(self) -> None:
        staff = list(_ADMINISTRATION)
        if self.spec.extra_staff:
            staff.extend(_EXTRA_ADMINISTRATION)
        for key, position, roles in staff:
            fixed = self.spec.fixed_names.get(key)
            sex = fixed.sex if fixed else ("M" if self.rng.random() < 0.3 else "F")
            person = self.adult(sex, born_from=1962, born_to=1990, key=key)
            department = self.full_time
            if key == "part_time_head" and self.part_time is not None:
                department = self.part_time
            self.employee(person, [position], department=department)
            if roles:
                self.account(person, roles, key=key if key in DEMO_ROLES else "",
                             department=department)

    # --- groups and students --------------------------------------------------------------------

    def groups_and_students(self) -> None:
        for line in self.spec.groups:
            spec = program_spec(line.program)
            department = self.part_time if spec.part_time and self.part_time else self.full_time
            for course in line.courses:
                intake = self.current_year - course + 1
                curriculum, items = self.curricula[(line.program, intake)]
                for number in range(1, line.count + 1):
                    group = self.add("groups", Group(
                        organization=self.organization, name=f"{line.program}-{course}{number}",
                        program=self.programs[line.program], curriculum=curriculum,
                        department=department, intake_year=intake,
                        is_active=True,
                    ))
                    subgroups = [
                        self.add("subgroups", Subgroup(group=group, name=f"{half} подгруппа"))
                        for half in (1, 2)
                    ]
                    info = _GroupInfo(group, spec, items, subgroups)
                    self.groups.append(info)
                    if (self.demo_group is None and number == 1
                            and (line.program, course) == self.spec.demo_group):
                        self.demo_group = info
                    self.fill_group(info)

    def fill_group(self, info: _GroupInfo) -> None:
        spec = info.spec
        low, high = (self.spec.part_time_students_per_group if spec.part_time
                     else self.spec.students_per_group)
        intake = info.group.intake_year
        order_no = f"{300 + intake % 100 + (7 if spec.part_time else 0)}-к"
        # A week before the academic year (25 August), four days for the part-time department.
        order_date = self.calendar.year_start(intake) - dt.timedelta(days=4 if spec.part_time
                                                                      else 7)
        while order_date.weekday() >= 5:
            order_date -= dt.timedelta(days=1)
        for number in range(self.rng.randint(low, high)):
            demo = info is self.demo_group and number == 0
            info.students.append(self.student(info, order_no, order_date, demo=demo))
        # Subgroups split the roster alphabetically, as a curator would for languages.
        roster = sorted(info.students, key=lambda student: student.person.sort_key)
        for position, student in enumerate(roster):
            subgroup = info.subgroups[0 if position < (len(roster) + 1) // 2 else 1]
            self.subgroup_sizes[id(subgroup)] += 1
            self.open_rows[id(student)].subgroup = self.add(
                "subgroup_memberships",
                SubgroupMembership(subgroup=subgroup, student=student,
                                   date_from=self.calendar.year_start(intake)),
            )

    def student(self, info: _GroupInfo, order_no: str, order_date: dt.date, *,
                demo: bool) -> Student:
        spec = info.spec
        intake = info.group.intake_year
        male = self.rng.random() < _MALE_SHARE.get(spec.area, 0.6)
        surname = self.male_surname()
        father_name, patronymic_male, patronymic_female = self.rng.choice(catalog.ADULT_MALE_NAMES)
        if spec.part_time:
            birth = self.day_between(dt.date(intake - 40, 1, 1), dt.date(intake - 19, 8, 31))
        elif self.rng.random() < 0.9:
            birth = self.day_between(dt.date(intake - 16, 1, 1), dt.date(intake - 15, 3, 31))
        else:
            birth = self.day_between(dt.date(intake - 17, 1, 1), dt.date(intake - 16, 3, 31))
        address = self.address()
        fixed = self.spec.fixed_names.get("student") if demo else None
        if fixed is not None:
            surname = fixed.last_name
            father_name = next(name for name, patronymic, _ in catalog.ADULT_MALE_NAMES
                               if patronymic == fixed.middle_name)
            person = self.person(fixed.last_name, fixed.first_name, fixed.middle_name,
                                 fixed.sex, birth, address=address)
        elif male:
            person = self.person(surname, self.rng.choice(catalog.STUDENT_MALE_NAMES),
                                 patronymic_male, Person.Sex.MALE, birth, address=address)
        else:
            person = self.person(feminine_surname(surname),
                                 self.rng.choice(catalog.STUDENT_FEMALE_NAMES),
                                 patronymic_female, Person.Sex.FEMALE, birth, address=address)
        self.file_numbers[intake] += 1
        contract = self.rng.random() < (0.5 if spec.part_time else 0.15)
        student = self.add("students", Student(
            person=person, status=Student.Status.STUDYING,
            personal_file_no=f"{self.file_numbers[intake]:04d}/{intake % 100:02d}",
            enrolment_order_no=order_no, enrolment_order_date=order_date, citizenship="РФ",
            education_base=(Student.EducationBase.GRADE_11 if spec.part_time
                            else Student.EducationBase.GRADE_9),
            funding=Student.Funding.CONTRACT if contract else Student.Funding.BUDGET,
            card_checked_at=order_date + dt.timedelta(days=self.rng.randint(1, 3)),
        ))
        self.open_rows[id(student)] = _Open(self.add("memberships", Membership(
            group=info.group, student=student, date_from=self.calendar.year_start(intake),
            basis=f"Приказ № {order_no} от {order_date:%d.%m.%Y}",
        )))
        if demo:
            self.demo_student = student
        if demo or self.rng.random() < 0.92:
            self.consent(person, order_date)
        if demo or self.rng.random() < 0.7:
            self.account_holders.append((person, Role.STUDENT, "student" if demo else ""))
        if not spec.part_time:
            self.guardians(student, surname, father_name, address, order_date, demo=demo)
        return student

    def guardians(self, student: Student, surname: str, father_name: str, address: str,
                  signed_on: dt.date, *, demo: bool) -> None:
        """One or two parents (or a guardian); the father's name is the student's patronymic."""
        birth = student.person.birth_date
        assert birth is not None
        roll = self.rng.random()
        parents: list[tuple[str, Person]] = []
        if demo or roll < 0.93:
            mother_birth = self.born_before(birth, 20, 36)
            fixed = self.spec.fixed_names.get("parent") if demo else None
            if fixed is not None:
                mother = self.person(fixed.last_name, fixed.first_name, fixed.middle_name,
                                     fixed.sex, mother_birth, address=address)
            else:
                last = surname if self.rng.random() < 0.92 else self.male_surname()
                mother = self.person(
                    feminine_surname(last), self.rng.choice(catalog.ADULT_FEMALE_NAMES),
                    self.rng.choice(catalog.ADULT_MALE_NAMES)[2], Person.Sex.FEMALE,
                    mother_birth, snils=self.rng.random() < 0.6, address=address,
                )
            parents.append((Guardianship.Kind.MOTHER, mother))
        if demo or roll < 0.6 or 0.93 <= roll < 0.97:
            father_birth = self.born_before(birth, 22, 40)
            father = self.person(
                surname, father_name, self.rng.choice(catalog.ADULT_MALE_NAMES)[1],
                Person.Sex.MALE, father_birth, snils=self.rng.random() < 0.6, address=address,
            )
            parents.append((Guardianship.Kind.FATHER, father))
        if not parents:
            guardian_birth = self.born_before(birth, 45, 60)
            guardian = self.person(
                feminine_surname(self.male_surname()), self.rng.choice(catalog.ADULT_FEMALE_NAMES),
                self.rng.choice(catalog.ADULT_MALE_NAMES)[2], Person.Sex.FEMALE, guardian_birth,
                snils=self.rng.random() < 0.6,
            )
            parents.append((Guardianship.Kind.GUARDIAN, guardian))
        for position, (kind, parent) in enumerate(parents):
            demo_parent = demo and position == 0
            receives = demo or self.rng.random() < 0.95
            self.add("guardianships", Guardianship(
                student=student, guardian=parent, kind=kind, receives_diary=receives,
            ))
            if demo or self.rng.random() < 0.88:
                self.consent(parent, signed_on)
            if demo_parent or (receives and self.rng.random() < 0.5):
                self.account_holders.append((parent, Role.PARENT, "parent" if demo_parent else ""))

    def movements(self) -> None:
        """A few students move to a parallel group mid-year; a few are expelled."""
        by_course: dict[int, list[_GroupInfo]] = defaultdict(list)
        for info in self.groups:
            if not info.spec.part_time:
                by_course[info.group.course_in(self.current_year)].append(info)
        movable = [(info, student) for info in self.groups for student in info.students
                   if student is not self.demo_student]
        self.rng.shuffle(movable)
        moved: set[int] = set()
        for info, student in movable:
            if len(moved) >= self.spec.transfers:
                break
            course = info.group.course_in(self.current_year)
            targets = [other for other in by_course[course] if other is not info]
            if info.spec.part_time or not targets:
                continue
            # A parallel group of the same program if there is one, else of another program.
            target = min(targets, key=lambda other: (other.spec.area != info.spec.area,
                                                     self.groups.index(other)))
            day = self.movement_day(info)
            if day is None:
                continue
            self.transfer(info, target, student, day)
            moved.add(id(student))
        expelled = 0
        for info, student in movable:
            if expelled >= self.spec.expulsions:
                break
            if id(student) in moved:
                continue
            day = self.movement_day(info)
            if day is None:
                continue
            self.close(student, day - dt.timedelta(days=1))
            student.status = Student.Status.EXPELLED
            self.expelled.add(id(student.person))
            expelled += 1

    def movement_day(self, info: _GroupInfo) -> dt.date | None:
        """A weekday a month after the group's intake, since last September, a week ago at the
        latest; None when the group started too recently for that (early in the year)."""
        earliest = max(dt.date(info.group.intake_year, 10, 1),
                       dt.date(self.current_year - 1, 9, 15))
        latest = self.today - dt.timedelta(days=7)
        if earliest > latest:
            return None
        return self.day_between(earliest, latest, weekday=True)

    def close(self, student: Student, last_day: dt.date) -> None:
        rows = self.open_rows.pop(id(student))
        rows.membership.date_to = last_day
        if rows.subgroup is not None:
            rows.subgroup.date_to = last_day

    def transfer(self, source: _GroupInfo, target: _GroupInfo, student: Student,
                 day: dt.date) -> None:
        """Перевод: the old membership ends the day before `day`, the new one starts on it."""
        self.close(student, day - dt.timedelta(days=1))
        order = f"{self.rng.randint(20, 260)}-к"
        membership = self.add("memberships", Membership(
            group=target.group, student=student, date_from=day,
            basis=f"Приказ № {order} от {day:%d.%m.%Y} (перевод из группы {source.group.name})",
        ))
        subgroup = min(target.subgroups, key=lambda sub: self.subgroup_sizes[id(sub)])
        self.subgroup_sizes[id(subgroup)] += 1
        self.open_rows[id(student)] = _Open(membership, self.add(
            "subgroup_memberships",
            SubgroupMembership(subgroup=subgroup, student=student, date_from=day),
        ))
        source.students.remove(student)
        target.students.append(student)

    # --- teachers and workload ------------------------------------------------------------------

    def bundles(self) -> list[_Bundle]:
        """Every classroom line of every group's current year, grouped for one teacher each."""
        result: dict[tuple[int, str], _Bundle] = {}
        for number, info in enumerate(self.groups):
            template = self.templates[info.spec.abbreviation]
            first = info.group.semester_of(1, self.current_year)
            second = info.group.semester_of(2, self.current_year)
            for item_template in template:
                if item_template.kind == CurriculumItem.Kind.MODULE:
                    continue
                hours_first = _classroom(item_template, first)
                hours_second = _classroom(item_template, second)
                if not hours_first and not hours_second:
                    continue
                item = info.items[item_template.index]
                halves: tuple[int | None, ...] = (0, 1) if item_template.is_language else (None,)
                for half in halves:
                    key = item_template.bundle or item_template.index
                    if half is not None:
                        key = f"{catalog.LANG}{half}"
                    bundle = result.get((number, key))
                    if bundle is None:
                        bundle = result[(number, key)] = _Bundle(info.group, item_template.area,
                                                                 key)
                    bundle.lines.append((item, half, hours_first, hours_second))
        return list(result.values())

    def hire_teachers(self, bundles: list[_Bundle]) -> None:
        hours: dict[str, int] = defaultdict(int)
        for bundle in bundles:
            hours[bundle.area] += bundle.hours
        areas = sorted(hours, key=lambda area: (-hours[area], area))
        counts = self.apportion(hours, areas)
        # The demo teacher teaches the demo group its speciality; the demo curator, a general
        # subject there (mathematics when the group has it).
        demo_areas: dict[str, str] = {}
        if self.demo_group is not None:
            demo_group = self.demo_group
            demo_areas[demo_group.spec.area] = "teacher"
            general = sorted(
                (bundle for bundle in bundles
                 if bundle.group is demo_group.group and bundle.area != demo_group.spec.area),
                key=lambda bundle: (bundle.area != catalog.MATH, -bundle.hours),
            )
            if general:
                demo_areas[general[0].area] = "curator"
        for area in areas:
            for number in range(counts[area]):
                key = demo_areas.get(area, "") if number == 0 else ""
                female = self.rng.random() < _FEMALE_TEACHERS.get(area, _FEMALE_TEACHERS_DEFAULT)
                person = self.adult("F" if female else "M", born_from=1960, born_to=1999, key=key)
                positions = [catalog.TEACHER]
                if area == catalog.PE and number == 0:
                    positions.append(catalog.PE_HEAD)
                elif area == catalog.OBZR and number == 0:
                    positions = [catalog.OBZR_TEACHER]
                elif (area in catalog.PROGRAMS and catalog.PROGRAMS[area].technical
                      and number % 3 == 2):
                    positions.append(catalog.MASTER)
                employee = self.employee(person, positions, department=self.full_time)
                self.teachers.append(_Teacher(len(self.teachers), employee, area, key))
        if self.spec.extra_staff:
            # Teachers who have left: on the staff list with a dismissal date, no workload.
            for _ in range(2):
                person = self.adult("F", born_from=1955, born_to=1990)
                self.employee(person, [catalog.TEACHER], department=self.full_time,
                              dismissal=dt.date(self.current_year, 6, 30))

    def apportion(self, hours: dict[str, int], areas: list[str]) -> dict[str, int]:
        """Teachers per area in proportion to its hours, at least one each (largest remainder)."""
        total_teachers = max(self.spec.teachers, len(areas))
        spare = total_teachers - len(areas)
        total_hours = sum(hours.values()) or 1
        shares = {area: spare * hours[area] / total_hours for area in areas}
        counts = {area: 1 + int(shares[area]) for area in areas}
        left = total_teachers - sum(counts.values())
        by_remainder = sorted(areas, key=lambda area: (int(shares[area]) - shares[area], area))
        for area in by_remainder[:left]:
            counts[area] += 1
        return counts

    def assign_workload(self, bundles: list[_Bundle]) -> None:
        by_area: dict[str, list[_Teacher]] = defaultdict(list)
        for teacher in self.teachers:
            by_area[teacher.area].append(teacher)
        assigned: dict[int, _Teacher] = {}
        demo_group = self.demo_group
        for teacher in self.teachers:
            if not teacher.demo_key or demo_group is None:
                continue
            own = [bundle for bundle in bundles
                   if bundle.group is demo_group.group and bundle.area == teacher.area]
            if own:
                bundle = max(own, key=lambda bundle: bundle.hours)
                assigned[id(bundle)] = teacher
                teacher.load += bundle.hours
        # Longest first, each to the least loaded teacher of its area: an even distribution.
        for bundle in sorted(bundles, key=lambda bundle: -bundle.hours):
            if id(bundle) not in assigned:
                teacher = min(by_area[bundle.area], key=lambda teacher: teacher.load)
                assigned[id(bundle)] = teacher
                teacher.load += bundle.hours
        subgroups = {id(info.group): info.subgroups for info in self.groups}
        for bundle in bundles:
            teacher = assigned[id(bundle)]
            self.teaching[id(bundle.group)][teacher.number] += bundle.hours
            for item, half, hours_first, hours_second in bundle.lines:
                self.add("workloads", Workload(
                    academic_year=self.year, teacher=teacher.employee, group=bundle.group,
                    item=item,
                    subgroup=subgroups[id(bundle.group)][half] if half is not None else None,
                    hours_first=hours_first, hours_second=hours_second,
                ))

    def choose_curators(self) -> None:
        """One curator per group: a teacher of the group with the most hours in it."""
        ordered = sorted(self.groups, key=lambda info: info is not self.demo_group)
        for info in ordered:
            curator: _Teacher | None = None
            if info is self.demo_group:
                curator = next((t for t in self.teachers if t.demo_key == "curator"), None)
            if curator is None:
                candidates = [
                    (hours, -number) for number, hours in self.teaching[id(info.group)].items()
                    if self.teachers[number].curates is None
                    and self.teachers[number].demo_key != "teacher"
                ]
                if candidates:
                    curator = self.teachers[-max(candidates)[1]]
            if curator is None:
                curator = next((t for t in self.teachers
                                if t.curates is None and t.demo_key != "teacher"), None)
            if curator is None:
                continue
            curator.curates = info.group
            self.add("group_curators", Group.curators.through(
                group=info.group, employee=curator.employee,
            ))

    # --- accounts -------------------------------------------------------------------------------

    def accounts(self) -> None:
        for teacher in self.teachers:
            roles: tuple[str, ...] = (Role.TEACHER,)
            if teacher.curates is not None:
                roles = (Role.CURATOR, Role.TEACHER)
            self.account(teacher.employee.person, roles, key=teacher.demo_key)
        for person, role, key in self.account_holders:
            if role == Role.STUDENT and id(person) in self.expelled:
                continue
            self.account(person, (role,), key=key)

    def demo_logins(self) -> None:
        prefix = self.spec.login_prefix
        people = {person.user.username: person for person in self.plan.buckets["persons"]
                  if isinstance(person, Person) and person.user is not None
                  and person.organization is self.organization}
        for key, roles in DEMO_ROLES.items():
            person = people.get(prefix + key)
            if person is not None:
                self.plan.logins.append(DemoLogin(prefix + key, roles, person.full_name,
                                                  self.spec.short_name))


def _classroom(template: ItemTemplate, semester: int) -> int:
    row = template.hours.get(semester)
    return row.classroom if row is not None else 0


def build_plan(*, size: str, seed: int = 1, today: dt.date = DEMO_TODAY) -> Plan:
    """Every row of the demo colleges of `size` as of `today`, unsaved; the same seed and day
    give the same rows."""
    plan = Plan(snils_random=random.Random(f"snils-{seed}"))
    for number, spec in enumerate(catalog.SIZES[size]):
        fake = Faker("ru_RU")
        fake.seed_instance(f"{seed}-{number}")
        builder = _CollegeBuilder(plan, spec, random.Random(f"{seed}-{number}"), fake, today)
        builder.build()
        # A random source of its own: the journals change nothing of the college itself.
        add_journals(builder, random.Random(f"{seed}-{number}-journal"))
        # Deterministic and drawing no random numbers: the journals above stay as they were.
        add_timetable(builder)
        complete_demo_diary(builder)
    return plan


@transaction.atomic
def write_plan(plan: Plan, *, password_hash: str) -> dict[str, int]:
    """Insert the plan's rows, bucket by bucket; returns the number of rows per bucket."""
    for user in plan.buckets["users"]:
        assert isinstance(user, User)
        user.password = password_hash
    written: dict[str, int] = {}
    for name in WRITE_ORDER:
        rows = plan.buckets[name]
        if rows:
            type(rows[0])._default_manager.bulk_create(rows, batch_size=_BATCH_SIZE)
        written[name] = len(rows)
    if plan.buckets["lessons"]:
        stamp_journal_times([organization.pk for organization in plan.buckets["organizations"]])
    return written
