"""«Перевод на следующий учебный год»: the deputy's or department head's yearly step."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from otmetka.academics.forms.rollover import RolloverForm
from otmetka.academics.permissions import can_draft_graduation_order
from otmetka.academics.services.rollover import ROLLOVER_RIGHTS, rollover_proposal, year_rollover
from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError
from otmetka.lib.views import form_error


def _movement_url(role: ActiveRole) -> str | None:
    """The movement book's new-order page, where final-year groups graduate, for those who may
    draft an order there (others got 403 from the link), if the page is mounted."""
    if not can_draft_graduation_order(role):
        return None
    try:
        return reverse("movement:order_create")
    except NoReverseMatch:
        return None


@right_required(*ROLLOVER_RIGHTS)
def rollover(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    today = local_today(role.organization.timezone)
    proposal = rollover_proposal(role.organization_id, today)
    initial = RolloverForm.initial_for(proposal) if proposal is not None else {}
    form = RolloverForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            result = year_rollover(actor=role, today=today, dates=form.year_dates())
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Создан учебный год %(year)s. Переведено групп: %(promoted)s; к выпуску: "
                    "%(graduating)s; строк нагрузки в черновике: %(lines)s."
                )
                % {
                    "year": result.year.name,
                    "promoted": len(result.promoted),
                    "graduating": len(result.graduating),
                    "lines": result.workload_lines,
                },
            )
            return redirect("academics:rollover")
    return render(
        request,
        "academics/rollover.html",
        {
            "form": form,
            "proposal": proposal,
            "movement_url": _movement_url(role),
        },
    )
