"""Unlocks of locked journals: granted by the deputy or admin, requested by the teacher."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from otmetka.academics.models import Workload
from otmetka.accounts.permissions import ActiveRole, users_with_right
from otmetka.audit.models import AuditEvent
from otmetka.audit.services import audit_record
from otmetka.journal.models import JournalUnlock, UnlockRequest
from otmetka.journal.permissions import can_unlock
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.lib.text import bounded_text
from otmetka.notifications.models import Notification
from otmetka.notifications.services import notify

MAX_UNLOCK_DAYS = 14


def _check_scope(actor: ActiveRole, workload: Workload) -> None:
    if workload.group.organization_id != actor.organization_id:
        raise NotAllowed(_("Этот журнал недоступен."))


def _clean_reason(reason: str, field: str = "reason") -> str:
    reason = bounded_text(reason, limit=500, field=field)
    if not reason:
        raise DomainError(_("Укажите основание."), field=field)
    return reason


@transaction.atomic
def unlock_grant(
    *, actor: ActiveRole, workload: Workload, reason: str, valid_until: dt.datetime
) -> JournalUnlock:
    """Open a locked journal for edits until `valid_until` (at most 14 days from now)."""
    _check_scope(actor, workload)
    if not can_unlock(actor):
        raise NotAllowed(_("Разблокировать журналы вы не можете."))
    reason = _clean_reason(reason)
    now = timezone.now()
    if valid_until <= now:
        raise DomainError(_("Срок разблокировки должен быть в будущем."), field="valid_until")
    if valid_until > now + dt.timedelta(days=MAX_UNLOCK_DAYS):
        raise DomainError(
            _("Разблокировать можно не больше чем на %(days)s дней.") % {"days": MAX_UNLOCK_DAYS},
            field="valid_until",
        )
    unlock = JournalUnlock.objects.create(
        workload=workload, reason=reason, valid_until=valid_until, granted_by=actor.user
    )
    audit_record(
        actor=actor.user,
        action=AuditEvent.Action.CREATE,
        organization_id=actor.organization_id,
        obj=unlock,
        changes={"valid_until": [None, valid_until.isoformat()]},
        reason=reason,
    )
    return unlock


@transaction.atomic
def unlock_revoke(*, actor: ActiveRole, unlock: JournalUnlock) -> JournalUnlock:
    _check_scope(actor, unlock.workload)
    if not can_unlock(actor):
        raise NotAllowed(_("Разблокировать журналы вы не можете."))
    if unlock.revoked_at is not None:
        raise DomainError(_("Разблокировка уже отменена."))
    unlock.revoked_at = timezone.now()
    unlock.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor.user,
        action=AuditEvent.Action.UPDATE,
        organization_id=actor.organization_id,
        obj=unlock,
        changes={"revoked_at": [None, unlock.revoked_at.isoformat()]},
    )
    return unlock


@transaction.atomic
def unlock_request_create(*, actor: ActiveRole, workload: Workload, reason: str) -> UnlockRequest:
    """The journal's teacher asks the deputy to unlock it."""
    _check_scope(actor, workload)
    if actor.employee_id is None or workload.teacher_id != actor.employee_id:
        raise NotAllowed(_("Запросить разблокировку может только преподаватель журнала."))
    reason = _clean_reason(reason)
    if UnlockRequest.objects.filter(
        workload_id=workload.pk, status=UnlockRequest.Status.PENDING
    ).exists():
        raise DomainError(_("Запрос по этому журналу уже ждёт ответа."), field="reason")
    request = UnlockRequest.objects.create(
        workload=workload, requested_by=actor.user, reason=reason
    )
    audit_record(
        actor=actor.user,
        action=AuditEvent.Action.CREATE,
        organization_id=actor.organization_id,
        obj=request,
        reason=reason,
    )
    _announce_request(actor, request)
    return request


def _announce_request(actor: ActiveRole, request: UnlockRequest) -> None:
    """Tell those who answer unlock requests (the deputy, the administrator: whoever holds
    `journal.unlock` here) that one waits; «Разблокировки» in their menu counts them."""
    workload = request.workload
    teacher = actor.person.short_name if actor.person is not None else actor.user.username
    notify(
        user_ids=users_with_right(actor.organization_id, "journal.unlock")
        .exclude(pk=actor.user.pk)
        .values_list("pk", flat=True),
        organization_id=actor.organization_id,
        kind=Notification.Kind.UNLOCK_REQUEST,
        title=_("%(teacher)s просит разблокировать журнал %(journal)s")
        % {"teacher": teacher, "journal": _journal_name(workload)},
        body=request.reason,
        url=reverse("journal:unlock_list"),
    )


def _journal_name(workload: Workload) -> str:
    return f"{workload.item.index} {workload.item.name} · {workload.group}"


@transaction.atomic
def unlock_request_answer(
    *,
    actor: ActiveRole,
    request: UnlockRequest,
    grant: bool,
    answer: str,
    valid_until: dt.datetime | None = None,
) -> UnlockRequest:
    """Grant (with a term) or refuse a teacher's request; the teacher sees the answer."""
    request = UnlockRequest.objects.select_for_update().get(pk=request.pk)
    _check_scope(actor, request.workload)
    if not can_unlock(actor):
        raise NotAllowed(_("Разблокировать журналы вы не можете."))
    if request.status != UnlockRequest.Status.PENDING:
        raise DomainError(_("На этот запрос уже ответили."))
    answer = bounded_text(answer, limit=500, field="answer")
    if grant:
        if valid_until is None:
            raise DomainError(_("Укажите, до какого времени открыть журнал."), field="valid_until")
        request.unlock = unlock_grant(
            actor=actor,
            workload=request.workload,
            reason=answer or request.reason,
            valid_until=valid_until,
        )
        request.status = UnlockRequest.Status.GRANTED
    else:
        if not answer:
            raise DomainError(_("Напишите, почему отказано."), field="answer")
        request.status = UnlockRequest.Status.REFUSED
    request.answer = answer
    request.answered_by = actor.user
    request.answered_at = timezone.now()
    request.save()
    audit_record(
        actor=actor.user,
        action=AuditEvent.Action.UPDATE,
        organization_id=actor.organization_id,
        obj=request,
        changes={"status": [UnlockRequest.Status.PENDING, request.status]},
        reason=answer,
    )
    _announce_answer(actor, request)
    return request


def _announce_answer(actor: ActiveRole, request: UnlockRequest) -> None:
    """Tell the teacher who asked (in the product and, by their settings, by e-mail)."""
    workload = request.workload
    journal = _journal_name(workload)
    if request.status == UnlockRequest.Status.GRANTED and request.unlock is not None:
        until = timezone.localtime(
            request.unlock.valid_until, ZoneInfo(actor.organization.timezone)
        )
        title = _("Журнал %(journal)s разблокирован до %(until)s") % {
            "journal": journal,
            "until": until.strftime("%d.%m.%Y %H:%M"),
        }
    else:
        title = _("В разблокировке журнала %(journal)s отказано") % {"journal": journal}
    notify(
        user_ids=[request.requested_by_id],
        organization_id=actor.organization_id,
        kind=Notification.Kind.UNLOCK_ANSWER,
        title=title,
        body=request.answer,
        url=reverse("journal:grid", kwargs={"workload_id": workload.pk}),
    )
