"""organization_update and the ИНН rules: happy path, every refusal, the audit row."""

from __future__ import annotations

from typing import Any

import pytest

from otmetka.audit.models import AuditEvent
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.org.inn import inn_is_valid, inn_make
from otmetka.org.models import Organization
from otmetka.org.services import organization_update
from otmetka.test import World

VALID: dict[str, Any] = {
    "name": "ОГБПОУ «Томский политехнический техникум»",
    "short_name": "ТПТ",
    "inn": "7707083893",
    "address": "г. Томск, ул. Примерная, 1",
    "timezone": "Asia/Novosibirsk",
    "edit_lock_days": 14,
    "otp_valid_days": 7,
    "credentials_contact": "Администратор АИС, каб. 214",
}


def test_inn_check_digits() -> None:
    assert inn_is_valid("7707083893")  # ten digits, an organization
    assert inn_is_valid("500100732259")  # twelve digits, a person
    assert not inn_is_valid("7707083894")
    assert not inn_is_valid("500100732250")
    assert not inn_is_valid("77070838")
    assert not inn_is_valid("770708389a")
    assert inn_is_valid(inn_make("701700012"))


def test_admin_updates_the_organization_and_it_is_audited(world: World) -> None:
    admin = world.actor("admin")
    organization = organization_update(actor=admin, **VALID)
    organization.refresh_from_db()
    assert organization.timezone == "Asia/Novosibirsk"
    assert organization.edit_lock_days == 14
    assert organization.otp_valid_days == 7
    assert organization.inn == "7707083893"
    event = AuditEvent.objects.get(object_type="org.organization", action="update")
    assert event.actor == world.user("admin")
    assert event.organization_id == world.org.pk
    assert event.changes["timezone"] == ["Asia/Tomsk", "Asia/Novosibirsk"]
    assert event.changes["edit_lock_days"] == [30, 14]
    # The request's own role sees the new time zone at once.
    assert admin.organization.timezone == "Asia/Novosibirsk"


def test_empty_inn_is_allowed_and_spaces_are_dropped(world: World) -> None:
    organization_update(actor=world.actor("deputy"), **{**VALID, "inn": " 7707 083 893 "})
    assert Organization.objects.get(pk=world.org.pk).inn == "7707083893"
    organization_update(actor=world.actor("deputy"), **{**VALID, "inn": ""})
    assert Organization.objects.get(pk=world.org.pk).inn == ""


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"timezone": "Asia/Atlantis"}, "timezone", "Неизвестный часовой пояс «Asia/Atlantis»"),
    ({"timezone": "../../etc/passwd"}, "timezone", "Неизвестный часовой пояс"),
    ({"inn": "12345"}, "inn", "ИНН состоит из 10 цифр"),
    ({"inn": "7707083894"}, "inn", "Контрольные цифры ИНН 7707083894 не сходятся"),
    ({"inn": "500100732250"}, "inn", "Контрольные цифры ИНН"),
    ({"edit_lock_days": 0}, "edit_lock_days", "Срок редактирования отметок — от 1 до 60 дней"),
    ({"edit_lock_days": 61}, "edit_lock_days", "от 1 до 60 дней"),
    ({"edit_lock_days": 365}, "edit_lock_days", "от 1 до 60 дней"),
    ({"otp_valid_days": 0}, "otp_valid_days", "Срок действия временного пароля — от 1 до 90"),
    ({"otp_valid_days": 91}, "otp_valid_days", "от 1 до 90 дней"),
    ({"name": "  "}, "name", "Укажите полное наименование"),
    ({"short_name": ""}, "short_name", "Укажите краткое наименование"),
    ({"short_name": "другой"}, "short_name", "Краткое наименование «другой» уже занято"),
])
def test_bad_input_is_refused_and_nothing_changes(
    world: World, change: dict[str, Any], field: str, message: str
) -> None:
    before = Organization.objects.filter(pk=world.org.pk).values().get()
    with pytest.raises(DomainError) as refused:
        organization_update(actor=world.actor("admin"), **{**VALID, **change})
    assert refused.value.field == field
    assert message in refused.value.message
    assert Organization.objects.filter(pk=world.org.pk).values().get() == before
    assert not AuditEvent.objects.filter(object_type="org.organization").exists()


def test_a_reader_may_not_update(world: World) -> None:
    with pytest.raises(NotAllowed):
        organization_update(actor=world.actor("teacher"), **VALID)
    assert Organization.objects.get(pk=world.org.pk).timezone == "Asia/Tomsk"


def test_only_the_actors_own_organization_changes(world: World) -> None:
    organization_update(actor=world.actor("admin"), **VALID)
    stranger = Organization.objects.get(pk=world.stranger.organization.pk)
    assert stranger.timezone == "Asia/Tomsk"
    assert stranger.short_name == "ДРУГОЙ"
