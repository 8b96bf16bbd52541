"""«Мои документы»: the documents a user ordered, their progress, and the files."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from otmetka.accounts.permissions import right_required, role_of
from otmetka.documents.kinds import document_rights, kind_of
from otmetka.documents.models import Document
from otmetka.documents.permissions import (
    can_open_document,
    documents_visible_to,
    get_document_for_user_or_404,
)
from otmetka.lib.downloads import file_download
from otmetka.lib.views import paginate

# Every right that orders some kind of document. The kinds are declared when Django starts
# (documents/apps.py), before any address is resolved and this module imported.
RIGHTS = tuple(sorted(document_rights()))
if not RIGHTS:
    raise ImproperlyConfigured("No document kinds are registered: is otmetka.documents installed?")


def _document(request: HttpRequest, document_id: int) -> Document:
    role = role_of(request)
    document = get_document_for_user_or_404(role, document_id)
    if not can_open_document(role, document):
        raise PermissionDenied
    return document


@right_required(*RIGHTS)
def document_list(request: HttpRequest) -> HttpResponse:
    documents = documents_visible_to(role_of(request)).order_by("-created_at", "-pk")
    return render(request, "documents/list.html", {"page": paginate(request, documents)})


@right_required(*RIGHTS)
def document_detail(request: HttpRequest, document_id: int) -> HttpResponse:
    document = _document(request, document_id)
    if request.headers.get("HX-Request"):
        return render(request, "documents/_status.html", {"document": document, "poll": True})
    kind = kind_of(document.kind)
    page_url = kind.page(document) if kind is not None and kind.page is not None else ""
    return render(request, "documents/detail.html", {"document": document, "page_url": page_url})


@right_required(*RIGHTS)
def document_row(request: HttpRequest, document_id: int) -> HttpResponse:
    """One row of a list of documents, polled while the document is being built."""
    return render(request, "documents/_row.html", {"document": _document(request, document_id)})


@right_required(*RIGHTS)
def document_download(request: HttpRequest, document_id: int) -> FileResponse:
    document = _document(request, document_id)
    if document.status != Document.Status.READY or not document.file:
        raise Http404
    return file_download(document.file, name=document.filename, content_type=document.content_type)
