"""The attestation sheet of a journal: proposals, marks, closing, reopening, the PDF."""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from otmetka.academics.models import AttestationForm, Workload
from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.journal.forms.attestation import (
    AttestationMarksForm,
    SheetDetailsForm,
    SheetReopenForm,
)
from otmetka.journal.models import AttestationSheet
from otmetka.journal.permissions import get_journal_for_user_or_404, journals_visible_to
from otmetka.journal.selectors import attestation_sheet_rows
from otmetka.journal.services.attestation import (
    attestation_marks_set,
    attestation_window,
    can_edit_sheet,
    sheet_close,
    sheet_details_set,
    sheet_for,
    sheet_propose,
    sheet_reopen,
)
from otmetka.journal.services.printing import attestation_sheet_pdf
from otmetka.lib.dates import local_today
from otmetka.lib.downloads import pdf_download
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.lib.views import form_error
from otmetka.org.models import Period

VIEW = ("journal.view_own", "journal.view_own_group", "journal.view_all", "journal.edit_own",
        "journal.edit_all")
EDIT = ("journal.edit_own", "journal.edit_all")


def journal_semesters(workload: Workload) -> QuerySet[Period]:
    return (
        Period.objects.semesters()
        .filter(academic_year_id=workload.academic_year_id)
        .select_related("academic_year")
        .order_by("number")
    )


def chosen_semester(
    request: HttpRequest, role: ActiveRole, semesters: list[Period]
) -> Period | None:
    """The semester of ?period=, else the one containing today, else the first of the year."""
    wanted = request.GET.get("period", "")
    for period in semesters:
        if str(period.pk) == wanted:
            return period
    today = local_today(role.organization.timezone)
    current = [p for p in semesters if p.date_from <= today <= p.date_to]
    candidates = current or semesters
    return candidates[0] if candidates else None


def sheet_or_404(role: ActiveRole, sheet_id: int) -> tuple[AttestationSheet, Workload]:
    """The sheet and a journal of its group × item that the role may see; 404 otherwise."""
    sheet = get_object_or_404(
        AttestationSheet.objects.select_related("group__organization", "item", "period"),
        pk=sheet_id,
        group__organization_id=role.organization_id,
    )
    workload = (
        journals_visible_to(role)
        .filter(group_id=sheet.group_id, item_id=sheet.item_id,
                academic_year_id=sheet.period.academic_year_id)
        .order_by("pk")
        .first()
    )
    if workload is None:
        raise Http404
    return sheet, workload


def _page_url(workload: Workload, sheet: AttestationSheet) -> str:
    url = reverse("journal:attestation", kwargs={"workload_id": workload.pk})
    return f"{url}?period={sheet.period_id}"


def _open_sheet(role: ActiveRole, workload: Workload, period: Period | None) -> tuple[
    AttestationSheet | None, str
]:
    if period is None:
        return None, _("В учебном году нет семестров.")
    try:
        return sheet_for(actor=role, workload=workload, period=period), ""
    except DomainError as error:
        return None, error.message


@right_required(*VIEW)
def attestation(request: HttpRequest, workload_id: int) -> HttpResponse:
    role = role_of(request)
    workload = get_journal_for_user_or_404(role, workload_id)
    semesters = list(journal_semesters(workload))
    period = chosen_semester(request, role, semesters)
    sheet, problem = _open_sheet(role, workload, period)
    rows = attestation_sheet_rows(sheet) if sheet is not None else []
    form = AttestationMarksForm(
        request.POST or None, rows=rows, sheet_form=sheet.form if sheet else ""
    )
    can_edit = sheet is not None and can_edit_sheet(role, sheet)
    if sheet is not None and request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                changed = attestation_marks_set(actor=role, sheet=sheet, values=form.values())
            except DomainError as error:
                form_error(form, error)
            else:
                messages.success(request, _("Сохранено отметок: %(count)s.") % {"count": changed})
                return redirect(_page_url(workload, sheet))
    return render(request, "journal/attestation.html", {
        "workload": workload, "period": period, "semesters": semesters,
        "sheet": sheet, "problem": problem, "form": form,
        "sheet_form_label": dict(AttestationForm.choices).get(sheet.form) if sheet else "",
        "window": attestation_window(period) if period else None,
        "can_edit": can_edit,
        "can_reopen": role.has("journal.unlock"), "reopen_form": SheetReopenForm(),
        "details_form": _details_form(role, sheet) if sheet is not None else None,
    })


def _details_form(role: ActiveRole, sheet: AttestationSheet, data: Any = None) -> SheetDetailsForm:
    return SheetDetailsForm(
        data,
        organization_id=role.organization_id,
        initial={"exam_date": sheet.exam_date, "examiners": list(sheet.examiners.all())},
    )


@require_POST
@right_required("journal.edit_own", "journal.edit_all", "journal.unlock")
def attestation_details(request: HttpRequest, sheet_id: int) -> HttpResponse:
    """The exam's date and examiners; a bad value is told as a message, nothing is saved."""
    role = role_of(request)
    sheet, workload = sheet_or_404(role, sheet_id)
    form = _details_form(role, sheet, request.POST)
    try:
        if not form.is_valid():
            raise DomainError(" ".join(str(e) for errors in form.errors.values() for e in errors))
        sheet_details_set(
            actor=role, sheet=sheet, exam_date=form.cleaned_data["exam_date"],
            examiner_ids=[employee.pk for employee in form.cleaned_data["examiners"]],
        )
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Дата проведения и экзаменаторы сохранены."))
    return redirect(_page_url(workload, sheet))


@require_POST
@right_required(*EDIT)
def attestation_propose(request: HttpRequest, sheet_id: int) -> HttpResponse:
    role = role_of(request)
    sheet, workload = sheet_or_404(role, sheet_id)
    try:
        count = sheet_propose(actor=role, sheet=sheet)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "Предложены отметки для %(count)s обучающегося.",
                "Предложены отметки для %(count)s обучающихся.",
                count,
            )
            % {"count": count},
        )
    return redirect(_page_url(workload, sheet))


@require_POST
@right_required("journal.edit_own", "journal.edit_all", "journal.unlock")
def attestation_close(request: HttpRequest, sheet_id: int) -> HttpResponse:
    role = role_of(request)
    sheet, workload = sheet_or_404(role, sheet_id)
    try:
        sheet_close(actor=role, sheet=sheet)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Ведомость закрыта."))
    return redirect(_page_url(workload, sheet))


@require_POST
@right_required("journal.unlock")
def attestation_reopen(request: HttpRequest, sheet_id: int) -> HttpResponse:
    role = role_of(request)
    sheet, workload = sheet_or_404(role, sheet_id)
    form = SheetReopenForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Укажите основание: почему ведомость открывается."))
        sheet_reopen(actor=role, sheet=sheet, reason=form.cleaned_data["reason"])
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Ведомость снова открыта."))
    return redirect(_page_url(workload, sheet))


@right_required(*VIEW)
def attestation_pdf(request: HttpRequest, sheet_id: int) -> HttpResponse:
    role = role_of(request)
    sheet, _workload = sheet_or_404(role, sheet_id)
    started = time.monotonic()
    pdf = attestation_sheet_pdf(actor=role, sheet=sheet)
    response = pdf_download(pdf, name=f"vedomost-{sheet.pk}.pdf")
    response["Server-Timing"] = f"pdf;dur={(time.monotonic() - started) * 1000:.0f}"
    return response
