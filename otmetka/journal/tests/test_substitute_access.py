"""A substitute sees and fills the lessons they substitute, and nothing else of that journal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from otmetka.journal.models import Lesson, Mark, Substitution, WorkKind
from otmetka.journal.tests.factories_grid import make_lesson
from otmetka.test import TODAY, World


@pytest.fixture
def lessons(world: World) -> tuple[Lesson, Lesson]:
    """Two lessons of the teacher's journal; the other teacher substituted the second."""
    college = world.college
    own = make_lesson(college.workload, TODAY - dt.timedelta(days=7), pair=1,
                      topic_text="Чужая тема")
    taken = make_lesson(college.workload, TODAY, pair=2, topic_text="Замещаемая тема")
    taken.teacher = college.employees["other_teacher"]
    taken.save(update_fields=["teacher"])
    Substitution.objects.create(
        lesson=taken,
        absent_teacher=college.employees["teacher"],
        substitute=college.employees["other_teacher"],
        reason="Болезнь",
    )
    Mark.objects.create(lesson=own, student=college.student, value="2",
                        work_kind=WorkKind.objects.filter(organization=world.org)[0])
    return own, taken


def test_the_substitutes_grid_shows_only_the_substituted_lesson(
    world: World, lessons: tuple[Lesson, Lesson]
) -> None:
    own, taken = lessons
    client = world.client_for("other_teacher")
    response = client.get(reverse("journal:grid", kwargs={"workload_id": own.workload_id}))
    assert response.status_code == 200
    assert [lesson.id for lesson in response.context["grid"].lessons] == [taken.pk]
    body = response.content.decode()
    assert "только ваши занятия" in body
    assert f"/journal/lessons/{taken.pk}/cells/" in body  # the substitute types marks here
    assert f"/journal/lessons/{own.pk}/" not in body
    assert "Средний" not in body  # no totals over lessons they cannot see


def test_the_substitute_fills_the_substituted_lesson(
    world: World, lessons: tuple[Lesson, Lesson]
) -> None:
    _own, taken = lessons
    client = world.client_for("other_teacher")
    url = reverse("journal:cell_save",
                  kwargs={"lesson_id": taken.pk, "student_id": world.college.student.pk})
    response = client.post(url, {"value": "4", "version": ""}, HTTP_HX_REQUEST="true")
    assert "cell-saved" in response.content.decode()
    assert client.get(reverse("journal:lesson_detail", kwargs={"lesson_id": taken.pk})
                      ).status_code == 200


@pytest.mark.parametrize(
    "name",
    ["lesson_detail", "cell_save", "cell_history", "attestation", "plan", "plan_export",
     "print_list", "unlock_request"],
)
def test_the_rest_of_the_journal_is_closed_to_the_substitute(
    world: World, lessons: tuple[Lesson, Lesson], name: str
) -> None:
    own, _taken = lessons
    student = world.college.student
    kwargs: dict[str, int] = {
        "lesson_detail": {"lesson_id": own.pk},
        "cell_save": {"lesson_id": own.pk, "student_id": student.pk},
        "cell_history": {"lesson_id": own.pk, "student_id": student.pk},
    }.get(name, {"workload_id": own.workload_id})
    client = world.client_for("other_teacher")
    url = reverse(f"journal:{name}", kwargs=kwargs)
    if name in ("cell_save", "unlock_request"):
        response = client.post(url, {"value": "5", "version": "2", "reason": "x"})
    else:
        response = client.get(url)
    assert response.status_code == 404
    assert list(Mark.objects.values_list("value", flat=True)) == ["2"]


def test_the_journal_list_names_the_substituted_lessons(
    world: World, lessons: tuple[Lesson, Lesson]
) -> None:
    _own, taken = lessons
    response = world.client_for("other_teacher").get(reverse("journal:journal_list"))
    assert world.college.workload not in list(response.context["journals"])
    assert list(response.context["substituted"]) == [taken]
    assert "<td>Учителева П. А.</td>" in response.content.decode()  # «Вместо» whom: genitive
