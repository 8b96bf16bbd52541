"""The demo for the electronic diary: a parent of two, consents, a week with marks, rooms."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from otmetka.academics.models import Membership
from otmetka.accounts.models import User
from otmetka.demo.diary import CLASSMATES_WITHOUT_CONSENT, SIBLING_FIRST_NAME
from otmetka.demo.generator import DEMO_TODAY
from otmetka.diary.selectors import active_consents
from otmetka.journal.models import Lesson, Mark
from otmetka.people.models import Consent, Guardianship, Student

pytestmark = pytest.mark.django_db

MONDAY = DEMO_TODAY - dt.timedelta(days=DEMO_TODAY.weekday())


@pytest.fixture
def seeded() -> None:
    call_command("seed_demo", size="small", today=DEMO_TODAY, stdout=io.StringIO())


def demo_student() -> Student:
    return Student.objects.select_related("person").get(person__user__username="student")


def test_the_demo_parent_has_two_children_in_different_groups(seeded: None) -> None:
    parent = User.objects.get(username="parent").person
    children = Student.objects.filter(
        guardianships__guardian=parent, guardianships__receives_diary=True
    ).select_related("person")
    assert demo_student() in children and children.count() == 2
    groups = set(
        Membership.objects.filter(student__in=children, date_to__isnull=True).values_list(
            "group__name", flat=True
        )
    )
    assert len(groups) == 2
    sister = children.exclude(pk=demo_student().pk).get()
    assert sister.person.first_name == SIBLING_FIRST_NAME
    assert sister.person.last_name == "Смирнова" and sister.person.middle_name == "Дмитриевна"
    # The father is the guardian of both, as in a real family.
    assert Guardianship.objects.filter(student=sister).count() == 2


def test_demo_student_and_parent_have_a_consent_and_some_classmates_do_not(
    seeded: None,
) -> None:
    student = demo_student()
    parent = User.objects.get(username="parent").person
    assert active_consents(student.person.pk, DEMO_TODAY).exists()
    assert active_consents(parent.pk, DEMO_TODAY).exists()
    group = Membership.objects.get(student=student).group
    classmates = Student.objects.filter(memberships__group=group).exclude(pk=student.pk)
    without = classmates.exclude(person__consents__isnull=False)
    assert without.count() >= CLASSMATES_WITHOUT_CONSENT
    assert Consent.objects.filter(person__student__in=classmates).count() >= 6


def test_the_demo_student_has_marks_and_homework_this_week(seeded: None) -> None:
    student = demo_student()
    marks = Mark.objects.filter(
        student=student, lesson__date__gte=MONDAY, lesson__date__lt=DEMO_TODAY
    )
    assert marks.count() >= 2
    assert marks.exclude(comment="").exists()
    week = Lesson.objects.filter(
        workload__group__memberships__student=student, date__gte=MONDAY, date__lt=DEMO_TODAY
    )
    assert week.exclude(homework="").exists()


def test_past_lessons_have_the_room_of_their_timetable_line(seeded: None) -> None:
    lessons = Lesson.objects.filter(source=Lesson.Source.MANUAL)
    assert lessons.filter(room__isnull=False).count() > lessons.count() * 0.8
    planned = Lesson.objects.filter(source=Lesson.Source.TIMETABLE)
    assert planned.exists() and planned.filter(room__isnull=False).exists()


def test_the_demo_parent_reads_both_diaries(seeded: None) -> None:
    moment = dt.datetime.combine(DEMO_TODAY, dt.time(12, 0), tzinfo=ZoneInfo("Asia/Tomsk"))
    with time_machine.travel(moment, tick=False):
        client = Client()
        response = client.post(
            reverse("accounts:login"), {"username": "parent", "password": "demo"}, follow=True
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "Дневник: неделя" in html and "Подробный ответ у доски" in html
        sister = (
            Student.objects.filter(guardianships__guardian__user__username="parent")
            .exclude(pk=demo_student().pk)
            .get()
        )
        html = client.get(reverse("diary:week"), {"student": sister.pk}).content.decode()
        assert "Смирнова Дарья" in html and "Подробный ответ у доски" not in html
