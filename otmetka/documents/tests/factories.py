"""Ordering a document as a user does and building it inline, as the worker would."""

from __future__ import annotations

from typing import Any

from django.urls import resolve

from otmetka.documents.models import Document
from otmetka.documents.services import document_build


def ordered(response: Any) -> Document:
    """The document an order answered with (a redirect to its page), not built yet."""
    assert response.status_code == 302, response.status_code
    match = resolve(response["Location"])
    assert match.view_name == "documents:detail", response["Location"]
    return Document.objects.get(pk=match.kwargs["document_id"])


def build(document: Document) -> Document:
    """Run the worker's task function on the document, then read the row again."""
    document_build(document_id=document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.READY, document.error
    return document
