"""Letters to parents without the electronic diary (Положение 4.5): content, PDF, scope, cost."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from otmetka.academics.models import Membership
from otmetka.audit.models import AuditEvent
from otmetka.diary.letters import letters_html
from otmetka.diary.selectors import group_letters
from otmetka.diary.tests.factories import DiaryWorld, build_diary_week, lesson
from otmetka.journal.models import Attendance, AttendanceCode, Mark
from otmetka.people.models import Person, Student
from otmetka.test import TODAY, World, make_person

LETTERS = reverse("diary:letters")
PERIOD = {"date_from": "2026-11-03", "date_to": "2026-11-16"}


@pytest.fixture
def data(world: World) -> DiaryWorld:
    data = build_diary_week(world)
    college = world.college
    past = lesson(college.workload, dt.date(2026, 11, 9), 2, hours=2)
    Mark.objects.create(lesson=past, student=college.student, value="3", work_kind=data.test)
    Attendance.objects.create(
        lesson=lesson(college.workload, dt.date(2026, 11, 10), 2),
        student=college.student,
        code=AttendanceCode.ILLNESS,
    )
    return data


def add_students(world: World, count: int) -> list[Student]:
    students = []
    for number in range(count):
        person = make_person(world.org, "Ученикова", f"Ольга{number}", "", sex=Person.Sex.FEMALE)
        student = Student.objects.create(person=person)
        Membership.objects.create(
            group=world.college.group, student=student, date_from=dt.date(2026, 9, 1)
        )
        students.append(student)
    return students


def test_letter_content(data: DiaryWorld) -> None:
    world = data.world
    letters = group_letters(
        group=world.college.group,
        date_from=dt.date(2026, 11, 3),
        date_to=TODAY,
        today=TODAY,
    )
    assert [letter.student for letter in letters.letters] == [world.college.student]
    html = letters_html(letters, organization=world.org, printed_on=TODAY)
    assert "Информационное письмо" in html
    assert world.org.name in html
    assert "Студентов Иван Петрович" in html and "ИС-21" in html
    assert "03.11.2026" in html and "16.11.2026" in html
    assert "МДК.01.01 Разработка программных модулей" in html
    assert "09.11 — <b>3</b> КР" in html and "16.11 — <b>5</b> О" in html
    # (3×2 + 5×1) / 3
    assert "3,67" in html
    assert "по уважительной причине: 2" in html and "Опозданий: 0" in html
    assert "Кураторова Елена Викторовна" in html
    assert 'class="line"' in html  # the signature line
    assert "page-break-after: always" in html


def test_group_letters_cost_the_same_for_two_or_thirty_students(
    data: DiaryWorld, django_assert_num_queries: Any
) -> None:
    world = data.world
    group = world.college.group

    def build() -> int:
        letters = group_letters(
            group=group, date_from=dt.date(2026, 11, 3), date_to=TODAY, today=TODAY
        )
        return len(letters.letters)

    add_students(world, 1)
    # 4 = the roll (with whether parents read the diary), marks, attendance, curators.
    with django_assert_num_queries(4):
        assert build() == 2
    others = add_students(world, 28)
    for student in others[:10]:
        Mark.objects.create(
            lesson=data.lessons["monday"], student=student, value="4", work_kind=data.answer
        )
        Attendance.objects.create(
            lesson=data.lessons["wednesday"], student=student, code=AttendanceCode.LATE
        )
    with django_assert_num_queries(4):
        assert build() == 30


def test_curator_prints_the_group_as_one_pdf_and_it_is_audited(data: DiaryWorld) -> None:
    world = data.world
    client = world.client_for("curator", role="curator")
    url = reverse("diary:letters_pdf", kwargs={"group_id": world.college.group.pk})
    response = client.get(url, PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment;")
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert event.object_type == "academics.group"
    assert event.changes["page"] == "parent_letters"
    assert event.changes["students"] == [world.college.student.pk]


def test_letters_page_lists_the_group_with_who_reads_the_diary(data: DiaryWorld) -> None:
    world = data.world
    client = world.client_for("curator", role="curator")
    html = client.get(LETTERS).content.decode()
    assert "ИС-21" in html and "ИС-22" not in html  # only the curated group to choose
    html = client.get(LETTERS, {"group": str(world.college.group.pk), **PERIOD}).content.decode()
    assert "Студентов Иван Петрович" in html
    # The mother has an account, receives the diary and has signed the consent.
    assert '<span class="badge good">да</span>' in html
    assert "нет — нужно письмо" not in html
    student_letter = reverse(
        "diary:letter_pdf",
        kwargs={"group_id": world.college.group.pk, "student_id": world.college.student.pk},
    )
    assert student_letter in html
    assert reverse("diary:student_week", kwargs={"student_id": world.college.student.pk}) in html


def test_the_default_period_is_the_last_two_weeks(data: DiaryWorld) -> None:
    html = data.world.client_for("curator", role="curator").get(LETTERS).content.decode()
    assert 'value="2026-11-03"' in html and 'value="2026-11-16"' in html


def test_only_offline_keeps_the_students_whose_parents_do_not_read_the_diary(
    data: DiaryWorld,
) -> None:
    world = data.world
    offline = add_students(world, 1)[0]
    letters = group_letters(
        group=world.college.group,
        date_from=dt.date(2026, 11, 3),
        date_to=TODAY,
        today=TODAY,
        only_offline=True,
    )
    assert [letter.student for letter in letters.letters] == [offline]


def test_bad_period_is_refused_with_a_message(data: DiaryWorld) -> None:
    world = data.world
    client = world.client_for("curator", role="curator")
    url = reverse("diary:letters_pdf", kwargs={"group_id": world.college.group.pk})
    response = client.get(url, {"date_from": "2026-11-16", "date_to": "2026-11-01"})
    assert response.status_code == 400
    assert "Дата окончания раньше даты начала." in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_a_student_letter_outside_the_group_is_404(data: DiaryWorld) -> None:
    world = data.world
    client = world.client_for("deputy")
    url = reverse(
        "diary:letter_pdf",
        kwargs={"group_id": world.college.group.pk, "student_id": world.college.other_student.pk},
    )
    assert client.get(url, PERIOD).status_code == 404


def test_a_students_own_letter_is_a_pdf(data: DiaryWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    world = data.world
    seen: dict[str, Any] = {}

    def fake_pdf(letters: Any, **kwargs: Any) -> bytes:
        seen["students"] = [letter.student for letter in letters.letters]
        return b"%PDF-1.7 fake"

    monkeypatch.setattr("otmetka.diary.views.letters_pdf", fake_pdf)
    url = reverse(
        "diary:letter_pdf",
        kwargs={"group_id": world.college.group.pk, "student_id": world.college.student.pk},
    )
    add_students(world, 2)
    response = world.client_for("deputy").get(url, PERIOD)
    assert response.status_code == 200
    assert seen["students"] == [world.college.student]
