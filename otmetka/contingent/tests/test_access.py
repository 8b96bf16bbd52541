"""Who may open the import and export pages: owner 200, reader 403, stranger 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from otmetka.test import World

pytestmark = pytest.mark.django_db

STUDENT_PAGES = ["students_template", "students_import"]
STAFF_PAGES = ["staff_template", "staff_import", "staff_export"]


@pytest.mark.parametrize("name", STUDENT_PAGES)
@pytest.mark.parametrize(
    ("user", "status"),
    [("secretary", 200), ("head", 200), ("teacher", 403), ("hr", 403), ("curator", 403)],
)
def test_student_pages(world: World, name: str, user: str, status: int) -> None:
    assert world.client_for(user).get(reverse(f"contingent:{name}")).status_code == status


@pytest.mark.parametrize("name", STAFF_PAGES)
@pytest.mark.parametrize(("user", "status"), [("hr", 200), ("secretary", 403), ("teacher", 403)])
def test_staff_pages(world: World, name: str, user: str, status: int) -> None:
    assert world.client_for(user).get(reverse(f"contingent:{name}")).status_code == status


@pytest.mark.parametrize(
    ("user", "status"),
    [("secretary", 302), ("head", 302), ("teacher", 403), ("hr", 403), ("curator", 403)],
)
def test_ordering_every_student(world: World, user: str, status: int) -> None:
    # A workbook of the whole college is ordered (a POST), built in the background.
    url = reverse("contingent:students_export")
    assert world.client_for(user).post(url).status_code == status
    assert world.client_for(user).get(url).status_code == 405


def test_group_export(world: World) -> None:
    url = reverse("contingent:students_export_group", args=[world.college.group.pk])
    assert world.client_for("secretary").get(url).status_code == 200
    assert world.client_for(world.stranger.users["secretary"]).get(url).status_code == 404
    assert world.client_for("teacher").get(url).status_code == 403


def test_commit_pages_take_only_posts(world: World) -> None:
    client = world.client_for("secretary")
    assert client.get(reverse("contingent:students_commit")).status_code == 405
    assert client.post(reverse("contingent:students_commit")).status_code == 302
    assert world.client_for("teacher").post(reverse("contingent:staff_commit")).status_code == 403


def test_index_shows_what_the_role_may_do(world: World) -> None:
    secretary = world.client_for("secretary").get(reverse("contingent:index")).content.decode()
    assert reverse("contingent:students_import") in secretary
    assert reverse("contingent:staff_import") not in secretary
    hr = world.client_for("hr").get(reverse("contingent:index")).content.decode()
    assert (
        reverse("contingent:staff_import") in hr and reverse("contingent:students_import") not in hr
    )
    assert world.client_for("teacher").get(reverse("contingent:index")).status_code == 403
