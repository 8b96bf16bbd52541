"""Who may open which diary page: a matrix generated from the diary's URL patterns.

Every URL of the `diary` namespace must have a row here (a new page without one fails), and
every row is tried as each persona: the student, their parent, another parent, another student,
a teacher, the group's curator, the deputy, and people of another college.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from otmetka.accounts.roles import Role
from otmetka.diary.tests.factories import DiaryWorld, build_diary_week, consent
from otmetka.test import World

# persona → (user of world.college, or of world.stranger when prefixed "stranger_"; role)
PERSONAS: dict[str, tuple[str, str | None]] = {
    "student": ("student", None),
    "parent": ("parent", None),
    "other_parent": ("other_parent", None),
    "other_student": ("other_student", None),
    "teacher": ("teacher", None),
    "curator": ("curator", Role.CURATOR),
    "deputy": ("deputy", None),
    "stranger_parent": ("stranger_parent", None),
    "stranger_curator": ("stranger_curator", Role.CURATOR),
    "stranger_deputy": ("stranger_deputy", None),
}

OWN = {
    "student": 200,
    "parent": 200,
    "other_parent": 200,
    "other_student": 200,
    "teacher": 403,
    "curator": 403,
    "deputy": 403,
    "stranger_parent": 200,  # their own diary in their own college
    "stranger_curator": 403,
    "stranger_deputy": 403,
}
OWN_FILE = {
    **OWN,
    "other_parent": 404,
    "other_student": 404,
    "stranger_parent": 404,
}
STAFF = {
    "student": 403,
    "parent": 403,
    "other_parent": 403,
    "other_student": 403,
    "teacher": 403,
    "curator": 200,
    "deputy": 200,
    "stranger_parent": 403,
    "stranger_curator": 404,
    "stranger_deputy": 404,
}
LETTERS_PAGE = {**STAFF, "stranger_curator": 200, "stranger_deputy": 200}
LETTERS_PDF = STAFF

Kwargs = Callable[[DiaryWorld], dict[str, Any]]
MATRIX: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "diary:week": (lambda d: {}, OWN),
    "diary:marks": (lambda d: {}, OWN),
    "diary:attendance": (lambda d: {}, OWN),
    "diary:attachment": (lambda d: {"attachment_id": _attachment_id(d)}, OWN_FILE),
    "diary:student_week": (lambda d: {"student_id": d.world.college.student.pk}, STAFF),
    "diary:student_marks": (lambda d: {"student_id": d.world.college.student.pk}, STAFF),
    "diary:student_attendance": (lambda d: {"student_id": d.world.college.student.pk}, STAFF),
    "diary:student_attachment": (
        lambda d: {"student_id": d.world.college.student.pk, "attachment_id": _attachment_id(d)},
        STAFF,
    ),
    "diary:letters": (lambda d: {}, LETTERS_PAGE),
    "diary:letters_pdf": (lambda d: {"group_id": d.world.college.group.pk}, LETTERS_PDF),
    "diary:letter_pdf": (
        lambda d: {"group_id": d.world.college.group.pk, "student_id": d.world.college.student.pk},
        LETTERS_PDF,
    ),
}


def _attachment_id(data: DiaryWorld) -> int:
    assert data.attachment is not None
    return data.attachment.pk


def diary_routes() -> list[str]:
    resolver = next(
        pattern
        for pattern in get_resolver().url_patterns
        if isinstance(pattern, URLResolver) and pattern.namespace == "diary"
    )
    return sorted(
        f"diary:{pattern.name}"
        for pattern in resolver.url_patterns
        if isinstance(pattern, URLPattern) and pattern.name
    )


def test_every_diary_url_is_in_the_matrix() -> None:
    assert diary_routes() == sorted(MATRIX)


def _client(world: World, persona: str) -> Any:
    name, role = PERSONAS[persona]
    if name.startswith("stranger_"):
        return world.client_for(world.stranger.users[name.removeprefix("stranger_")], role=role)
    return world.client_for(world.college.users[name], role=role)


@pytest.fixture
def diary_data(world: World, monkeypatch: pytest.MonkeyPatch) -> DiaryWorld:
    data = build_diary_week(world)
    for person in (
        world.college.other_student.person,
        world.college.users["other_parent"].person,
        world.stranger.parent,
        world.stranger.student.person,
    ):
        consent(person)
    # The matrix asks for rights, not for WeasyPrint: one test below prints a real PDF.
    monkeypatch.setattr("otmetka.diary.views.letters_pdf", lambda *a, **k: b"%PDF-1.7 test")
    return data


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_access_matrix(diary_data: DiaryWorld, route: str) -> None:
    make_kwargs, expected = MATRIX[route]
    url = reverse(route, kwargs=make_kwargs(diary_data))
    got = {persona: _client(diary_data.world, persona).get(url).status_code for persona in expected}
    assert got == expected
