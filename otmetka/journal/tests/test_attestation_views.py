"""The attestation page: who opens it, saving the sheet as a form, close/reopen, the PDF."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from otmetka.journal.models import AttestationMark, AttestationSheet, JournalHistory
from otmetka.journal.tests.factories_attest import tomsk
from otmetka.test import World

LAST_WEEK = dt.date(2026, 12, 24)


def _url(world: World) -> str:
    url = reverse("journal:attestation", kwargs={"workload_id": world.college.workload.pk})
    return f"{url}?period={world.college.semester1.pk}"


def _sheet(world: World) -> AttestationSheet:
    return AttestationSheet.objects.get(group=world.college.group, item=world.college.mdk)


@pytest.mark.parametrize("who", ["teacher", "curator", "deputy", "director"])
def test_readers_of_the_journal_open_the_sheet(world: World, who: str) -> None:
    response = world.client_for(who).get(_url(world))
    assert response.status_code == 200
    assert "Студентов Иван Петрович" in response.content.decode()


def test_stranger_gets_404_and_student_403(world: World) -> None:
    assert world.client_for(world.stranger.users["teacher"]).get(_url(world)).status_code == 404
    assert world.client_for("other_teacher").get(_url(world)).status_code == 404
    assert world.client_for("student").get(_url(world)).status_code == 403


def test_sheet_page_query_budget(world: World, django_assert_num_queries: Any) -> None:
    client = world.client_for("teacher")
    client.get(_url(world))  # creates the sheet
    # session; user with person; role assignments; the workload; the semesters;
    # savepoint of sheet_for; journal visibility; the sheet with group, item and period;
    # release savepoint; the sheet's marks; the roll; the lines of the sheet (may edit); the
    # sheet's examiners; the college's working staff to choose examiners from.
    with django_assert_num_queries(14):
        assert client.get(_url(world)).status_code == 200


def test_the_teacher_fills_the_sheet_in_the_last_week(
    world: World, now: time_machine.Traveller
) -> None:
    client = world.client_for("teacher")
    client.get(_url(world))
    now.move_to(tomsk(LAST_WEEK))
    client = world.client_for("teacher")  # a fresh sign-in: the old session has gone idle
    student = world.college.student
    response = client.post(
        _url(world), {f"mark_{student.pk}": "4", f"seen_{student.pk}": ""}, follow=True
    )
    assert "Сохранено отметок: 1" in response.content.decode()
    assert AttestationMark.objects.get(student=student).value == "4"
    assert JournalHistory.objects.count() == 1


def test_a_refused_save_shows_the_reason_and_saves_nothing(world: World) -> None:
    client = world.client_for("teacher")
    client.get(_url(world))
    student = world.college.student
    response = client.post(_url(world), {f"mark_{student.pk}": "4", f"seen_{student.pk}": ""})
    assert response.status_code == 200
    assert "последнюю неделю семестра" in response.content.decode()
    assert not AttestationMark.objects.exclude(value="").exists()


def test_curator_may_not_post_marks(world: World, now: time_machine.Traveller) -> None:
    world.client_for("teacher").get(_url(world))
    now.move_to(tomsk(LAST_WEEK))
    student = world.college.student
    response = world.client_for("curator").post(_url(world), {f"mark_{student.pk}": "5"})
    assert response.status_code == 403


def test_propose_close_and_reopen_through_the_page(
    world: World, now: time_machine.Traveller
) -> None:
    teacher = world.client_for("teacher")
    teacher.get(_url(world))
    sheet = _sheet(world)
    kwargs = {"sheet_id": sheet.pk}
    response = teacher.post(reverse("journal:attestation_propose", kwargs=kwargs), follow=True)
    assert "Предложены отметки для 0 обучающихся" in response.content.decode()
    response = teacher.post(reverse("journal:attestation_close", kwargs=kwargs), follow=True)
    assert "нельзя закрыть" in response.content.decode()
    now.move_to(tomsk(LAST_WEEK))
    teacher = world.client_for("teacher")
    student = world.college.student
    teacher.post(_url(world), {f"mark_{student.pk}": "5", f"seen_{student.pk}": ""})
    teacher.post(reverse("journal:attestation_close", kwargs=kwargs))
    assert _sheet(world).status == "closed"
    reopen = reverse("journal:attestation_reopen", kwargs=kwargs)
    assert teacher.post(reopen, {"reason": "Ошибка"}).status_code == 403
    response = world.client_for("deputy").post(reopen, {"reason": "Апелляция"}, follow=True)
    assert "Ведомость снова открыта" in response.content.decode()
    assert _sheet(world).status == "open"


def test_stranger_gets_404_on_sheet_actions(world: World) -> None:
    world.client_for("teacher").get(_url(world))
    kwargs = {"sheet_id": _sheet(world).pk}
    assert world.client_for(world.stranger.users["teacher"]).post(
        reverse("journal:attestation_propose", kwargs=kwargs)
    ).status_code == 404
    assert world.client_for(world.stranger.users["deputy"]).post(
        reverse("journal:attestation_reopen", kwargs=kwargs), {"reason": "x"}
    ).status_code == 404
    assert world.client_for(world.stranger.users["deputy"]).get(
        reverse("journal:attestation_pdf", kwargs=kwargs)
    ).status_code == 404


def test_the_sheet_prints_as_a_pdf(world: World) -> None:
    # How long the PDF takes is measured by `make bench` (attestation_pdf), not here.
    client = world.client_for("teacher")
    client.get(_url(world))
    url = reverse("journal:attestation_pdf", kwargs={"sheet_id": _sheet(world).pk})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert world.client_for("student").get(url).status_code == 403
