"""The reports section's index: each role sees the reports it may open, and only those."""

from __future__ import annotations

import pytest
from django.urls import reverse

from otmetka.accounts.navigation import MENU
from otmetka.reports.catalogue import CATALOGUE, all_report_rights, entries_for
from otmetka.test import World

pytestmark = pytest.mark.django_db


def test_the_menu_item_opens_for_every_right_of_the_catalogue() -> None:
    (item,) = [item for item in MENU if item.url_name == "reports:index"]
    assert frozenset(item.rights) == frozenset(all_report_rights())


def test_every_entry_has_a_page() -> None:
    for entry in CATALOGUE:
        assert reverse(entry.url_name)


def _labels(world: World, user: str, role: str | None = None) -> list[str]:
    response = world.client_for(user, role).get(reverse("reports:index"))
    assert response.status_code == 200
    return [
        str(entry.label) for _section, entries in response.context["sections"] for entry in entries
    ]


def test_the_deputy_sees_every_report(world: World) -> None:
    assert _labels(world, "deputy") == [str(entry.label) for entry in CATALOGUE]


def test_the_curator_sees_the_group_reports_only(world: World) -> None:
    labels = _labels(world, "curator", "curator")
    assert "Сводная ведомость успеваемости" in labels
    assert "Контингент на дату" not in labels


def test_a_teacher_sees_their_own_reports_only(world: World) -> None:
    labels = _labels(world, "teacher")
    assert "Реестр замещений" in labels
    assert "Сводная ведомость успеваемости" not in labels
    assert "Контингент на дату" not in labels


def test_a_role_without_report_rights_is_refused(world: World) -> None:
    assert world.client_for("student").get(reverse("reports:index")).status_code == 403
    assert world.client_for("hr").get(reverse("reports:index")).status_code == 403


def test_entries_for_follows_the_rights() -> None:
    assert entries_for(frozenset()) == []
    sections = entries_for(frozenset({"movement.view"}))
    assert [str(section) for section, _entries in sections] == ["Контингент"]
