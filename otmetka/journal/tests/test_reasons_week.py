"""The curator's week of attendance reasons: rights, scope, history, the lock, all-or-nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from otmetka.accounts.models import RoleAssignment
from otmetka.accounts.roles import Role
from otmetka.journal.models import Attendance, JournalHistory
from otmetka.journal.services.reasons import reason_set, reasons_week_set
from otmetka.journal.tests.factories_attest import absence, lesson
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.test import World

MONDAY = dt.date(2026, 11, 9)  # the week before TODAY


def _url(world: World, week: dt.date = MONDAY) -> str:
    url = reverse("journal:reasons", kwargs={"group_id": world.college.group.pk})
    return f"{url}?week={week:%Y-%m-%d}"


def _week(world: World) -> list[Attendance]:
    workload, student = world.college.workload, world.college.student
    return [
        absence(lesson(workload, MONDAY, pair=1), student),
        absence(lesson(workload, MONDAY + dt.timedelta(days=2), pair=2, hours=1), student),
    ]


def test_curator_sets_illness_for_the_week(world: World) -> None:
    rows = _week(world)
    client = world.client_for("curator")
    page = client.get(_url(world)).content.decode()
    assert "Студентов Иван Петрович" in page and "Разработка программных модулей" in page
    response = client.post(
        _url(world), {f"code_{row.pk}": "Б" for row in rows}, follow=True
    )
    assert "Сохранено причин: 2" in response.content.decode()
    assert set(Attendance.objects.values_list("code", flat=True)) == {"Б"}
    history = JournalHistory.objects.order_by("id")
    assert [(h.entity, h.action, h.old["code"], h.new["code"]) for h in history] == [
        ("attendance", "update", "Н", "Б"), ("attendance", "update", "Н", "Б"),
    ]
    assert history[0].actor == world.user("curator")


def test_totals_split_excused_and_unexcused_hours(world: World) -> None:
    rows = _week(world)
    curator = world.actor("curator")
    reason_set(actor=curator, attendance=rows[0], code="Б")
    reason_set(actor=curator, attendance=rows[1], code="НП")
    page = world.client_for("curator").get(_url(world))
    totals = page.context["totals"]
    assert [(t.excused, t.unexcused, t.unset) for t in totals] == [(2, 1, 0)]


def test_reasons_page_query_budget(world: World, django_assert_num_queries: Any) -> None:
    _week(world)
    client = world.client_for("curator")
    client.get(_url(world))
    # session; user with person; role assignments; the curated group; the absences
    # of the week with lessons, items and students.
    with django_assert_num_queries(5):
        assert client.get(_url(world)).status_code == 200


def test_other_group_curator_gets_404_teacher_403(world: World) -> None:
    other = world.user("other_teacher")
    RoleAssignment.objects.create(user=other, organization=world.org, role=Role.CURATOR)
    world.college.other_group.curators.add(world.college.employees["other_teacher"])
    assert world.client_for(other, role=Role.CURATOR).get(_url(world)).status_code == 404
    assert world.client_for("teacher").get(_url(world)).status_code == 403
    assert world.client_for("deputy").get(_url(world)).status_code == 403
    stranger = world.stranger.users["curator"]
    assert world.client_for(stranger).get(_url(world)).status_code == 404
    with pytest.raises(NotAllowed):
        reason_set(
            actor=world.actor("other_teacher", Role.CURATOR),
            attendance=_week(world)[0], code="Б",
        )


def test_the_edit_lock_applies_after_thirty_days(world: World) -> None:
    old = absence(lesson(world.college.workload, dt.date(2026, 10, 15)), world.college.student)
    with pytest.raises(DomainError, match="старше 30 дней"):
        reason_set(actor=world.actor("curator"), attendance=old, code="Б")
    assert Attendance.objects.get().code == "Н"
    assert not JournalHistory.objects.exists()


@pytest.mark.parametrize(("start", "code", "message"), [
    ("ОП", "Б", "Опоздание"),
    ("Н", "ОП", "Недопустимая причина «ОП»"),
    ("Н", "X", "Недопустимая причина"),
])
def test_bad_codes_are_refused(world: World, start: str, code: str, message: str) -> None:
    row = absence(lesson(world.college.workload, MONDAY), world.college.student, start)
    with pytest.raises(DomainError, match=message):
        reason_set(actor=world.actor("curator"), attendance=row, code=code)
    assert Attendance.objects.get().code == start


def test_a_week_is_saved_all_or_nothing(world: World) -> None:
    rows = _week(world)
    Attendance.objects.filter(pk=rows[1].pk).update(code="ОП")
    # The first change is fine, the second (a lateness) is refused: nothing stays saved.
    with pytest.raises(DomainError, match="11.11.2026, Студентов Иван Петрович: Опоздание"):
        reasons_week_set(
            actor=world.actor("curator"), group=world.college.group, week_start=MONDAY,
            changes={rows[0].pk: "Б", rows[1].pk: "Б"},
        )
    assert list(Attendance.objects.order_by("pk").values_list("code", flat=True)) == ["Н", "ОП"]
    assert not JournalHistory.objects.exists()


def test_the_page_shows_a_refusal_next_to_the_form(world: World) -> None:
    rows = _week(world)
    response = world.client_for("curator").post(_url(world), {f"code_{rows[0].pk}": "ОП"})
    assert response.status_code == 200
    assert "Сохранено" not in response.content.decode()
    assert Attendance.objects.get(pk=rows[0].pk).code == "Н"
