"""Background work of the documents (django-tasks): no long document is built in a request."""

from __future__ import annotations

from django_tasks import task


@task()
def build_document(document_id: int) -> str:
    """Build a queued document; returns its final status."""
    from otmetka.documents.services import document_build

    document = document_build(document_id=document_id)
    return document.status if document is not None else "missing"
