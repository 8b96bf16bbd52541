"""Who may write to whom (Положение 3.9, 4.5): the recipient lists the compose form offers."""

from __future__ import annotations

import datetime as dt

from otmetka.academics.models import Membership, Workload
from otmetka.accounts.rights import DEFAULT_RIGHTS
from otmetka.accounts.roles import Role
from otmetka.accounts.services import rights_set
from otmetka.messaging.permissions import (
    can_write_to,
    recipients_for,
    reply_recipients_for,
    writable_groups,
)
from otmetka.messaging.tests.support import send
from otmetka.org.models import AcademicYear
from otmetka.test import World

STAFF = {
    "director",
    "admin",
    "deputy",
    "hr",
    "curator",
    "teacher",
    "other_teacher",
    "dispatcher",
    "head",
    "secretary",
    "methodist",
}


def names(world: World, key: str, role: str | None = None) -> set[str]:
    by_id = {user.pk: name for name, user in world.college.users.items()}
    users = recipients_for(world.actor(key, role)).values_list("pk", flat=True)
    return {by_id.get(pk, f"stranger:{pk}") for pk in users}


def test_a_parent_and_a_student_write_to_the_curator_and_teachers_of_their_group(
    world: World,
) -> None:
    assert names(world, "parent") == {"curator", "teacher"}
    assert names(world, "student") == {"curator", "teacher"}
    # The other group has no curator; its teacher is the other teacher.
    assert names(world, "other_parent") == {"other_teacher"}
    assert names(world, "other_student") == {"other_teacher"}


def test_teachers_of_a_past_academic_year_are_not_offered(world: World) -> None:
    world.college.year.date_to = dt.date(2026, 11, 1)
    world.college.year.save(update_fields=["date_to"])
    assert names(world, "parent") == {"curator"}


def test_a_student_who_left_the_group_writes_to_nobody_of_it(world: World) -> None:
    Membership.objects.filter(student=world.college.student).update(date_to=dt.date(2026, 11, 1))
    assert names(world, "student") == set()
    assert names(world, "parent") == set()


def test_staff_write_to_staff_the_curator_and_teachers_also_to_their_groups(
    world: World,
) -> None:
    # Положение 4.6: teachers «организуют обмен информацией с обучающимися и родителями» of
    # the groups they teach (ИС-21 for the teacher, ИС-22 for the other teacher).
    assert names(world, "teacher") == STAFF - {"teacher"} | {"student", "parent"}
    assert names(world, "other_teacher") == STAFF - {"other_teacher"} | {
        "other_student",
        "other_parent",
    }
    assert names(world, "curator", Role.CURATOR) == STAFF - {"curator"} | {"student", "parent"}
    # In the teacher role the same person teaches no group this year: staff only (the
    # curator's right is a role's).
    assert names(world, "curator", Role.TEACHER) == STAFF - {"curator"}


def test_a_teacher_writes_first_only_while_teaching_the_group_this_year(world: World) -> None:
    Workload.objects.filter(pk=world.college.workload.pk).update(
        academic_year=AcademicYear.objects.create(
            organization=world.org,
            name="2025/2026",
            date_from=dt.date(2025, 9, 1),
            date_to=dt.date(2026, 8, 31),
        )
    )
    assert names(world, "teacher") == STAFF - {"teacher"}


def test_the_administrator_may_take_the_teachers_right_away(world: World) -> None:
    rights_set(
        actor=world.actor("admin"),
        role=Role.TEACHER,
        rights=DEFAULT_RIGHTS[Role.TEACHER] - {"messages.write_taught_groups"},
    )
    assert names(world, "teacher") == STAFF - {"teacher"}
    assert not writable_groups(world.actor("teacher")).exists()


def test_the_director_writes_to_students_and_parents_of_every_group(world: World) -> None:
    everyone = STAFF - {"director"} | {"student", "parent", "other_student", "other_parent"}
    assert names(world, "director") == everyone


def test_nobody_writes_to_another_organization_or_to_deactivated_accounts(world: World) -> None:
    stranger_teacher = world.stranger.users["teacher"]
    director = world.actor("director")
    assert not can_write_to(director, stranger_teacher)
    assert not can_write_to(world.actor(stranger_teacher), world.user("teacher"))
    teacher = world.user("teacher")
    teacher.is_active = False
    teacher.save(update_fields=["is_active"])
    assert names(world, "parent") == {"curator"}
    assert not can_write_to(director, teacher)


def test_dismissed_staff_are_not_offered(world: World) -> None:
    employee = world.college.employees["teacher"]
    employee.dismissal_date = dt.date(2026, 11, 10)
    employee.save(update_fields=["dismissal_date"])
    assert "teacher" not in names(world, "director")
    assert names(world, "parent") == {"curator"}


def test_a_teacher_may_answer_a_parent_who_wrote_to_them(world: World) -> None:
    letter = send(world, "parent", ["teacher"])
    # Without the right to write first to their groups, a teacher still answers.
    rights_set(
        actor=world.actor("admin"),
        role=Role.TEACHER,
        rights=DEFAULT_RIGHTS[Role.TEACHER] - {"messages.write_taught_groups"},
    )
    teacher = world.actor("teacher")
    assert not can_write_to(teacher, world.user("parent"))
    replies = reply_recipients_for(teacher, letter)
    assert list(replies.values_list("pk", flat=True)) == [world.user("parent").pk]
    # Once the child has left the group, the teacher no longer answers in that thread.
    Membership.objects.filter(student=world.college.student).update(date_to=dt.date(2026, 11, 1))
    assert not reply_recipients_for(teacher, letter).exists()


def test_in_a_group_broadcast_a_parent_answers_the_curator_only(world: World) -> None:
    letter = send(world, "curator", ["parent", "student"])
    replies = reply_recipients_for(world.actor("parent"), letter)
    assert list(replies.values_list("pk", flat=True)) == [world.user("curator").pk]
