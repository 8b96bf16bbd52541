"""Signing, applying and cancelling an order ask first, naming the order (issue 11, point 7).

Applying is refused by the server without the confirmation the dialog sets: a plain POST
changes no roster and gets a page that asks again.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from otmetka.academics.models import Membership
from otmetka.audit.models import AuditEvent
from otmetka.movement.models import Order
from otmetka.movement.tests.factories import transfer_order
from otmetka.test import World

pytestmark = pytest.mark.django_db


def test_a_plain_post_applies_nothing_and_the_page_asks_naming_the_order(world: World) -> None:
    order = transfer_order(world)
    memberships = list(Membership.objects.values_list("pk", "group_id", "date_from", "date_to"))
    audit_rows = AuditEvent.objects.count()
    client = world.client_for("head")
    url = reverse("movement:order_apply", kwargs={"order_id": order.pk})
    page = client.post(url).content.decode()
    assert "Ничего не изменено: это действие нельзя отменить" in page
    assert "Провести приказ № 12-к? Составы групп и статусы обучающихся изменятся." in page
    assert Order.objects.get(pk=order.pk).status == Order.Status.SIGNED
    assert list(Membership.objects.values_list("pk", "group_id", "date_from", "date_to")) == (
        memberships
    )
    assert AuditEvent.objects.count() == audit_rows
    assert '<input type="hidden" name="confirm" value="1">' in page
    client.post(url, {"confirm": "1"})
    assert Order.objects.get(pk=order.pk).status == Order.Status.APPLIED


def test_the_order_page_asks_before_each_step(world: World) -> None:
    client = world.client_for("head")
    draft = transfer_order(world, signed=False)
    page = client.get(reverse("movement:order_detail", kwargs={"order_id": draft.pk}))
    text = page.content.decode()
    sign = reverse("movement:order_sign", kwargs={"order_id": draft.pk})
    assert (
        f'<form method="post" action="{sign}" data-confirm="Подписать приказ № 12-к? '
        'После подписи его можно только отменить.">'
    ) in text
    assert "Отменить приказ № 12-к? Отменённый приказ не проводится, и вернуть его нельзя." in text
    assert "Убрать из приказа № 12-к: Студентов Иван Петрович?" in text
    signed = transfer_order(world, number="13-к")
    page = client.get(reverse("movement:order_detail", kwargs={"order_id": signed.pk}))
    apply = reverse("movement:order_apply", kwargs={"order_id": signed.pk})
    form = page.content.decode().split(f'<form method="post" action="{apply}" ')[1]
    form = form.split("</form>")[0]
    assert form.startswith(
        'data-confirm="Провести приказ № 13-к? Составы групп и статусы обучающихся изменятся. '
        'Проведённый приказ нельзя ни изменить, ни отменить: ошибку исправляют новым приказом.">'
    )
    assert '<input type="hidden" name="confirm" value="" data-confirmed>' in form
    assert Order.objects.get(pk=draft.pk).status == Order.Status.DRAFT
