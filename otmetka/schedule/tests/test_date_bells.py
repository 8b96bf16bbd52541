"""A shortened day: its own bells on one date, for the timetable, changes and «Сегодня»."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from otmetka.audit.models import AuditEvent
from otmetka.lib.errors import DomainError
from otmetka.org.models import BellSchedule, Pair
from otmetka.schedule.bells import bells_for
from otmetka.schedule.models import DateBells
from otmetka.schedule.selectors import day_slots
from otmetka.schedule.services import changes as change_services
from otmetka.schedule.services.bells import date_bells_set
from otmetka.schedule.tests.test_changes_selector import make_bells, make_entry
from otmetka.test import World

TUESDAY = dt.date(2026, 11, 17)


def shortened(world: World) -> BellSchedule:
    bells = BellSchedule.objects.create(organization=world.org, name="Сокращённый день")
    Pair.objects.create(
        bell_schedule=bells, number=1, starts_at=dt.time(8, 30), ends_at=dt.time(9, 30)
    )
    Pair.objects.create(
        bell_schedule=bells, number=2, starts_at=dt.time(9, 40), ends_at=dt.time(10, 40)
    )
    return bells


def test_the_date_uses_its_own_bells(world: World) -> None:
    make_bells(world)
    make_entry(world, weekday=2, pair_number=2)
    date_bells_set(
        actor=world.actor("dispatcher"),
        date=TUESDAY,
        bell_schedule=shortened(world),
        reason="Предпраздничный день",
    )
    assert sorted(bells_for(world.org.pk, TUESDAY)) == [1, 2]
    slot = day_slots(world.org.pk, TUESDAY)[0]
    assert (slot.starts_at, slot.ends_at) == (dt.time(9, 40), dt.time(10, 40))
    # The next Tuesday follows the usual bells again.
    usual = day_slots(world.org.pk, TUESDAY + dt.timedelta(days=7))[0]
    assert usual.starts_at == dt.time(10, 10)
    assert AuditEvent.objects.filter(object_type="schedule.datebells").exists()


def test_a_change_to_a_pair_the_shortened_day_lacks_is_refused(world: World) -> None:
    make_bells(world)
    entry = make_entry(world, weekday=2, pair_number=2)
    date_bells_set(actor=world.actor("dispatcher"), date=TUESDAY, bell_schedule=shortened(world))
    with pytest.raises(DomainError):
        change_services.change_move(
            actor=world.actor("dispatcher"),
            entry=entry,
            date=TUESDAY,
            pair_number=3,
            reason="Перенос",
        )


def test_outside_the_year_and_rights(world: World) -> None:
    bells = shortened(world)
    with pytest.raises(DomainError, match="не входит ни в один учебный год"):
        date_bells_set(
            actor=world.actor("dispatcher"), date=dt.date(2030, 1, 10), bell_schedule=bells
        )
    from otmetka.lib.errors import NotAllowed

    with pytest.raises(NotAllowed):
        date_bells_set(actor=world.actor("teacher"), date=TUESDAY, bell_schedule=bells)


def test_page(world: World, django_assert_max_num_queries: Any) -> None:
    bells = shortened(world)
    dispatcher = world.client_for("dispatcher")
    url = reverse("schedule:date_bells")
    response = dispatcher.post(
        url, {"date": "2026-12-28", "bell_schedule": bells.pk, "reason": "Предпраздничный день"}
    )
    assert response.status_code == 302
    assert "Сокращённый день" in dispatcher.get(url).content.decode()
    row = DateBells.objects.get()
    assert world.client_for("teacher").get(url).status_code == 403
    stranger = world.client_for(world.stranger.users["dispatcher"])
    remove = reverse("schedule:date_bells_remove", kwargs={"date_bells_id": row.pk})
    assert stranger.post(remove).status_code == 404
    assert dispatcher.post(remove).status_code == 302
    assert not DateBells.objects.exists()
