"""The curator's quarterly check of personal cards (Положение 4.5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from otmetka.academics.selectors import months_before
from otmetka.people.models import Student
from otmetka.test import World

pytestmark = pytest.mark.django_db


def test_months_before_clamps_to_the_end_of_month() -> None:
    assert months_before(dt.date(2026, 11, 16), 3) == dt.date(2026, 8, 16)
    assert months_before(dt.date(2026, 5, 31), 3) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 2, 15), 3) == dt.date(2025, 11, 15)


def test_lists_cards_never_or_long_ago_checked_and_marks_one(world: World) -> None:
    college = world.college
    client = world.client_for("curator")
    url = reverse("academics:card_checks")
    page = client.get(url).content.decode()
    assert "Студентов Иван Петрович" in page
    assert "Ёлкин" not in page  # another group, not hers
    assert (
        "1 карточка не проверялась" in client.get(reverse("academics:my_groups")).content.decode()
    )
    answer = client.post(
        reverse("academics:card_check_mark", args=[college.student.pk]), follow=True
    )
    assert "карточка проверена" in answer.content.decode()
    assert Student.objects.get(pk=college.student.pk).card_checked_at == dt.date(2026, 11, 16)
    assert "Студентов Иван Петрович" not in client.get(url).content.decode()
    Student.objects.filter(pk=college.student.pk).update(card_checked_at=dt.date(2026, 8, 16))
    assert "Студентов Иван Петрович" in client.get(url).content.decode()


def test_query_count_is_fixed(world: World, django_assert_num_queries: Any) -> None:
    client = world.client_for("curator")
    url = reverse("academics:card_checks")
    client.get(url)
    # session, user, role assignment with organization, the memberships due with students
    # and groups (the rights are cached per organization).
    with django_assert_num_queries(4):
        client.get(url)


def test_rights(world: World) -> None:
    url = reverse("academics:card_checks")
    assert world.client_for("curator").get(url).status_code == 200
    for user in ("teacher", "secretary", "director"):
        assert world.client_for(user).get(url).status_code == 403
    mark = reverse("academics:card_check_mark", args=[world.college.other_student.pk])
    assert world.client_for("curator").post(mark).status_code == 404  # not her group
