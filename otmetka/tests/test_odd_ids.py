"""Ids typed into an address by hand: superscript digits and overlong numbers are refused
quietly (the page as without the parameter, or 404), never a server error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from otmetka.lib.views import parse_id
from otmetka.test import World

ODD = ["²", "1²", "99999999999999999999999", "-1", "0", " "]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("42", 42), (" 7 ", 7), ("²", None), ("0", None), ("-3", None), ("1e3", None),
     (str(2**63), None), (None, None), (5, 5)],
)
def test_parse_id(value: object, expected: int | None) -> None:
    assert parse_id(value) == expected


@pytest.mark.parametrize("value", ODD)
@pytest.mark.parametrize(
    ("user", "url_name", "kwargs", "param"),
    [
        ("teacher", "journal:grid", {"workload_id": "workload"}, "period"),
        ("teacher", "journal:grid", {"workload_id": "workload"}, "lesson"),
        ("deputy", "academics:workload_list", {}, "group"),
        ("methodist", "academics:curriculum_detail", {"curriculum_id": "curriculum"}, "semester"),
        ("dispatcher", "schedule:group_list", {}, "year"),
        ("teacher", "schedule:week_pdf", {}, "group"),
        ("teacher", "schedule:week_pdf", {}, "teacher"),
        ("deputy", "schedule:hours_my", {}, "teacher"),
    ],
)
def test_odd_ids_in_an_address_are_no_server_error(
    world: World, user: str, url_name: str, kwargs: dict[str, str], param: str, value: str
) -> None:
    objects = {"workload": world.college.workload.pk, "curriculum": world.college.curriculum.pk}
    url = reverse(url_name, kwargs={key: objects[name] for key, name in kwargs.items()})
    response = world.client_for(user).get(url, {param: value})
    assert response.status_code in (200, 302, 403, 404), response.status_code
