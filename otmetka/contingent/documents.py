"""The documents the contingent pages build on the worker: every student, with parents, in XLSX.

A college's two thousand students with their memberships and parents took a quarter of a
minute in the request; on the worker the page shows the progress and keeps the file.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from otmetka.audit.models import AuditEvent
from otmetka.audit.services import audit_record
from otmetka.contingent.exports import students_xlsx
from otmetka.contingent.imports import STUDENTS_RIGHT
from otmetka.documents.kinds import Built, DocumentKind, Job, register
from otmetka.documents.models import Document
from otmetka.lib.dates import local_today
from otmetka.lib.downloads import XLSX
from otmetka.people.permissions import students_visible_to

STUDENTS_EXPORT = "contingent.students"


def students_export_build(job: Job) -> Built:
    """Every student the actor sees (studying or on leave), in the import's columns."""
    actor = job.actor
    today = local_today(actor.organization.timezone)
    job.progress(0, step=_("Сбор строк"))
    content, rows = students_xlsx(
        students_visible_to(actor),
        on=today,
        on_rows=lambda done, total: job.progress(done, total, step=_("Запись XLSX")),
    )
    # Personal data leaving the system is a view of it (152-ФЗ).
    audit_record(
        actor=actor.user,
        action=AuditEvent.Action.VIEW,
        organization_id=actor.organization_id,
        object_type="contingent.export",
        object_repr=_("Выгрузка всех обучающихся в XLSX, строк: %(count)s") % {"count": rows},
    )
    name = _("Обучающиеся %(date)s") % {"date": today.strftime("%d.%m.%Y")}
    return Built(content, f"{name}.xlsx", XLSX, rows=rows)


def _index(document: Document) -> str:
    return reverse("contingent:index")


register(DocumentKind(
    code=STUDENTS_EXPORT,
    label=gettext_lazy("Выгрузка обучающихся"),
    rights=(STUDENTS_RIGHT,),
    build=students_export_build,
    page=_index,
))
