"""«Белова С. А. вместо Быкова А. П.»: the absent teacher's name in the genitive, by sex, in the
changes PDF, the notification, the iCal feed; and the discipline named, not only its index."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from otmetka.notifications.models import Notification
from otmetka.people.models import Person
from otmetka.schedule.models import CalendarFeed
from otmetka.schedule.services import changes as services
from otmetka.schedule.tests.test_changes_selector import TUESDAY, make_bells, make_entry
from otmetka.test import World

DISCIPLINE = "ИС-21, МДК.01.01 Разработка программных модулей"


def pdf_text(data: bytes) -> str:
    """The text of a PDF as a reader sees it, line breaks of table cells folded to spaces."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def rename(person: Person, last: str, first: str, middle: str, sex: str) -> None:
    person.last_name, person.first_name, person.middle_name, person.sex = last, first, middle, sex
    person.save()


def replace(world: World, capture: Any) -> None:
    college = world.college
    rename(college.employees["other_teacher"].person, "Белова", "Светлана", "Андреевна", "F")
    make_bells(world)
    entry = make_entry(world)
    with capture(execute=True):
        services.change_replace_teacher(
            actor=world.actor("dispatcher"),
            entry=entry,
            date=TUESDAY,
            teacher=college.employees["other_teacher"],
            reason="Болезнь",
        )


@pytest.mark.parametrize(
    ("absent", "expected"),
    [
        (("Быков", "Андрей", "Петрович", "M"), "Белова С. А. вместо Быкова А. П."),
        (("Быкова", "Анна", "Петровна", "F"), "Белова С. А. вместо Быковой А. П."),
        # The sex is not recorded: the patronymic tells.
        (("Быкова", "Анна", "Петровна", ""), "Белова С. А. вместо Быковой А. П."),
    ],
)
def test_changes_pdf_and_notice_decline_the_absent_teacher(
    world: World,
    django_capture_on_commit_callbacks: Any,
    absent: tuple[str, str, str, str],
    expected: str,
) -> None:
    rename(world.college.employees["teacher"].person, *absent)
    replace(world, django_capture_on_commit_callbacks)
    title = Notification.objects.values_list("title", flat=True).distinct().get()
    assert title == f"Замена 17.11.2026, 2 пара: {DISCIPLINE} — {expected}"
    response = world.client_for("deputy").get(
        reverse("schedule:changes_pdf") + "?date=2026-11-17"
    )
    text = pdf_text(response.getvalue())
    assert expected in text
    assert "МДК.01.01 Разработка программных модулей" in text


def test_ical_feed_names_the_absent_teacher_in_the_genitive(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    rename(world.college.employees["teacher"].person, "Быков", "Андрей", "Петрович", "M")
    replace(world, django_capture_on_commit_callbacks)
    substitute = world.college.employees["other_teacher"]
    client = world.client_for("other_teacher")
    assert client.post(reverse("schedule:feed_create"), {"employee": substitute.pk}).status_code
    feed = CalendarFeed.objects.get()
    calendar = client.get(reverse("schedule:ical", kwargs={"token": feed.token}))
    unfolded = calendar.content.decode().replace("\r\n ", "")
    assert "DESCRIPTION:Белова С. А. (замена: вместо Быкова А. П.)\r\n" in unfolded
