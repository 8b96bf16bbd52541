"""Credentials for a group: accounts created once, new one-time passwords, blocking (services)."""

from __future__ import annotations

import datetime as dt

import pytest

from otmetka.academics.services.credentials import credentials_issue_group
from otmetka.academics.tests.factories_access import (
    add_parent,
    enrol,
    make_curator_of_other_group,
)
from otmetka.accounts.models import RoleAssignment, User
from otmetka.accounts.roles import Role
from otmetka.accounts.services import (
    account_issue_for_person,
    account_set_active,
    free_login,
    login_base,
    transliterate,
)
from otmetka.audit.models import AuditEvent
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.people.models import Guardianship, Person
from otmetka.test import World, make_person


class TestLogins:
    def test_surname_and_initials_in_latin_letters(self, world: World) -> None:
        person = Person(last_name="Иванов", first_name="Иван", middle_name="Петрович")
        assert login_base(person) == "ivanov.ip"
        assert login_base(Person(last_name="Щукина-Ёлкина", first_name="Юлия")) == (
            "shchukina-elkina.y"
        )
        assert transliterate("Хабибуллин Ъ") == "khabibullin"

    def test_a_namesake_gets_the_next_number(self, world: World) -> None:
        User.objects.create_user("ivanov.ip", "x")
        assert free_login("ivanov.ip") == "ivanov.ip2"
        assert free_login("ivanov.ip", taken={"ivanov.ip2"}) == "ivanov.ip3"

    def test_a_name_in_latin_letters_stays(self, world: World) -> None:
        assert login_base(Person(last_name="O'Brien", first_name="Anna")) == "obrien.a"


class TestGroupIssue:
    def test_creates_missing_accounts_once_and_new_passwords_on_rerun(self, world: World) -> None:
        first = enrol(world, "Иванов", "Иван", "Петрович")
        second = enrol(world, "Иванов", "Илья", "Павлович")
        mother = add_parent(world, first, "Иванова", "Ольга", "Петровна")
        curator = world.actor("curator")
        people = [first.person.pk, second.person.pk, mother.pk]

        issued = credentials_issue_group(
            actor=curator, group=world.college.group, person_ids=people
        )

        # In the order of the roll, each student followed by their parents.
        assert [slip.username for slip in issued] == ["ivanov.ip", "ivanova.op", "ivanov.ip2"]
        assert all(slip.created for slip in issued)
        for slip in issued:
            user = User.objects.get(username=slip.username)
            assert user.check_password(slip.password)
            assert user.must_change_password
            assert user.organization == world.org
            assert user.person.pk == slip.person.pk
        assert RoleAssignment.objects.get(user__username="ivanov.ip").role == Role.STUDENT
        assert RoleAssignment.objects.get(user__username="ivanova.op").role == Role.PARENT
        users = User.objects.count()

        again = credentials_issue_group(actor=curator, group=world.college.group, person_ids=people)

        assert User.objects.count() == users
        assert not any(slip.created for slip in again)
        for old, new in zip(issued, again, strict=True):
            assert old.username == new.username
            assert old.password != new.password
            user = User.objects.get(username=new.username)
            assert user.check_password(new.password)
            assert not user.check_password(old.password)

    def test_the_password_is_not_in_the_repr(self, world: World) -> None:
        # A slip that lands in a log line or an error report does not carry the password.
        [slip] = credentials_issue_group(
            actor=world.actor("curator"),
            group=world.college.group,
            person_ids=[world.college.student.person.pk],
        )
        assert slip.password and slip.password not in repr(slip)

    def test_is_audited(self, world: World) -> None:
        student = enrol(world, "Петров", "Пётр")
        credentials_issue_group(
            actor=world.actor("curator"),
            group=world.college.group,
            person_ids=[student.person.pk],
        )
        user = User.objects.get(username="petrov.p")
        actions = set(
            AuditEvent.objects.filter(
                object_id=str(user.pk), object_type="accounts.user"
            ).values_list("action", flat=True)
        )
        assert actions == {"create", "role_grant", "credentials_issue"}
        assert AuditEvent.objects.filter(actor=world.user("curator"), action="create").exists()

    def test_a_parent_of_two_students_gets_one_slip(self, world: World) -> None:
        first = enrol(world, "Сидоров", "Антон")
        second = enrol(world, "Сидорова", "Анна")
        father = add_parent(world, first, "Сидоров", "Олег", kind=Guardianship.Kind.FATHER)
        Guardianship.objects.create(student=second, guardian=father, kind="father")
        issued = credentials_issue_group(
            actor=world.actor("curator"), group=world.college.group, person_ids=[father.pk]
        )
        assert [slip.person for slip in issued] == [father]

    def test_refuses_people_outside_the_group(self, world: World) -> None:
        with pytest.raises(DomainError, match="только обучающимся группы"):
            credentials_issue_group(
                actor=world.actor("curator"),
                group=world.college.group,
                person_ids=[world.college.other_student.person.pk],
            )

    def test_needs_someone(self, world: World) -> None:
        with pytest.raises(DomainError, match="Отметьте"):
            credentials_issue_group(
                actor=world.actor("curator"), group=world.college.group, person_ids=[]
            )

    def test_a_curator_of_another_group_and_a_teacher_may_not(self, world: World) -> None:
        make_curator_of_other_group(world)
        person_ids = [world.college.student.person.pk]
        for actor in (
            world.actor("other_teacher", Role.CURATOR),
            world.actor("teacher"),
            world.actor(world.stranger.users["admin"]),
        ):
            with pytest.raises(NotAllowed):
                credentials_issue_group(
                    actor=actor, group=world.college.group, person_ids=person_ids
                )

    def test_the_admin_may_for_any_group(self, world: World) -> None:
        issued = credentials_issue_group(
            actor=world.actor("admin"),
            group=world.college.other_group,
            person_ids=[world.college.other_student.person.pk],
        )
        assert issued[0].username == "other_student"

    def test_all_or_nothing_when_a_parent_is_a_member_of_staff(self, world: World) -> None:
        student = enrol(world, "Учителев", "Максим")
        teacher = world.user("teacher").person
        Guardianship.objects.create(student=student, guardian=teacher, kind="father")
        with pytest.raises(DomainError, match="Учителев Пётр Андреевич"):
            credentials_issue_group(
                actor=world.actor("curator"),
                group=world.college.group,
                person_ids=[student.person.pk, teacher.pk],
            )
        assert not User.objects.filter(username__startswith="uchitelev").exists()
        assert world.user("teacher").check_password("correct-horse-42")

    def test_not_a_staff_account_even_for_the_admin(self, world: World) -> None:
        # A slip goes out through the curator: a member of staff's password (a teacher, the
        # director, an administrator who is also a parent) is never put on one; the
        # administrator resets it on the account's own page.
        teacher = world.user("teacher")
        Guardianship.objects.create(
            student=world.college.student, guardian=teacher.person, kind="father"
        )
        with pytest.raises(DomainError, match="Учителев Пётр Андреевич"):
            credentials_issue_group(
                actor=world.actor("admin"),
                group=world.college.group,
                person_ids=[world.college.student.person.pk, teacher.person.pk],
            )
        assert User.objects.get(pk=teacher.pk).check_password("correct-horse-42")
        assert User.objects.get(pk=world.user("student").pk).check_password("correct-horse-42")


class TestAccountForPerson:
    def test_the_role_must_fit_the_person(self, world: World) -> None:
        student = enrol(world, "Орлов", "Олег")
        curator = world.actor("curator")
        with pytest.raises(DomainError, match="не присоединён"):
            account_issue_for_person(actor=curator, person=student.person, role=Role.PARENT)
        with pytest.raises(DomainError, match="только учётные записи"):
            account_issue_for_person(actor=curator, person=student.person, role=Role.TEACHER)

    def test_not_twice(self, world: World) -> None:
        with pytest.raises(DomainError, match="учётная запись уже есть"):
            account_issue_for_person(
                actor=world.actor("curator"),
                person=world.college.student.person,
                role=Role.STUDENT,
            )

    def test_not_for_a_student_of_another_group(self, world: World) -> None:
        other = enrol(world, "Чужой", "Антон", group=world.college.other_group)
        with pytest.raises(NotAllowed):
            account_issue_for_person(
                actor=world.actor("curator"), person=other.person, role=Role.STUDENT
            )

    def test_not_for_a_leaver(self, world: World, now: object) -> None:
        student = enrol(world, "Ушедший", "Антон")
        student.memberships.update(date_to=dt.date(2026, 11, 1))
        with pytest.raises(NotAllowed):
            account_issue_for_person(
                actor=world.actor("curator"), person=student.person, role=Role.STUDENT
            )

    def test_not_for_a_person_of_another_college(self, world: World) -> None:
        stranger = make_person(world.stranger.organization, "Чужов", "Иван")
        with pytest.raises(NotAllowed):
            account_issue_for_person(
                actor=world.actor("admin"), person=stranger, role=Role.STUDENT
            )


class TestBlocking:
    def test_the_curator_blocks_and_unblocks_their_student(self, world: World) -> None:
        student = world.user("student")
        curator = world.actor("curator")
        account_set_active(actor=curator, user=student, is_active=False)
        student.refresh_from_db()
        assert not student.is_active
        account_set_active(actor=curator, user=student, is_active=True)
        student.refresh_from_db()
        assert student.is_active
        assert AuditEvent.objects.filter(object_id=str(student.pk), action="update").count() == 2

    def test_not_staff_nor_another_group(self, world: World) -> None:
        curator = world.actor("curator")
        for key in ("teacher", "other_student", "other_parent"):
            with pytest.raises(NotAllowed):
                account_set_active(actor=curator, user=world.user(key), is_active=False)
            assert User.objects.get(pk=world.user(key).pk).is_active
