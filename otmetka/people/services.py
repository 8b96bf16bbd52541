"""The one write path for people: student cards, guardians, consents, staff cards, positions.

Every function checks the actor's right and row scope itself, validates its input, raises a
`DomainError` with a message safe to show, and writes its audit row in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from otmetka.audit.models import AuditEvent
from otmetka.audit.services import audit_change, audit_delete, audit_record, diff, snapshot
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.lib.snils import snils_format, validate_snils
from otmetka.lib.text import by_sex
from otmetka.org.models import Department
from otmetka.people.models import (
    Consent,
    Employee,
    Guardianship,
    LateCardJustification,
    Person,
    Position,
    Student,
    person_sort_key,
)
from otmetka.people.permissions import (
    CONTACT_FIELDS,
    can_judge_late_cards,
    contact_scope,
    curated_students,
    late_card_students,
    persons_with_consents_visible_to,
    students_visible_to,
)

if TYPE_CHECKING:
    from otmetka.accounts.permissions import ActiveRole

PERSON_FIELDS = (
    "last_name", "first_name", "middle_name", "birth_date", "sex", "snils", "phone", "email",
    "address", "actual_address",
)
STUDENT_FIELDS = (
    "personal_file_no", "enrolment_order_no", "enrolment_order_date", "citizenship",
    "education_base", "funding",
)
STUDENT_AUDIT_FIELDS = (*STUDENT_FIELDS, "status", "card_checked_at")
EMPLOYEE_FIELDS = ("department_id", "position_ids", "hire_date", "hire_order_no")
EMPLOYEE_AUDIT_FIELDS = ("department", "positions", "hire_date", "hire_order_no", "dismissal_date")
_REQUIRED_NAMES = ("last_name", "first_name")
_OLDEST_BIRTH_DATE = dt.date(1900, 1, 1)


# --- Checks shared by the services ----------------------------------------------------------------


def _today(actor: ActiveRole) -> dt.date:
    return local_today(actor.organization.timezone)


def _require(actor: ActiveRole, *rights: str) -> None:
    if not actor.has_any(*rights):
        raise NotAllowed(_("Недостаточно прав для этого действия."))


def _same_organization(actor: ActiveRole, person: Person) -> None:
    if person.organization_id != actor.organization_id:
        raise NotAllowed(_("Эта карточка вам недоступна."))


def _in_scope(scope: QuerySet[Student], student: Student) -> None:
    if not scope.filter(pk=student.pk).exists():
        raise NotAllowed(_("Карточка этого обучающегося вам недоступна."))


def _max_length(model: type[models.Model], name: str, value: str) -> None:
    limit = getattr(model._meta.get_field(name), "max_length", None)
    if limit is not None and len(value) > limit:
        raise DomainError(
            _("Не длиннее %(limit)s символов (сейчас %(length)s).")
            % {"limit": limit, "length": len(value)},
            field=name,
        )


def _clean_text(model: type[models.Model], name: str, value: Any) -> str:
    text = " ".join(str(value or "").split())
    _max_length(model, name, text)
    return text


def _clean_date(actor: ActiveRole, name: str, value: Any, *, not_future: bool) -> dt.date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise DomainError(_("Введите правильную дату."), field=name)
    if not_future and value > _today(actor):
        raise DomainError(_("Дата не может быть позже сегодняшней."), field=name)
    return value


def _clean_person(actor: ActiveRole, values: Mapping[str, Any]) -> dict[str, Any]:
    """Person fields trimmed and checked; only the names present in `values` are returned."""
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        if name == "birth_date":
            born = _clean_date(actor, name, value, not_future=True)
            if born is not None and born < _OLDEST_BIRTH_DATE:
                raise DomainError(_("Проверьте год рождения."), field=name)
            cleaned[name] = born
            continue
        text = _clean_text(Person, name, value)
        if name in _REQUIRED_NAMES and not text:
            message = _("Укажите фамилию.") if name == "last_name" else _("Укажите имя.")
            raise DomainError(message, field=name)
        if name == "sex" and text not in ("", *Person.Sex.values):
            raise DomainError(_("Выберите пол из списка."), field=name)
        if name == "snils" and text:
            try:
                validate_snils(text)
            except ValidationError as error:
                raise DomainError(str(error.messages[0]), field=name) from error
            text = snils_format(text)
        if name == "email" and text:
            try:
                validate_email(text)
            except ValidationError as error:
                raise DomainError(_("Введите правильный адрес e-mail."), field=name) from error
        if name == "phone" and text and sum(char.isdigit() for char in text) < 5:
            raise DomainError(_("Телефон: укажите номер цифрами."), field=name)
        cleaned[name] = text
    return cleaned


def _clean_student(actor: ActiveRole, values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        if name == "enrolment_order_date":
            cleaned[name] = _clean_date(actor, name, value, not_future=False)
            continue
        text = _clean_text(Student, name, value)
        if name == "funding" and text not in Student.Funding.values:
            raise DomainError(_("Выберите основу обучения из списка."), field=name)
        if name == "education_base" and text not in ("", *Student.EducationBase.values):
            raise DomainError(_("Выберите образование из списка."), field=name)
        cleaned[name] = text
    return cleaned


def _describe(person: Person) -> str:
    """«Иванов Иван Иванович, 01.02.2008 г. р. (обучающийся)» for a duplicate message."""
    text = person.full_name
    if person.birth_date is not None:
        text += _(", %(date)s г. р.") % {"date": person.birth_date.strftime("%d.%m.%Y")}
    roles = []
    if hasattr(person, "student"):
        roles.append(str(_("обучающийся")))
    if hasattr(person, "employee"):
        roles.append(str(_("сотрудник")))
    if roles:
        text += " (" + ", ".join(roles) + ")"
    return text


def _ensure_new_person(
    organization_id: int, values: Mapping[str, Any], *, exclude_pk: int | None = None
) -> None:
    """Refuse a second card of the same person: same СНИЛС, or same ФИО and date of birth."""
    persons = Person.objects.filter(organization_id=organization_id).select_related(
        "student", "employee"
    )
    if exclude_pk is not None:
        persons = persons.exclude(pk=exclude_pk)
    snils = values.get("snils") or ""
    if snils:
        existing = persons.filter(snils=snils).first()
        if existing is not None:
            raise DomainError(
                _("Человек с СНИЛС %(snils)s уже есть: %(person)s.")
                % {"snils": snils, "person": _describe(existing)},
                field="snils",
            )
    birth_date = values.get("birth_date")
    if birth_date is not None:
        key = person_sort_key(
            values.get("last_name", ""), values.get("first_name", ""), values.get("middle_name", "")
        )
        existing = persons.filter(sort_key=key, birth_date=birth_date).first()
        if existing is not None:
            raise DomainError(
                _("Такой человек уже есть: %(person)s.") % {"person": _describe(existing)},
                field="last_name",
            )


def _ensure_still_unique(actor: ActiveRole, person: Person, changes: Mapping[str, Any]) -> None:
    """The duplicate check for an edit, run before the person is touched."""
    identity = ("last_name", "first_name", "middle_name", "birth_date", "snils")
    if not set(identity) & set(changes):
        return
    values = {name: changes.get(name, getattr(person, name)) for name in identity}
    _ensure_new_person(actor.organization_id, values, exclude_pk=person.pk)


def _save_person(person: Person, update_fields: Iterable[str] | None = None) -> None:
    """Save, turning a lost race on the СНИЛС constraint into the same message as the check."""
    try:
        with transaction.atomic():
            if update_fields is None:
                person.save()
            else:
                person.save(update_fields=[*update_fields, "sort_key"])
    except IntegrityError as error:
        raise DomainError(
            _("Человек с СНИЛС %(snils)s уже есть.") % {"snils": person.snils}, field="snils"
        ) from error


def _ensure_file_no_free(
    organization_id: int, personal_file_no: str, *, exclude_pk: int | None = None
) -> None:
    if not personal_file_no:
        return
    students = Student.objects.filter(
        person__organization_id=organization_id, personal_file_no=personal_file_no
    ).select_related("person")
    if exclude_pk is not None:
        students = students.exclude(pk=exclude_pk)
    existing = students.first()
    if existing is not None:
        raise DomainError(
            _("Личное дело № %(number)s уже заведено на: %(name)s.")
            % {"number": personal_file_no, "name": existing.person.full_name},
            field="personal_file_no",
        )


def _card_snapshot(
    person: Person, extra: models.Model, extra_fields: Iterable[str]
) -> dict[str, Any]:
    return {**snapshot(person, PERSON_FIELDS), **snapshot(extra, extra_fields)}


def _audit_card(
    *, actor: ActiveRole, obj: models.Model, before: dict[str, Any] | None, after: dict[str, Any]
) -> None:
    """One audit row for a card whose fields live on two rows (person and student/employee)."""
    if before is None:
        changes = {
            name: [None, value] for name, value in after.items() if value not in (None, "", [])
        }
        action = AuditEvent.Action.CREATE
    else:
        changes = diff(before, after)
        if not changes:
            return
        action = AuditEvent.Action.UPDATE
    audit_record(
        actor=actor.user,
        action=action,
        organization_id=actor.organization_id,
        obj=obj,
        changes=changes,
    )


# --- Students -------------------------------------------------------------------------------------


@transaction.atomic
def student_create(
    *,
    actor: ActiveRole,
    last_name: str,
    first_name: str,
    middle_name: str = "",
    birth_date: dt.date | None = None,
    sex: str = "",
    snils: str = "",
    phone: str = "",
    email: str = "",
    address: str = "",
    actual_address: str = "",
    personal_file_no: str = "",
    enrolment_order_no: str = "",
    enrolment_order_date: dt.date | None = None,
    citizenship: str = "РФ",
    education_base: str = "",
    funding: str = Student.Funding.BUDGET,
) -> Student:
    """A new student's personal card (Положение 4.9); the group comes from a membership."""
    _require(actor, "students.edit_all")
    person_values = _clean_person(actor, {
        "last_name": last_name, "first_name": first_name, "middle_name": middle_name,
        "birth_date": birth_date, "sex": sex, "snils": snils, "phone": phone, "email": email,
        "address": address, "actual_address": actual_address,
    })
    student_values = _clean_student(actor, {
        "personal_file_no": personal_file_no, "enrolment_order_no": enrolment_order_no,
        "enrolment_order_date": enrolment_order_date, "citizenship": citizenship,
        "education_base": education_base, "funding": funding,
    })
    _ensure_new_person(actor.organization_id, person_values)
    _ensure_file_no_free(actor.organization_id, student_values["personal_file_no"])
    person = Person(organization_id=actor.organization_id, **person_values)
    _save_person(person)
    student = Student.objects.create(person=person, **student_values)
    _audit_card(actor=actor, obj=student, before=None,
                after=_card_snapshot(person, student, STUDENT_AUDIT_FIELDS))
    return student


@transaction.atomic
def student_update(*, actor: ActiveRole, student: Student, **fields: Any) -> Student:
    """Change card fields: all of them with `students.edit_all`, a curator only the contacts."""
    unknown = set(fields) - set(PERSON_FIELDS) - set(STUDENT_FIELDS)
    if unknown:
        raise TypeError(f"student_update() got unexpected fields: {sorted(unknown)}")
    person = student.person
    _same_organization(actor, person)
    if actor.has("students.edit_all"):
        _in_scope(students_visible_to(actor), student)
    elif actor.has("students.edit_contacts_own_group"):
        if set(fields) - CONTACT_FIELDS:
            raise NotAllowed(
                _("Куратор может изменить только телефон, e-mail и адреса обучающегося.")
            )
        _in_scope(curated_students(actor), student)
    else:
        raise NotAllowed(_("Недостаточно прав для изменения карточки обучающегося."))
    person_values = _clean_person(actor, {k: v for k, v in fields.items() if k in PERSON_FIELDS})
    student_values = _clean_student(actor, {k: v for k, v in fields.items() if k in STUDENT_FIELDS})
    _ensure_still_unique(actor, person, person_values)
    if "personal_file_no" in student_values:
        _ensure_file_no_free(actor.organization_id, student_values["personal_file_no"],
                             exclude_pk=student.pk)
    before = _card_snapshot(person, student, STUDENT_AUDIT_FIELDS)
    for name, value in person_values.items():
        setattr(person, name, value)
    for name, value in student_values.items():
        setattr(student, name, value)
    if person_values:
        _save_person(person, update_fields=person_values)
    if student_values:
        student.save(update_fields=list(student_values))
    _audit_card(actor=actor, obj=student, before=before,
                after=_card_snapshot(person, student, STUDENT_AUDIT_FIELDS))
    return student


@transaction.atomic
def student_mark_card_checked(*, actor: ActiveRole, student: Student, on: dt.date) -> None:
    """The curator's quarterly check of the card against the facts (Положение 4.5)."""
    _require(actor, "students.edit_all", "students.edit_contacts_own_group")
    _same_organization(actor, student.person)
    _in_scope(contact_scope(actor, full_rights=("students.edit_all",)), student)
    checked_on = _clean_date(actor, "on", on, not_future=True)
    if checked_on is None:
        raise DomainError(_("Укажите дату проверки."), field="on")
    before = snapshot(student, ["card_checked_at"])
    student.card_checked_at = checked_on
    student.save(update_fields=["card_checked_at"])
    audit_change(actor=actor.user, instance=student, before=before,
                 organization_id=actor.organization_id, fields=["card_checked_at"])


# --- Guardians ------------------------------------------------------------------------------------


def _guardian_scope(actor: ActiveRole) -> QuerySet[Student]:
    _require(actor, "guardians.link", "students.edit_contacts_own_group")
    return contact_scope(actor, full_rights=("guardians.link",))


@transaction.atomic
def guardian_add(
    *,
    actor: ActiveRole,
    student: Student,
    kind: str,
    last_name: str = "",
    first_name: str = "",
    middle_name: str = "",
    phone: str = "",
    email: str = "",
    receives_diary: bool = True,
    person_id: int | None = None,
) -> Guardianship:
    """Link a parent or legal representative to a student: an existing person, or a new one."""
    _same_organization(actor, student.person)
    _in_scope(_guardian_scope(actor), student)
    if kind not in Guardianship.Kind.values:
        raise DomainError(_("Выберите, кем приходится, из списка."), field="kind")
    changes: dict[str, list[Any]] = {}
    if person_id is not None:
        guardian = Person.objects.filter(
            organization_id=actor.organization_id, pk=person_id
        ).first()
        if guardian is None:
            raise DomainError(_("Такой человек не найден."), field="person_id")
        if guardian.pk == student.person_id:
            raise DomainError(_("Обучающийся не может быть собственным представителем."),
                              field="person_id")
    else:
        values = _clean_person(actor, {
            "last_name": last_name, "first_name": first_name, "middle_name": middle_name,
            "phone": phone, "email": email,
        })
        _ensure_new_guardian(actor.organization_id, values)
        guardian = Person(organization_id=actor.organization_id, **values)
        _save_person(guardian)
        changes.update({name: [None, value] for name, value in values.items() if value})
    if Guardianship.objects.filter(student=student, guardian=guardian).exists():
        message = by_sex(
            guardian.grammatical_sex,
            male=_("%(name)s уже присоединён к этому обучающемуся."),
            female=_("%(name)s уже присоединена к этому обучающемуся."),
            unknown=_("%(name)s уже присоединён(а) к этому обучающемуся."),
        )
        raise DomainError(message % {"name": guardian.full_name}, field="person_id")
    guardianship = Guardianship.objects.create(
        student=student, guardian=guardian, kind=kind, receives_diary=bool(receives_diary)
    )
    changes.update({
        "student": [None, student.person.full_name],
        "guardian": [None, guardian.full_name],
        "kind": [None, kind],
        "receives_diary": [None, guardianship.receives_diary],
    })
    audit_record(actor=actor.user, action=AuditEvent.Action.CREATE,
                 organization_id=actor.organization_id, obj=guardianship, changes=changes)
    return guardianship


def _ensure_new_guardian(organization_id: int, values: Mapping[str, Any]) -> None:
    """A parent of two students is one person: the same ФИО with the same phone or e-mail is
    most likely somebody already in the base, to be linked rather than typed again."""
    contacts = Q(pk__in=[])
    if values.get("phone"):
        contacts |= Q(phone=values["phone"])
    if values.get("email"):
        contacts |= Q(email__iexact=values["email"])
    key = person_sort_key(values["last_name"], values["first_name"], values.get("middle_name", ""))
    existing = (
        Person.objects.filter(organization_id=organization_id, sort_key=key)
        .filter(contacts)
        .select_related("student", "employee")
        .first()
    )
    if existing is not None:
        raise DomainError(
            _("%(person)s уже есть в базе с этими контактами: найдите его (её) в поиске и "
              "присоедините.") % {"person": _describe(existing)},
            field="last_name",
        )


@transaction.atomic
def guardian_remove(*, actor: ActiveRole, guardianship: Guardianship) -> None:
    """Unlink a guardian from a student; the person and their consents stay."""
    student = guardianship.student
    _same_organization(actor, student.person)
    _in_scope(_guardian_scope(actor), student)
    audit_delete(actor=actor.user, instance=guardianship, organization_id=actor.organization_id,
                 fields=["student", "guardian", "kind", "receives_diary"])
    guardianship.delete()


# --- Consents to personal-data processing (Положение 3.8) -----------------------------------------


def _consent_scope(actor: ActiveRole, person: Person) -> None:
    _require(actor, "students.edit_all", "guardians.link", "students.edit_contacts_own_group")
    _same_organization(actor, person)
    if not persons_with_consents_visible_to(actor).filter(pk=person.pk).exists():
        raise NotAllowed(
            _("Согласие вносится для обучающегося или его родителя из вашей зоны ответственности.")
        )


@transaction.atomic
def consent_record(
    *, actor: ActiveRole, person: Person, signed_on: dt.date, document: str
) -> Consent:
    """Record a signed consent of a student or of a student's parent."""
    _consent_scope(actor, person)
    signed = _clean_date(actor, "signed_on", signed_on, not_future=True)
    if signed is None:
        raise DomainError(_("Укажите дату подписания."), field="signed_on")
    text = _clean_text(Consent, "document", document)
    if not text:
        raise DomainError(_("Укажите документ, например «заявление-согласие № 15»."),
                          field="document")
    active = Consent.objects.filter(person=person, revoked_on__isnull=True).first()
    if active is not None:
        raise DomainError(
            _("У этого человека уже есть действующее согласие от %(date)s.")
            % {"date": active.signed_on.strftime("%d.%m.%Y")},
            field="signed_on",
        )
    consent = Consent.objects.create(person=person, signed_on=signed, document=text,
                                     recorded_by=actor.user)
    audit_change(actor=actor.user, instance=consent, before=None,
                 organization_id=actor.organization_id,
                 fields=["person", "signed_on", "document"])
    return consent


@transaction.atomic
def consent_revoke(*, actor: ActiveRole, consent: Consent, revoked_on: dt.date) -> Consent:
    """Record that a consent was revoked on a date."""
    _consent_scope(actor, consent.person)
    if consent.revoked_on is not None:
        raise DomainError(
            _("Согласие уже отозвано %(date)s.")
            % {"date": consent.revoked_on.strftime("%d.%m.%Y")},
            field="revoked_on",
        )
    revoked = _clean_date(actor, "revoked_on", revoked_on, not_future=True)
    if revoked is None:
        raise DomainError(_("Укажите дату отзыва."), field="revoked_on")
    if revoked < consent.signed_on:
        raise DomainError(
            _("Дата отзыва не может быть раньше даты подписания (%(date)s).")
            % {"date": consent.signed_on.strftime("%d.%m.%Y")},
            field="revoked_on",
        )
    before = snapshot(consent, ["revoked_on"])
    consent.revoked_on = revoked
    consent.save(update_fields=["revoked_on"])
    audit_change(actor=actor.user, instance=consent, before=before,
                 organization_id=actor.organization_id, fields=["revoked_on"])
    return consent


# --- Cards entered late for a justified reason (Положение 4.9) --------------------------------

_JUSTIFICATION_FIELD = "late_card_justification"


@transaction.atomic
def late_cards_justify(
    *, actor: ActiveRole, students: Iterable[Student], reason: str
) -> list[LateCardJustification]:
    """Accept the delay of the students' cards for one reason (the first load of students who
    were already studying, say): who, when and why are kept, and the cards leave the list of
    late cards. All of them or none."""
    if not can_judge_late_cards(actor):
        raise NotAllowed(
            _("Признать опоздание обоснованным может тот, кто ведёт книгу движения.")
        )
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(
            _("Укажите обоснование: почему карточки заведены позже срока."), field="reason"
        )
    max_length = LateCardJustification._meta.get_field("reason").max_length
    if len(reason) > max_length:  # type: ignore[operator]
        raise DomainError(
            _("Обоснование не длиннее %(count)s символов.") % {"count": max_length},
            field="reason",
        )
    wanted = {student.pk for student in students}
    if not wanted:
        raise DomainError(
            _("Отметьте карточки, опоздание с которыми обосновано."), field="students"
        )
    # In id order, so that two judgements of the same cards cannot deadlock each other.
    found = list(
        late_card_students(actor).filter(pk__in=wanted).select_for_update().order_by("pk")
    )
    if len(found) != len(wanted):
        raise DomainError(_("Обучающийся не найден."), field="students")
    done = LateCardJustification.objects.filter(student_id__in=wanted).select_related(
        "student__person"
    )
    already = sorted(str(row.student.person.full_name) for row in done)
    if already:
        raise DomainError(
            _("Опоздание уже признано обоснованным: %(names)s.") % {"names": ", ".join(already)},
            field="students",
        )
    justifications = []
    for student in found:
        justification = LateCardJustification.objects.create(
            student=student, reason=reason, justified_by=actor.user
        )
        audit_record(
            actor=actor.user,
            action=AuditEvent.Action.UPDATE,
            organization_id=actor.organization_id,
            obj=student,
            changes={_JUSTIFICATION_FIELD: [None, reason]},
            reason=_("Опоздание с карточкой признано обоснованным"),
        )
        justifications.append(justification)
    return justifications


@transaction.atomic
def late_card_justification_withdraw(
    *, actor: ActiveRole, justification: LateCardJustification
) -> None:
    """Undo a justification given by mistake: the card is back on the list of late cards."""
    if not can_judge_late_cards(actor):
        raise NotAllowed(
            _("Признать опоздание обоснованным может тот, кто ведёт книгу движения.")
        )
    student = justification.student
    _in_scope(late_card_students(actor), student)
    audit_record(
        actor=actor.user,
        action=AuditEvent.Action.UPDATE,
        organization_id=actor.organization_id,
        obj=student,
        changes={_JUSTIFICATION_FIELD: [justification.reason, None]},
        reason=_("Обоснование опоздания с карточкой отозвано"),
    )
    justification.delete()


# --- Staff (Положение 4.4) ------------------------------------------------------------------------


def _department(actor: ActiveRole, department_id: int | None) -> Department | None:
    if department_id is None:
        return None
    department = Department.objects.filter(
        pk=department_id, organization_id=actor.organization_id
    ).first()
    if department is None:
        raise DomainError(_("Такого отделения нет в вашей организации."), field="department")
    return department


def _positions(actor: ActiveRole, position_ids: Iterable[int]) -> list[Position]:
    wanted = set(position_ids)
    positions = list(Position.objects.filter(pk__in=wanted, organization_id=actor.organization_id))
    if len(positions) != len(wanted):
        raise DomainError(_("Такой должности нет в вашей организации."), field="positions")
    return positions


def _clean_employee(actor: ActiveRole, values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        if name == "department_id":
            cleaned["department"] = _department(actor, value)
        elif name == "position_ids":
            cleaned["positions"] = _positions(actor, value or ())
        elif name == "hire_date":
            cleaned[name] = _clean_date(actor, name, value, not_future=False)
        else:
            cleaned[name] = _clean_text(Employee, name, value)
    return cleaned


def _employee_snapshot(employee: Employee) -> dict[str, Any]:
    return _card_snapshot(employee.person, employee, EMPLOYEE_AUDIT_FIELDS)


@transaction.atomic
def employee_create(
    *,
    actor: ActiveRole,
    last_name: str,
    first_name: str,
    middle_name: str = "",
    birth_date: dt.date | None = None,
    sex: str = "",
    snils: str = "",
    phone: str = "",
    email: str = "",
    department_id: int | None = None,
    position_ids: Iterable[int] = (),
    hire_date: dt.date | None = None,
    hire_order_no: str = "",
    address: str = "",
    actual_address: str = "",
) -> Employee:
    """A new staff card (Положение 4.4: within 3 working days of taking up the post)."""
    _require(actor, "staff.edit")
    person_values = _clean_person(actor, {
        "last_name": last_name, "first_name": first_name, "middle_name": middle_name,
        "birth_date": birth_date, "sex": sex, "snils": snils, "phone": phone, "email": email,
        "address": address, "actual_address": actual_address,
    })
    employee_values = _clean_employee(actor, {
        "department_id": department_id, "position_ids": position_ids, "hire_date": hire_date,
        "hire_order_no": hire_order_no,
    })
    _ensure_new_person(actor.organization_id, person_values)
    person = Person(organization_id=actor.organization_id, **person_values)
    _save_person(person)
    positions = employee_values.pop("positions")
    employee = Employee.objects.create(person=person, **employee_values)
    employee.positions.set(positions)
    _audit_card(actor=actor, obj=employee, before=None, after=_employee_snapshot(employee))
    return employee


@transaction.atomic
def employee_update(*, actor: ActiveRole, employee: Employee, **fields: Any) -> Employee:
    """Change a staff card: person fields, department_id, position_ids, hire date and order."""
    unknown = set(fields) - set(PERSON_FIELDS) - set(EMPLOYEE_FIELDS)
    if unknown:
        raise TypeError(f"employee_update() got unexpected fields: {sorted(unknown)}")
    _require(actor, "staff.edit")
    person = employee.person
    _same_organization(actor, person)
    person_values = _clean_person(actor, {k: v for k, v in fields.items() if k in PERSON_FIELDS})
    employee_values = _clean_employee(
        actor, {k: v for k, v in fields.items() if k in EMPLOYEE_FIELDS}
    )
    _ensure_still_unique(actor, person, person_values)
    before = _employee_snapshot(employee)
    for name, value in person_values.items():
        setattr(person, name, value)
    positions = employee_values.pop("positions", None)
    for name, value in employee_values.items():
        setattr(employee, name, value)
    if person_values:
        _save_person(person, update_fields=person_values)
    if employee_values:
        employee.save(update_fields=list(employee_values))
    if positions is not None:
        employee.positions.set(positions)
    _audit_card(actor=actor, obj=employee, before=before, after=_employee_snapshot(employee))
    return employee


@transaction.atomic
def employee_dismiss(*, actor: ActiveRole, employee: Employee, on: dt.date) -> Employee:
    """Record the dismissal date; the card stays, greyed, in the staff list."""
    _require(actor, "staff.edit")
    _same_organization(actor, employee.person)
    if employee.dismissal_date is not None:
        raise DomainError(
            _("Сотрудник уже уволен %(date)s.")
            % {"date": employee.dismissal_date.strftime("%d.%m.%Y")},
            field="dismissal_date",
        )
    dismissed = _clean_date(actor, "dismissal_date", on, not_future=False)
    if dismissed is None:
        raise DomainError(_("Укажите дату увольнения."), field="dismissal_date")
    if employee.hire_date is not None and dismissed < employee.hire_date:
        raise DomainError(
            _("Дата увольнения не может быть раньше даты приёма (%(date)s).")
            % {"date": employee.hire_date.strftime("%d.%m.%Y")},
            field="dismissal_date",
        )
    before = snapshot(employee, ["dismissal_date"])
    employee.dismissal_date = dismissed
    employee.save(update_fields=["dismissal_date"])
    audit_change(actor=actor.user, instance=employee, before=before,
                 organization_id=actor.organization_id, fields=["dismissal_date"])
    return employee


@transaction.atomic
def position_create(*, actor: ActiveRole, name: str, is_teaching: bool) -> Position:
    """A position of the organization's staff list: «Преподаватель», «Мастер п/о», …"""
    _require(actor, "staff.edit")
    text = _clean_text(Position, "name", name)
    if not text:
        raise DomainError(_("Укажите название должности."), field="name")
    # Compared in Python: SQLite folds the case of Latin letters only.
    existing = Position.objects.filter(organization_id=actor.organization_id)
    if text.lower() in {other.lower() for other in existing.values_list("name", flat=True)}:
        raise DomainError(_("Должность «%(name)s» уже есть.") % {"name": text}, field="name")
    try:
        with transaction.atomic():
            position = Position.objects.create(organization_id=actor.organization_id, name=text,
                                               is_teaching=bool(is_teaching))
    except IntegrityError as error:
        raise DomainError(_("Должность «%(name)s» уже есть.") % {"name": text},
                          field="name") from error
    audit_change(actor=actor.user, instance=position, before=None,
                 organization_id=actor.organization_id, fields=["name", "is_teaching"])
    return position
