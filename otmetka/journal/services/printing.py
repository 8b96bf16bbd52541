"""Printed journals and attestation sheets (Положение 7.1): PDFs made with WeasyPrint.

A journal copy is ordered here as a document of the kind «journal.print» and built on the
worker (`documents`; declared in `journal/documents.py`); the finished file is kept as the
archive copy with its date. One attestation sheet is small enough to render within the request.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from otmetka.academics.models import AttestationForm, Workload
from otmetka.accounts.permissions import ActiveRole
from otmetka.documents.kinds import Built, Job
from otmetka.documents.models import Document
from otmetka.documents.services import document_request
from otmetka.journal.models import AttestationSheet
from otmetka.journal.permissions import journals_visible_to
from otmetka.journal.selectors import attestation_sheet_rows, journal_print_data
from otmetka.journal.services.attestation import MARK_WORDS, mark_in_words, sheet_results
from otmetka.lib.dates import local_today
from otmetka.lib.downloads import PDF
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.lib.pdf import render_pdf
from otmetka.org.models import Period

JOURNAL_PRINT = "journal.print"
# Who may order a copy: the journal's teacher, and those who read all journals (the deputy).
PRINT_RIGHTS = ("journal.view_own", "journal.edit_own", "journal.view_all", "journal.unlock")
# Blank lines on the last page, where the deputy writes the notes of each inspection.
INSPECTION_ROWS = 12


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


def journal_prints(workload: Workload) -> QuerySet[Document]:
    """The printed copies of a journal, newest first: its archive."""
    return Document.objects.filter(
        kind=JOURNAL_PRINT,
        organization_id=workload.group.organization_id,
        params__workload=workload.pk,
    ).order_by("-created_at", "-pk")


def _print_title(workload: Workload, period: Period) -> str:
    return _("Журнал %(group)s · %(item)s · %(period)s %(year)s") % {
        "group": workload.group.name,
        "item": f"{workload.item.index} {workload.item.name}".strip(),
        "period": period.name,
        "year": workload.academic_year.name,
    }


@transaction.atomic
def journal_print_request(*, actor: ActiveRole, workload: Workload, period: Period) -> Document:
    """Order a printed copy of the journal for the semester; the worker renders it."""
    if not can_print_journal(actor, workload):
        raise NotAllowed(_("Печать журнала доступна преподавателю и заместителю директора по УМР."))
    if period.kind != Period.Kind.SEMESTER or period.academic_year_id != workload.academic_year_id:
        raise DomainError(
            _("Выберите семестр учебного года %(year)s.") % {"year": workload.academic_year},
            field="period",
        )
    return document_request(
        actor=actor,
        kind=JOURNAL_PRINT,
        title=_print_title(workload, period),
        params={"workload": workload.pk, "period": period.pk},
    )


def journal_print_build(job: Job) -> Built:
    """The PDF of an ordered copy: title page, roll, marks, lessons, with a header and page
    numbers on each page; the progress is the pages laid out."""
    params = job.params
    workload = (
        Workload.objects.select_related("group", "item", "teacher__person", "academic_year")
        .filter(pk=int(params.get("workload") or 0))
        .first()
    )
    period = Period.objects.filter(pk=int(params.get("period") or 0)).first()
    if workload is None or period is None or not can_print_journal(job.actor, workload):
        raise DomainError(_("Журнал не найден или его печать вам больше недоступна."))
    data = journal_print_data(workload, period)
    organization = data.organization
    header = " · ".join([
        organization.name,
        _("Журнал учебных занятий"),
        workload.group.name,
        f"{workload.item.index} {workload.item.name}".strip(),
        workload.teacher.person.full_name,
        f"{period.name} {workload.academic_year.name}",
    ])
    pdf = render_pdf(
        "journal/print_journal_pdf.html",
        {
            "data": data,
            "mark_pages": data.mark_pages(),
            "printed_on": local_today(organization.timezone),
            "attestation_form_label": dict(AttestationForm.choices).get(data.attestation_form, ""),
            "inspection_rows": range(INSPECTION_ROWS),
        },
        header=header,
        on_page=lambda page: job.progress(page, step=_("Вёрстка PDF")),
    )
    created = job.document.created_at
    name = f"{workload.group.name}-{created:%Y-%m-%d}-{job.document.pk}.pdf"
    return Built(pdf, name, PDF, rows=len(data.students))


def attestation_sheet_pdf(*, actor: ActiveRole, sheet: AttestationSheet) -> bytes:
    """The ведомость of one sheet as a PDF (small: rendered within the request).

    As the учебная часть files it: number, specialty and course, the exam's date and examiners
    set on the sheet, each mark in digits and words, the results block, signatures with a date
    line, a header and page numbers on every page, and «Черновик» across a sheet still open.
    """
    found = (
        AttestationSheet.objects.select_related(
            "group__organization", "group__program", "item", "period__academic_year"
        )
        .filter(pk=sheet.pk, group__organization_id=actor.organization_id)
        .first()
    )
    if found is None:
        raise NotAllowed(_("Ведомость не найдена."))
    sheet = found
    year = sheet.period.academic_year
    examiners = sorted(
        (e.person for e in sheet.examiners.select_related("person")), key=lambda p: p.sort_key
    )
    if not examiners:  # not set yet: the teachers of the group × item's journals
        teachers = Workload.objects.filter(
            group_id=sheet.group_id, item_id=sheet.item_id, academic_year_id=year.pk
        ).select_related("teacher__person")
        examiners = sorted({w.teacher.person for w in teachers}, key=lambda p: p.sort_key)
    rows = attestation_sheet_rows(sheet)
    organization = sheet.group.organization
    number = _("Ведомость № %(number)s") % {"number": sheet.number or "—"}
    results = sheet_results(sheet.form, [row.value for row in rows])
    return render_pdf(
        "journal/print_sheet_pdf.html",
        {
            "sheet": sheet,
            "number": number,
            "form_label": dict(AttestationForm.choices).get(sheet.form, sheet.form),
            "organization": organization,
            "program": sheet.group.program,
            "course": sheet.group.course_in(year),
            "semester_of_study": sheet.group.semester_of(sheet.period.number, year),
            "rows": [(row, mark_in_words(row.value, row.student.person)) for row in rows],
            "results": results,
            "result_lines": [
                (f"{value} ({MARK_WORDS[value]})" if value in MARK_WORDS else value, count)
                for value, count in results.counts.items()
            ],
            "credit": sheet.form == AttestationForm.CREDIT,
            "examiners": examiners,
            "draft": sheet.status == AttestationSheet.Status.OPEN,
            "printed_on": local_today(organization.timezone),
        },
        header=" · ".join([
            organization.name,
            number,
            sheet.group.name,
            f"{sheet.item.index} {sheet.item.name}".strip(),
            f"{sheet.period.name} {year.name}",
        ]),
    )
