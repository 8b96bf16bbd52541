"""Повторная аттестация: closing academic debts by retakes (Положение 4.3, issue 12).

A debt is an attestation mark of 2, н/я or не зачтено in a closed sheet. The deputy director or
the department head (`journal.retakes`) issues a retake sheet for it: an individual
экзаменационный лист for one student or a retake ведомость for several students of the same
sheet, with a deadline and the examiners. Each debt gets at most two retakes, the second
before a commission of three named on the sheet. The examiner enters the result into the
retake's own row; the attestation mark itself is never changed, so the history of a debt is
the original mark followed by its retakes. The debt closes with a passing result (3 and above,
or зачтено).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from otmetka.accounts.permissions import ActiveRole
from otmetka.audit.models import AuditEvent
from otmetka.audit.services import audit_record
from otmetka.journal.models import AttestationMark, AttestationSheet, Retake, RetakeSheet
from otmetka.journal.permissions import can_enter_retake, can_issue_retakes
from otmetka.journal.services.attestation import (
    FAILED,
    NO_SHOW,
    NOT_ADMITTED,
    PASSED,
    allowed_values,
)
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.notifications.models import Notification
from otmetka.notifications.services import notify
from otmetka.org.models import Organization
from otmetka.people.models import Employee

# Attestation results that make a debt.
# Не допущен (н/д) is a debt too: the student was not attested.
DEBT_VALUES = ("2", NO_SHOW, NOT_ADMITTED, FAILED)
PASSING_VALUES = ("5", "4", "3", PASSED)
MAX_RETAKES = 2
COMMISSION_SIZE = 3
MAX_EXAMINERS = 3


def is_passing(value: str) -> bool:
    return value in PASSING_VALUES


def _debt_name(debt: AttestationMark) -> str:
    return _("%(student)s, «%(item)s»") % {
        "student": debt.student.person.full_name,
        "item": debt.sheet.item.name,
    }


def _attempt_for(debt: AttestationMark, retakes: list[Retake]) -> int:
    """The number of the next retake of a locked debt, or a refusal saying why there is none."""
    if debt.value not in DEBT_VALUES:
        raise DomainError(
            _("У обучающегося %(debt)s нет задолженности: отметка «%(value)s».")
            % {"debt": _debt_name(debt), "value": debt.value or "—"},
            field="students",
        )
    if any(is_passing(retake.value) for retake in retakes):
        raise DomainError(
            _("Задолженность %(debt)s уже закрыта.") % {"debt": _debt_name(debt)},
            field="students",
        )
    if any(not retake.value for retake in retakes):
        raise DomainError(
            _("Пересдача для %(debt)s уже назначена, её результат ещё не внесён.")
            % {"debt": _debt_name(debt)},
            field="students",
        )
    if len(retakes) >= MAX_RETAKES:
        raise DomainError(
            _("Третья пересдача не допускается: %(debt)s — обе повторные аттестации не сданы.")
            % {"debt": _debt_name(debt)},
            field="students",
        )
    return len(retakes) + 1


def _examiners(actor: ActiveRole, examiner_ids: Iterable[int], attempt: int) -> list[Employee]:
    ids = sorted(set(examiner_ids))
    examiners = list(
        Employee.objects.working()
        .filter(pk__in=ids, person__organization_id=actor.organization_id)
        .select_related("person")
    )
    if len(examiners) != len(ids):
        raise DomainError(_("Выберите экзаменаторов из сотрудников колледжа."), field="examiners")
    if attempt == MAX_RETAKES and len(examiners) != COMMISSION_SIZE:
        raise DomainError(
            _("Вторая пересдача принимается комиссией: укажите трёх её членов."),
            field="examiners",
        )
    if not 1 <= len(examiners) <= MAX_EXAMINERS:
        raise DomainError(_("Укажите от одного до трёх экзаменаторов."), field="examiners")
    return examiners


@transaction.atomic
def retake_sheet_issue(
    *,
    actor: ActiveRole,
    sheet: AttestationSheet,
    student_ids: Iterable[int],
    deadline: dt.date,
    examiner_ids: Iterable[int],
) -> RetakeSheet:
    """Issue a retake sheet for the debts of these students in a closed attestation sheet.

    One student makes an экзаменационный лист, several a retake ведомость. All of its debts
    must be at the same retake (the first, or the second before the commission).
    """
    sheet = AttestationSheet.objects.select_related("group__organization", "item", "period").get(
        pk=sheet.pk
    )
    if not can_issue_retakes(actor, sheet.group):
        raise NotAllowed(
            _("Пересдачу назначает заместитель директора по УМР или заведующий отделением.")
        )
    if sheet.status != AttestationSheet.Status.CLOSED:
        raise DomainError(_("Пересдачу назначают по закрытой ведомости."))
    wanted = sorted(set(student_ids))
    if not wanted:
        raise DomainError(_("Выберите хотя бы одного обучающегося."), field="students")
    today = local_today(sheet.group.organization.timezone)
    if deadline < today:
        raise DomainError(_("Срок пересдачи уже прошёл."), field="deadline")
    if deadline > today + dt.timedelta(days=366):
        raise DomainError(_("Срок пересдачи — не позже чем через год."), field="deadline")
    # The numbers of retake sheets run through the organization: one issuer at a time.
    list(
        Organization.objects.select_for_update()
        .filter(pk=sheet.group.organization_id)
        .values_list("pk", flat=True)
    )
    # Lock the debts, in id order, before counting their retakes: two issuers of the same
    # debt wait for each other here, and the second sees the first one's retake.
    debts = list(
        AttestationMark.objects.select_for_update()
        .filter(sheet=sheet, student_id__in=wanted)
        .select_related("student__person", "sheet__item")
        .order_by("pk")
    )
    if len(debts) != len(wanted):
        raise DomainError(_("Обучающийся не указан в этой ведомости."), field="students")
    earlier: dict[int, list[Retake]] = {debt.pk: [] for debt in debts}
    for retake in Retake.objects.filter(debt__in=debts).order_by("attempt"):
        earlier[retake.debt_id].append(retake)
    attempts = {debt.pk: _attempt_for(debt, earlier[debt.pk]) for debt in debts}
    if len(set(attempts.values())) > 1:
        raise DomainError(
            _(
                "В одном листе — только первые или только вторые пересдачи: вторая "
                "принимается комиссией."
            ),
            field="students",
        )
    attempt = next(iter(attempts.values()))
    examiners = _examiners(actor, examiner_ids, attempt)
    last = (
        RetakeSheet.objects.filter(organization_id=sheet.group.organization_id)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    retake_sheet = RetakeSheet.objects.create(
        organization_id=sheet.group.organization_id,
        number=(last or 0) + 1,
        kind=RetakeSheet.Kind.INDIVIDUAL if len(debts) == 1 else RetakeSheet.Kind.GROUP,
        sheet=sheet,
        attempt=attempt,
        deadline=deadline,
        issued_by=actor.user,
    )
    retake_sheet.examiners.set(examiners)
    Retake.objects.bulk_create(
        [Retake(retake_sheet=retake_sheet, debt=debt, attempt=attempt) for debt in debts]
    )
    audit_record(
        actor=actor.user,
        action=AuditEvent.Action.CREATE,
        organization_id=sheet.group.organization_id,
        obj=retake_sheet,
        changes={
            "attempt": [None, attempt],
            "deadline": [None, deadline.isoformat()],
            "students": [None, [debt.student_id for debt in debts]],
            "examiners": [None, [examiner.pk for examiner in examiners]],
        },
    )
    _tell_students(
        [debt.student.person.user_id for debt in debts],
        organization_id=sheet.group.organization_id,
        title=_("Назначена пересдача по «%(item)s» до %(date)s")
        % {"item": sheet.item.name, "date": f"{deadline:%d.%m.%Y}"},
    )
    return retake_sheet


def _tell_students(user_ids: list[int | None], *, organization_id: int, title: str) -> None:
    notify(
        user_ids=[user_id for user_id in user_ids if user_id is not None],
        organization_id=organization_id,
        kind=Notification.Kind.OTHER,
        title=title,
        url=reverse("diary:marks"),
    )


@transaction.atomic
def retake_result_set(*, actor: ActiveRole, retake: Retake, value: str) -> Retake:
    """Enter the result of one retake, once; a passing one closes the debt."""
    retake = (
        Retake.objects.select_for_update()
        .select_related(
            "retake_sheet__sheet__group__organization",
            "retake_sheet__sheet__item",
            "debt__student__person",
        )
        .get(pk=retake.pk)
    )
    retake_sheet = retake.retake_sheet
    if not can_enter_retake(actor, retake_sheet):
        raise NotAllowed(_("Результат пересдачи вносит экзаменатор, указанный в листе."))
    if retake.value:
        raise DomainError(
            _("Результат этой пересдачи уже внесён: «%(value)s».") % {"value": retake.value},
            field="value",
        )
    value = (value or "").strip()
    form = retake_sheet.sheet.form
    if value not in allowed_values(form):
        raise DomainError(
            _("Недопустимая отметка «%(value)s». Возможны: %(allowed)s.")
            % {"value": value, "allowed": ", ".join(allowed_values(form))},
            field="value",
        )
    retake.value = value
    retake.entered_at = timezone.now()
    retake.entered_by = actor.user
    retake.save(update_fields=["value", "entered_at", "entered_by"])
    audit_record(
        actor=actor.user,
        action=AuditEvent.Action.UPDATE,
        organization_id=retake_sheet.organization_id,
        obj=retake,
        changes={"value": ["", value], "debt": [retake.debt_id, retake.debt_id]},
    )
    _tell_students(
        [retake.debt.student.person.user_id],
        organization_id=retake_sheet.organization_id,
        title=_("Результат пересдачи по «%(item)s»: %(value)s")
        % {"item": retake_sheet.sheet.item.name, "value": value},
    )
    return retake
