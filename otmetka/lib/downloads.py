"""Every file the site hands out goes through here: one set of headers for all of them.

A view checks who may have the file, then returns one of these. The file is personal data more
often than not, so no shared cache keeps it (`private, no-store`), the browser never guesses
another type (`nosniff`), and a Cyrillic name reaches the user intact (RFC 6266 / 5987).
"""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def _protect(response: HttpResponse | FileResponse, *, name: str, inline: bool) -> None:
    response["Content-Disposition"] = content_disposition_header(not inline, name) or ""
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"


def content_download(
    content: bytes | str, *, name: str, content_type: str, inline: bool = False
) -> HttpResponse:
    """A file made within the request; `inline` lets the browser show it (a PDF to print)."""
    response = HttpResponse(content, content_type=content_type)
    _protect(response, name=name, inline=inline)
    return response


def file_download(
    file: FieldFile, *, name: str, content_type: str, inline: bool = False
) -> FileResponse:
    """A stored file (an upload, a document the worker built), streamed from storage."""
    response = FileResponse(file.open("rb"), content_type=content_type)
    _protect(response, name=name, inline=inline)
    return response


def xlsx_download(content: bytes, *, name: str) -> HttpResponse:
    return content_download(content, name=name, content_type=XLSX)


def pdf_download(content: bytes, *, name: str, inline: bool = True) -> HttpResponse:
    """A PDF, shown in the browser to print unless `inline` is False."""
    return content_download(content, name=name, content_type=PDF, inline=inline)
