"""Work kinds (виды работ): the organization-editable list of mark kinds with weights."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from otmetka.accounts.permissions import ActiveRole
from otmetka.audit.services import audit_change, snapshot
from otmetka.journal.defaults import DEFAULT_WORK_KINDS
from otmetka.journal.models import WorkKind
from otmetka.lib.errors import DomainError, NotAllowed

AUDIT_FIELDS = ("name", "short_name", "weight", "sgo_type_id", "position", "is_active")
MIN_WEIGHT = Decimal("0.1")
MAX_WEIGHT = Decimal("10")
SHORT_NAME_MAX = 12


@transaction.atomic
def work_kinds_ensure_defaults(organization_id: int) -> None:
    """Give an organization that has no work kinds the default list (idempotent)."""
    if WorkKind.objects.filter(organization_id=organization_id).exists():
        return
    WorkKind.objects.bulk_create(
        [
            WorkKind(
                organization_id=organization_id,
                name=name,
                short_name=short_name,
                weight=weight,
                sgo_type_id=sgo_type_id,
                position=index,
            )
            for index, (name, short_name, weight, sgo_type_id) in enumerate(
                DEFAULT_WORK_KINDS, start=1
            )
        ],
        ignore_conflicts=True,
    )


def _require_edit(actor: ActiveRole, organization_id: int | None = None) -> None:
    if not actor.has("org.edit"):
        raise NotAllowed(_("Недостаточно прав для изменения видов работ."))
    if organization_id is not None and organization_id != actor.organization_id:
        raise NotAllowed(_("Этот вид работы относится к другой организации."))


def _check(
    *,
    actor: ActiveRole,
    work_kind: WorkKind | None,
    name: str,
    short_name: str,
    weight: Decimal | None,
    sgo_type_id: int | None,
    position: int | None,
) -> dict[str, object]:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Укажите название вида работы."), field="name")
    if len(name) > 100:
        raise DomainError(_("Название не длиннее 100 символов."), field="name")
    short_name = (short_name or "").strip()
    if not short_name:
        raise DomainError(_("Укажите сокращение."), field="short_name")
    if len(short_name) > SHORT_NAME_MAX:
        raise DomainError(
            _("Сокращение не длиннее %(count)s символов.") % {"count": SHORT_NAME_MAX},
            field="short_name",
        )
    if weight is None or not MIN_WEIGHT <= weight <= MAX_WEIGHT:
        raise DomainError(_("Вес должен быть от 0,1 до 10."), field="weight")
    if weight != weight.quantize(Decimal("0.01")):
        raise DomainError(_("Вес — не больше двух знаков после запятой."), field="weight")
    if sgo_type_id is not None and not 0 <= sgo_type_id <= 32767:
        raise DomainError(_("Код вида работы в СГО — целое число от 0 до 32767."),
                          field="sgo_type_id")
    if position is not None and not 0 <= position <= 32767:
        raise DomainError(_("Порядок — целое число от 0 до 32767."), field="position")
    others = WorkKind.objects.filter(organization_id=actor.organization_id)
    if work_kind is not None:
        others = others.exclude(pk=work_kind.pk)
    # Compared here, not with `iexact`: SQLite folds the case of Latin letters only.
    wanted = name.casefold()
    if any(other.casefold() == wanted for other in others.values_list("name", flat=True)):
        raise DomainError(
            _("Вид работы «%(name)s» уже есть.") % {"name": name}, field="name"
        )
    return {"name": name, "short_name": short_name, "weight": weight,
            "sgo_type_id": sgo_type_id, "position": position}


def _save(work_kind: WorkKind) -> None:
    """Save; the unique constraint hit by a concurrent request becomes the same refusal."""
    try:
        with transaction.atomic():
            work_kind.save()
    except IntegrityError as error:
        raise DomainError(
            _("Вид работы «%(name)s» уже есть.") % {"name": work_kind.name}, field="name"
        ) from error


@transaction.atomic
def work_kind_create(
    *,
    actor: ActiveRole,
    name: str,
    short_name: str,
    weight: Decimal,
    sgo_type_id: int | None = None,
    position: int | None = None,
) -> WorkKind:
    _require_edit(actor)
    values = _check(actor=actor, work_kind=None, name=name, short_name=short_name,
                    weight=weight, sgo_type_id=sgo_type_id, position=position)
    if values["position"] is None:
        last = (
            WorkKind.objects.filter(organization_id=actor.organization_id)
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
        )
        values["position"] = (last or 0) + 1
    work_kind = WorkKind(organization_id=actor.organization_id, **values)
    _save(work_kind)
    audit_change(actor=actor.user, instance=work_kind, before=None,
                 organization_id=actor.organization_id, fields=AUDIT_FIELDS)
    return work_kind


@transaction.atomic
def work_kind_update(
    *,
    actor: ActiveRole,
    work_kind: WorkKind,
    name: str,
    short_name: str,
    weight: Decimal,
    sgo_type_id: int | None = None,
    position: int | None = None,
    is_active: bool = True,
) -> WorkKind:
    _require_edit(actor, work_kind.organization_id)
    before = snapshot(work_kind, AUDIT_FIELDS)
    values = _check(actor=actor, work_kind=work_kind, name=name, short_name=short_name,
                    weight=weight, sgo_type_id=sgo_type_id, position=position)
    if values["position"] is None:
        values["position"] = work_kind.position
    for field, value in values.items():
        setattr(work_kind, field, value)
    work_kind.is_active = is_active
    _save(work_kind)
    audit_change(actor=actor.user, instance=work_kind, before=before,
                 organization_id=actor.organization_id, fields=AUDIT_FIELDS)
    return work_kind


@transaction.atomic
def work_kind_deactivate(*, actor: ActiveRole, work_kind: WorkKind) -> WorkKind:
    """Take a kind out of use; it is never deleted, since marks keep referring to it."""
    _require_edit(actor, work_kind.organization_id)
    if not work_kind.is_active:
        raise DomainError(
            _("Вид работы «%(name)s» уже не используется.") % {"name": work_kind.name}
        )
    before = snapshot(work_kind, AUDIT_FIELDS)
    work_kind.is_active = False
    work_kind.save(update_fields=["is_active"])
    audit_change(actor=actor.user, instance=work_kind, before=before,
                 organization_id=actor.organization_id, fields=AUDIT_FIELDS)
    return work_kind
