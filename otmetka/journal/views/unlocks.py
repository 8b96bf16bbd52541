"""Unlocks: the deputy's list of requests and open journals; the teacher's request."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from otmetka.accounts.permissions import right_required, role_of
from otmetka.journal.forms.grid import UnlockAnswerForm, UnlockGrantForm, UnlockRequestForm
from otmetka.journal.models import JournalUnlock, UnlockRequest
from otmetka.journal.permissions import get_journal_for_user_or_404
from otmetka.journal.selectors import unlock_overview
from otmetka.journal.services.unlocks import (
    unlock_grant,
    unlock_request_answer,
    unlock_request_create,
    unlock_revoke,
)
from otmetka.journal.views.grid import EDIT_RIGHTS
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.lib.views import form_error

UNLOCK_RIGHTS = ("journal.unlock",)


@right_required(*UNLOCK_RIGHTS)
def unlock_list(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    pending, active = unlock_overview(role.organization_id)
    answer_form = UnlockAnswerForm()
    # One proposed term for every request's row, written by the field's own (ISO) widget.
    field = answer_form["valid_until"]
    until = field.field.widget.format_value(field.value())
    return render(
        request,
        "journal/unlock_list.html",
        {"pending": pending, "active": active, "answer_form": answer_form, "until": until},
    )


@right_required(*UNLOCK_RIGHTS)
def unlock_badge(request: HttpRequest) -> HttpResponse:
    """The count of requests waiting for an answer, shown next to «Разблокировки» in the menu
    (loaded by the menu itself, so no other page pays for it)."""
    role = role_of(request)
    pending = UnlockRequest.objects.filter(
        workload__group__organization_id=role.organization_id,
        status=UnlockRequest.Status.PENDING,
    ).count()
    return render(request, "journal/unlock_badge.html", {"pending": pending})


@right_required(*UNLOCK_RIGHTS)
def unlock_grant_view(request: HttpRequest, workload_id: int) -> HttpResponse:
    role = role_of(request)
    workload = get_journal_for_user_or_404(role, workload_id)
    form = UnlockGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unlock_grant(actor=role, workload=workload, **form.cleaned_data)
        except DomainError as refusal:
            form_error(form, refusal)
        else:
            messages.success(request, _("Журнал разблокирован."))
            return redirect("journal:unlock_list")
    return render(request, "journal/unlock_grant.html", {"workload": workload, "form": form})


@require_POST
@right_required(*UNLOCK_RIGHTS)
def unlock_revoke_view(request: HttpRequest, unlock_id: int) -> HttpResponse:
    role = role_of(request)
    unlock = get_object_or_404(
        JournalUnlock.objects.select_related("workload__group"),
        pk=unlock_id,
        workload__group__organization_id=role.organization_id,
    )
    try:
        unlock_revoke(actor=role, unlock=unlock)
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Разблокировка отменена."))
    return redirect("journal:unlock_list")


@require_POST
@right_required(*EDIT_RIGHTS)
def unlock_request_view(request: HttpRequest, workload_id: int) -> HttpResponse:
    role = role_of(request)
    workload = get_journal_for_user_or_404(role, workload_id)
    form = UnlockRequestForm(request.POST)
    if form.is_valid():
        try:
            unlock_request_create(actor=role, workload=workload, reason=form.cleaned_data["reason"])
        except NotAllowed as refusal:
            raise PermissionDenied(refusal.message) from refusal
        except DomainError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Запрос отправлен заместителю директора по УМР."))
    else:
        messages.error(request, _("Напишите, что нужно исправить."))
    return redirect("journal:grid", workload_id=workload.pk)


@require_POST
@right_required(*UNLOCK_RIGHTS)
def unlock_answer_view(request: HttpRequest, request_id: int) -> HttpResponse:
    role = role_of(request)
    unlock_request = get_object_or_404(
        UnlockRequest.objects.select_related("workload__group"),
        pk=request_id,
        workload__group__organization_id=role.organization_id,
    )
    form = UnlockAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Выберите ответ."))
        return redirect("journal:unlock_list")
    try:
        unlock_request_answer(actor=role, request=unlock_request, **form.cleaned_data)
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Ответ отправлен."))
    return redirect("journal:unlock_list")
