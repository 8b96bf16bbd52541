"""Pages of the movement book: the book, an order with its items and its state machine, late
orders and cards, and the orders of one student."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from otmetka.academics.permissions import can_edit_subgroups, groups_visible_to
from otmetka.academics.services import groups as group_services
from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.audit.presentation import describe_events
from otmetka.lib.confirm import confirmation_step
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError
from otmetka.lib.views import form_error, paginate, parse_id, query_without_page, search_text
from otmetka.movement import selectors, services
from otmetka.movement.forms import (
    CancelForm,
    ItemForm,
    LateCardsJustifyForm,
    OrderFilterForm,
    OrderForm,
    SubgroupPlaceForm,
    search_students,
)
from otmetka.movement.models import Order
from otmetka.movement.permissions import (
    can_create_order,
    can_edit_order,
    get_item_for_user_or_404,
    get_order_for_user_or_404,
    orders_visible_to,
)
from otmetka.people import services as people_services
from otmetka.people.permissions import (
    can_judge_late_cards,
    get_justification_for_user_or_404,
    get_late_card_students_or_404,
    get_student_for_user_or_404,
    students_visible_to,
)

READERS = ("movement.view", "movement.edit")


def _today(role: ActiveRole) -> dt.date:
    return local_today(role.organization.timezone)


def _editable(role: ActiveRole, order_id: int) -> Order:
    order = get_order_for_user_or_404(role, order_id)
    if not can_edit_order(role, order):
        raise PermissionDenied
    return order


def _item_form(role: ActiveRole, order: Order, data: Any = None, text: str = "") -> ItemForm:
    students = students_visible_to(role)
    return ItemForm(
        data,
        kind=order.kind,
        students=students.select_related("person") if data else search_students(students, text),
        groups=groups_visible_to(role).filter(is_active=True).order_by("-intake_year", "name"),
        initial={"effective_date": order.date},
    )


def _history(role: ActiveRole, order: Order) -> list[Any]:
    """The order's audit events, each with its changes in words (`change_rows`)."""
    events = selectors.order_history(order)
    describe_events(events, role.organization.timezone)
    return events


def _detail(request: HttpRequest, order: Order, **forms: Any) -> HttpResponse:
    role = role_of(request)
    editable = can_edit_order(role, order)
    text = search_text(request)
    if editable and order.is_editable and "item_form" not in forms:
        forms["item_form"] = _item_form(role, order, text=text)
    items = selectors.order_items(order)
    gaps = [
        (gap, editable and can_edit_subgroups(role, gap.item.to_group))
        for gap in selectors.subgroup_gaps(order, items, _today(role))
        if gap.item.to_group is not None
    ]
    return render(
        request,
        "movement/order_detail.html",
        {
            "order": order,
            "items": items,
            "subgroup_gaps": gaps,
            "history": _history(role, order),
            "tz": role.organization.timezone,
            "can_edit": editable,
            "apply_question": _apply_question(order),
            "q": text,
            "cancel_form": forms.pop("cancel_form", CancelForm()),
            **forms,
        },
    )


@right_required(*READERS)
def book(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    form = OrderFilterForm(request.GET or None)
    page = paginate(request, selectors.book(form.apply(orders_visible_to(role))))
    return render(
        request,
        "movement/book.html",
        {
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "can_create": can_create_order(role),
        },
    )


@right_required("movement.edit")
def order_create(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    form = OrderForm(request.POST or None, initial={"date": _today(role)})
    if request.method == "POST" and form.is_valid():
        try:
            order = services.order_create(actor=role, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Черновик приказа создан: добавьте обучающихся."))
            return redirect("movement:order_detail", order_id=order.pk)
    return render(request, "movement/order_form.html", {"form": form})


@right_required(*READERS)
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    return _detail(request, get_order_for_user_or_404(role_of(request), order_id))


@require_POST
@right_required("movement.edit")
def item_add(request: HttpRequest, order_id: int) -> HttpResponse:
    role = role_of(request)
    order = _editable(role, order_id)
    form = _item_form(role, order, data=request.POST)
    if form.is_valid():
        try:
            services.order_item_add(actor=role, order=order, **form.service_fields())
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Обучающийся добавлен в приказ."))
            return redirect("movement:order_detail", order_id=order.pk)
    return _detail(request, order, item_form=form)


@require_POST
@right_required("movement.edit")
def item_remove(request: HttpRequest, order_id: int, order_item_id: int) -> HttpResponse:
    role = role_of(request)
    order = _editable(role, order_id)
    item = get_item_for_user_or_404(role, order, order_item_id)
    try:
        services.order_item_remove(actor=role, order=order, item=item)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("movement:order_detail", order_id=order.pk)


@require_POST
@right_required("movement.edit")
def item_subgroup_place(request: HttpRequest, order_id: int, order_item_id: int) -> HttpResponse:
    """Put a student the applied order moved into a group into one of its subgroups."""
    role = role_of(request)
    order = _editable(role, order_id)
    item = get_item_for_user_or_404(role, order, order_item_id)
    group = item.to_group
    if group is None or order.status != Order.Status.APPLIED:
        messages.error(request, _("По подгруппам распределяют после проведения приказа."))
        return redirect("movement:order_detail", order_id=order.pk)
    if not can_edit_subgroups(role, group):
        raise PermissionDenied
    form = SubgroupPlaceForm(request.POST, group=group)
    if not form.is_valid():
        messages.error(request, _("Выберите подгруппу группы %(group)s.") % {"group": group.name})
        return redirect("movement:order_detail", order_id=order.pk)
    subgroup = form.cleaned_data["subgroup"]
    try:
        group_services.subgroup_member_add(
            actor=role, subgroup=subgroup, student=item.student, date_from=item.effective_date
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(student)s в подгруппе «%(subgroup)s» с %(date)s.") % {
            "student": item.student.person.full_name, "subgroup": subgroup.name,
            "date": item.effective_date.strftime("%d.%m.%Y"),
        })
    return redirect("movement:order_detail", order_id=order.pk)


def _apply_question(order: Order) -> str:
    return _(
        "Провести приказ № %(number)s? Составы групп и статусы обучающихся изменятся. "
        "Проведённый приказ нельзя ни изменить, ни отменить: ошибку исправляют новым приказом."
    ) % {"number": order.number}


def _transition(request: HttpRequest, order_id: int, action: str) -> HttpResponse:
    role = role_of(request)
    order = _editable(role, order_id)
    if action == "apply":
        back = reverse("movement:order_detail", kwargs={"order_id": order.pk})
        step = confirmation_step(
            request, question=_apply_question(order), button=_("Провести"), back=back
        )
        if step is not None:
            return step
    try:
        if action == "sign":
            services.order_sign(actor=role, order=order)
            messages.success(request, _("Приказ подписан."))
        else:
            services.order_apply(actor=role, order=order)
            messages.success(request, _("Приказ проведён: составы групп и статусы изменены."))
            if selectors.subgroup_gaps(order, selectors.order_items(order), _today(role)):
                messages.warning(request, _(
                    "Часть журналов новой группы ведётся по подгруппам: распределите "
                    "обучающихся по подгруппам ниже."
                ))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("movement:order_detail", order_id=order.pk)


@require_POST
@right_required("movement.edit")
def order_sign(request: HttpRequest, order_id: int) -> HttpResponse:
    return _transition(request, order_id, "sign")


@require_POST
@right_required("movement.edit")
def order_apply(request: HttpRequest, order_id: int) -> HttpResponse:
    return _transition(request, order_id, "apply")


@require_POST
@right_required("movement.edit")
def order_cancel(request: HttpRequest, order_id: int) -> HttpResponse:
    role = role_of(request)
    order = _editable(role, order_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.order_cancel(actor=role, order=order, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Приказ отменён."))
            return redirect("movement:order_detail", order_id=order.pk)
    return _detail(request, order, cancel_form=form)


def _late_page(
    request: HttpRequest, cards: selectors.LateCards, form: LateCardsJustifyForm | None = None
) -> HttpResponse:
    role = role_of(request)
    today = _today(role)
    can_judge = can_judge_late_cards(role)
    if can_judge and form is None:
        form = LateCardsJustifyForm(late=cards.late)
    return render(
        request,
        "movement/late.html",
        {
            "today": today,
            "orders": selectors.late_orders(role, today),
            "cards": cards,
            "can_judge": can_judge,
            "justify_form": form,
        },
    )


@right_required(*READERS)
def late(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    return _late_page(request, selectors.late_cards(role, _today(role)))


@require_POST
@right_required("movement.edit")
def late_cards_justify(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    ids = {parse_id(value) for value in request.POST.getlist("students")}
    get_late_card_students_or_404(role, {pk for pk in ids if pk is not None})
    cards = selectors.late_cards(role, _today(role))
    form = LateCardsJustifyForm(request.POST, late=cards.late)
    if form.is_valid():
        try:
            done = people_services.late_cards_justify(
                actor=role, students=form.chosen(), reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            form_error(form, error)
        else:
            count = len(done)
            messages.success(request, ngettext(
                "Опоздание признано обоснованным: %(count)s карточка.",
                "Опоздание признано обоснованным: %(count)s карточек.",
                count,
            ) % {"count": count})
            return redirect("movement:late")
    return _late_page(request, cards, form)


@require_POST
@right_required("movement.edit")
def late_card_justification_withdraw(request: HttpRequest, justification_id: int) -> HttpResponse:
    role = role_of(request)
    justification = get_justification_for_user_or_404(role, justification_id)
    name = justification.student.person.full_name_genitive
    try:
        people_services.late_card_justification_withdraw(actor=role, justification=justification)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Обоснование отозвано: карточка %(name)s снова в списке заведённых с опозданием.")
            % {"name": name},
        )
    return redirect("movement:late")


@right_required(*READERS)
def student_orders(request: HttpRequest, student_id: int) -> HttpResponse:
    role = role_of(request)
    student = get_student_for_user_or_404(role, student_id)
    return render(
        request,
        "movement/student_orders.html",
        {
            "student": student,
            "items": selectors.student_orders(student),
        },
    )
