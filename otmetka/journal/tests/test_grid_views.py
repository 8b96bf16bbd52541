"""The journal list, the grid, cell saving, lesson pages and unlock pages as people use them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from otmetka.journal.models import (
    HomeworkAttachment,
    JournalHistory,
    JournalUnlock,
    Lesson,
    Mark,
    UnlockRequest,
)
from otmetka.journal.tests.factories_grid import make_lesson, make_student
from otmetka.test import BASE_QUERIES, TODAY, World


def grid_url(world: World, workload: Any = None) -> str:
    workload = workload or world.college.workload
    return reverse("journal:grid", kwargs={"workload_id": workload.pk})


def cell_url(lesson: Lesson, student: Any) -> str:
    return reverse("journal:cell_save", kwargs={"lesson_id": lesson.pk, "student_id": student.pk})


def test_teacher_sees_own_journals(world: World) -> None:
    response = world.client_for("teacher").get(reverse("journal:journal_list"))
    assert response.status_code == 200
    assert list(response.context["journals"]) == [world.college.workload]
    assert "МДК.01.01" in response.content.decode()


@pytest.mark.parametrize(
    ("key", "role", "status"),
    [
        ("teacher", None, 200),
        ("other_teacher", None, 404),
        ("curator", "curator", 200),
        ("deputy", None, 200),
        ("director", None, 200),
        ("head", None, 200),
        ("student", None, 403),
        ("parent", None, 403),
        ("hr", None, 403),
        ("stranger:teacher", None, 404),
        ("stranger:deputy", None, 404),
    ],
)
def test_grid_access(world: World, key: str, role: str | None, status: int) -> None:
    user = world.stranger.users[key.split(":")[1]] if key.startswith("stranger:") else key
    response = world.client_for(user, role=role).get(grid_url(world))
    assert response.status_code == status


def test_grid_shows_cells_totals_and_greyed_roster(world: World) -> None:
    leaver = make_student(world, "Ушедший", date_to=dt.date(2026, 11, 10))
    newcomer = make_student(world, "Пришедший", date_from=dt.date(2026, 11, 12))
    early = make_lesson(world.college.workload, dt.date(2026, 11, 9), hours=2)
    late = make_lesson(world.college.workload, TODAY, hours=2, topic_text="Циклы")
    client = world.client_for("teacher")
    for lesson, text in ((early, "4/5"), (late, "н")):
        response = client.post(
            cell_url(lesson, world.college.student),
            {"value": text, "version": ""},
            HTTP_HX_REQUEST="true",
        )
        assert "cell-saved" in response.content.decode()
    grid = client.get(grid_url(world)).context["grid"]
    rows = {row.name.split()[0]: row for row in grid.rows}
    assert [row.name.split()[0] for row in grid.rows] == ["Пришедший", "Студентов", "Ушедший"]
    me = rows["Студентов"]
    assert [cell.text for cell in me.cells] == ["4/5", "н"]
    assert (me.average, me.marks_count, me.absence_hours) == (pytest.approx(4.5), 2, 2)
    assert [cell.on_roll for cell in rows["Ушедший"].cells] == [True, False]
    assert [cell.on_roll for cell in rows["Пришедший"].cells] == [False, True]
    assert rows["Ушедший"].left
    del leaver, newcomer


def test_cell_save_refusals_show_in_the_cell(world: World) -> None:
    lesson = make_lesson(world.college.workload)
    client = world.client_for("teacher")
    url = cell_url(lesson, world.college.student)
    response = client.post(url, {"value": "6", "version": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "cell-error" in body and "«6» — не отметка" in body
    client.post(url, {"value": "5", "version": ""}, HTTP_HX_REQUEST="true")
    stale = client.post(url, {"value": "4", "version": ""}, HTTP_HX_REQUEST="true")
    assert "сейчас там 5" in stale.content.decode()
    assert list(Mark.objects.values_list("value", flat=True)) == ["5"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [("5" * 41, "не более 40 символов"), ("5\x00", "ноль-байт")],
)
def test_invalid_cell_input_changes_nothing(world: World, typed: str, message: str) -> None:
    """Issue 10: input the form refuses never reaches the service as an empty cell."""
    lesson = make_lesson(world.college.workload)
    client = world.client_for("teacher")
    url = cell_url(lesson, world.college.student)
    client.post(url, {"value": "4/5", "version": ""}, HTTP_HX_REQUEST="true")
    history = JournalHistory.objects.count()
    response = client.post(url, {"value": typed, "version": "4/5"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "cell-error" in body and "cell-saved" not in body
    assert message.lower() in body.lower()
    assert 'data-current="4/5"' in body
    assert list(Mark.objects.order_by("slot").values_list("value", flat=True)) == ["4", "5"]
    assert JournalHistory.objects.count() == history
    plain = client.post(url, {"value": typed, "version": "4/5"}, follow=True)
    assert message.lower() in plain.content.decode().lower()
    assert Mark.objects.count() == 2


def test_cell_save_rights(world: World) -> None:
    lesson = make_lesson(world.college.workload)
    data = {"value": "5", "version": ""}
    student = world.college.student
    assert (
        world.client_for("curator", role="curator")
        .post(cell_url(lesson, student), data)
        .status_code
        == 403
    )
    assert world.client_for("deputy").post(cell_url(lesson, student), data).status_code == 403
    assert (
        world.client_for("other_teacher").post(cell_url(lesson, student), data).status_code == 404
    )
    assert (
        world.client_for(world.stranger.users["teacher"])
        .post(cell_url(lesson, student), data)
        .status_code
        == 404
    )
    assert world.client_for("teacher").get(cell_url(lesson, student)).status_code == 405
    assert not Mark.objects.exists()


def test_locked_column_is_grey_and_refuses(world: World) -> None:
    old = make_lesson(world.college.workload, TODAY - dt.timedelta(days=31))
    client = world.client_for("teacher")
    body = client.get(grid_url(world)).content.decode()
    assert 'class="lesson locked"' in body
    assert "Запросить разблокировку" in body
    response = client.post(
        cell_url(old, world.college.student), {"value": "5", "version": ""}, HTTP_HX_REQUEST="true"
    )
    assert "старше 30 дней" in response.content.decode()
    assert not Mark.objects.exists()


def _more(world: World, students: int, lessons: int) -> None:
    for number in range(students):
        make_student(world, f"Студент{number:02d}")
    for number in range(lessons):
        lesson = make_lesson(world.college.workload, TODAY - dt.timedelta(days=number), pair=1)
        Mark.objects.create(
            lesson=lesson,
            student=world.college.student,
            value="5",
            work_kind_id=1 if False else _kind(world),
        )


def _kind(world: World) -> int:
    from otmetka.journal.models import WorkKind

    return WorkKind.objects.filter(organization=world.org).values_list("pk", flat=True).first() or 0


@pytest.mark.parametrize(("students", "lessons"), [(3, 5), (30, 40)])
def test_grid_query_budget(
    world: World,
    django_assert_max_num_queries: Any,
    django_assert_num_queries: Any,
    students: int,
    lessons: int,
) -> None:
    _more(world, students, lessons)
    client = world.client_for("teacher")
    client.get(grid_url(world))
    # BASE_QUERIES, then the journal, the semesters with lock state, the lessons, the roll,
    # marks and attendance (one UNION), the КТП's next unused topic and the form's topics.
    with django_assert_max_num_queries(10):
        response = client.get(grid_url(world))
    with django_assert_num_queries(BASE_QUERIES + 6):
        client.get(grid_url(world))
    assert len(response.context["grid"].lessons) == lessons
    assert len(response.context["grid"].rows) == students + 1


def test_add_lesson_from_the_grid(world: World) -> None:
    client = world.client_for("teacher")
    response = client.post(
        reverse("journal:lesson_create", kwargs={"workload_id": world.college.workload.pk}),
        {
            "date": "2026-11-16",
            "pair_number": "2",
            "hours": "2",
            "lesson_type": "theory",
            "topic_text": "Функции",
        },
        follow=True,
    )
    assert response.status_code == 200
    lesson = Lesson.objects.get()
    assert lesson.topic_text == "Функции"
    bad = client.post(
        reverse("journal:lesson_create", kwargs={"workload_id": world.college.workload.pk}),
        {"date": "2026-11-20", "hours": "2", "lesson_type": "theory"},
    )
    assert "Занятие не может быть в будущем." in bad.content.decode()


def test_lesson_page_edit_and_history(world: World) -> None:
    lesson = make_lesson(world.college.workload, topic_text="")
    client = world.client_for("teacher")
    url = reverse("journal:lesson_detail", kwargs={"lesson_id": lesson.pk})
    response = client.post(
        url,
        {
            "hours": "2",
            "lesson_type": "practical",
            "topic_text": "Массивы",
            "homework": "Задачи 1–3",
        },
        follow=True,
    )
    assert "Занятие сохранено." in response.content.decode()
    lesson.refresh_from_db()
    assert (lesson.topic_text, lesson.homework, lesson.lesson_type) == (
        "Массивы",
        "Задачи 1–3",
        "practical",
    )
    client.post(
        cell_url(lesson, world.college.student),
        {"value": "5", "version": ""},
        HTTP_HX_REQUEST="true",
    )
    history = client.get(
        reverse(
            "journal:cell_history",
            kwargs={"lesson_id": lesson.pk, "student_id": world.college.student.pk},
        )
    )
    assert history.status_code == 200 and "создание" in history.content.decode()
    assert world.client_for("curator", role="curator").get(url).status_code == 200
    assert world.client_for("curator", role="curator").post(url, {"hours": "2"}).status_code == 403
    assert world.client_for(world.stranger.users["teacher"]).get(url).status_code == 404
    mark = Mark.objects.get()
    client.post(
        reverse(
            "journal:mark_edit",
            kwargs={"lesson_id": lesson.pk, "student_id": world.college.student.pk},
        ),
        {"slot": "1", "work_kind": str(mark.work_kind_id), "comment": "Хорошо"},
    )
    mark.refresh_from_db()
    assert mark.comment == "Хорошо"
    assert JournalHistory.objects.filter(entity="mark").count() == 2


def test_attachment_download_headers(world: World, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    lesson = make_lesson(world.college.workload)
    attachment = HomeworkAttachment.objects.create(
        lesson=lesson,
        file=ContentFile(b"%PDF-1.4 x", name="task.pdf"),
        original_name="Задание.pdf",
        size=10,
        content_type="application/pdf",
    )
    url = reverse("journal:attachment_download", kwargs={"attachment_id": attachment.pk})
    response = world.client_for("teacher").get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert world.client_for("student").get(url).status_code == 403
    assert world.client_for("other_teacher").get(url).status_code == 404


def test_unlock_request_and_answer_pages(world: World) -> None:
    make_lesson(world.college.workload, TODAY - dt.timedelta(days=40))
    teacher = world.client_for("teacher")
    teacher.post(
        reverse("journal:unlock_request", kwargs={"workload_id": world.college.workload.pk}),
        {"reason": "Опечатка в отметке"},
    )
    request = UnlockRequest.objects.get()
    assert "ждёт ответа" in teacher.get(grid_url(world)).content.decode()
    deputy = world.client_for("deputy")
    page = deputy.get(reverse("journal:unlock_list"))
    assert page.status_code == 200 and "Опечатка в отметке" in page.content.decode()
    assert teacher.get(reverse("journal:unlock_list")).status_code == 403
    until = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    deputy.post(
        reverse("journal:unlock_answer", kwargs={"request_id": request.pk}),
        {"grant": "1", "answer": "Да", "valid_until": until},
    )
    request.refresh_from_db()
    assert request.status == UnlockRequest.Status.GRANTED
    assert "разблокирован до" in teacher.get(grid_url(world)).content.decode()
    unlock = JournalUnlock.objects.get()
    deputy.post(reverse("journal:unlock_revoke", kwargs={"unlock_id": unlock.pk}))
    unlock.refresh_from_db()
    assert unlock.revoked_at is not None
    grant_url = reverse("journal:unlock_grant", kwargs={"workload_id": world.college.workload.pk})
    assert deputy.get(grant_url).status_code == 200
    response = deputy.post(grant_url, {"reason": "Проверка", "valid_until": until}, follow=True)
    assert "Журнал разблокирован." in response.content.decode()
    assert world.client_for(world.stranger.users["deputy"]).get(grant_url).status_code == 404


def test_compact_view(world: World) -> None:
    lesson = make_lesson(world.college.workload, topic_text="Циклы")
    response = world.client_for("teacher").get(
        grid_url(world) + f"?view=compact&lesson={lesson.pk}"
    )
    assert response.status_code == 200
    assert response.context["focus"].id == lesson.pk
    assert "Циклы" in response.content.decode()


def test_grid_and_compact_view_open_at_todays_lesson(world: World) -> None:
    """Issue 11: of two lessons today, the first until it has entries; else the latest."""
    client = world.client_for("teacher")
    week_ago = make_lesson(world.college.workload, TODAY - dt.timedelta(days=7), pair=1)
    assert client.get(grid_url(world)).context["current"].id == week_ago.pk
    first = make_lesson(world.college.workload, TODAY, pair=1)
    second = make_lesson(world.college.workload, TODAY, pair=2)
    response = client.get(grid_url(world))
    assert response.context["current"].id == first.pk
    assert response.content.decode().count("data-current-lesson") == 1
    assert client.get(grid_url(world) + "?view=compact").context["focus"].id == first.pk
    client.post(cell_url(first, world.college.student), {"value": "н", "version": ""})
    assert client.get(grid_url(world) + "?view=compact").context["focus"].id == second.pk
    chosen = client.get(grid_url(world) + f"?view=compact&lesson={week_ago.pk}")
    assert chosen.context["focus"].id == week_ago.pk
    legend = dict(response.context["legend"])
    assert legend["н"] == "отсутствовал (причина не указана)" and legend["нз"] == "не зачтено"
    assert "5" not in legend
