"""The demo college: built by `seed_demo`, deterministic, and as valid as the services make it."""

from __future__ import annotations

import io
from collections import defaultdict
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q

from otmetka.academics.models import (
    AttestationForm,
    CurriculumHours,
    CurriculumItem,
    Group,
    Membership,
    SubgroupMembership,
    Workload,
)
from otmetka.accounts.models import RoleAssignment, User
from otmetka.accounts.roles import Role
from otmetka.demo import catalog
from otmetka.demo.generator import DEMO_ROLES, DEMO_TODAY, build_plan, feminine_surname
from otmetka.lib.snils import snils_format, snils_is_valid
from otmetka.movement.models import Order, OrderItem
from otmetka.org.models import AcademicYear, Department, Organization
from otmetka.people.models import Employee, Guardianship, Person, Student, person_sort_key

pytestmark = pytest.mark.django_db

PATRONYMIC_OF = {name: (male, female) for name, male, female in catalog.ADULT_MALE_NAMES}


def seed(**options: Any) -> str:
    out = io.StringIO()
    options.setdefault("today", DEMO_TODAY)
    call_command("seed_demo", size="small", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def seeded() -> str:
    return seed()


def roles_of(user: User) -> set[str]:
    return set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))


def test_small_demo_builds_without_a_query_per_row(
    django_assert_max_num_queries: Any,
) -> None:
    # How long the build takes is measured by `make bench` (seed_college), not here.
    # About 15,000 rows with the journals: the organization check, the inserts in batches
    # (SQLite takes at most 999 parameters a query), three updates of the journal times, the
    # demo mail and announcements (seven), and the demo orders of otmetka/demo/movement.py
    # (about 350, whatever the size: nine orders through the movement services, some 35
    # queries each with their savepoints and audit rows, then a few for journals and times).
    with django_assert_max_num_queries(640):
        output = seed()
    assert Organization.objects.count() == 2
    assert Group.objects.filter(organization__short_name="ТПТ").count() == 4
    # 4 groups of 12, and the demo student's sister (the demo parent has two children).
    assert Student.objects.filter(person__organization__short_name="ТПТ").count() == 49
    assert "Демонстрационные логины, пароль для всех: demo" in output
    assert "Смирнов Артём Дмитриевич" in output
    assert "ttit-admin" in output


@pytest.mark.parametrize("prefix, organization", [("", "ТПТ"), ("ttit-", "ТТИТ")])
def test_every_demo_login_has_its_role_and_the_password_demo(
    seeded: str, prefix: str, organization: str
) -> None:
    for key, roles in DEMO_ROLES.items():
        user = User.objects.select_related("organization", "person").get(username=prefix + key)
        assert user.organization is not None and user.organization.short_name == organization
        assert roles_of(user) == set(roles), key
        assert user.check_password("demo")
        assert not user.must_change_password
        assert user.is_active
        assert user.person.full_name.count(" ") == 2, key  # Фамилия Имя Отчество
        assert user.person.organization_id == user.organization_id
    head = RoleAssignment.objects.get(user__username=prefix + "head", role=Role.DEPT_HEAD)
    assert head.department is not None
    assert head.department.form_of_study == Department.Form.FULL_TIME
    assert authenticate(username=prefix + "student", password="demo") is not None


def test_demo_student_is_in_the_curators_group_taught_by_the_teacher(seeded: str) -> None:
    student = Student.objects.get(person__user__username="student")
    membership = Membership.objects.on_day(DEMO_TODAY).get(student=student)
    group = membership.group
    assert group.name == "ИС-21"
    curator = Employee.objects.get(person__user__username="curator")
    assert list(group.curators.all()) == [curator]
    year = AcademicYear.objects.on_day(DEMO_TODAY).get(organization=group.organization)
    teacher = Employee.objects.get(person__user__username="teacher")
    assert Workload.objects.filter(academic_year=year, group=group, teacher=teacher).exists()
    # The curator teaches too (two roles), and the teacher curates nobody.
    assert Workload.objects.filter(academic_year=year, group=group, teacher=curator).exists()
    assert not teacher.curated_groups.exists()
    parent = Person.objects.get(user__username="parent")
    guardianship = Guardianship.objects.get(student=student, guardian=parent)
    assert guardianship.kind == Guardianship.Kind.MOTHER
    assert guardianship.receives_diary
    assert student.status == Student.Status.STUDYING
    assert student.person.consents.filter(revoked_on__isnull=True).exists()
    assert parent.consents.filter(revoked_on__isnull=True).exists()


def test_every_group_has_one_curator_two_subgroups_and_a_roster(seeded: str) -> None:
    for group in Group.objects.prefetch_related("curators", "subgroups"):
        curators = list(group.curators.all())
        assert len(curators) == 1
        assert curators[0].person.organization_id == group.organization_id
        assert sorted(sub.name for sub in group.subgroups.all()) == ["1 подгруппа", "2 подгруппа"]
        assert Membership.objects.filter(group=group).on_day(DEMO_TODAY).count() >= 7
        assert group.curriculum.program_id == group.program_id
        assert group.intake_year == group.curriculum.intake_year
        # «ИС-21»: the first digit after the dash is the course this academic year.
        assert group.course_in(DEMO_TODAY.year) == int(group.name.rsplit("-", 1)[1][0])
    curator_users = User.objects.filter(person__employee__curated_groups__isnull=False)
    for user in curator_users:
        assert roles_of(user) == {Role.CURATOR, Role.TEACHER}


def test_snils_are_valid_formatted_and_unique(seeded: str) -> None:
    numbers = list(Person.objects.exclude(snils="").values_list("snils", flat=True))
    assert len(numbers) > 100
    assert len(set(numbers)) == len(numbers)
    for number in numbers:
        assert snils_is_valid(number), number
        assert snils_format(number) == number


def test_names_sort_keys_and_patronymics_fit(seeded: str) -> None:
    for person in Person.objects.all():
        assert person.sort_key == person_sort_key(
            person.last_name, person.first_name, person.middle_name
        )
        ending = ("ич",) if person.sex == Person.Sex.MALE else ("на",)
        assert person.middle_name.endswith(ending), person.full_name
    # A father's first name is his child's patronymic; a mother mostly shares the surname.
    fathers = Guardianship.objects.filter(kind=Guardianship.Kind.FATHER).select_related(
        "guardian", "student__person"
    )
    assert fathers
    for link in fathers:
        child = link.student.person
        male, female = PATRONYMIC_OF[link.guardian.first_name]
        assert child.middle_name == (male if child.sex == Person.Sex.MALE else female)
        assert feminine_surname(link.guardian.last_name) == feminine_surname(child.last_name)


def test_rows_pass_model_validation(seeded: str) -> None:
    for model in (Person, Student, Employee, Guardianship, User, Group, CurriculumItem):
        for row in model._default_manager.all():
            row.full_clean(validate_unique=False)
    for user in User.objects.all():
        assert user.username == user.username.lower()


def test_curriculum_hours_add_up_and_modules_carry_only_their_exam(seeded: str) -> None:
    rows = list(CurriculumHours.objects.select_related("item__curriculum"))
    assert len(rows) > 1000
    for row in rows:
        parts = (row.theory + row.practical + row.laboratory + row.coursework + row.independent
                 + row.consultations + row.attestation_hours)
        assert row.total == parts
        assert 1 <= row.semester <= row.item.curriculum.semesters
        if row.item.kind == CurriculumItem.Kind.MODULE:
            assert row.attestation_form == AttestationForm.QUALIFICATION_EXAM
            assert row.total == row.attestation_hours
        else:
            assert row.attestation_form != AttestationForm.QUALIFICATION_EXAM
    children = CurriculumItem.objects.filter(parent__isnull=False).select_related("parent")
    for child in children:
        assert child.parent is not None and child.parent.kind == CurriculumItem.Kind.MODULE
        assert child.kind in CurriculumItem.MODULE_PARTS
        assert child.parent.curriculum_id == child.curriculum_id
    forms = set(CurriculumHours.objects.values_list("attestation_form", flat=True))
    assert {"exam", "diff_credit", "credit", "other", "qualification_exam"} <= forms


def test_workload_covers_every_classroom_line_of_the_current_year(seeded: str) -> None:
    for group in Group.objects.select_related("organization"):
        year = AcademicYear.objects.on_day(DEMO_TODAY).get(organization=group.organization)
        semesters = (group.semester_of(1, year), group.semester_of(2, year))
        expected: dict[int, tuple[int, int]] = {}
        hours = CurriculumHours.objects.filter(item__curriculum=group.curriculum,
                                               semester__in=semesters).select_related("item")
        per_item: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for row in hours:
            if row.item.kind != CurriculumItem.Kind.MODULE and row.classroom:
                per_item[row.item_id][semesters.index(row.semester)] = row.classroom
        expected = {item_id: (first, second) for item_id, (first, second) in per_item.items()}
        lines = Workload.objects.filter(group=group).select_related("teacher__person", "subgroup")
        got: dict[int, list[tuple[int, int, int | None]]] = defaultdict(list)
        for line in lines:
            assert line.academic_year_id == year.pk
            assert line.teacher.person.organization_id == group.organization_id
            assert line.teacher.dismissal_date is None
            assert line.subgroup is None or line.subgroup.group_id == group.pk
            got[line.item_id].append((line.hours_first, line.hours_second, line.subgroup_id))
        assert set(got) == set(expected), group.name
        for item_id, item_lines in got.items():
            for first, second, _subgroup in item_lines:
                assert (first, second) == expected[item_id]
            # Languages are taught by subgroups: two lines; everything else, one line.
            assert len(item_lines) in (1, 2)
            if len(item_lines) == 2:
                assert None not in {subgroup for _, _, subgroup in item_lines}


def test_every_working_teacher_has_load(seeded: str) -> None:
    loads: dict[int, int] = defaultdict(int)
    for teacher_id, first, second in Workload.objects.filter(
        group__organization__short_name="ТПТ"
    ).values_list("teacher_id", "hours_first", "hours_second"):
        loads[teacher_id] += first + second
    assert 12 <= len(loads) <= 20
    teaching = Employee.objects.filter(
        person__organization__short_name="ТПТ", positions__is_teaching=True,
        dismissal_date__isnull=True,
    ).distinct()
    assert set(teaching.values_list("pk", flat=True)) == set(loads)


def test_college_size_plan_is_the_size_asked_for_with_an_even_load() -> None:
    """The full demo (no database needed to check its shape): 80 groups, ≈2,000, 150 teachers."""
    plan = build_plan(size="college", seed=1)
    groups = [group for group in plan.buckets["groups"]
              if isinstance(group, Group) and group.organization.short_name == "ТПТ"]
    assert len(groups) == 80
    students = [student for student in plan.buckets["students"] if isinstance(student, Student)
                and student.person.organization.short_name == "ТПТ"]
    assert 1900 <= len(students) <= 2100
    loads: dict[int, int] = defaultdict(int)
    for line in plan.buckets["workloads"]:
        assert isinstance(line, Workload)
        if line.group.organization.short_name == "ТПТ":
            loads[id(line.teacher)] += line.hours_first + line.hours_second
    assert len(loads) == 150
    # Teachers specialise, but within that the hours are spread evenly.
    assert max(loads.values()) <= 2 * min(loads.values())


def test_memberships_of_a_student_never_overlap(seeded: str) -> None:
    by_student: dict[int, list[Membership]] = defaultdict(list)
    for membership in Membership.objects.order_by("date_from").select_related("group"):
        by_student[membership.student_id].append(membership)
    for memberships in by_student.values():
        for earlier, later in zip(memberships, memberships[1:], strict=False):
            assert earlier.date_to is not None and earlier.date_to < later.date_from
    transferred = [rows for rows in by_student.values() if len(rows) == 2]
    assert transferred, "a few students are transferred mid-year"
    for old, new in transferred:
        assert old.date_to is not None
        assert (new.date_from - old.date_to).days == 1
        assert old.group.intake_year == new.group.intake_year  # the same course
        # The generator names the old group in the basis; a demo order (otmetka/demo/
        # movement.py) names itself, and the movement book has the transfer.
        assert old.group.name in new.basis or OrderItem.objects.filter(
            student_id=new.student_id, from_group=old.group, to_group=new.group,
            order__status=Order.Status.APPLIED,
        ).exists()
    expelled = Student.objects.filter(status=Student.Status.EXPELLED)
    assert expelled.exists()
    for student in expelled:
        assert not Membership.objects.filter(student=student).on_day(DEMO_TODAY).exists()
        assert student.person.user_id is None
    # Subgroup rows lie inside the student's membership of that group.
    subgroup_rows = SubgroupMembership.objects.values_list(
        "student_id", "subgroup__group_id", "date_from", "date_to"
    )
    for student_id, group_id, date_from, date_to in subgroup_rows:
        inside = Membership.objects.filter(student_id=student_id, group_id=group_id,
                                           date_from__lte=date_from)
        if date_to is None:
            inside = inside.filter(date_to__isnull=True)
        else:
            inside = inside.filter(Q(date_to__isnull=True) | Q(date_to__gte=date_to))
        assert inside.exists()


def test_second_organization_has_its_own_people(seeded: str) -> None:
    second = Organization.objects.get(short_name="ТТИТ")
    assert second.name == "ОГБПОУ «Томский техникум информационных технологий»"
    assert Group.objects.filter(organization=second).count() == 2
    for user in User.objects.filter(username__startswith="ttit-"):
        assert user.organization_id == second.pk
        assert set(RoleAssignment.objects.filter(user=user)
                   .values_list("organization_id", flat=True)) == {second.pk}
    # Nothing of one college points into the other.
    for membership in Membership.objects.select_related("group", "student__person"):
        assert membership.group.organization_id == membership.student.person.organization_id
    for link in Guardianship.objects.select_related("guardian", "student__person"):
        assert link.guardian.organization_id == link.student.person.organization_id
    for user in User.objects.select_related("person"):
        assert user.person.organization_id == user.organization_id


def test_if_empty_on_a_filled_database_creates_nothing(seeded: str) -> None:
    counts = (Person.objects.count(), User.objects.count(), Workload.objects.count())
    output = seed(if_empty=True)
    assert "не загружается" in output
    with pytest.raises(CommandError, match="только в пустую базу"):
        seed()
    assert (Person.objects.count(), User.objects.count(), Workload.objects.count()) == counts
    assert Organization.objects.count() == 2


def test_if_empty_on_an_empty_database_builds() -> None:
    output = seed(if_empty=True)
    assert "Демонстрационные данные созданы" in output
    assert User.objects.filter(username="director").exists()


def test_dry_run_saves_nothing() -> None:
    output = seed(dry_run=True)
    assert "Ничего не сохранено" in output
    assert not Organization.objects.exists()
    assert not Person.objects.exists()


def test_the_same_seed_gives_the_same_college() -> None:
    def names(seed_value: int) -> list[str]:
        plan = build_plan(size="small", seed=seed_value)
        return [person.full_name for person in plan.buckets["persons"]
                if isinstance(person, Person)]

    first = names(1)
    assert first == names(1)
    assert first != names(2)
    seed(seed=1)
    stored = sorted(Person.objects.values_list("last_name", "first_name", "middle_name"))
    assert sorted(first) == sorted(" ".join(parts) for parts in stored)


def test_demo_logins_lists_both_colleges(seeded: str) -> None:
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert "пароль для всех: demo" in text
    lines = {line.split()[0]: line for line in text.splitlines()[4:] if line.strip()}
    assert set(lines) == {prefix + key for prefix in ("", "ttit-") for key in DEMO_ROLES}
    assert "Куратор группы, Преподаватель" in lines["curator"]
    assert "Смирнов Артём Дмитриевич" in lines["student"]
    assert lines["ttit-admin"].rstrip().endswith("ТТИТ")


def test_demo_logins_without_demo_data() -> None:
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert "Демо-пользователей нет" in out.getvalue()


@pytest.mark.parametrize("username", [*DEMO_ROLES, "ttit-teacher", "ttit-parent"])
def test_each_demo_login_lands_on_its_start_page(seeded: str, client: Any, username: str) -> None:
    response = client.post("/login/", {"username": username, "password": "demo"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain, "signed in and sent on to the role's start page"
    assert response.wsgi_request.user.username == username
