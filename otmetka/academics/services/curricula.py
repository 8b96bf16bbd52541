"""Writes for programs, curricula, their items and hours per semester (Положение 4.3, 4.10)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from otmetka.academics.models import (
    AttestationForm,
    Curriculum,
    CurriculumHours,
    CurriculumItem,
    Program,
    Workload,
    program_code_validator,
)
from otmetka.accounts.permissions import ActiveRole
from otmetka.audit.services import audit_change, audit_delete, snapshot
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.org.models import Department

PROGRAM_FIELDS = (
    "code", "name", "qualification", "level", "form_of_study", "duration_months", "department",
)
CURRICULUM_FIELDS = ("program", "name", "intake_year", "semesters", "approved_on")
ITEM_FIELDS = ("curriculum", "parent", "kind", "index", "name", "position")
HOURS_PARTS = (
    "theory", "practical", "laboratory", "coursework", "independent", "consultations",
    "attestation_hours",
)
HOURS_FIELDS = ("item", "semester", "total", *HOURS_PARTS, "attestation_form")

_SMALLINT_MAX = 32767
_MODULE_FORMS = (AttestationForm.NONE, AttestationForm.QUALIFICATION_EXAM)
Kind = CurriculumItem.Kind


def _require_edit(actor: ActiveRole) -> None:
    if not actor.has("programs.edit"):
        raise NotAllowed(_("Недостаточно прав для ведения программ и учебных планов."))


def _require_own_program(actor: ActiveRole, program: Program) -> None:
    if program.organization_id != actor.organization_id:
        raise NotAllowed(_("Эта образовательная программа вам недоступна."))


def _text(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(_("Заполните поле «%(label)s».") % {"label": label}, field=field)
    return value


# --- Programs ------------------------------------------------------------------------------------


def _check_program(
    *,
    actor: ActiveRole,
    program: Program | None,
    code: str,
    form_of_study: str,
    qualification: str,
    level: str,
    duration_months: int,
    department: Department | None,
) -> None:
    try:
        program_code_validator(code)
    except ValidationError as error:
        raise DomainError(str(error.messages[0]), field="code") from error
    if level not in Program.Level.values:
        raise DomainError(_("Неизвестный вид программы."), field="level")
    if form_of_study not in Program.Form.values:
        raise DomainError(_("Неизвестная форма обучения."), field="form_of_study")
    if not 1 <= duration_months <= 120:
        raise DomainError(
            _("Срок обучения указывается в месяцах, от 1 до 120."), field="duration_months"
        )
    if department is not None and department.organization_id != actor.organization_id:
        raise DomainError(_("Отделение не найдено в вашей организации."), field="department")
    duplicates = Program.objects.filter(
        organization_id=actor.organization_id,
        code=code,
        form_of_study=form_of_study,
        qualification=qualification,
    )
    if program is not None:
        duplicates = duplicates.exclude(pk=program.pk)
    if duplicates.exists():
        raise DomainError(_duplicate_program_message(code, qualification), field="code")


def _duplicate_program_message(code: str, qualification: str) -> str:
    return _(
        "Программа %(code)s с квалификацией «%(qualification)s» и этой формой обучения уже есть."
    ) % {"code": code, "qualification": qualification}


def _save_program(program: Program) -> None:
    try:
        with transaction.atomic():
            program.save()
    except IntegrityError as error:
        raise DomainError(
            _duplicate_program_message(program.code, program.qualification), field="code"
        ) from error


@transaction.atomic
def program_create(
    *,
    actor: ActiveRole,
    code: str,
    name: str,
    qualification: str,
    level: str = Program.Level.SPECIALIST,
    form_of_study: str = Program.Form.FULL_TIME,
    duration_months: int = 46,
    department: Department | None = None,
) -> Program:
    """A new specialty or profession of the actor's college (Положение 4.10)."""
    _require_edit(actor)
    code = (code or "").strip()
    name = _text(name, "name", _("наименование специальности"))
    qualification = _text(qualification, "qualification", _("квалификация"))
    _check_program(actor=actor, program=None, code=code, form_of_study=form_of_study,
                   qualification=qualification, level=level, duration_months=duration_months,
                   department=department)
    program = Program(
        organization_id=actor.organization_id, code=code, name=name, qualification=qualification,
        level=level, form_of_study=form_of_study, duration_months=duration_months,
        department=department,
    )
    _save_program(program)
    audit_change(actor=actor.user, instance=program, before=None,
                 organization_id=actor.organization_id, fields=PROGRAM_FIELDS)
    return program


@transaction.atomic
def program_update(
    *,
    actor: ActiveRole,
    program: Program,
    code: str,
    name: str,
    qualification: str,
    level: str,
    form_of_study: str,
    duration_months: int,
    department: Department | None,
) -> Program:
    _require_edit(actor)
    _require_own_program(actor, program)
    code = (code or "").strip()
    name = _text(name, "name", _("наименование специальности"))
    qualification = _text(qualification, "qualification", _("квалификация"))
    _check_program(actor=actor, program=program, code=code, form_of_study=form_of_study,
                   qualification=qualification, level=level, duration_months=duration_months,
                   department=department)
    before = snapshot(program, PROGRAM_FIELDS)
    program.code, program.name, program.qualification = code, name, qualification
    program.level, program.form_of_study = level, form_of_study
    program.duration_months, program.department = duration_months, department
    _save_program(program)
    audit_change(actor=actor.user, instance=program, before=before,
                 organization_id=actor.organization_id, fields=PROGRAM_FIELDS)
    return program


# --- Curricula -----------------------------------------------------------------------------------


def _check_curriculum(
    *,
    curriculum: Curriculum | None,
    program: Program,
    name: str,
    intake_year: int,
    semesters: int,
) -> None:
    if not 2000 <= intake_year <= 2100:
        raise DomainError(_("Год набора — четыре цифры, например 2026."), field="intake_year")
    if not 1 <= semesters <= 10:
        raise DomainError(_("Семестров в плане может быть от 1 до 10."), field="semesters")
    duplicates = Curriculum.objects.filter(program=program, intake_year=intake_year, name=name)
    if curriculum is not None:
        duplicates = duplicates.exclude(pk=curriculum.pk)
    if duplicates.exists():
        raise DomainError(_duplicate_curriculum_message(name, intake_year), field="name")
    if curriculum is not None:
        last = (
            CurriculumHours.objects.filter(item__curriculum=curriculum)
            .aggregate(last=Max("semester"))["last"]
        )
        if last is not None and last > semesters:
            raise DomainError(
                ngettext(
                    "В плане есть часы в %(semester)s семестре: сначала удалите их или укажите "
                    "не меньше %(semester)s семестра.",
                    "В плане есть часы в %(semester)s семестре: сначала удалите их или укажите "
                    "не меньше %(semester)s семестров.",
                    last,
                )
                % {"semester": last},
                field="semesters",
            )


def _duplicate_curriculum_message(name: str, intake_year: int) -> str:
    return _("Учебный план «%(name)s» набора %(year)s у этой программы уже есть.") % {
        "name": name, "year": intake_year,
    }


def _save_curriculum(curriculum: Curriculum) -> None:
    try:
        with transaction.atomic():
            curriculum.save()
    except IntegrityError as error:
        raise DomainError(
            _duplicate_curriculum_message(curriculum.name, curriculum.intake_year), field="name"
        ) from error


@transaction.atomic
def curriculum_create(
    *,
    actor: ActiveRole,
    program: Program,
    name: str,
    intake_year: int,
    semesters: int = 8,
    approved_on: dt.date | None = None,
) -> Curriculum:
    _require_edit(actor)
    _require_own_program(actor, program)
    name = _text(name, "name", _("название"))
    _check_curriculum(curriculum=None, program=program, name=name, intake_year=intake_year,
                      semesters=semesters)
    curriculum = Curriculum(program=program, name=name, intake_year=intake_year,
                            semesters=semesters, approved_on=approved_on)
    _save_curriculum(curriculum)
    audit_change(actor=actor.user, instance=curriculum, before=None,
                 organization_id=actor.organization_id, fields=CURRICULUM_FIELDS)
    return curriculum


@transaction.atomic
def curriculum_update(
    *,
    actor: ActiveRole,
    curriculum: Curriculum,
    name: str,
    intake_year: int,
    semesters: int,
    approved_on: dt.date | None,
) -> Curriculum:
    _require_edit(actor)
    _require_own_program(actor, curriculum.program)
    name = _text(name, "name", _("название"))
    _check_curriculum(curriculum=curriculum, program=curriculum.program, name=name,
                      intake_year=intake_year, semesters=semesters)
    before = snapshot(curriculum, CURRICULUM_FIELDS)
    curriculum.name, curriculum.intake_year = name, intake_year
    curriculum.semesters, curriculum.approved_on = semesters, approved_on
    _save_curriculum(curriculum)
    audit_change(actor=actor.user, instance=curriculum, before=before,
                 organization_id=actor.organization_id, fields=CURRICULUM_FIELDS)
    return curriculum


@transaction.atomic
def curriculum_copy(
    *, actor: ActiveRole, curriculum: Curriculum, intake_year: int, name: str
) -> Curriculum:
    """The next intake's plan starts from last year's: a copy with every item and its hours.

    The copy is not approved yet (approved_on is empty) until the methodist says so.
    """
    _require_edit(actor)
    _require_own_program(actor, curriculum.program)
    name = _text(name, "name", _("название"))
    _check_curriculum(curriculum=None, program=curriculum.program, name=name,
                      intake_year=intake_year, semesters=curriculum.semesters)
    copy = Curriculum(program=curriculum.program, name=name, intake_year=intake_year,
                      semesters=curriculum.semesters, approved_on=None)
    _save_curriculum(copy)
    items = list(curriculum.items.order_by("position", "index", "id"))
    top_level = [item for item in items if item.parent_id is None]
    parts = [item for item in items if item.parent_id is not None]
    copies: dict[int, CurriculumItem] = {}
    # Top-level items first, so that the МДК and practices can point at their module's copy.
    for level in (top_level, parts):
        created = CurriculumItem.objects.bulk_create([
            CurriculumItem(
                curriculum=copy,
                parent=copies[item.parent_id] if item.parent_id is not None else None,
                kind=item.kind, index=item.index, name=item.name, position=item.position,
            )
            for item in level
        ])
        if not all(obj.pk for obj in created):
            # A backend without RETURNING: read the new ids back by the unique index.
            by_index = dict(copy.items.values_list("index", "pk"))
            for obj in created:
                obj.pk = by_index[obj.index]
        copies.update({source.pk: obj for source, obj in zip(level, created, strict=True)})
    CurriculumHours.objects.bulk_create([
        CurriculumHours(
            item=copies[hours.item_id],
            semester=hours.semester,
            total=hours.total,
            **{part: getattr(hours, part) for part in HOURS_PARTS},
            attestation_form=hours.attestation_form,
        )
        for hours in CurriculumHours.objects.filter(item__curriculum=curriculum)
    ])
    audit_change(
        actor=actor.user, instance=copy, before=None, organization_id=actor.organization_id,
        fields=CURRICULUM_FIELDS,
        reason=_("Копия учебного плана «%(name)s» (набор %(year)s), элементов: %(count)s.")
        % {"name": curriculum.name, "year": curriculum.intake_year, "count": len(items)},
    )
    return copy


# --- Items ---------------------------------------------------------------------------------------


def _check_item(
    *,
    item: CurriculumItem | None,
    curriculum: Curriculum,
    kind: str,
    index: str,
    parent: CurriculumItem | None,
) -> None:
    if kind not in Kind.values:
        raise DomainError(_("Неизвестный вид элемента плана."), field="kind")
    if kind == Kind.INTERDISCIPLINARY_COURSE and parent is None:
        raise DomainError(
            _("МДК входит в профессиональный модуль: выберите ПМ."), field="parent"
        )
    if parent is not None:
        if kind not in CurriculumItem.MODULE_PARTS:
            raise DomainError(
                _("Внутри профессионального модуля бывают только МДК, учебная и "
                  "производственная практика; у «%(kind)s» модуля нет.")
                % {"kind": Kind(kind).label},
                field="parent",
            )
        if parent.curriculum_id != curriculum.pk:
            raise DomainError(
                _("Профессиональный модуль должен быть из этого же учебного плана."),
                field="parent",
            )
        if parent.kind != Kind.MODULE:
            raise DomainError(
                _("«%(parent)s» — не профессиональный модуль.") % {"parent": parent},
                field="parent",
            )
        if item is not None and parent.pk == item.pk:
            raise DomainError(_("Элемент не может входить сам в себя."), field="parent")
    duplicates = CurriculumItem.objects.filter(curriculum=curriculum, index=index)
    if item is not None:
        duplicates = duplicates.exclude(pk=item.pk)
    if duplicates.exists():
        raise DomainError(_duplicate_index_message(index), field="index")
    if item is None:
        return
    if item.kind == Kind.MODULE and kind != Kind.MODULE and item.children.exists():
        raise DomainError(
            _("В модуль «%(item)s» входят МДК или практики: сначала перенесите или удалите их.")
            % {"item": item},
            field="kind",
        )
    if kind == Kind.MODULE and item.kind != Kind.MODULE:
        if item.workloads.exists():
            raise DomainError(
                _("По «%(item)s» распределена нагрузка, а на профессиональный модуль целиком "
                  "нагрузка не назначается.") % {"item": item},
                field="kind",
            )
        if any(not _module_row_allowed(hours) for hours in item.hours.all()):
            raise DomainError(
                _("У профессионального модуля в плане только квалификационный экзамен: "
                  "сначала удалите часы «%(item)s» по семестрам.") % {"item": item},
                field="kind",
            )
    if (
        kind != Kind.MODULE
        and item.hours.filter(attestation_form=AttestationForm.QUALIFICATION_EXAM).exists()
    ):
        raise DomainError(
            _("Квалификационный экзамен бывает только у профессионального модуля: сначала "
              "измените форму аттестации в часах «%(item)s».") % {"item": item},
            field="kind",
        )


def _duplicate_index_message(index: str) -> str:
    return _("Индекс «%(index)s» в этом плане уже занят.") % {"index": index}


def _module_row_allowed(hours: CurriculumHours) -> bool:
    """A ПМ's own row carries only the qualification exam; its other hours are in its parts."""
    only_exam_hours = all(
        getattr(hours, part) == 0 for part in HOURS_PARTS if part != "attestation_hours"
    )
    return only_exam_hours and hours.attestation_form in _MODULE_FORMS


def _save_item(item: CurriculumItem) -> None:
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as error:
        raise DomainError(_duplicate_index_message(item.index), field="index") from error


@transaction.atomic
def item_create(
    *,
    actor: ActiveRole,
    curriculum: Curriculum,
    kind: str,
    index: str,
    name: str,
    parent: CurriculumItem | None = None,
    position: int | None = None,
) -> CurriculumItem:
    """A line of the plan; without a position it goes after the last one."""
    _require_edit(actor)
    _require_own_program(actor, curriculum.program)
    index = _text(index, "index", _("индекс"))
    name = _text(name, "name", _("наименование"))
    _check_item(item=None, curriculum=curriculum, kind=kind, index=index, parent=parent)
    if position is None:
        last = curriculum.items.aggregate(last=Max("position"))["last"]
        position = (last or 0) + 1
    _check_position(position)
    item = CurriculumItem(curriculum=curriculum, kind=kind, index=index, name=name,
                          parent=parent, position=position)
    _save_item(item)
    audit_change(actor=actor.user, instance=item, before=None,
                 organization_id=actor.organization_id, fields=ITEM_FIELDS)
    return item


def _check_position(position: int) -> None:
    if not 0 <= position <= _SMALLINT_MAX:
        raise DomainError(_("Порядок — целое число от 0 до 32767."), field="position")


@transaction.atomic
def item_update(
    *,
    actor: ActiveRole,
    item: CurriculumItem,
    kind: str,
    index: str,
    name: str,
    parent: CurriculumItem | None = None,
    position: int | None = None,
) -> CurriculumItem:
    _require_edit(actor)
    curriculum = item.curriculum
    _require_own_program(actor, curriculum.program)
    index = _text(index, "index", _("индекс"))
    name = _text(name, "name", _("наименование"))
    _check_item(item=item, curriculum=curriculum, kind=kind, index=index, parent=parent)
    position = item.position if position is None else position
    _check_position(position)
    before = snapshot(item, ITEM_FIELDS)
    item.kind, item.index, item.name = kind, index, name
    item.parent, item.position = parent, position
    _save_item(item)
    audit_change(actor=actor.user, instance=item, before=before,
                 organization_id=actor.organization_id, fields=ITEM_FIELDS)
    return item


@transaction.atomic
def item_delete(*, actor: ActiveRole, item: CurriculumItem) -> None:
    """Remove a line of the plan (a ПМ with its МДК and practices) unless workload uses it."""
    _require_edit(actor)
    _require_own_program(actor, item.curriculum.program)
    doomed = [item, *item.children.all()]
    used = (
        Workload.objects.filter(item__in=doomed)
        .select_related("item", "group")
        .order_by("item__position", "item__index")
        .first()
    )
    if used is not None:
        raise DomainError(
            _("Нельзя удалить: по «%(item)s» распределена нагрузка (группа %(group)s). Сначала "
              "удалите строки нагрузки.") % {"item": used.item, "group": used.group}
        )
    for doomed_item in reversed(doomed):
        audit_delete(actor=actor.user, instance=doomed_item,
                     organization_id=actor.organization_id, fields=ITEM_FIELDS)
    item.delete()


# --- Hours per semester --------------------------------------------------------------------------


@transaction.atomic
def hours_set(
    *,
    actor: ActiveRole,
    item: CurriculumItem,
    semester: int,
    total: int,
    theory: int = 0,
    practical: int = 0,
    laboratory: int = 0,
    coursework: int = 0,
    independent: int = 0,
    consultations: int = 0,
    attestation_hours: int = 0,
    attestation_form: str = AttestationForm.NONE,
) -> CurriculumHours:
    """Create or change the hours of `item` in `semester`; they must add up to the total."""
    _require_edit(actor)
    curriculum = item.curriculum
    _require_own_program(actor, curriculum.program)
    parts = {
        "theory": theory, "practical": practical, "laboratory": laboratory,
        "coursework": coursework, "independent": independent, "consultations": consultations,
        "attestation_hours": attestation_hours,
    }
    _check_hours(item=item, curriculum=curriculum, semester=semester, total=total, parts=parts,
                 attestation_form=attestation_form)
    hours = CurriculumHours.objects.filter(item=item, semester=semester).first()
    before = snapshot(hours, HOURS_FIELDS) if hours is not None else None
    if hours is None:
        hours = CurriculumHours(item=item, semester=semester)
    hours.total = total
    for part, value in parts.items():
        setattr(hours, part, value)
    hours.attestation_form = attestation_form
    hours.save()
    audit_change(actor=actor.user, instance=hours, before=before,
                 organization_id=actor.organization_id, fields=HOURS_FIELDS)
    return hours


def _check_hours(
    *,
    item: CurriculumItem,
    curriculum: Curriculum,
    semester: int,
    total: int,
    parts: dict[str, int],
    attestation_form: str,
) -> None:
    if not 1 <= semester <= curriculum.semesters:
        raise DomainError(
            ngettext(
                "В плане %(count)s семестр: укажите семестр от 1 до %(count)s.",
                "В плане %(count)s семестров: укажите семестр от 1 до %(count)s.",
                curriculum.semesters,
            )
            % {"count": curriculum.semesters},
            field="semester",
        )
    for name, value in (("total", total), *parts.items()):
        if not 0 <= value <= _SMALLINT_MAX:
            raise DomainError(_("Часы — целое число от 0 до 32767."), field=name)
    if attestation_form not in AttestationForm.values:
        raise DomainError(_("Неизвестная форма аттестации."), field="attestation_form")
    if (
        attestation_form == AttestationForm.QUALIFICATION_EXAM
        and item.kind != Kind.MODULE
    ):
        raise DomainError(
            _("Квалификационный экзамен сдают по профессиональному модулю, а не по «%(item)s».")
            % {"item": item},
            field="attestation_form",
        )
    if item.kind == Kind.MODULE:
        extra = [name for name, value in parts.items() if value and name != "attestation_hours"]
        if extra:
            raise DomainError(
                _("У профессионального модуля в плане только квалификационный экзамен: "
                  "часы занятий и самостоятельной работы вносятся в его МДК и практики."),
                field=extra[0],
            )
        if attestation_form not in _MODULE_FORMS:
            raise DomainError(
                _("Профессиональный модуль завершается квалификационным экзаменом; экзамены и "
                  "зачёты ставятся по его МДК и практикам."),
                field="attestation_form",
            )
    if total == 0 and not any(parts.values()) and not attestation_form:
        raise DomainError(
            _("Укажите часы или форму аттестации; чтобы убрать семестр, удалите его."),
            field="total",
        )
    added = sum(parts.values())
    if added != total:
        raise DomainError(
            _("Часы не сходятся: максимальная нагрузка %(total)s ч, а сумма составляющих "
              "%(sum)s ч (%(parts)s).")
            % {"total": total, "sum": added, "parts": " + ".join(str(v) for v in parts.values())},
            field="total",
        )


@transaction.atomic
def hours_delete(*, actor: ActiveRole, hours: CurriculumHours) -> None:
    _require_edit(actor)
    _require_own_program(actor, hours.item.curriculum.program)
    audit_delete(actor=actor.user, instance=hours, organization_id=actor.organization_id,
                 fields=HOURS_FIELDS)
    hours.delete()
