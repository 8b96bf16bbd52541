"""Printed copies of a journal: the list, the request, the download (Положение 7.1)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.journal.forms.attestation import PrintRequestForm
from otmetka.journal.models import JournalPrint
from otmetka.journal.permissions import get_journal_for_user_or_404, journals_visible_to
from otmetka.journal.services.printing import can_print_journal, journal_print_request
from otmetka.journal.views.attestation import journal_semesters
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.lib.views import paginate, query_without_page
from otmetka.org.models import Period

VIEW = ("journal.view_own", "journal.view_own_group", "journal.view_all", "journal.edit_own",
        "journal.edit_all")
PRINT = ("journal.view_own", "journal.edit_own", "journal.view_all", "journal.unlock")


@right_required(*VIEW)
def print_list(request: HttpRequest, workload_id: int) -> HttpResponse:
    role = role_of(request)
    workload = get_journal_for_user_or_404(role, workload_id)
    periods = journal_semesters(workload)
    copies = JournalPrint.objects.filter(workload=workload).select_related(
        "period__academic_year", "requested_by__person"
    )
    return render(request, "journal/print_list.html", {
        "workload": workload, "page": paginate(request, copies.order_by("-requested_at", "-pk")),
        "query": query_without_page(request), "can_print": can_print_journal(role, workload),
        "form": PrintRequestForm(periods=periods, initial={"period": _current(periods, role)}),
    })


def _current(periods: QuerySet[Period], role: ActiveRole) -> Period | None:
    """The semester containing today, else the last one started: what one prints by default."""
    today = local_today(role.organization.timezone)
    started = [period for period in periods if period.date_from <= today]
    return next((p for p in started if today <= p.date_to), started[-1] if started else None)


@require_POST
@right_required(*PRINT)
def print_request(request: HttpRequest, workload_id: int) -> HttpResponse:
    role = role_of(request)
    workload = get_journal_for_user_or_404(role, workload_id)
    form = PrintRequestForm(request.POST, periods=journal_semesters(workload))
    if not form.is_valid():
        messages.error(request, _("Выберите семестр."))
        return redirect("journal:print_list", workload_id=workload.pk)
    try:
        journal_print_request(actor=role, workload=workload, period=form.cleaned_data["period"])
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Журнал поставлен в очередь на печать: обновите страницу "
                                    "через минуту."))
    return redirect("journal:print_list", workload_id=workload.pk)


@right_required(*VIEW)
def print_download(request: HttpRequest, print_id: int) -> HttpResponse:
    role = role_of(request)
    copy = get_object_or_404(
        JournalPrint.objects.select_related("workload__group"),
        pk=print_id,
        workload__in=journals_visible_to(role),
    )
    if copy.status != JournalPrint.Status.READY or not copy.file:
        raise Http404
    name = f"{copy.workload.group.name}-{copy.requested_at:%Y-%m-%d}-{copy.pk}.pdf"
    response = FileResponse(copy.file.open("rb"), as_attachment=True, filename=name,
                            content_type="application/pdf")
    # A streamed file: the decorators only need a response, whatever its kind.
    return cast(HttpResponse, response)
