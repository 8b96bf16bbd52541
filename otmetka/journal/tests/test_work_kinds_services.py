from __future__ import annotations

from decimal import Decimal

import pytest

from otmetka.audit.models import AuditEvent
from otmetka.journal.defaults import DEFAULT_WORK_KINDS
from otmetka.journal.models import WorkKind
from otmetka.journal.services.work_kinds import (
    work_kind_create,
    work_kind_deactivate,
    work_kind_update,
    work_kinds_ensure_defaults,
)
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.test import World


def test_defaults_are_created_once(world: World) -> None:
    work_kinds_ensure_defaults(world.org.pk)
    work_kinds_ensure_defaults(world.org.pk)
    kinds = WorkKind.objects.filter(organization=world.org)
    assert kinds.count() == len(DEFAULT_WORK_KINDS)
    answer = kinds.get(name="Устный ответ")
    assert (answer.short_name, answer.weight, answer.sgo_type_id) == ("О", Decimal("1"), 10)
    assert not WorkKind.objects.filter(organization=world.stranger.organization).exists()


def test_defaults_leave_an_organization_with_its_own_kinds_alone(world: World) -> None:
    WorkKind.objects.create(organization=world.org, name="Своя", short_name="С")
    work_kinds_ensure_defaults(world.org.pk)
    assert list(WorkKind.objects.filter(organization=world.org).values_list("name", flat=True)) \
        == ["Своя"]


def test_create_writes_audit(world: World) -> None:
    kind = work_kind_create(actor=world.actor("deputy"), name=" Эссе ", short_name="Эс",
                            weight=Decimal("1.5"), sgo_type_id=30)
    assert (kind.name, kind.organization_id, kind.position) == ("Эссе", world.org.pk, 1)
    event = AuditEvent.objects.get(object_type="journal.workkind", object_id=str(kind.pk))
    assert event.action == "create"
    assert event.changes["name"] == [None, "Эссе"]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": "устный ответ"}, "name", "Вид работы «устный ответ» уже есть."),
        ({"name": ""}, "name", "Укажите название вида работы."),
        ({"short_name": "Очень длинное"}, "short_name", "Сокращение не длиннее 12 символов."),
        ({"weight": Decimal("0.05")}, "weight", "Вес должен быть от 0,1 до 10."),
        ({"weight": Decimal("10.5")}, "weight", "Вес должен быть от 0,1 до 10."),
    ],
)
def test_create_refuses_bad_input(world: World, values: dict, field: str, message: str) -> None:
    work_kinds_ensure_defaults(world.org.pk)
    before = WorkKind.objects.count(), AuditEvent.objects.count()
    data = {"name": "Эссе", "short_name": "Эс", "weight": Decimal("1")} | values
    with pytest.raises(DomainError) as error:
        work_kind_create(actor=world.actor("admin"), **data)
    assert (error.value.field, error.value.message) == (field, message)
    assert (WorkKind.objects.count(), AuditEvent.objects.count()) == before


def test_same_name_in_another_organization_is_fine(world: World) -> None:
    work_kinds_ensure_defaults(world.stranger.organization.pk)
    kind = work_kind_create(actor=world.actor("admin"), name="Устный ответ", short_name="О",
                            weight=Decimal("1"))
    assert kind.organization_id == world.org.pk


def test_only_org_editors_may_change(world: World) -> None:
    with pytest.raises(NotAllowed):
        work_kind_create(actor=world.actor("teacher"), name="Эссе", short_name="Э",
                         weight=Decimal("1"))
    work_kinds_ensure_defaults(world.stranger.organization.pk)
    foreign = WorkKind.objects.filter(organization=world.stranger.organization).first()
    assert foreign is not None
    with pytest.raises(NotAllowed):
        work_kind_deactivate(actor=world.actor("admin"), work_kind=foreign)


def test_update_and_deactivate(world: World) -> None:
    work_kinds_ensure_defaults(world.org.pk)
    kind = WorkKind.objects.get(organization=world.org, name="Реферат")
    work_kind_update(actor=world.actor("deputy"), work_kind=kind, name="Реферат",
                     short_name="Реф", weight=Decimal("1.25"), sgo_type_id=9, position=8)
    kind.refresh_from_db()
    assert (kind.short_name, kind.weight) == ("Реф", Decimal("1.25"))
    work_kind_deactivate(actor=world.actor("deputy"), work_kind=kind)
    kind.refresh_from_db()
    assert not kind.is_active
    assert WorkKind.objects.filter(pk=kind.pk).exists()
    events = AuditEvent.objects.filter(object_type="journal.workkind", object_id=str(kind.pk))
    assert [event.changes for event in events.order_by("id")] == [
        {"short_name": ["Р", "Реф"], "weight": ["1.00", "1.25"]},
        {"is_active": [True, False]},
    ]
    with pytest.raises(DomainError, match="уже не используется"):
        work_kind_deactivate(actor=world.actor("deputy"), work_kind=kind)
