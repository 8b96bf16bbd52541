"""Who sees which documents: each user their own, in the organization of their active role.

A document is personal data more often than not (a book of students, an export with parents'
phones), so nobody but its owner finds it here, not even a director. Printed journals are also
the journal's archive: the journal's own page lists them for those who read the journal
(`journal/views/printing.py`). Ordering and downloading need a right of the document's kind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from otmetka.documents.kinds import kind_of
from otmetka.documents.models import Document

if TYPE_CHECKING:
    from otmetka.accounts.permissions import ActiveRole


def documents_visible_to(actor: ActiveRole) -> QuerySet[Document]:
    return Document.objects.filter(organization_id=actor.organization_id, owner_id=actor.user.pk)


def get_document_for_user_or_404(actor: ActiveRole, document_id: int) -> Document:
    return get_object_or_404(documents_visible_to(actor), pk=document_id)


def can_open_document(actor: ActiveRole, document: Document) -> bool:
    """Whether the active role may download a document of this kind (zero queries)."""
    kind = kind_of(document.kind)
    return kind is not None and actor.has_any(*kind.rights)
