"""Академические задолженности and повторная аттестация: the report, the issue of a retake
sheet, the entry of results, the printed sheet."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from otmetka.academics.permissions import GROUP_REPORT_RIGHTS, group_reports_visible_to
from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.journal.models import Retake, RetakeSheet
from otmetka.journal.permissions import (
    can_enter_retake,
    retake_issue_sheets_for,
    retake_sheets_visible_to,
)
from otmetka.journal.services.attestation import allowed_values
from otmetka.journal.services.retakes import retake_result_set, retake_sheet_issue
from otmetka.lib.downloads import pdf_download
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.reports import debts
from otmetka.reports.forms import DebtsForm, RetakeIssueForm, RetakeResultForm
from otmetka.reports.permissions import forced_department_id
from otmetka.reports.tables import pdf_response, xlsx_response

RETAKE_RIGHTS = ("journal.retakes",)
RETAKE_SHEET_RIGHTS = (*GROUP_REPORT_RIGHTS, "journal.retakes", "journal.edit_own")


def _report(request: HttpRequest) -> tuple[DebtsForm, debts.DebtReport | None]:
    """The filter form and the report, or None while the filters are wrong."""
    role = role_of(request)
    form = DebtsForm(
        request.GET or None,
        organization_id=role.organization_id,
        groups=group_reports_visible_to(role),
    )
    if form.is_bound and not form.is_valid():
        return form, None
    data = dict(form.cleaned_data) if form.is_bound and form.is_valid() else {}
    if forced_department_id(role) is not None:
        data["department"] = None  # the scope already confines a department head
    return form, debts.debt_report(group_reports_visible_to(role), data)


def _subtitle(data: dict[str, Any]) -> str:
    parts = [
        str(data[name]) for name in ("year", "period", "department", "group") if data.get(name)
    ]
    if data.get("course"):
        parts.append(_("%(course)s курс") % {"course": data["course"]})
    if data.get("discipline"):
        parts.append(_("дисциплина «%(text)s»") % {"text": data["discipline"]})
    state = dict(debts.STATES).get(data.get("state") or debts.OPEN)
    parts.append(str(state))
    return ", ".join(parts)


@right_required(*GROUP_REPORT_RIGHTS)
def debts_view(request: HttpRequest) -> HttpResponse:
    form, report = _report(request)
    role = role_of(request)
    return render(
        request,
        "reports/debts.html",
        {
            "form": form,
            "report": report,
            "may_issue": role.has("journal.retakes"),
            "query": request.GET.urlencode(),
        },
    )


@right_required(*GROUP_REPORT_RIGHTS)
def debts_export(request: HttpRequest, kind: str) -> HttpResponse:
    form, report = _report(request)
    if report is None:
        messages.error(request, _("Исправьте фильтры отчёта."))
        return redirect("reports:debts")
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    table = debts.debt_table(report, subtitle=_subtitle(data))
    name = _("Академические задолженности")
    if kind == "xlsx":
        return xlsx_response(table, sheet_title=name, filename=f"{name}.xlsx")
    return pdf_response(table, organization=role_of(request).organization, filename=f"{name}.pdf")


# --- Retakes ----------------------------------------------------------------------------------


@right_required(*RETAKE_RIGHTS)
def retake_issue(request: HttpRequest, sheet_id: int) -> HttpResponse:
    """Issue an экзаменационный лист (one student) or a retake ведомость (several)."""
    role = role_of(request)
    sheet = get_object_or_404(
        retake_issue_sheets_for(role).select_related("group", "item", "period__academic_year"),
        pk=sheet_id,
    )
    lines = debts.sheet_debts(sheet)
    debtors = [
        (line.debt.student_id, line.debt.student.person.full_name)
        for line in lines
        if line.can_retake
    ]
    initial = {"students": request.GET.getlist("student")}
    form = RetakeIssueForm(
        request.POST or None,
        initial=initial,
        debtors=debtors,
        organization_id=role.organization_id,
    )
    if request.method == "POST" and form.is_valid():
        try:
            retake_sheet = retake_sheet_issue(
                actor=role,
                sheet=sheet,
                student_ids=form.cleaned_data["students"],
                deadline=form.cleaned_data["deadline"],
                examiner_ids=[employee.pk for employee in form.cleaned_data["examiners"]],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request, _("Лист № %(number)s выдан.") % {"number": retake_sheet.number}
            )
            return redirect("reports:retake_sheet", retake_sheet_id=retake_sheet.pk)
    return render(
        request, "reports/retake_issue.html", {"form": form, "sheet": sheet, "lines": lines}
    )


def _retake_sheet(role: ActiveRole, retake_sheet_id: int) -> RetakeSheet:
    """The retake sheet with all it shows (three queries), 404 outside the actor's scope."""
    sheets = (
        retake_sheets_visible_to(role)
        .select_related(
            "sheet__group__program",
            "sheet__group__department",
            "sheet__item",
            "sheet__period__academic_year",
            "issued_by",
        )
        .prefetch_related(
            "examiners__person",
            Prefetch(
                "retakes",
                queryset=Retake.objects.select_related("debt__student__person").order_by(
                    "debt__student__person__sort_key", "debt__student_id"
                ),
            ),
        )
    )
    return get_object_or_404(sheets, pk=retake_sheet_id)


@right_required(*RETAKE_SHEET_RIGHTS)
def retake_sheet_view(request: HttpRequest, retake_sheet_id: int) -> HttpResponse:
    role = role_of(request)
    retake_sheet = _retake_sheet(role, retake_sheet_id)
    return render(
        request,
        "reports/retake_sheet.html",
        {
            "retake_sheet": retake_sheet,
            "may_enter": can_enter_retake(role, retake_sheet),
            "values": allowed_values(retake_sheet.sheet.form),
            "document": debts.retake_document(retake_sheet),
        },
    )


@require_POST
@right_required(*RETAKE_SHEET_RIGHTS)
def retake_result(request: HttpRequest, retake_sheet_id: int) -> HttpResponse:
    """Enter one retake's result (once), from the sheet's page."""
    role = role_of(request)
    retake_sheet = _retake_sheet(role, retake_sheet_id)
    form = RetakeResultForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Выберите обучающегося из этого листа."))
        return redirect("reports:retake_sheet", retake_sheet_id=retake_sheet.pk)
    retake = next(
        (r for r in retake_sheet.retakes.all() if r.pk == form.cleaned_data["retake"]), None
    )
    if retake is None:
        messages.error(request, _("Выберите обучающегося из этого листа."))
        return redirect("reports:retake_sheet", retake_sheet_id=retake_sheet.pk)
    try:
        retake_result_set(actor=role, retake=retake, value=form.cleaned_data["value"])
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Результат пересдачи сохранён."))
    return redirect("reports:retake_sheet", retake_sheet_id=retake_sheet.pk)


@right_required(*RETAKE_SHEET_RIGHTS)
def retake_sheet_pdf(request: HttpRequest, retake_sheet_id: int) -> HttpResponse:
    role = role_of(request)
    retake_sheet = _retake_sheet(role, retake_sheet_id)
    document = debts.retake_document(retake_sheet)
    content = debts.retake_pdf(document, organization=role.organization)
    return pdf_download(content, name=f"{document.title}.pdf")
