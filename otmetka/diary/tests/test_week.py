"""The diary week: what a student and a parent see, consent, children, staff views, budgets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from otmetka.academics.models import Membership
from otmetka.audit.models import AuditEvent
from otmetka.diary.selectors import diary_week
from otmetka.diary.tests.factories import (
    FRIDAY,
    MONDAY,
    SATURDAY,
    THURSDAY,
    TUESDAY,
    WEDNESDAY,
    DiaryWorld,
    build_diary_week,
    consent,
    lesson,
)
from otmetka.journal.models import Lesson, Substitution
from otmetka.messaging.models import Announcement
from otmetka.people.models import Guardianship, Person, Student
from otmetka.schedule.models import ScheduleChange, TimetableEntry
from otmetka.test import BASE_QUERIES, TODAY, World, make_person

WEEK = reverse("diary:week")


@pytest.fixture
def data(world: World) -> DiaryWorld:
    return build_diary_week(world)


def page(client: Any, url: str = WEEK, **params: Any) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- what the week shows ---------------------------------------------------------------------


def test_week_of_the_student_day_by_day(data: DiaryWorld) -> None:
    college = data.world.college
    week = diary_week(
        organization_id=data.world.org.pk,
        student_id=college.student.pk,
        monday=MONDAY,
        today=TODAY,
    )
    shown = {day.date: [item.id for item in day.lessons] for day in week.days}
    lessons = data.lessons
    assert shown == {
        MONDAY: [lessons["monday"].pk],
        TUESDAY: [lessons["tuesday"].pk],
        WEDNESDAY: [lessons["wednesday"].pk],
        THURSDAY: [lessons["thursday"].pk],
        # The student's own subgroup only, not the other subgroup's pair.
        FRIDAY: [lessons["friday"].pk],
        SATURDAY: [lessons["saturday"].pk],
    }
    assert [day.is_today for day in week.days] == [True, False, False, False, False, False]
    monday = week.days[0].lessons[0]
    assert (monday.starts_at, monday.ends_at, monday.room_number) == (
        dt.time(8, 30),
        dt.time(10, 0),
        "214",
    )
    assert [(m.value, m.kind, m.comment) for m in monday.marks] == [
        ("5", "Устный ответ", "Отличный ответ")
    ]
    assert [file.name for file in monday.files] == ["Задание 1.pdf"]
    # A shortened day takes its date's bells, Saturday its weekday's.
    assert week.days[2].lessons[0].ends_at == dt.time(9, 30)
    assert (week.days[5].lessons[0].starts_at, week.days[5].lessons[0].ends_at) == (
        dt.time(9, 0),
        dt.time(10, 20),
    )
    thursday = week.days[3].lessons[0]
    assert thursday.cancelled and thursday.change_reason == "Болезнь преподавателя"


def test_week_page_shows_marks_homework_files_absences_and_changes(data: DiaryWorld) -> None:
    html = page(data.world.client_for("student"))
    assert "Отличный ответ" in html and "Устный ответ" in html
    assert "Прочитать §1" in html
    assert reverse("diary:attachment", kwargs={"attachment_id": data.attachment.pk}) in html  # type: ignore[union-attr]
    assert "Задание 1.pdf" in html
    assert "отсутствовал (причина не указана)" in html
    assert "опоздал" in html
    assert "Занятие отменено: Болезнь преподавателя" in html
    assert "каб. 214" in html
    assert "08:30–10:00" in html and "08:30–09:30" in html and "09:00–10:20" in html
    assert "МДК.01.01 Разработка программных модулей" in html
    assert "Учителев П. А." in html
    assert "Чужая подгруппа" not in html and "Чужая группа" not in html
    assert 'class="card diary-day diary-today"' in html
    assert "?week=2026-11-09" in html and "?week=2026-11-23" in html


def test_substitution_move_and_extra_pair_are_explained(data: DiaryWorld) -> None:
    world = data.world
    college = world.college
    tuesday = data.lessons["tuesday"]
    substitute = college.employees["other_teacher"]
    Lesson.objects.filter(pk=tuesday.pk).update(teacher=substitute)
    Substitution.objects.create(
        lesson=tuesday,
        absent_teacher=college.employees["teacher"],
        substitute=substitute,
        reason="Курсы повышения квалификации",
    )
    entry = TimetableEntry.objects.create(
        workload=college.workload,
        weekday=5,
        pair_number=1,
        room=data.room,
        valid_from=college.semester1.date_from,
        valid_to=college.semester1.date_to,
    )
    moved = lesson(college.workload, FRIDAY, 2, room=None, status=Lesson.Status.PLANNED)
    ScheduleChange.objects.create(
        organization=world.org,
        date=FRIDAY,
        kind=ScheduleChange.Kind.MOVE,
        entry=entry,
        workload=college.workload,
        pair_number=2,
        reason="Аудитория занята",
    )
    lesson(college.workload, SATURDAY, 2, status=Lesson.Status.PLANNED)
    ScheduleChange.objects.create(
        organization=world.org,
        date=SATURDAY,
        kind=ScheduleChange.Kind.EXTRA,
        workload=college.workload,
        pair_number=2,
        reason="Отработка",
    )
    html = page(world.client_for("parent"))
    assert "Другова Д. О." in html and "замена: вместо Учителева П. А." in html
    assert "Перенос с 1 пары из каб. 214: Аудитория занята" in html
    assert "Дополнительная пара: Отработка" in html
    assert moved.pk


def test_a_transfer_moves_the_diary_on_its_day(data: DiaryWorld) -> None:
    college = data.world.college
    membership = Membership.objects.get(student=college.student, group=college.group)
    membership.date_to = TUESDAY
    membership.save()
    Membership.objects.create(
        group=college.other_group, student=college.student, date_from=WEDNESDAY
    )
    other = lesson(college.other_workload, THURSDAY, 1, topic_text="Новая группа")
    week = diary_week(
        organization_id=data.world.org.pk,
        student_id=college.student.pk,
        monday=MONDAY,
        today=TODAY,
    )
    shown = [item.id for day in week.days for item in day.lessons]
    assert shown == [data.lessons["monday"].pk, data.lessons["tuesday"].pk, other.pk]


def test_week_parameter_and_a_bad_date(data: DiaryWorld) -> None:
    client = data.world.client_for("student")
    html = page(client, week="2026-11-25")
    assert "Дневник: неделя 23.11.2026 – 28.11.2026" in html
    assert "Отличный ответ" not in html
    html = page(client, week="не дата")
    assert "Дневник: неделя 16.11.2026 – 21.11.2026" in html


def test_announcements_at_the_top_of_the_week(data: DiaryWorld) -> None:
    world = data.world
    Announcement.objects.create(
        organization=world.org,
        author=world.user("curator"),
        title="Родительское собрание",
        body="В пятницу в 18:00, ауд. 214",
        audience=Announcement.Audience.GROUP,
        group=world.college.group,
        valid_from=TODAY,
        valid_to=TODAY + dt.timedelta(days=7),
    )
    Announcement.objects.create(
        organization=world.org,
        author=world.user("curator"),
        title="Для другой группы",
        body="Не вам",
        audience=Announcement.Audience.GROUP,
        group=world.college.other_group,
        valid_from=TODAY,
        valid_to=TODAY + dt.timedelta(days=7),
    )
    html = page(world.client_for("parent"))
    assert "Родительское собрание" in html
    assert "Для другой группы" not in html


# --- consent (Положение 3.8) -----------------------------------------------------------------


def test_without_consent_only_the_notice_with_the_curator(world: World) -> None:
    build_diary_week(world, with_consents=False)
    for persona in ("student", "parent"):
        html = page(world.client_for(persona))
        assert "Дневник недоступен" in html
        assert "Кураторова Елена Викторовна" in html
        assert "Введение в модуль" not in html and "Отличный ответ" not in html
        for url in (reverse("diary:marks"), reverse("diary:attendance")):
            html = page(world.client_for(persona), url)
            assert "Дневник недоступен" in html and "Средний балл" not in html


def test_revoked_consent_closes_the_diary_and_a_future_revocation_does_not(
    world: World,
) -> None:
    build_diary_week(world, with_consents=False)
    person = world.college.student.person
    given = consent(person, revoked_on=TODAY)
    assert "Дневник недоступен" in page(world.client_for("student"))
    given.revoked_on = TODAY + dt.timedelta(days=1)
    given.save()
    assert "Отличный ответ" in page(world.client_for("student"))


def test_the_parent_needs_their_own_consent_not_the_childs(world: World) -> None:
    data = build_diary_week(world, with_consents=False)
    consent(world.college.student.person)
    client = world.client_for("parent")
    assert "Дневник недоступен" in page(client)
    response = client.get(
        reverse("diary:attachment", kwargs={"attachment_id": data.attachment.pk})  # type: ignore[union-attr]
    )
    assert response.status_code == 200 and b"%PDF" not in b"".join(
        getattr(response, "streaming_content", [response.content])
    )
    consent(world.college.parent)
    assert "Отличный ответ" in page(client)


def test_staff_read_without_any_consent(world: World) -> None:
    build_diary_week(world, with_consents=False)
    client = world.client_for("curator", role="curator")
    url = reverse("diary:student_week", kwargs={"student_id": world.college.student.pk})
    assert "Отличный ответ" in page(client, url)


def test_homework_file_is_downloaded_as_an_attachment(data: DiaryWorld) -> None:
    assert data.attachment is not None
    url = reverse("diary:attachment", kwargs={"attachment_id": data.attachment.pk})
    response = data.world.client_for("parent").get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 task"  # type: ignore[attr-defined]


# --- children ----------------------------------------------------------------------------------


def second_child(world: World, *, receives: bool = True) -> Student:
    college = world.college
    person = make_person(world.org, "Студентова", "Анна", "Петровна", sex=Person.Sex.FEMALE)
    child = Student.objects.create(person=person)
    Membership.objects.create(
        group=college.other_group, student=child, date_from=dt.date(2026, 9, 1)
    )
    Guardianship.objects.create(
        student=child,
        guardian=college.parent,
        kind=Guardianship.Kind.MOTHER,
        receives_diary=receives,
    )
    return child


def test_parent_switches_between_children_and_the_choice_is_remembered(
    data: DiaryWorld,
) -> None:
    world = data.world
    child = second_child(world)
    lesson(world.college.other_workload, TUESDAY, 1, topic_text="Урок второго ребёнка")
    client = world.client_for("parent")
    html = page(client)
    assert 'name="student"' in html
    assert "Студентова Анна Петровна (ИС-22)" in html and "Студентов Иван Петрович (ИС-21)" in html
    assert "Урок второго ребёнка" not in html
    html = page(client, student=child.pk)
    assert "Урок второго ребёнка" in html and "Отличный ответ" not in html
    # Remembered: the next visit without ?student= stays with the second child.
    html = page(client)
    assert "Урок второго ребёнка" in html
    assert "Урок второго ребёнка" in page(client, reverse("diary:week"))
    html = page(client, student=world.college.student.pk)
    assert "Отличный ответ" in html


def test_parent_cannot_open_a_child_who_does_not_receive_the_diary(data: DiaryWorld) -> None:
    world = data.world
    child = second_child(world, receives=False)
    client = world.client_for("parent")
    assert "Студентова Анна" not in page(client)
    assert client.get(WEEK, {"student": child.pk}).status_code == 404
    assert client.get(WEEK, {"student": world.college.other_student.pk}).status_code == 404


def test_student_cannot_pass_another_students_id(data: DiaryWorld) -> None:
    world = data.world
    client = world.client_for("student")
    assert client.get(WEEK, {"student": world.college.other_student.pk}).status_code == 404
    assert client.get(WEEK, {"student": world.stranger.student.pk}).status_code == 404
    assert client.get(WEEK, {"student": world.college.student.pk}).status_code == 200
    marks = reverse("diary:marks")
    assert client.get(marks, {"student": world.college.other_student.pk}).status_code == 404


def test_parent_without_children_learns_whom_to_ask(world: World) -> None:
    Guardianship.objects.filter(guardian=world.college.parent).delete()
    html = page(world.client_for("parent"))
    assert "не привязан ни один обучающийся" in html


# --- staff: read-only and audited (152-ФЗ) ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("diary:student_week", "diary_week"),
        ("diary:student_marks", "diary_marks"),
        ("diary:student_attendance", "diary_attendance"),
    ],
)
def test_every_staff_view_of_a_diary_is_logged(data: DiaryWorld, name: str, label: str) -> None:
    world = data.world
    student = world.college.student
    url = reverse(name, kwargs={"student_id": student.pk})
    html = page(world.client_for("curator", role="curator"), url)
    assert "Просмотр сотрудником записывается в журнал аудита" in html
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert (event.object_type, event.object_id) == ("people.student", str(student.pk))
    assert event.changes == {"page": label}
    assert event.actor == world.user("curator")
    assert event.organization_id == world.org.pk


def test_staff_view_links_files_through_the_staff_address(data: DiaryWorld) -> None:
    world = data.world
    assert data.attachment is not None
    student = world.college.student
    url = reverse("diary:student_week", kwargs={"student_id": student.pk})
    html = page(world.client_for("deputy"), url)
    file_url = reverse(
        "diary:student_attachment",
        kwargs={"student_id": student.pk, "attachment_id": data.attachment.pk},
    )
    assert file_url in html
    response = world.client_for("deputy").get(file_url)
    assert response.status_code == 200
    # The other student was never in that lesson's group: their diary has no such file.
    other = reverse(
        "diary:student_attachment",
        kwargs={"student_id": world.college.other_student.pk, "attachment_id": data.attachment.pk},
    )
    assert world.client_for("deputy").get(other).status_code == 404


def test_curator_of_another_group_gets_404(data: DiaryWorld) -> None:
    world = data.world
    url = reverse("diary:student_week", kwargs={"student_id": world.college.other_student.pk})
    assert world.client_for("curator", role="curator").get(url).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).exists()


# --- query budgets (DESIGN.md §6: the week page ≤ 8 queries) ------------------------------------


def test_student_week_query_budget(data: DiaryWorld, django_assert_num_queries: Any) -> None:
    client = data.world.client_for("student")
    client.get(WEEK)  # a warm process: the role's rights are remembered
    # 7 = 3 base (session; user with person, staff card, organization; roles with the
    # organization) + the student with group and consent + the week's lessons (bells, change
    # and joins inside) + marks ∪ attendance ∪ files + announcements.
    assert BASE_QUERIES == 3
    with django_assert_num_queries(7):
        response = client.get(WEEK)
    assert response.status_code == 200


def test_parent_with_two_children_query_budget(
    data: DiaryWorld, django_assert_num_queries: Any
) -> None:
    world = data.world
    child = second_child(world)
    client = world.client_for("parent")
    client.get(WEEK)
    # The same 7: both children come in one query, whichever is shown.
    with django_assert_num_queries(7):
        assert client.get(WEEK).status_code == 200
    # Switching to the other child also saves the choice in the session: one UPDATE more (8,
    # the budget), which the test's transaction wraps in a savepoint and its release.
    with django_assert_num_queries(10):
        assert client.get(WEEK, {"student": child.pk}).status_code == 200
    with django_assert_num_queries(7):
        assert client.get(WEEK).status_code == 200


def test_week_queries_do_not_grow_with_lessons(
    data: DiaryWorld, django_assert_num_queries: Any
) -> None:
    college = data.world.college
    for pair in (3, 4, 5, 6):
        for day in (MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY):
            lesson(college.workload, day, pair, homework="Задача")
    client = data.world.client_for("student")
    client.get(WEEK)
    with django_assert_num_queries(7):
        html = page(client)
    assert html.count('<li class="diary-lesson') == 26
