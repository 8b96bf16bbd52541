"""The approval of a group's сводная ведомость: prepared → agreed → printed → signed.

Положение 4.8: before each holiday the department head has the ведомости printed by agreement
with the deputy for УМР; 4.3: the deputy agrees the printing and signs (визирует) the printed
ведомости; 4.9: the secretaries take part in the printing. Each step is checked here, whatever
door it comes through, with the group's row locked first so that two clicks cannot both pass;
each step writes an audit event in the same transaction.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from otmetka.academics.models import Group
from otmetka.accounts.permissions import ActiveRole, users_with_right
from otmetka.audit.models import AuditEvent
from otmetka.audit.services import audit_record
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.notifications.models import Notification
from otmetka.notifications.services import notify
from otmetka.org.models import Period
from otmetka.reports.models import SummaryApproval
from otmetka.reports.permissions import (
    can_approve_summary,
    can_prepare_summary,
    summary_groups_visible_to,
)
from otmetka.reports.summary import GroupSummary, group_summary

State = SummaryApproval.State

PREPARE = "prepare"
AGREE = "agree"
RETURN = "return"
PRINT = "print"
SIGN = "sign"

STEP_LABELS = {
    PREPARE: gettext_lazy("Подготовить и отправить на согласование"),
    AGREE: gettext_lazy("Согласовать распечатку"),
    RETURN: gettext_lazy("Вернуть на доработку"),
    PRINT: gettext_lazy("Отметить, что распечатана"),
    SIGN: gettext_lazy("Подписать (визировать)"),
}
# The state a step starts from, and the state it leads to.
TRANSITIONS: dict[str, tuple[tuple[str | None, ...], str]] = {
    PREPARE: ((None, State.RETURNED), State.PREPARED),
    AGREE: ((State.PREPARED,), State.AGREED),
    RETURN: ((State.PREPARED, State.AGREED), State.RETURNED),
    PRINT: ((State.AGREED,), State.PRINTED),
    SIGN: ((State.PRINTED,), State.SIGNED),
}
COMMENT_LIMIT = 500


def summary_fingerprint(summary: GroupSummary) -> str:
    """The ведомость's content in one hash: what was prepared is what gets agreed and signed."""
    content = {
        "columns": [[c.item_id, c.form, c.closed] for c in summary.columns],
        "rows": [
            [
                row.student.pk,
                row.on_roll,
                [None if cell is None else [cell.mark, cell.final] for cell in row.cells],
                row.missed_hours,
                row.excused_hours,
            ]
            for row in summary.rows
        ],
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class ApprovalView:
    """The approval as the page shows it: the row (or None), whether the ведомость changed
    since it was prepared, and the steps this actor may take now."""

    approval: SummaryApproval | None
    changed: bool
    steps: list[tuple[str, str]]

    @property
    def state_label(self) -> str:
        if self.approval is None:
            return _("не подготовлена")
        return self.approval.get_state_display()


def approval_of(group: Group, period: Period) -> SummaryApproval | None:
    """The group's approval for the semester, with the people of each step (one query)."""
    users = ("prepared_by", "agreed_by", "printed_by", "signed_by", "returned_by")
    return (
        SummaryApproval.objects.filter(group=group, period=period)
        .select_related(*users, *(f"{user}__person" for user in users))
        .first()
    )


def approval_view(actor: ActiveRole, summary: GroupSummary) -> ApprovalView:
    approval = approval_of(summary.group, summary.period)
    changed = approval is not None and approval.fingerprint != summary_fingerprint(summary)
    state = approval.state if approval is not None else None
    steps = [
        (step, str(STEP_LABELS[step]))
        for step in (PREPARE, AGREE, RETURN, PRINT, SIGN)
        if _allowed(actor, step) and _reachable(step, state, changed)
    ]
    return ApprovalView(approval=approval, changed=changed, steps=steps)


def _allowed(actor: ActiveRole, step: str) -> bool:
    if step in (PREPARE, PRINT):
        return can_prepare_summary(actor) or (step == PRINT and can_approve_summary(actor))
    return can_approve_summary(actor)


def _reachable(step: str, state: str | None, changed: bool) -> bool:
    """The transitions table, except that a ведомость changed since it was prepared can only
    be prepared again (from any state) or returned."""
    if step == PREPARE and changed:
        return True
    if changed:
        return step == RETURN and state in TRANSITIONS[RETURN][0]
    return state in TRANSITIONS[step][0]


@transaction.atomic
def summary_approval_step(
    *, actor: ActiveRole, group: Group, period: Period, step: str, comment: str = ""
) -> SummaryApproval:
    """Take one step of the approval of the group's сводная ведомость for the semester."""
    if step not in TRANSITIONS:
        raise DomainError(_("Неизвестное действие."), field="step")
    if not _allowed(actor, step):
        raise NotAllowed(_("Это действие со сводной ведомостью вам недоступно."))
    # The group's row first: it always exists, so two first preparations queue here instead of
    # both finding no approval and inserting two.
    locked = summary_groups_visible_to(actor).select_for_update().filter(pk=group.pk).first()
    if locked is None or period.academic_year.organization_id != actor.organization_id:
        raise NotAllowed(_("Эта группа вам недоступна."))
    comment = (comment or "").strip()
    if len(comment) > COMMENT_LIMIT:
        raise DomainError(
            _("Замечание длиннее %(limit)s знаков.") % {"limit": COMMENT_LIMIT}, field="comment"
        )
    approval = SummaryApproval.objects.filter(group=group, period=period).first()
    summary = group_summary(group, period)
    fingerprint = summary_fingerprint(summary)
    state = approval.state if approval is not None else None
    changed = approval is not None and approval.fingerprint != fingerprint
    if not _reachable(step, state, changed):
        raise DomainError(_refusal(step, state, changed))
    if step == PREPARE:
        _check_prepared(summary)
    if step == RETURN and not comment:
        raise DomainError(_("Напишите, что нужно исправить."), field="comment")
    now = timezone.now()
    created = approval is None
    if approval is None:
        approval = SummaryApproval(
            organization_id=actor.organization_id, group=group, period=period
        )
    before = state
    approval.state = TRANSITIONS[step][1]
    if step == PREPARE:
        approval.fingerprint = fingerprint
        approval.comment = ""
        approval.prepared_at, approval.prepared_by = now, actor.user
        approval.agreed_at = approval.printed_at = approval.signed_at = None
        approval.agreed_by = approval.printed_by = approval.signed_by = None
    elif step == RETURN:
        approval.comment = comment
        approval.returned_at, approval.returned_by = now, actor.user
    else:
        setattr(approval, f"{_field(step)}_at", now)
        setattr(approval, f"{_field(step)}_by", actor.user)
    approval.save()
    audit_record(
        actor=actor.user,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        organization_id=actor.organization_id,
        obj=approval,
        object_repr=_("Сводная ведомость %(group)s, %(period)s")
        % {"group": group.name, "period": period},
        changes={"state": [before, approval.state]},
        reason=comment,
    )
    _announce(actor, approval, step)
    return approval


def _field(step: str) -> str:
    return {AGREE: "agreed", PRINT: "printed", SIGN: "signed"}[step]


def _check_prepared(summary: GroupSummary) -> None:
    """Only a final ведомость is prepared for printing: every attestation sheet closed."""
    if not summary.columns:
        raise DomainError(_("В этом семестре у группы нет промежуточной аттестации."))
    open_items = [f"{c.index} {c.name}".strip() for c in summary.columns if not c.closed]
    if open_items:
        raise DomainError(
            _("Сначала закройте аттестационные ведомости: %(items)s.")
            % {"items": "; ".join(open_items)}
        )


def _refusal(step: str, state: str | None, changed: bool) -> str:
    if changed and step != PREPARE:
        return _(
            "После подготовки в ведомости изменились отметки или пропуски: подготовьте её заново."
        )
    if state is None:
        return _("Ведомость ещё не подготовлена.")
    return _("Это действие недоступно: ведомость %(state)s.") % {
        "state": SummaryApproval.State(state).label
    }


def _announce(actor: ActiveRole, approval: SummaryApproval, step: str) -> None:
    """A prepared ведомость waits for those who agree; a returned one goes back to who
    prepared it; an agreed one tells who prepared it that it may be printed."""
    group = approval.group
    url = "{}?{}".format(
        reverse("reports:group_summary", kwargs={"group_id": group.pk}),
        urlencode({"period": approval.period_id}),
    )
    names = {"group": group.name, "period": approval.period}
    if step == PREPARE:
        recipients = list(
            users_with_right(actor.organization_id, "summary.approve").values_list("pk", flat=True)
        )
        title = _("Сводная ведомость %(group)s (%(period)s) ждёт согласования") % names
    elif step in (RETURN, AGREE) and approval.prepared_by_id is not None:
        recipients = [approval.prepared_by_id]
        title = (
            _("Сводная ведомость %(group)s (%(period)s) возвращена на доработку")
            if step == RETURN
            else _("Распечатка сводной ведомости %(group)s (%(period)s) согласована")
        ) % names
    else:
        return
    notify(
        user_ids=[pk for pk in recipients if pk != actor.user.pk],
        organization_id=actor.organization_id,
        kind=Notification.Kind.OTHER,
        title=title,
        body=approval.comment if step == RETURN else "",
        url=url,
    )
