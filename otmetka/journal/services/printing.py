"""Printed journals and attestation sheets (Положение 7.1): PDFs made with WeasyPrint.

A journal copy is requested here and rendered by a background task (`journal.tasks`); the
finished file is kept as the archive copy with its date. One attestation sheet is small enough
to render within the request.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from otmetka.academics.models import AttestationForm, Workload
from otmetka.accounts.permissions import ActiveRole
from otmetka.journal.models import AttestationSheet, JournalPrint
from otmetka.journal.permissions import journals_visible_to
from otmetka.journal.selectors import attestation_sheet_rows, journal_print_data
from otmetka.journal.tasks import render_journal_print
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.org.models import Period


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render a template to PDF (A4, DejaVu Sans for Cyrillic, set in the template's CSS)."""
    from weasyprint import HTML  # heavy import, only where a PDF is made

    html = render_to_string(template, context)
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def can_print_journal(actor: ActiveRole, workload: Workload) -> bool:
    """The journal's teacher, the deputy, and those who read all journals (within their scope)."""
    if workload.group.organization_id != actor.organization_id:
        return False
    own = actor.employee_id is not None and workload.teacher_id == actor.employee_id
    if own and actor.has_any("journal.view_own", "journal.edit_own"):
        return True
    if not actor.has_any("journal.view_all", "journal.unlock"):
        return False
    return journals_visible_to(actor).filter(pk=workload.pk).exists()


@transaction.atomic
def journal_print_request(*, actor: ActiveRole, workload: Workload, period: Period) -> JournalPrint:
    """Queue a printed copy of the journal for the semester; the task renders it."""
    if not can_print_journal(actor, workload):
        raise NotAllowed(_("Печать журнала доступна преподавателю и заместителю директора."))
    if period.kind != Period.Kind.SEMESTER or period.academic_year_id != workload.academic_year_id:
        raise DomainError(
            _("Выберите семестр учебного года %(year)s.") % {"year": workload.academic_year},
            field="period",
        )
    copy = JournalPrint.objects.create(workload=workload, period=period, requested_by=actor.user)
    transaction.on_commit(lambda: render_journal_print.enqueue(print_id=copy.pk))
    return copy


def journal_print_render(*, print_id: int) -> JournalPrint:
    """Render a queued copy to PDF and store it; a failure is recorded on the row, never lost."""
    copy = JournalPrint.objects.select_related("period__academic_year").get(pk=print_id)
    if copy.status == JournalPrint.Status.READY:
        return copy
    try:
        data = journal_print_data(copy.workload, copy.period)
        organization = data.organization
        pdf = render_pdf(
            "journal/print_journal_pdf.html",
            {
                "data": data,
                "mark_pages": data.mark_pages(),
                "printed_on": local_today(organization.timezone),
            },
        )
        name = f"journal-{copy.workload_id}-{copy.period_id}-{copy.pk}.pdf"
        copy.file.save(name, ContentFile(pdf), save=False)
    except Exception as error:  # the row must say what went wrong, whatever it was
        copy.status = JournalPrint.Status.FAILED
        copy.error = f"{type(error).__name__}: {error}"[:2000]
        copy.finished_at = timezone.now()
        copy.save(update_fields=["status", "error", "finished_at"])
        return copy
    copy.status = JournalPrint.Status.READY
    copy.error = ""
    copy.finished_at = timezone.now()
    copy.save(update_fields=["status", "error", "file", "finished_at"])
    return copy


def attestation_sheet_pdf(*, actor: ActiveRole, sheet: AttestationSheet) -> bytes:
    """The ведомость of one sheet as a PDF (small: rendered within the request)."""
    if sheet.group.organization_id != actor.organization_id:
        raise NotAllowed(_("Ведомость не найдена."))
    workloads = list(
        Workload.objects.filter(
            group_id=sheet.group_id,
            item_id=sheet.item_id,
            academic_year_id=sheet.period.academic_year_id,
        ).select_related("teacher__person")
    )
    organization = sheet.group.organization
    return render_pdf(
        "journal/print_sheet_pdf.html",
        {
            "sheet": sheet,
            "form_label": dict(AttestationForm.choices).get(sheet.form, sheet.form),
            "organization": organization,
            "rows": attestation_sheet_rows(sheet),
            "teachers": sorted({w.teacher.person.full_name for w in workloads}),
            "printed_on": local_today(organization.timezone),
        },
    )
