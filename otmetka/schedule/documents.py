"""The documents the timetable pages build on the worker: the hours report in PDF.

Laying out the table of every teacher takes seconds (4 s for the college), longer than a
request may take; the XLSX of the same table is made within the request.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from otmetka.accounts.permissions import ActiveRole
from otmetka.documents.kinds import Built, DocumentKind, Job, register
from otmetka.documents.models import Document
from otmetka.lib.downloads import PDF
from otmetka.people.models import Employee
from otmetka.schedule.services.hours import (
    HOURS_ALL_RIGHTS,
    HOURS_OWN_RIGHT,
    hours_table,
    table_pdf,
)

HOURS_PDF = "schedule.hours_pdf"


def hours_title(actor: ActiveRole, params: dict[str, Any]) -> str:
    """The document's name in the list: the teacher's, or the whole report's (one query)."""
    teacher_id = params.get("teacher")
    if teacher_id is None:
        return _("Вычитка часов преподавателей (PDF)")
    employee = (
        Employee.objects.filter(pk=teacher_id, person__organization_id=actor.organization_id)
        .select_related("person")
        .first()
    )
    name = employee.person.short_name if employee is not None else ""
    return _("Вычитка часов: %(name)s (PDF)") % {"name": name}


def hours_pdf_build(job: Job) -> Built:
    table = hours_table(job.actor, job.params)
    job.progress(0, step=_("Вёрстка PDF"))
    content = table_pdf(
        table,
        organization=job.actor.organization,
        on_page=lambda page: job.progress(page, step=_("Вёрстка PDF")),
    )
    return Built(content, f"{_('Вычитка часов')}.pdf", PDF, rows=len(table.rows))


def _page(document: Document) -> str:
    params = document.params or {}
    if params.get("teacher") is not None and params.get("own"):
        return reverse("schedule:hours_my")
    query = {key: params[key] for key in ("department", "q") if params.get(key)}
    return reverse("schedule:hours_report") + (f"?{urlencode(query)}" if query else "")


register(DocumentKind(
    code=HOURS_PDF,
    label=gettext_lazy("Вычитка часов"),
    rights=(HOURS_OWN_RIGHT, *HOURS_ALL_RIGHTS),
    build=hours_pdf_build,
    page=_page,
))
