"""Pages of the work kinds list (виды работ with weights and SGO type ids)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from otmetka.accounts.permissions import right_required, role_of
from otmetka.journal import selectors
from otmetka.journal.forms.plans import WorkKindEditForm, WorkKindForm
from otmetka.journal.models import WorkKind
from otmetka.journal.services import work_kinds as services
from otmetka.lib.errors import DomainError
from otmetka.lib.views import form_error, paginate, query_without_page

VIEW = ("org.view", "org.edit")
EDIT = "org.edit"


def _submit(request: HttpRequest, form: Form, action: Callable[..., Any]) -> Any | None:
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return action(**form.cleaned_data)
    except DomainError as error:
        form_error(form, error)
        return None


@right_required(*VIEW)
def work_kind_list(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    work_kinds = selectors.work_kinds_for_list(role.organization_id)
    return render(request, "journal/work_kind_list.html", {
        "page": paginate(request, work_kinds, per_page=100), "query": query_without_page(request),
        "can_edit": role.has(EDIT),
    })


@right_required(EDIT)
def work_kind_create(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    form = WorkKindForm(request.POST or None, initial={"weight": 1})
    work_kind = _submit(request, form,
                        lambda **data: services.work_kind_create(actor=role, **data))
    if work_kind:
        messages.success(request, _("Вид работы «%(name)s» добавлен.") % {"name": work_kind.name})
        return redirect("journal:work_kind_list")
    return render(request, "journal/work_kind_form.html", {"form": form, "work_kind": None})


@right_required(EDIT)
def work_kind_edit(request: HttpRequest, work_kind_id: int) -> HttpResponse:
    role = role_of(request)
    work_kind = get_object_or_404(WorkKind, pk=work_kind_id, organization_id=role.organization_id)
    form = WorkKindEditForm(request.POST or None, initial=WorkKindForm.initial_for(work_kind))
    if _submit(request, form, lambda **data: services.work_kind_update(
            actor=role, work_kind=work_kind, **data)):
        messages.success(request, _("Вид работы «%(name)s» сохранён.") % {"name": work_kind.name})
        return redirect("journal:work_kind_list")
    return render(request, "journal/work_kind_form.html", {"form": form, "work_kind": work_kind})


@require_POST
@right_required(EDIT)
def work_kind_deactivate(request: HttpRequest, work_kind_id: int) -> HttpResponse:
    role = role_of(request)
    work_kind = get_object_or_404(WorkKind, pk=work_kind_id, organization_id=role.organization_id)
    try:
        services.work_kind_deactivate(actor=role, work_kind=work_kind)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Вид работы «%(name)s» больше не используется.")
                         % {"name": work_kind.name})
    return redirect("journal:work_kind_list")
