"""Ordering a document and building it on the worker: the one write path of `Document`.

`document_request` writes the row and queues the task after the commit (as
`notifications.notify` does); `document_build` runs in the worker, once, whatever the number of
times the task is delivered: it claims the row, builds the file as the actor who asked for it,
and keeps the file or the error on the row.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from otmetka.documents.kinds import Job, kind_of
from otmetka.documents.models import Document
from otmetka.lib.errors import DomainError, NotAllowed

if TYPE_CHECKING:
    from otmetka.accounts.permissions import ActiveRole

logger = logging.getLogger(__name__)
# A document still «формируется» this long after it started was left by a worker that stopped
# (a restart, an out-of-memory kill): a task delivered again builds it afresh.
STALE_AFTER = dt.timedelta(hours=1)
ERROR_MAX = 2000


@transaction.atomic
def document_request(
    *, actor: ActiveRole, kind: str, title: str, params: dict[str, Any] | None = None
) -> Document:
    """Order a document of `kind` for the actor; the worker builds it after the commit."""
    spec = kind_of(kind)
    if spec is None:
        raise DomainError(_("Нет такого документа."))
    if not actor.has_any(*spec.rights):
        raise NotAllowed(_("Этот документ вашей роли недоступен."))
    document = Document.objects.create(
        organization_id=actor.organization_id,
        owner=actor.user,
        role=actor.assignment,
        kind=kind,
        title=title[:300],
        params=params or {},
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    transaction.on_commit(lambda: document_enqueue(document.pk))
    return document


def document_enqueue(document_id: int) -> None:
    """Queue the build; a queue that refuses leaves the document failed, to be ordered again."""
    from otmetka.documents.tasks import build_document

    try:
        build_document.enqueue(document_id=document_id)
    except Exception:  # a document left «в очереди» for ever would be worse than an error
        logger.exception("Could not queue document %s", document_id)
        Document.objects.filter(pk=document_id, status=Document.Status.PENDING).update(
            status=Document.Status.FAILED,
            error=_("Не удалось поставить документ в очередь; закажите его ещё раз."),
            finished_at=timezone.now(),
        )


def _claim(document_id: int) -> bool:
    """Take the document for this worker: queued, or left running by a worker that stopped."""
    now = timezone.now()
    return bool(
        Document.objects.filter(pk=document_id)
        .filter(
            Q(status=Document.Status.PENDING)
            | Q(status=Document.Status.RUNNING, started_at__lt=now - STALE_AFTER)
        )
        .update(status=Document.Status.RUNNING, started_at=now, done=0, total=0, step="",
                error="")
    )


def _fail(document: Document, message: str) -> Document:
    document.status = Document.Status.FAILED
    document.error = message[:ERROR_MAX]
    document.finished_at = timezone.now()
    document.save(update_fields=["status", "error", "finished_at"])
    return document


def _actor_of(document: Document) -> ActiveRole | None:
    """The owner in the role the document was ordered in, if they still hold it."""
    from otmetka.accounts.permissions import ActiveRole

    role = document.role
    if (
        role is None
        or role.user_id != document.owner_id
        or role.organization_id != document.organization_id
        or not role.user.is_active
    ):
        return None
    return ActiveRole(role)


def document_build(*, document_id: int) -> Document | None:
    """Build a queued document and keep its file; a failure is kept on the row, never lost.

    Runs outside a transaction, so the progress it writes is seen by the page at once. A
    document already built, or being built by another worker, is left as it is.
    """
    claimed = _claim(document_id)
    document = (
        Document.objects.select_related("role__user__person__employee", "role__organization")
        .filter(pk=document_id)
        .first()
    )
    if document is None or not claimed:
        return document
    spec = kind_of(document.kind)
    if spec is None:
        return _fail(document, _("Нет такого документа."))
    actor = _actor_of(document)
    if actor is None:
        return _fail(document, _("Роль, в которой заказан документ, больше не назначена."))
    if not actor.has_any(*spec.rights):
        return _fail(document, _("У роли больше нет права на этот документ."))
    try:
        with translation.override(document.language or settings.LANGUAGE_CODE):
            built = spec.build(Job(document, actor))
    except DomainError as error:
        return _fail(document, error.message)
    except Exception as error:  # the row must say what went wrong, whatever it was
        logger.exception("Document %s (%s) failed", document.pk, document.kind)
        return _fail(document, f"{type(error).__name__}: {error}")
    document.file.save(
        f"{document.kind.replace('.', '-')}-{document.pk}{_extension(built.filename)}",
        ContentFile(built.content),
        save=False,
    )
    document.filename = built.filename[:200]
    document.content_type = built.content_type
    document.rows = built.rows
    document.status = Document.Status.READY
    document.done = document.total = max(document.total, document.done, 1)
    document.step = ""
    document.finished_at = timezone.now()
    document.save(update_fields=[
        "file", "filename", "content_type", "rows", "status", "done", "total", "step",
        "finished_at",
    ])
    return document


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""
