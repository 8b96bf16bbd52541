"""Who may open which mail and announcement page: a matrix generated from the URL patterns.

Every URL of the `messaging` namespace must have a row here (a new page without one fails),
and every row is tried as the student, their parent, another parent, another group's student,
a teacher, the group's curator, and the curator of another college. The letter is the
curator's to the parent, with a file; the announcement is the curator's to the group, with a
file. «ok» is any answer of someone let in (a page, a form's refusal of empty input, a
redirect after an action); strangers to an object get 404, readers without the right 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from otmetka.accounts.roles import Role
from otmetka.messaging.models import Announcement, Message
from otmetka.messaging.tests.support import pdf, publish, send
from otmetka.test import World

OK = "ok"
PERSONAS = (
    "student",
    "parent",
    "other_parent",
    "other_student",
    "teacher",
    "curator",
    "stranger",
)


@dataclass
class Scene:
    letter: Message
    announcement: Announcement


def _scene(world: World) -> Scene:
    letter = send(world, "curator", ["parent"], attachments=[pdf()])
    announcement = publish(
        world,
        "curator",
        title="Классный час",
        audience=Announcement.Audience.GROUP,
        group=world.college.group,
        attachments=[pdf("Программа.pdf")],
    )
    return Scene(letter, announcement)


def _client(world: World, persona: str) -> Client:
    if persona == "stranger":
        return world.client_for(world.stranger.users["curator"], role=Role.CURATOR)
    if persona == "curator":
        return world.client_for("curator", role=Role.CURATOR)
    return world.client_for(persona)


EVERYONE = dict.fromkeys(PERSONAS, OK)
PUBLISHERS = {**dict.fromkeys(PERSONAS, 403), "curator": OK, "stranger": OK}
LETTER = {**dict.fromkeys(PERSONAS, 404), "parent": OK, "curator": OK}
GROUP_NOTICE = {**LETTER, "student": OK}
AUTHOR = {**dict.fromkeys(PERSONAS, 403), "curator": OK, "stranger": 404}

Kwargs = Callable[[Scene], dict[str, Any]]
MATRIX: dict[str, tuple[Kwargs, dict[str, Any]]] = {
    "messaging:inbox": (lambda s: {}, EVERYONE),
    "messaging:sent": (lambda s: {}, EVERYONE),
    "messaging:compose": (lambda s: {}, EVERYONE),
    "messaging:recipient_search": (lambda s: {}, EVERYONE),
    "messaging:badge": (lambda s: {}, EVERYONE),
    "messaging:thread": (lambda s: {"thread_id": s.letter.thread_id}, LETTER),
    "messaging:reply": (lambda s: {"message_id": s.letter.pk}, LETTER),
    "messaging:archive": (lambda s: {"message_id": s.letter.pk}, LETTER),
    "messaging:attachment": (
        lambda s: {"message_attachment_id": s.letter.attachments.get().pk},
        LETTER,
    ),
    "messaging:announcement_list": (lambda s: {}, EVERYONE),
    "messaging:announcement_create": (lambda s: {}, PUBLISHERS),
    "messaging:announcement_slot": (lambda s: {}, EVERYONE),
    "messaging:announcement_detail": (
        lambda s: {"announcement_id": s.announcement.pk},
        GROUP_NOTICE,
    ),
    "messaging:announcement_edit": (lambda s: {"announcement_id": s.announcement.pk}, AUTHOR),
    "messaging:announcement_delete": (lambda s: {"announcement_id": s.announcement.pk}, AUTHOR),
    "messaging:announcement_attachment": (
        lambda s: {"announcement_attachment_id": s.announcement.attachments.get().pk},
        GROUP_NOTICE,
    ),
}


def _routes() -> list[str]:
    resolver = get_resolver()
    _, included = resolver.namespace_dict["messaging"]
    return sorted(
        f"messaging:{pattern.name}"
        for pattern in included.url_patterns
        if isinstance(pattern, URLPattern) and pattern.name
    )


def test_every_messaging_url_is_in_the_matrix() -> None:
    assert _routes() == sorted(MATRIX)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", sorted(MATRIX))
def test_access(world: World, route: str, persona: str) -> None:
    scene = _scene(world)
    kwargs, expected = MATRIX[route]
    url = reverse(route, kwargs=kwargs(scene))
    client = _client(world, persona)
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    wanted = expected[persona]
    if wanted == OK:
        assert response.status_code in (200, 302, 400), (route, persona, response.status_code)
    else:
        assert response.status_code == wanted, (route, persona, response.status_code)
