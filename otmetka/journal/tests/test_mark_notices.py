"""Marks and absences notify the student and the parents (by a task); unlock answers the teacher."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from otmetka.accounts.models import User
from otmetka.journal.models import Lesson, Mark, UnlockRequest
from otmetka.journal.services.unlocks import unlock_request_answer, unlock_request_create
from otmetka.journal.tasks import diary_recipients
from otmetka.journal.tests.factories_grid import make_lesson
from otmetka.notifications.models import Notification
from otmetka.notifications.tests.helpers import LOCMEM, give_address, run_queued_tasks, sign_consent
from otmetka.people.models import Guardianship, Person
from otmetka.test import BASE_QUERIES, TODAY, World


@pytest.fixture(autouse=True)
def _mail(settings: Any) -> None:
    settings.EMAIL_BACKEND = LOCMEM


@pytest.fixture
def family(world: World) -> World:
    """The student and the parent have addresses and signed consents."""
    for key in ("student", "parent"):
        sign_consent(give_address(world, key))
    return world


def _save(world: World, lesson: Lesson, value: str, version: str = "") -> Any:
    url = reverse(
        "journal:cell_save",
        kwargs={"lesson_id": lesson.pk, "student_id": world.college.student.pk},
    )
    return world.client_for("teacher").post(
        url, {"value": value, "version": version}, HTTP_HX_REQUEST="true"
    )


def _notices() -> list[tuple[int, str, str]]:
    return sorted(Notification.objects.values_list("user_id", "kind", "title"))


def test_a_new_mark_notifies_the_student_and_the_parent(
    family: World,
    django_capture_on_commit_callbacks: Any,
    django_assert_num_queries: Any,
) -> None:
    world = family
    lesson = make_lesson(world.college.workload, TODAY, pair=2)
    client = world.client_for("teacher")
    client.get(reverse("notifications:badge"))  # warm the process's rights cache
    url = reverse(
        "journal:cell_save",
        kwargs={"lesson_id": lesson.pk, "student_id": world.college.student.pk},
    )
    # BASE_QUERIES; the lesson, the student; savepoint; the lesson's row lock; the semester
    # and its sheet (lock); on roll; the cell's marks and attendance; savepoint; the work
    # kinds; the mark, its history row; two savepoint releases — and the one INSERT that
    # queues the notice task.
    with (
        django_capture_on_commit_callbacks(execute=True),
        django_assert_num_queries(BASE_QUERIES + 15 + 1),
    ):
        response = client.post(url, {"value": "5", "version": ""}, HTTP_HX_REQUEST="true")
    assert "cell-saved" in response.content.decode()
    # The request only queued the task: nothing is written or sent yet.
    assert not Notification.objects.exists() and mail.outbox == []
    assert DBTaskResult.objects.get().task_path.endswith("notify_cell_change")

    run_queued_tasks()
    title = "Новая отметка 5 по МДК.01.01 Разработка программных модулей (16.11)"
    student, parent = world.user("student"), world.user("parent")
    assert _notices() == sorted([(student.pk, "mark", title), (parent.pk, "mark", title)])
    notice = Notification.objects.get(user=parent)
    assert notice.url == f"/diary/?student={world.college.student.pk}&week=2026-11-16"
    assert "Студентов" in notice.body and "2 пара" in notice.body
    assert "вид работы: Устный ответ" in notice.body
    # Marks come in the weekly digest by default: no e-mail now.
    assert notice.email_status == Notification.EmailStatus.DIGEST and mail.outbox == []


def test_a_corrected_mark_and_an_absence_are_told_but_not_a_removal(
    family: World, django_capture_on_commit_callbacks: Any
) -> None:
    world = family
    lesson = make_lesson(world.college.workload, TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        _save(world, lesson, "5")
        _save(world, lesson, "4", "5")
        _save(world, lesson, "", "4")
    assert DBTaskResult.objects.count() == 2  # the removal queues nothing
    run_queued_tasks()
    # Both tasks ran after the mark was removed: a deleted mark is not announced.
    assert not Notification.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        _save(world, lesson, "5")
    run_queued_tasks()
    with django_capture_on_commit_callbacks(execute=True):
        _save(world, lesson, "4", "5")
    run_queued_tasks()
    with django_capture_on_commit_callbacks(execute=True):
        _save(world, lesson, "н", "4")
    run_queued_tasks()
    with django_capture_on_commit_callbacks(execute=True):
        _save(world, lesson, "оп", "н")
    run_queued_tasks()
    titles = list(
        Notification.objects.filter(user=world.user("parent"))
        .order_by("pk")
        .values_list("kind", "title")
    )
    assert titles == [
        ("mark", "Новая отметка 5 по МДК.01.01 Разработка программных модулей (16.11)"),
        ("mark", "Исправлена отметка: 4 по МДК.01.01 Разработка программных модулей (16.11)"),
        ("absence", "Пропуск занятия по МДК.01.01 Разработка программных модулей (16.11)"),
        ("absence", "Опоздание на занятие по МДК.01.01 Разработка программных модулей (16.11)"),
    ]


def test_several_marks_in_one_cell(family: World, django_capture_on_commit_callbacks: Any) -> None:
    lesson = make_lesson(family.college.workload, TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        _save(family, lesson, "4/5")
    run_queued_tasks()
    titles = set(Notification.objects.values_list("title", flat=True))
    assert titles == {"Новые отметки 4/5 по МДК.01.01 Разработка программных модулей (16.11)"}


def test_without_consent_or_diary_nobody_is_told(world: World) -> None:
    college = world.college
    assert diary_recipients(student_id=college.student.pk, today=TODAY) == []
    parent_consent = sign_consent(college.parent)
    assert diary_recipients(student_id=college.student.pk, today=TODAY) == [world.user("parent").pk]
    Guardianship.objects.filter(guardian=college.parent).update(receives_diary=False)
    assert diary_recipients(student_id=college.student.pk, today=TODAY) == []
    Guardianship.objects.filter(guardian=college.parent).update(receives_diary=True)
    parent_consent.revoked_on = TODAY
    parent_consent.save()
    student_person = Person.objects.get(user=world.user("student"))
    sign_consent(student_person, signed_on=TODAY + dt.timedelta(days=1))  # not yet in force
    assert diary_recipients(student_id=college.student.pk, today=TODAY) == []


def test_only_people_of_the_students_college_are_told(world: World) -> None:
    college = world.college
    sign_consent(college.parent)
    # A link across colleges can only come from bad data (an import, the admin site): a parent
    # of another college must still learn nothing about this student.
    Guardianship.objects.create(
        student=college.student, guardian=world.stranger.parent, kind="father"
    )
    sign_consent(world.stranger.parent)
    assert diary_recipients(student_id=college.student.pk, today=TODAY) == [world.user("parent").pk]
    # Nor an account of another college attached to this college's person.
    User.objects.filter(pk=world.user("parent").pk).update(organization=world.stranger.organization)
    assert diary_recipients(student_id=college.student.pk, today=TODAY) == []


def test_no_notice_without_recipients(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    lesson = make_lesson(world.college.workload, TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        _save(world, lesson, "5")
    [task] = run_queued_tasks()
    assert task.status == "SUCCESSFUL" and task.return_value == 0
    assert not Notification.objects.exists()
    assert Mark.objects.count() == 1


@pytest.mark.parametrize(
    ("grant", "title"),
    [
        (
            True,
            "Журнал МДК.01.01 Разработка программных модулей · ИСП-21 разблокирован "
            "до 18.11.2026 18:00",
        ),
        (
            False,
            "В разблокировке журнала МДК.01.01 Разработка программных модулей · ИСП-21 отказано",
        ),
    ],
)
def test_unlock_answer_notifies_the_teacher(
    world: World, django_capture_on_commit_callbacks: Any, grant: bool, title: str
) -> None:
    give_address(world, "teacher")
    request = unlock_request_create(
        actor=world.actor("teacher"), workload=world.college.workload, reason="Болел"
    )
    until = timezone.make_aware(dt.datetime(2026, 11, 18, 18, 0))
    with django_capture_on_commit_callbacks(execute=True):
        unlock_request_answer(
            actor=world.actor("deputy"),
            request=request,
            grant=grant,
            answer="Заполните до среды",
            valid_until=until if grant else None,
        )
    notice = Notification.objects.get()
    assert notice.user == world.user("teacher")
    assert notice.kind == Notification.Kind.UNLOCK_ANSWER
    assert notice.title.replace(str(world.college.group), "ИСП-21") == title
    assert notice.body == "Заполните до среды"
    assert notice.url == reverse("journal:grid", kwargs={"workload_id": world.college.workload.pk})
    run_queued_tasks()  # unlock answers come by e-mail at once by default
    assert [m.subject for m in mail.outbox] == [notice.title]
    assert UnlockRequest.objects.get().status == ("granted" if grant else "refused")
