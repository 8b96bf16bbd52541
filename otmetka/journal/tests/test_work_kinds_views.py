from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from otmetka.journal.models import WorkKind
from otmetka.journal.services.work_kinds import work_kinds_ensure_defaults
from otmetka.test import World


@pytest.fixture
def kind(world: World) -> WorkKind:
    work_kinds_ensure_defaults(world.org.pk)
    work_kinds_ensure_defaults(world.stranger.organization.pk)
    return WorkKind.objects.get(organization=world.org, name="Реферат")


def test_list_shows_weights_and_sgo_ids(world: World, kind: WorkKind,
                                       django_assert_num_queries: Any) -> None:
    client = world.client_for("teacher")
    client.get(reverse("journal:work_kind_list"))  # warm the session
    # session, user, role assignments, count, page of kinds
    with django_assert_num_queries(5):
        response = client.get(reverse("journal:work_kind_list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Контрольная работа" in text and "Реферат" in text
    assert "изменить" not in text  # a reader sees no edit links
    assert "Устный ответ" in world.client_for("admin").get(
        reverse("journal:work_kind_list")).content.decode()


def test_list_query_count_does_not_grow(world: World, kind: WorkKind,
                                        django_assert_num_queries: Any) -> None:
    for index in range(20):
        WorkKind.objects.create(organization=world.org, name=f"Вид {index}", short_name="В")
    client = world.client_for("teacher")
    client.get(reverse("journal:work_kind_list"))
    with django_assert_num_queries(5):
        client.get(reverse("journal:work_kind_list"))


def test_rights(world: World, kind: WorkKind) -> None:
    assert world.client_for("student").get(reverse("journal:work_kind_list")).status_code == 403
    edit = reverse("journal:work_kind_edit", kwargs={"work_kind_id": kind.pk})
    assert world.client_for("teacher").get(edit).status_code == 403
    assert world.client_for("deputy").get(edit).status_code == 200
    assert world.client_for(world.stranger.users["admin"]).get(edit).status_code == 404
    deactivate = reverse("journal:work_kind_deactivate", kwargs={"work_kind_id": kind.pk})
    assert world.client_for(world.stranger.users["admin"]).post(deactivate).status_code == 404
    assert world.client_for("teacher").post(deactivate).status_code == 403
    assert world.client_for("admin").get(deactivate).status_code == 405
    kind.refresh_from_db()
    assert kind.is_active


def test_create_edit_deactivate_flow(world: World, kind: WorkKind) -> None:
    client = world.client_for("deputy")
    response = client.post(reverse("journal:work_kind_create"),
                           {"name": "Реферат", "short_name": "Р", "weight": "1"})
    assert "Вид работы «Реферат» уже есть." in response.content.decode()
    response = client.post(reverse("journal:work_kind_create"),
                           {"name": "Эссе", "short_name": "Эс", "weight": "1,5"}, follow=True)
    assert "Вид работы «Эссе» добавлен." in response.content.decode()
    essay = WorkKind.objects.get(organization=world.org, name="Эссе")
    assert str(essay.weight) == "1.50"
    response = client.post(
        reverse("journal:work_kind_edit", kwargs={"work_kind_id": essay.pk}),
        {"name": "Эссе", "short_name": "Эс", "weight": "20", "is_active": "on"},
    )
    assert "Вес должен быть от 0,1 до 10." in response.content.decode()
    response = client.post(
        reverse("journal:work_kind_deactivate", kwargs={"work_kind_id": essay.pk}), follow=True
    )
    assert "больше не используется" in response.content.decode()
    essay.refresh_from_db()
    assert not essay.is_active
