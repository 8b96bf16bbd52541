"""The one write path of the movement book: orders, their items and their state machine.

черновик → подписан → проведён, or отменён from черновик or подписан. Items are added and
removed only on a draft. Applying takes a row lock on the order and on its students, checks
every item first and then changes dated memberships (through the academics services), the
students' status and names — all of it or nothing. An applied order is never edited: a mistake
is corrected by a new order.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from otmetka.academics.models import Group, Membership
from otmetka.academics.permissions import department_scope
from otmetka.academics.services import groups as group_services
from otmetka.accounts.permissions import ActiveRole
from otmetka.audit.models import AuditEvent
from otmetka.audit.services import audit_record
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.lib.text import bounded_text, by_sex
from otmetka.movement.models import ExpulsionReason, Order, OrderItem, OrderKind
from otmetka.movement.permissions import can_edit_order
from otmetka.org.models import AcademicYear
from otmetka.people import services as people_services
from otmetka.people.models import Student

Status = Order.Status
StudentStatus = Student.Status
ONE_DAY = dt.timedelta(days=1)
# Kinds whose item puts the student into a group, and kinds that take them out of theirs.
INTO_GROUP = frozenset(
    {OrderKind.ENROLMENT, OrderKind.TRANSFER, OrderKind.LEAVE_RETURN, OrderKind.REINSTATEMENT}
)
OUT_OF_GROUP = frozenset({OrderKind.EXPULSION, OrderKind.TRANSFER, OrderKind.LEAVE})


def _date(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def order_basis(order: Order) -> str:
    """«Приказ № 12-к от 01.12.2026»: the basis written on the memberships it changes."""
    return _("Приказ № %(number)s от %(date)s") % {
        "number": order.number,
        "date": _date(order.date),
    }


def _require_edit(actor: ActiveRole, order: Order | None = None) -> None:
    if not actor.has("movement.edit"):
        raise NotAllowed(_("Недостаточно прав для ведения приказов."))
    if order is not None and not can_edit_order(actor, order):
        raise NotAllowed(_("Этот приказ вам недоступен."))


def _lock(order: Order) -> Order:
    """The order's row, locked until the end of the transaction, with its current state."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    order.status = locked.status
    return locked


def _audit(
    actor: ActiveRole, order: Order, action: str, changes: dict[str, Any], reason: str = ""
) -> None:
    audit_record(
        actor=actor.user,
        action=action,
        organization_id=order.organization_id,
        obj=order,
        changes=changes,
        reason=reason,
    )


def _status_change(actor: ActiveRole, order: Order, new: str, reason: str = "") -> None:
    old = order.status
    order.status = new
    _audit(
        actor,
        order,
        AuditEvent.Action.UPDATE,
        {"status": [str(Status(old).label), str(Status(new).label)]},
        reason,
    )


# --- Orders ---------------------------------------------------------------------------------------


def _academic_year(organization_id: int, day: dt.date) -> AcademicYear:
    year = AcademicYear.objects.filter(organization_id=organization_id).on_day(day).first()
    if year is None:
        raise DomainError(
            _("На %(date)s нет учебного года: сначала заведите его в настройках организации.")
            % {"date": _date(day)},
            field="date",
        )
    return year


@transaction.atomic
def order_create(
    *,
    actor: ActiveRole,
    number: str,
    date: dt.date,
    kind: str,
    title: str = "",
    basis: str = "",
) -> Order:
    """A draft order; its number is unique in the organization within the academic year."""
    _require_edit(actor)
    number = (number or "").strip()
    if not number:
        raise DomainError(_("Укажите номер приказа, например 12-к."), field="number")
    if len(number) > Order._meta.get_field("number").max_length:  # type: ignore[operator]
        raise DomainError(_("Номер приказа слишком длинный."), field="number")
    if kind not in OrderKind.values:
        raise DomainError(_("Выберите вид приказа."), field="kind")
    year = _academic_year(actor.organization_id, date)
    taken = Order.objects.filter(
        organization_id=actor.organization_id, academic_year=year, number=number
    )
    message = _("Приказ № %(number)s в %(year)s учебном году уже есть.") % {
        "number": number,
        "year": year.name,
    }
    if taken.exists():
        raise DomainError(message, field="number")
    order = Order(
        organization_id=actor.organization_id,
        academic_year=year,
        department_id=department_scope(actor),
        number=number,
        date=date,
        kind=kind,
        title=bounded_text(title, limit=300, field="title"),
        basis=(basis or "").strip(),
        created_by=actor.user,
    )
    try:
        with transaction.atomic():
            order.save()
    except IntegrityError as error:
        raise DomainError(message, field="number") from error
    _audit(
        actor,
        order,
        AuditEvent.Action.CREATE,
        {
            "number": [None, number],
            "date": [None, _date(date)],
            "kind": [None, str(OrderKind(kind).label)],
        },
    )
    return order


def _group_on(student: Student, day: dt.date) -> Membership | None:
    return Membership.objects.filter(student=student).on_day(day).select_related("group").first()


def _check_group(order: Order, group: Group | None, field: str) -> Group:
    if group is None:
        raise DomainError(_("Выберите группу."), field=field)
    if group.organization_id != order.organization_id:
        raise DomainError(
            _("Группа %(group)s относится к другой организации: перевести в неё нельзя.")
            % {"group": group.name},
            field=field,
        )
    if not group.is_active:
        raise DomainError(
            _("Группа %(group)s уже не обучается.") % {"group": group.name}, field=field
        )
    return group


@transaction.atomic
def order_item_add(
    *,
    actor: ActiveRole,
    order: Order,
    student: Student,
    effective_date: dt.date,
    from_group: Group | None = None,
    to_group: Group | None = None,
    reason: str = "",
    leave_until: dt.date | None = None,
    new_last_name: str = "",
    new_first_name: str = "",
    new_middle_name: str = "",
    note: str = "",
) -> OrderItem:
    """Add a student to a draft order with the fields the order's kind needs."""
    _require_edit(actor, order)
    _lock(order)
    if order.status != Status.DRAFT:
        raise DomainError(_("Изменять можно только черновик приказа."))
    # The card as it is now (the caller's copy may predate an order applied since).
    student = Student.objects.select_related("person").get(pk=student.pk)
    if student.person.organization_id != order.organization_id:
        raise DomainError(_("Обучающийся не найден."), field="student")
    if OrderItem.objects.filter(order=order, student=student).exists():
        raise DomainError(
            _("%(student)s уже есть в этом приказе.") % {"student": student.person.full_name},
            field="student",
        )
    kind = order.kind
    item = OrderItem(
        order=order,
        student=student,
        effective_date=effective_date,
        note=bounded_text(note, limit=300, field="note"),
    )
    if kind in OUT_OF_GROUP:
        current = _group_on(student, effective_date)
        item.from_group = from_group or (current.group if current else None)
    if kind in INTO_GROUP:
        item.to_group = _check_group(order, to_group, "to_group")
    if kind == OrderKind.TRANSFER and item.from_group == item.to_group:
        raise DomainError(
            _("Перевод в ту же группу не имеет смысла: выберите другую группу."), field="to_group"
        )
    if kind == OrderKind.EXPULSION:
        if reason not in ExpulsionReason.values:
            raise DomainError(_("Укажите причину отчисления."), field="reason")
        item.reason = reason
    if kind == OrderKind.LEAVE:
        if leave_until is None:
            raise DomainError(
                _("Укажите, по какое число предоставлен отпуск."), field="leave_until"
            )
        if leave_until < effective_date:
            raise DomainError(
                _("Отпуск не может закончиться раньше, чем начался."), field="leave_until"
            )
        item.leave_until = leave_until
    if kind == OrderKind.NAME_CHANGE:
        item.new_last_name = (new_last_name or "").strip()
        item.new_first_name = (new_first_name or "").strip()
        item.new_middle_name = (new_middle_name or "").strip()
        if not item.new_last_name or not item.new_first_name:
            raise DomainError(_("Укажите новые фамилию и имя."), field="new_last_name")
    if item.from_group is not None and department_scope(actor) not in (
        None,
        item.from_group.department_id,
    ):
        raise NotAllowed(_("Обучающийся учится не на вашем отделении."))
    if item.to_group is not None and department_scope(actor) not in (
        None,
        item.to_group.department_id,
    ):
        raise NotAllowed(
            _("Группа %(group)s относится к другому отделению.") % {"group": item.to_group.name}
        )
    _check_item(order, item)
    item.save()
    _audit(actor, order, AuditEvent.Action.UPDATE, {"student": [None, _item_summary(item)]})
    return item


@transaction.atomic
def order_item_remove(*, actor: ActiveRole, order: Order, item: OrderItem) -> None:
    _require_edit(actor, order)
    _lock(order)
    if order.status != Status.DRAFT:
        raise DomainError(_("Изменять можно только черновик приказа."))
    if item.order_id != order.pk:
        raise DomainError(_("Этой строки в приказе нет."))
    _audit(actor, order, AuditEvent.Action.UPDATE, {"student": [_item_summary(item), None]})
    item.delete()


@transaction.atomic
def order_sign(*, actor: ActiveRole, order: Order) -> Order:
    """черновик → подписан: the text is final, the order waits to be applied."""
    _require_edit(actor, order)
    locked = _lock(order)
    if locked.status != Status.DRAFT:
        raise DomainError(
            _("Подписать можно только черновик; приказ сейчас: %(status)s.")
            % {"status": Status(locked.status).label}
        )
    if not OrderItem.objects.filter(order=order).exists():
        raise DomainError(_("В приказе нет ни одного обучающегося."))
    order.signed_by, order.signed_at = actor.user, timezone.now()
    _status_change(actor, order, Status.SIGNED)
    order.save(update_fields=["status", "signed_by", "signed_at"])
    return order


@transaction.atomic
def order_cancel(*, actor: ActiveRole, order: Order, reason: str) -> Order:
    """A draft or signed order is cancelled with a reason; an applied one never is."""
    _require_edit(actor, order)
    locked = _lock(order)
    if locked.status == Status.APPLIED:
        raise DomainError(
            _("Проведённый приказ отменить нельзя: ошибку исправляют новым приказом.")
        )
    if locked.status == Status.CANCELLED:
        raise DomainError(_("Приказ уже отменён."))
    reason = bounded_text(reason, limit=300, field="reason")
    if not reason:
        raise DomainError(_("Укажите причину отмены приказа."), field="reason")
    order.cancelled_by, order.cancelled_at = actor.user, timezone.now()
    order.cancel_reason = reason
    _status_change(actor, order, Status.CANCELLED, reason)
    order.save(update_fields=["status", "cancelled_by", "cancelled_at", "cancel_reason"])
    return order


# --- Applying -------------------------------------------------------------------------------------


def _item_summary(item: OrderItem) -> str:
    return _("%(student)s с %(date)s") % {
        "student": item.student.person.full_name,
        "date": _date(item.effective_date),
    }


def _first_day(student: Student) -> dt.date | None:
    """The student's first day in the college: their earliest membership."""
    return Membership.objects.filter(student=student).aggregate(day=Min("date_from"))["day"]


def _check_item(order: Order, item: OrderItem) -> None:
    """Refuse an item the student's present state does not allow (raises DomainError)."""
    student, day, kind = item.student, item.effective_date, order.kind
    params = {"student": student.person.full_name, "date": _date(day)}
    sex = student.person.grammatical_sex
    if student.person.organization_id != order.organization_id:
        raise DomainError(_("Обучающийся не найден."))
    for group in (item.from_group, item.to_group):
        if group is not None:
            _check_group(order, group, "to_group")
    first_day = _first_day(student)
    if kind == OrderKind.ENROLMENT:
        if first_day is not None:
            message = by_sex(
                sex,
                male=_(
                    "%(student)s уже зачислен с %(first)s: для повторного зачисления нужен "
                    "приказ о восстановлении."
                ),
                female=_(
                    "%(student)s уже зачислена с %(first)s: для повторного зачисления нужен "
                    "приказ о восстановлении."
                ),
                unknown=_(
                    "%(student)s уже зачислен(а) с %(first)s: для повторного зачисления нужен "
                    "приказ о восстановлении."
                ),
            )
            raise DomainError(message % {**params, "first": _date(first_day)})
        if student.status != StudentStatus.STUDYING:
            message = by_sex(
                sex,
                male=_("%(student)s не может быть зачислен: карточка в статусе «%(status)s»."),
                female=_("%(student)s не может быть зачислена: карточка в статусе «%(status)s»."),
                unknown=_(
                    "%(student)s не может быть зачислен(а): карточка в статусе «%(status)s»."
                ),
            )
            raise DomainError(message % {**params, "status": StudentStatus(student.status).label})
        return
    if kind != OrderKind.REINSTATEMENT and (first_day is None or day <= first_day):
        raise DomainError(
            _("Дата %(date)s раньше зачисления обучающегося %(student)s или совпадает с ним.")
            % {**params, "student": student.person.full_name_genitive}
            if first_day is not None
            else by_sex(
                sex,
                male=_("%(student)s ещё не зачислен ни в одну группу."),
                female=_("%(student)s ещё не зачислена ни в одну группу."),
                unknown=_("%(student)s ещё не зачислен(а) ни в одну группу."),
            )
            % params
        )
    if kind == OrderKind.NAME_CHANGE:
        return
    if kind in OUT_OF_GROUP:
        # A back-dated order must not rewrite a later change of the roll: the student would
        # stay on the later group's roll while expelled or on leave, or be in two groups.
        later = (
            Membership.objects.filter(student=student, date_from__gt=day)
            .select_related("group")
            .order_by("date_from")
            .first()
        )
        if later is not None:
            raise DomainError(
                _(
                    "%(student)s с %(later)s состоит в группе %(group)s: приказ не может "
                    "изменить более поздний состав, дата должна быть позже %(later)s."
                )
                % {**params, "later": _date(later.date_from), "group": later.group.name}
            )
    if kind == OrderKind.EXPULSION:
        if student.status not in (StudentStatus.STUDYING, StudentStatus.ACADEMIC_LEAVE):
            raise DomainError(
                _("%(student)s уже не обучается (%(status)s): отчислить нельзя.")
                % {**params, "status": StudentStatus(student.status).label}
            )
        return
    if kind in (OrderKind.TRANSFER, OrderKind.LEAVE):
        if student.status != StudentStatus.STUDYING:
            raise DomainError(
                _("%(student)s сейчас не обучается (%(status)s).")
                % {**params, "status": StudentStatus(student.status).label}
            )
        current = _group_on(student, day)
        if current is None or (
            item.from_group is not None and current.group_id != item.from_group.pk
        ):
            group_name = item.from_group.name if item.from_group else "—"
            raise DomainError(
                _("%(student)s на %(date)s не состоит в группе %(group)s.")
                % {**params, "group": group_name}
            )
        if current.date_from >= day:
            raise DomainError(
                _(
                    "%(student)s состоит в группе %(group)s только с %(first)s: дата приказа "
                    "должна быть позже."
                )
                % {**params, "group": current.group.name, "first": _date(current.date_from)}
            )
    if kind == OrderKind.LEAVE:
        assert item.leave_until is not None
        clash = (
            OrderItem.objects.filter(
                student=student,
                order__kind=OrderKind.LEAVE,
                order__status=Status.APPLIED,
                effective_date__lte=item.leave_until,
                leave_until__gte=day,
            )
            .exclude(pk=item.pk)
            .first()
        )
        if clash is not None and clash.leave_until is not None:
            raise DomainError(
                _(
                    "%(student)s уже в академическом отпуске с %(start)s по %(end)s: отпуска не "
                    "могут пересекаться."
                )
                % {**params, "start": _date(clash.effective_date), "end": _date(clash.leave_until)}
            )
    if kind == OrderKind.LEAVE_RETURN:
        if student.status != StudentStatus.ACADEMIC_LEAVE:
            raise DomainError(_("%(student)s не находится в академическом отпуске.") % params)
    if kind == OrderKind.REINSTATEMENT:
        if student.status != StudentStatus.EXPELLED:
            raise DomainError(
                _("Восстановить можно только отчисленного; %(student)s: %(status)s.")
                % {**params, "status": StudentStatus(student.status).label}
            )
    if kind in (OrderKind.LEAVE_RETURN, OrderKind.REINSTATEMENT):
        last_day = Membership.objects.filter(student=student).aggregate(day=Max("date_to"))["day"]
        if last_day is not None and day <= last_day:
            message = by_sex(
                sex,
                male=_("%(student)s состоял в группе по %(last)s: дата должна быть позже."),
                female=_("%(student)s состояла в группе по %(last)s: дата должна быть позже."),
                unknown=_("%(student)s состоял(а) в группе по %(last)s: дата должна быть позже."),
            )
            raise DomainError(message % {**params, "last": _date(last_day)})


def _set_status(actor: ActiveRole, order: Order, student: Student, status: str) -> list[str]:
    old = student.status
    if old == status:
        return [old, old]
    Student.objects.filter(pk=student.pk).update(status=status)
    student.status = status
    audit_record(
        actor=actor.user,
        action=AuditEvent.Action.UPDATE,
        organization_id=order.organization_id,
        obj=student,
        changes={"status": [str(StudentStatus(old).label), str(StudentStatus(status).label)]},
        reason=order_basis(order),
    )
    return [old, status]


def _apply_item(actor: ActiveRole, order: Order, item: OrderItem) -> dict[str, Any]:
    """Make the item's change; returns what was done, kept on the item for the history."""
    student, day, kind = item.student, item.effective_date, order.kind
    basis = order_basis(order)
    done: dict[str, Any] = {}
    if kind in OUT_OF_GROUP:
        current = _group_on(student, day)
        if current is not None:
            group_services.membership_close(actor=actor, membership=current, date_to=day - ONE_DAY)
            done["closed"] = {
                "membership": current.pk,
                "group": current.group.name,
                "date_to": (day - ONE_DAY).isoformat(),
            }
    if kind in INTO_GROUP:
        assert item.to_group is not None
        opened = group_services.membership_add(
            actor=actor, group=item.to_group, student=student, date_from=day, basis=basis
        )
        done["opened"] = {
            "membership": opened.pk,
            "group": item.to_group.name,
            "date_from": day.isoformat(),
        }
    new_status = {
        OrderKind.ENROLMENT: StudentStatus.STUDYING,
        OrderKind.LEAVE: StudentStatus.ACADEMIC_LEAVE,
        OrderKind.LEAVE_RETURN: StudentStatus.STUDYING,
        OrderKind.REINSTATEMENT: StudentStatus.STUDYING,
        OrderKind.EXPULSION: (
            StudentStatus.GRADUATED
            if item.reason == ExpulsionReason.GRADUATION
            else StudentStatus.EXPELLED
        ),
    }.get(OrderKind(kind))
    if new_status is not None:
        done["status"] = _set_status(actor, order, student, new_status)
    if kind == OrderKind.ENROLMENT:
        Student.objects.filter(pk=student.pk).update(
            enrolment_order_no=order.number, enrolment_order_date=order.date
        )
        audit_record(
            actor=actor.user,
            action=AuditEvent.Action.UPDATE,
            organization_id=order.organization_id,
            obj=student,
            changes={
                "enrolment_order_no": [student.enrolment_order_no, order.number],
                "enrolment_order_date": [
                    _date(student.enrolment_order_date) if student.enrolment_order_date else None,
                    _date(order.date),
                ],
            },
            reason=basis,
        )
    if kind == OrderKind.NAME_CHANGE:
        person = student.person
        done["names"] = [
            [person.last_name, person.first_name, person.middle_name],
            [item.new_last_name, item.new_first_name, item.new_middle_name],
        ]
        people_services.student_update(
            actor=actor,
            student=student,
            last_name=item.new_last_name,
            first_name=item.new_first_name,
            middle_name=item.new_middle_name,
        )
    return done


@transaction.atomic
def order_apply(*, actor: ActiveRole, order: Order) -> Order:
    """подписан → проведён: every item is checked first, then all are applied, or none.

    The order's row is locked, so a second apply waits and then finds the order applied; the
    students' rows are locked too, so a concurrent order on the same student waits as well.
    """
    _require_edit(actor, order)
    locked = _lock(order)
    if locked.status == Status.APPLIED:
        raise DomainError(_("Приказ уже проведён: провести его второй раз нельзя."))
    if locked.status != Status.SIGNED:
        raise DomainError(
            _("Провести можно только подписанный приказ; приказ сейчас: %(status)s.")
            % {"status": Status(locked.status).label}
        )
    items = list(
        OrderItem.objects.filter(order=order)
        .select_related("student__person", "from_group", "to_group")
        .order_by("id")
    )
    if not items:
        raise DomainError(_("В приказе нет ни одного обучающегося."))
    student_ids = [item.student_id for item in items]
    # In id order, so that two orders on the same students cannot deadlock each other.
    locking = Student.objects.select_for_update().filter(pk__in=student_ids).order_by("pk")
    list(locking.values_list("pk"))
    fresh = {s.pk: s for s in Student.objects.filter(pk__in=student_ids).select_related("person")}
    errors: list[str] = []
    for item in items:
        item.student = fresh[item.student_id]
        try:
            _check_item(order, item)
        except DomainError as error:
            errors.append(error.message)
    if errors:
        raise DomainError(
            _("Приказ не проведён, ничего не изменено: %(errors)s") % {"errors": " ".join(errors)}
        )
    for item in items:
        item.applied_changes = _apply_item(actor, order, item)
        item.save(update_fields=["applied_changes"])
    order.applied_by, order.applied_at = actor.user, timezone.now()
    _status_change(actor, order, Status.APPLIED)
    order.save(update_fields=["status", "applied_by", "applied_at"])
    return order
