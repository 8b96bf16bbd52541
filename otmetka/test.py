"""The persona world shared by all tests: one college with everyone in it, and a stranger college.

Like healthchecks' Alice/Bob/Charlie: every test can ask for `world` and act as a person of the
regulation. Dates are fixed (the demo college is in Tomsk, UTC+7).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from otmetka.academics.models import (
    AttestationForm,
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
from otmetka.accounts.middleware import ROLE_SESSION_KEY
from otmetka.accounts.models import RoleAssignment, User
from otmetka.accounts.permissions import ActiveRole
from otmetka.accounts.roles import Role
from otmetka.lib.text import guess_sex
from otmetka.org.models import AcademicYear, Department, Organization, Period, Room
from otmetka.people.models import Employee, Guardianship, Person, Position, Student

# Queries every signed-in page makes before its own, in a process that has served one request:
# the session, the user (with person, staff card, organization), the role assignments (with
# the organization). The role's rights are then remembered per process (accounts.permissions).
BASE_QUERIES = 3

TODAY = dt.date(2026, 11, 16)  # a Monday in the first semester of 2026/2027
PASSWORD = "correct-horse-42"


@dataclass
class College:
    organization: Organization
    year: AcademicYear
    semester1: Period
    semester2: Period
    department: Department
    program: Program
    curriculum: Curriculum
    discipline: CurriculumItem
    module: CurriculumItem
    mdk: CurriculumItem
    group: Group
    other_group: Group
    subgroup: Subgroup
    users: dict[str, User] = field(default_factory=dict)
    employees: dict[str, Employee] = field(default_factory=dict)
    # Filled in by populate().
    student: Student = field(init=False)
    other_student: Student = field(init=False)
    parent: Person = field(init=False)
    workload: Workload = field(init=False)
    other_workload: Workload = field(init=False)


def make_person(org: Organization, last: str, first: str, middle: str = "", **extra: Any) -> Person:
    return Person.objects.create(
        organization=org, last_name=last, first_name=first, middle_name=middle, **extra
    )


def make_user(org: Organization, username: str, *roles: str, person: Person | None = None) -> User:
    user = User.objects.create_user(username, PASSWORD, organization=org)
    for role in roles:
        RoleAssignment.objects.create(user=user, organization=org, role=role)
    if person is not None:
        person.user = user
        person.save(update_fields=["user"])
    return user


def make_employee(
    org: Organization,
    department: Department,
    last: str,
    first: str,
    middle: str,
    username: str,
    *roles: str,
) -> tuple[Employee, User]:
    # The sex follows the patronymic: «Учителев Пётр Андреевич» is a man, and declined as one.
    person = make_person(org, last, first, middle, sex=guess_sex(first, middle, last))
    employee = Employee.objects.create(
        person=person, department=department, hire_date=dt.date(2020, 8, 25)
    )
    user = make_user(org, username, *roles, person=person)
    return employee, user


def make_college(short_name: str, prefix: str = "") -> College:
    org = Organization.objects.create(
        name=f"ОГБПОУ «{short_name}»",
        short_name=short_name,
        timezone="Asia/Tomsk",
        credentials_contact="Администратор АИС, каб. 214",
    )
    year = AcademicYear.objects.create(
        organization=org,
        name="2026/2027",
        date_from=dt.date(2026, 9, 1),
        date_to=dt.date(2027, 8, 31),
    )
    semester1 = Period.objects.create(
        academic_year=year,
        kind=Period.Kind.SEMESTER,
        number=1,
        name="1 семестр",
        date_from=dt.date(2026, 9, 1),
        date_to=dt.date(2026, 12, 28),
    )
    semester2 = Period.objects.create(
        academic_year=year,
        kind=Period.Kind.SEMESTER,
        number=2,
        name="2 семестр",
        date_from=dt.date(2027, 1, 12),
        date_to=dt.date(2027, 6, 30),
    )
    Period.objects.create(
        academic_year=year,
        kind=Period.Kind.HOLIDAYS,
        number=1,
        name="Зимние каникулы",
        date_from=dt.date(2026, 12, 29),
        date_to=dt.date(2027, 1, 11),
    )
    department = Department.objects.create(organization=org, name="Очное отделение")
    Room.objects.create(organization=org, number="214", kind=Room.Kind.COMPUTER)
    Position.objects.create(organization=org, name="Преподаватель", is_teaching=True)
    program = Program.objects.create(
        organization=org,
        code="09.02.07",
        name="Информационные системы и программирование",
        qualification="Программист",
        department=department,
    )
    curriculum = Curriculum.objects.create(
        program=program, name="09.02.07 набор 2025", intake_year=2025
    )
    discipline = CurriculumItem.objects.create(
        curriculum=curriculum,
        kind=CurriculumItem.Kind.DISCIPLINE,
        index="ОП.01",
        name="Операционные системы",
        position=1,
    )
    module = CurriculumItem.objects.create(
        curriculum=curriculum,
        kind=CurriculumItem.Kind.MODULE,
        index="ПМ.01",
        name="Разработка модулей ПО",
        position=2,
    )
    mdk = CurriculumItem.objects.create(
        curriculum=curriculum,
        parent=module,
        kind=CurriculumItem.Kind.INTERDISCIPLINARY_COURSE,
        index="МДК.01.01",
        name="Разработка программных модулей",
        position=3,
    )
    CurriculumHours.objects.create(
        item=discipline,
        semester=3,
        total=72,
        theory=32,
        practical=16,
        laboratory=8,
        independent=16,
        attestation_form=AttestationForm.EXAM,
    )
    CurriculumHours.objects.create(
        item=mdk,
        semester=3,
        total=100,
        theory=40,
        practical=20,
        laboratory=20,
        independent=20,
        attestation_form=AttestationForm.DIFF_CREDIT,
    )
    group = Group.objects.create(
        organization=org,
        name=f"{prefix}ИС-21",
        program=program,
        curriculum=curriculum,
        department=department,
        intake_year=2025,
    )
    other_group = Group.objects.create(
        organization=org,
        name=f"{prefix}ИС-22",
        program=program,
        curriculum=curriculum,
        department=department,
        intake_year=2025,
    )
    subgroup = Subgroup.objects.create(group=group, name="1 подгруппа")
    return College(
        org,
        year,
        semester1,
        semester2,
        department,
        program,
        curriculum,
        discipline,
        module,
        mdk,
        group,
        other_group,
        subgroup,
    )


@dataclass
class World:
    college: College
    stranger: College

    @property
    def org(self) -> Organization:
        return self.college.organization

    def user(self, name: str) -> User:
        return self.college.users[name]

    def actor(self, user: User | str, role: str | None = None) -> ActiveRole:
        """`user` (a persona of the college, or any user) acting in `role` (default: their first).

        Built as the middleware builds it for a request: every role of the user loaded in id
        order, the user attached to each, so services see exactly what a page would give them.
        For a user of the stranger college pass the user: `world.actor(world.stranger.users[k])`.
        """
        if isinstance(user, str):
            user = self.college.users[user]
        assignments = list(
            RoleAssignment.objects.filter(user=user).select_related("organization").order_by("id")
        )
        for assignment in assignments:
            assignment.user = user
        chosen = [a for a in assignments if role is None or a.role == role]
        assert chosen, f"{user.username} holds no role {role or ''}"
        return ActiveRole(chosen[0], all_assignments=assignments)

    def client_for(self, user: User | str, role: str | None = None) -> Client:
        """A test client signed in as `user`, acting in `role` (default: their first role)."""
        if isinstance(user, str):
            user = self.college.users.get(user) or self.stranger.users[user]
        client = Client()
        client.force_login(user)
        if role is not None:
            assignment = RoleAssignment.objects.get(user=user, role=role)
            session = client.session
            session[ROLE_SESSION_KEY] = assignment.pk
            session.save()
        return client


STAFF = {
    "director": ("Криволапов", "Игорь", "Николаевич", (Role.DIRECTOR,)),
    "admin": ("Админова", "Анна", "Сергеевна", (Role.ADMIN,)),
    "deputy": ("Заместителева", "Мария", "Петровна", (Role.DEPUTY,)),
    "hr": ("Кадрова", "Ольга", "Ивановна", (Role.HR,)),
    "curator": ("Кураторова", "Елена", "Викторовна", (Role.CURATOR, Role.TEACHER)),
    "teacher": ("Учителев", "Пётр", "Андреевич", (Role.TEACHER,)),
    "other_teacher": ("Другова", "Дарья", "Олеговна", (Role.TEACHER,)),
    "dispatcher": ("Расписанская", "Вера", "Павловна", (Role.DISPATCHER,)),
    "head": ("Заведующая", "Ирина", "Юрьевна", (Role.DEPT_HEAD,)),
    "secretary": ("Секретарёва", "Алла", "Борисовна", (Role.SECRETARY,)),
    "methodist": ("Методистова", "Нина", "Георгиевна", (Role.METHODIST,)),
}


def populate(college: College, prefix: str = "") -> None:
    org = college.organization
    for key, (last, first, middle, roles) in STAFF.items():
        employee, user = make_employee(
            org, college.department, last, first, middle, f"{prefix}{key}", *roles
        )
        college.employees[key] = employee
        college.users[key] = user
    college.group.curators.add(college.employees["curator"])
    student_person = make_person(
        org,
        "Студентов",
        "Иван",
        "Петрович",
        sex=Person.Sex.MALE,
        birth_date=dt.date(2009, 3, 14),
        snils="112-233-445 95",
    )
    college.student = Student.objects.create(
        person=student_person,
        personal_file_no="123/25",
        enrolment_order_no="45-к",
        enrolment_order_date=dt.date(2025, 8, 25),
    )
    college.users["student"] = make_user(
        org, f"{prefix}student", Role.STUDENT, person=student_person
    )
    Membership.objects.create(
        group=college.group,
        student=college.student,
        date_from=dt.date(2025, 9, 1),
        basis="Приказ 45-к",
    )
    SubgroupMembership.objects.create(
        subgroup=college.subgroup, student=college.student, date_from=dt.date(2026, 9, 1)
    )
    college.parent = make_person(org, "Студентова", "Мария", "Ивановна", sex=Person.Sex.FEMALE)
    Guardianship.objects.create(
        student=college.student, guardian=college.parent, kind=Guardianship.Kind.MOTHER
    )
    college.users["parent"] = make_user(org, f"{prefix}parent", Role.PARENT, person=college.parent)
    other_person = make_person(org, "Ёлкин", "Семён", "Ильич", sex=Person.Sex.MALE)
    college.other_student = Student.objects.create(person=other_person)
    Membership.objects.create(
        group=college.other_group, student=college.other_student, date_from=dt.date(2025, 9, 1)
    )
    college.users["other_student"] = make_user(
        org, f"{prefix}other_student", Role.STUDENT, person=other_person
    )
    # A parent of the other group's student: the "other parent" of the diary's access matrix.
    other_parent = make_person(org, "Ёлкина", "Анна", "Сергеевна", sex=Person.Sex.FEMALE)
    Guardianship.objects.create(
        student=college.other_student, guardian=other_parent, kind=Guardianship.Kind.MOTHER
    )
    college.users["other_parent"] = make_user(
        org, f"{prefix}other_parent", Role.PARENT, person=other_parent
    )
    college.workload = Workload.objects.create(
        academic_year=college.year,
        teacher=college.employees["teacher"],
        group=college.group,
        item=college.mdk,
        hours_first=80,
    )
    college.other_workload = Workload.objects.create(
        academic_year=college.year,
        teacher=college.employees["other_teacher"],
        group=college.other_group,
        item=college.discipline,
        hours_first=56,
    )


def build_world() -> World:
    college = make_college("ТПТ")
    populate(college)
    stranger = make_college("ДРУГОЙ", prefix="Д")
    populate(stranger, prefix="x")
    return World(college=college, stranger=stranger)


def migrate_to_latest() -> None:
    """Every app migrated to its latest migration: what a test that walks migrations back and
    forth leaves behind, so that the tests after it find the schema they expect."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
