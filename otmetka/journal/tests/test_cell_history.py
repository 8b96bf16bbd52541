"""A cell's history page says what each change changed, the work kind and comment included."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from otmetka.journal.models import Lesson, Mark, WorkKind
from otmetka.journal.tests.factories_grid import make_lesson
from otmetka.test import BASE_QUERIES, World


def cell_url(lesson: Lesson, world: World) -> str:
    kwargs = {"lesson_id": lesson.pk, "student_id": world.college.student.pk}
    return reverse("journal:cell_save", kwargs=kwargs)


def history_url(lesson: Lesson, world: World) -> str:
    kwargs = {"lesson_id": lesson.pk, "student_id": world.college.student.pk}
    return reverse("journal:cell_history", kwargs=kwargs)


def edit_mark(world: World, lesson: Lesson, kind: WorkKind, comment: str) -> None:
    kwargs = {"lesson_id": lesson.pk, "student_id": world.college.student.pk}
    response = world.client_for("teacher").post(
        reverse("journal:mark_edit", kwargs=kwargs),
        {"slot": "1", "work_kind": str(kind.pk), "comment": comment},
    )
    assert response.status_code == 302


def other_kind(world: World, mark: Mark) -> WorkKind:
    kind = WorkKind.objects.filter(organization=world.org, is_active=True).exclude(
        pk=mark.work_kind_id
    ).order_by("-weight", "name").first()
    assert kind is not None
    return kind


def test_a_change_of_work_kind_and_comment_shows_what_changed(world: World) -> None:
    lesson = make_lesson(world.college.workload)
    teacher = world.client_for("teacher")
    teacher.post(cell_url(lesson, world), {"value": "5", "version": ""}, HTTP_HX_REQUEST="true")
    mark = Mark.objects.select_related("work_kind").get()
    first_kind = mark.work_kind
    control = other_kind(world, mark)

    edit_mark(world, lesson, control, "Молодец")

    page = teacher.get(history_url(lesson, world)).content.decode()
    assert f"вид работы: {first_kind.name} → {control.name}" in page
    assert "комментарий: — → Молодец" in page
    assert "отметка: изменение" in page
    # The creation names the mark and the work kind it was given.
    assert "отметка: — → 5" in page
    assert f"вид работы: — → {first_kind.name}" in page


def test_only_the_fields_that_changed_are_listed(world: World) -> None:
    lesson = make_lesson(world.college.workload)
    teacher = world.client_for("teacher")
    teacher.post(cell_url(lesson, world), {"value": "5", "version": ""}, HTTP_HX_REQUEST="true")
    mark = Mark.objects.select_related("work_kind").get()
    edit_mark(world, lesson, mark.work_kind, "Молодец")
    teacher.post(cell_url(lesson, world), {"value": "", "version": "5"}, HTTP_HX_REQUEST="true")

    response = teacher.get(history_url(lesson, world))
    [deleted, commented, created] = response.context["rows"]
    assert [str(change) for change in commented.changes] == ["комментарий: — → Молодец"]
    assert [str(change) for change in deleted.changes] == [
        "отметка: 5 → —",
        f"вид работы: {mark.work_kind.name} → —",
    ]
    assert [str(change) for change in created.changes][0] == "отметка: — → 5"


@pytest.mark.parametrize("edits", [1, 6])
def test_cell_history_query_budget(
    world: World, django_assert_num_queries: Any, edits: int
) -> None:
    lesson = make_lesson(world.college.workload)
    teacher = world.client_for("teacher")
    teacher.post(cell_url(lesson, world), {"value": "5", "version": ""}, HTTP_HX_REQUEST="true")
    kinds = list(WorkKind.objects.filter(organization=world.org, is_active=True).order_by("pk"))
    for number in range(edits):
        edit_mark(world, lesson, kinds[number % len(kinds)], f"Комментарий {number}")
    teacher.get(history_url(lesson, world))  # the rights are remembered per process
    # The base queries, then: the lesson with its journal, the student, the history rows,
    # the names of every work kind the rows mention (one query whatever their number).
    with django_assert_num_queries(BASE_QUERIES + 4):
        response = teacher.get(history_url(lesson, world))
    assert response.status_code == 200
    assert len(response.context["rows"]) == edits + 1
