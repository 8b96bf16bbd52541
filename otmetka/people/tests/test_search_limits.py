"""Search results shown a few at a time say when there are more (issue 11: no silent limits)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from otmetka.accounts.roles import Role
from otmetka.people.models import Guardianship
from otmetka.test import World, make_employee, make_person

pytestmark = pytest.mark.django_db


def test_parents_found_past_the_first_twenty_are_announced(world: World) -> None:
    student, other = world.college.student, world.college.other_student
    assert student is not None and other is not None
    url = reverse("people:guardian_add", kwargs={"student_id": student.pk}) + "?q=Родителев"
    for number in range(20):
        parent = make_person(world.org, f"Родителев{number:02d}", "Пётр")
        Guardianship.objects.create(student=other, guardian=parent, kind="father")
    client = world.client_for("head")
    page = client.get(url).content.decode()
    assert "Родителев19" in page and "уточните поиск" not in page
    parent = make_person(world.org, "Родителев20", "Пётр")
    Guardianship.objects.create(student=other, guardian=parent, kind="father")
    page = client.get(url).content.decode()
    assert page.count('name="person_id"') == 20 and "Родителев20" not in page
    assert "Показаны первые 20 — уточните поиск, чтобы найти остальных." in page


def test_recipients_found_past_the_first_twenty_are_announced(world: World) -> None:
    for number in range(21):
        make_employee(world.org, world.college.department, f"Получателев{number:02d}", "Иван",
                      "", f"recipient{number}", Role.TEACHER)
    client = world.client_for("deputy")
    fragment = client.get(reverse("messaging:recipient_search"), {"q": "Получателев"})
    text = fragment.content.decode()
    assert "Получателев19" in text and "Получателев20" not in text
    assert "Показаны первые 20 — уточните поиск" in text
