"""Row scope of the movement book: which orders a role may read and write."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from otmetka.academics.permissions import department_scope
from otmetka.accounts.permissions import ActiveRole
from otmetka.movement.models import Order, OrderItem


def orders_visible_to(actor: ActiveRole) -> QuerySet[Order]:
    """Orders of the actor's organization (a department head bound to a department: its own).

    Without `movement.view` or `movement.edit` nothing: the views answer 403 before asking.
    """
    if not actor.has_any("movement.view", "movement.edit"):
        return Order.objects.none()
    orders = Order.objects.filter(organization_id=actor.organization_id)
    department_id = department_scope(actor)
    if department_id is not None:
        orders = orders.filter(department_id=department_id)
    return orders


def get_order_for_user_or_404(actor: ActiveRole, order_id: int) -> Order:
    orders = orders_visible_to(actor).select_related(
        "academic_year", "department", "created_by", "signed_by", "applied_by", "cancelled_by"
    )
    return get_object_or_404(orders, pk=order_id)


def get_item_for_user_or_404(actor: ActiveRole, order: Order, item_id: int) -> OrderItem:
    return get_object_or_404(OrderItem.objects.filter(order=order), pk=item_id)


def can_create_order(actor: ActiveRole) -> bool:
    """Draft a new order (the «Новый приказ» page): `movement.edit`."""
    return actor.has("movement.edit")


def can_edit_order(actor: ActiveRole, order: Order) -> bool:
    """`movement.edit` in the order's organization (a bound department head: its department)."""
    if order.organization_id != actor.organization_id or not actor.has("movement.edit"):
        return False
    department_id = department_scope(actor)
    return department_id is None or order.department_id == department_id
