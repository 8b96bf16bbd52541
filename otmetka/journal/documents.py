"""The documents the journal builds on the worker: printed copies of a journal."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from otmetka.documents.kinds import DocumentKind, register
from otmetka.documents.models import Document
from otmetka.journal.services.printing import JOURNAL_PRINT, PRINT_RIGHTS, journal_print_build


def _print_list(document: Document) -> str:
    return reverse("journal:print_list", kwargs={"workload_id": document.params["workload"]})


register(DocumentKind(
    code=JOURNAL_PRINT,
    label=_("Печатная копия журнала"),
    rights=PRINT_RIGHTS,
    build=journal_print_build,
    page=_print_list,
))
