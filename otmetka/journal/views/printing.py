"""Printed copies of a journal: the list, the request, the download (Положение 7.1)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.documents.models import Document
from otmetka.journal.forms.attestation import PrintRequestForm
from otmetka.journal.permissions import get_journal_for_user_or_404, journals_visible_to
from otmetka.journal.services.printing import (
    JOURNAL_PRINT,
    PRINT_RIGHTS,
    can_print_journal,
    journal_print_request,
    journal_prints,
)
from otmetka.journal.views.attestation import journal_semesters
from otmetka.lib.dates import local_today
from otmetka.lib.downloads import PDF, file_download
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.lib.views import paginate, query_without_page
from otmetka.org.models import Period

VIEW = ("journal.view_own", "journal.view_own_group", "journal.view_all", "journal.edit_own",
        "journal.edit_all")
PRINT = PRINT_RIGHTS


@right_required(*VIEW)
def print_list(request: HttpRequest, workload_id: int) -> HttpResponse:
    role = role_of(request)
    workload = get_journal_for_user_or_404(role, workload_id)
    periods = journal_semesters(workload)
    current = _current(periods, role)
    page = paginate(request, journal_prints(workload).select_related("owner__person"))
    semesters = {period.pk: period for period in periods}
    return render(request, "journal/print_list.html", {
        "workload": workload, "page": page, "query": query_without_page(request),
        "copies": [(copy, semesters.get(copy.params.get("period"))) for copy in page],
        "can_print": can_print_journal(role, workload),
        "form": PrintRequestForm(periods=periods, initial={"period": current}),
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
        copy = journal_print_request(
            actor=role, workload=workload, period=form.cleaned_data["period"]
        )
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("journal:print_list", workload_id=workload.pk)
    messages.success(request, _("Журнал поставлен в очередь на печать: копия появится здесь и в "
                                "«Моих документах», когда будет готова."))
    return redirect("documents:detail", document_id=copy.pk)


@right_required(*VIEW)
def print_download(request: HttpRequest, print_id: int) -> FileResponse:
    role = role_of(request)
    # The archive of a journal: every copy, whoever ordered it, for those who read the journal.
    copy = get_object_or_404(
        Document.objects.filter(kind=JOURNAL_PRINT, organization_id=role.organization_id),
        pk=print_id,
    )
    if not journals_visible_to(role).filter(pk=copy.params.get("workload")).exists():
        raise Http404
    if copy.status != Document.Status.READY or not copy.file:
        raise Http404
    return file_download(copy.file, name=copy.filename, content_type=PDF)
