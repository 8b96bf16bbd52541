"""The kinds of documents, declared by the apps that build them, and what a builder gets.

An app that offers a long document declares it in its own `documents.py` with `register`:
a code, a label, the rights that may order and download it, and the function that builds the
file. The documents app finds these modules when Django starts (`apps.py`), so it runs every
kind without importing the apps above it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

from otmetka.documents.models import Document

if TYPE_CHECKING:
    from otmetka.accounts.permissions import ActiveRole

# Progress is written at most this often (seconds): a row of the table, not a lock on it.
PROGRESS_INTERVAL = 0.5


@dataclass(frozen=True)
class Built:
    """The file a builder made: its bytes, the name the user downloads it under, its type."""

    content: bytes
    filename: str
    content_type: str
    rows: int | None = None  # rows of data in it, shown with the document


class Job:
    """What a builder gets: the document, the actor it is built for, and a way to tell how far
    it has got."""

    def __init__(self, document: Document, actor: ActiveRole) -> None:
        self.document = document
        self.actor = actor
        self._told_at = 0.0

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.document.params or {})

    def progress(self, done: int, total: int = 0, step: str | None = None) -> None:
        """`done` of `total` (0: not known, e.g. pages still being laid out), and what is being
        done; written at most every PROGRESS_INTERVAL seconds, and when it is complete."""
        fields: dict[str, Any] = {"done": min(done, total) if total else done, "total": total}
        if step is not None:
            fields["step"] = step[:200]
        for name, value in fields.items():
            setattr(self.document, name, value)
        now = time.monotonic()
        if now - self._told_at < PROGRESS_INTERVAL and not (total and done >= total):
            return
        self._told_at = now
        Document.objects.filter(pk=self.document.pk).update(**fields)


@dataclass(frozen=True)
class DocumentKind:
    code: str
    label: Promise | str
    rights: tuple[str, ...]  # any of them lets a role order the document and download it
    build: Callable[[Job], Built]
    # The page where the document is ordered, for a link back from «Мои документы».
    page: Callable[[Document], str] | None = None


KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    if kind.code in KINDS and KINDS[kind.code] is not kind:
        raise ValueError(f"document kind {kind.code!r} is registered twice")
    KINDS[kind.code] = kind
    return kind


def kind_of(code: str) -> DocumentKind | None:
    return KINDS.get(code)


def document_rights() -> frozenset[str]:
    """Every right that orders some kind of document."""
    return frozenset(right for kind in KINDS.values() for right in kind.rights)
