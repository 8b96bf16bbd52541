"""Services of programs, curricula, items and hours: rules, Russian refusals, audit rows."""

from __future__ import annotations

import datetime as dt

import pytest

from otmetka.academics.models import (
    AttestationForm,
    Curriculum,
    CurriculumHours,
    CurriculumItem,
    Program,
)
from otmetka.academics.services.curricula import (
    curriculum_copy,
    curriculum_create,
    curriculum_update,
    hours_delete,
    hours_set,
    item_create,
    item_delete,
    item_update,
    program_create,
    program_update,
)
from otmetka.academics.tests.test_curricula_support import Kind, events_of, make_hours, make_item
from otmetka.audit.models import AuditEvent
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.org.models import Department
from otmetka.test import World

# --- Programs ------------------------------------------------------------------------------------


def _program(world: World, **changes: object) -> Program:
    data: dict[str, object] = {
        "code": "15.02.16", "name": "Технология машиностроения", "qualification": "Техник",
        "department": world.college.department,
    }
    data.update(changes)
    return program_create(actor=world.actor("methodist"), **data)  # type: ignore[arg-type]


def test_methodist_creates_a_program_with_an_audit_row(world: World) -> None:
    program = _program(world)
    assert program.organization_id == world.org.pk
    [event] = events_of(program)
    assert event.action == AuditEvent.Action.CREATE
    assert event.actor_id == world.user("methodist").pk
    assert event.changes["code"] == [None, "15.02.16"]


@pytest.mark.parametrize("code", ["15.2.16", "150216", "15.02.1a", ""])
def test_program_code_must_look_like_09_02_07(world: World, code: str) -> None:
    with pytest.raises(DomainError) as error:
        _program(world, code=code)
    assert error.value.field == "code"
    assert "09.02.07" in error.value.message
    assert not Program.objects.filter(name="Технология машиностроения").exists()


def test_duplicate_program_is_refused(world: World) -> None:
    with pytest.raises(DomainError) as error:
        _program(world, code="09.02.07", qualification="Программист",
                 name="Информационные системы")
    assert "уже есть" in error.value.message
    assert Program.objects.filter(organization=world.org).count() == 1


def test_same_code_with_another_qualification_is_a_new_program(world: World) -> None:
    program = _program(world, code="09.02.07", qualification="Разработчик веб-приложений",
                       name="Информационные системы и программирование")
    assert program.pk != world.college.program.pk


def test_department_of_another_college_is_refused(world: World) -> None:
    with pytest.raises(DomainError) as error:
        _program(world, department=world.stranger.department)
    assert error.value.field == "department"
    assert not Program.objects.filter(code="15.02.16").exists()


def test_teacher_may_not_create_programs(world: World) -> None:
    with pytest.raises(NotAllowed):
        program_create(actor=world.actor("teacher"), code="15.02.16", name="ТМ",
                       qualification="Техник")
    assert not Program.objects.filter(code="15.02.16").exists()


def test_program_update_records_old_and_new(world: World) -> None:
    program = world.college.program
    second = Department.objects.create(organization=world.org, name="Заочное отделение")
    program_update(actor=world.actor("deputy"), program=program, code=program.code,
                   name=program.name, qualification="Разработчик", level=program.level,
                   form_of_study=Program.Form.PART_TIME, duration_months=34, department=second)
    program.refresh_from_db()
    assert program.qualification == "Разработчик"
    [event] = events_of(program)
    assert event.action == AuditEvent.Action.UPDATE
    assert event.changes["qualification"] == ["Программист", "Разработчик"]
    assert event.changes["duration_months"] == [46, 34]
    assert event.changes["department"] == ["Очное отделение", "Заочное отделение"]


def test_stranger_may_not_update_a_program(world: World) -> None:
    program = world.college.program
    with pytest.raises(NotAllowed):
        program_update(actor=world.actor(world.stranger.users["methodist"]), program=program,
                       code="01.01.01", name="x", qualification="x", level=program.level,
                       form_of_study=program.form_of_study, duration_months=46, department=None)
    program.refresh_from_db()
    assert program.code == "09.02.07"


# --- Curricula -----------------------------------------------------------------------------------


def test_curriculum_create_and_duplicate(world: World) -> None:
    methodist = world.actor("methodist")
    curriculum = curriculum_create(actor=methodist, program=world.college.program,
                                   name="09.02.07 набор 2026", intake_year=2026, semesters=8,
                                   approved_on=dt.date(2026, 6, 1))
    assert events_of(curriculum)[0].changes["intake_year"] == [None, 2026]
    with pytest.raises(DomainError) as error:
        curriculum_create(actor=methodist, program=world.college.program,
                          name="09.02.07 набор 2026", intake_year=2026)
    assert error.value.field == "name"
    assert "уже есть" in error.value.message


def test_curriculum_cannot_lose_semesters_that_have_hours(world: World) -> None:
    curriculum = world.college.curriculum
    with pytest.raises(DomainError) as error:
        curriculum_update(actor=world.actor("methodist"), curriculum=curriculum,
                          name=curriculum.name, intake_year=2025, semesters=2, approved_on=None)
    assert "3 семестре" in error.value.message
    curriculum.refresh_from_db()
    assert curriculum.semesters == 8


def test_curriculum_update_records_old_and_new(world: World) -> None:
    curriculum = world.college.curriculum
    curriculum_update(actor=world.actor("methodist"), curriculum=curriculum,
                      name="ИСП-2025", intake_year=2025, semesters=6,
                      approved_on=dt.date(2025, 6, 30))
    [event] = events_of(curriculum)
    assert event.changes["name"] == ["09.02.07 набор 2025", "ИСП-2025"]
    assert event.changes["semesters"] == [8, 6]
    assert event.changes["approved_on"] == [None, "2025-06-30"]


def test_curriculum_copy_takes_items_and_hours(world: World) -> None:
    college = world.college
    practice = make_item(college.curriculum, Kind.EDUCATIONAL_PRACTICE, "УП.01",
                         parent=college.module, position=4)
    make_hours(practice, 4, theory=0, practical=72, independent=0, form=AttestationForm.CREDIT)
    CurriculumHours.objects.create(item=college.module, semester=4, total=6, attestation_hours=6,
                                   attestation_form=AttestationForm.QUALIFICATION_EXAM)
    copy = curriculum_copy(actor=world.actor("methodist"), curriculum=college.curriculum,
                           intake_year=2026, name="09.02.07 набор 2026")
    assert copy.pk != college.curriculum.pk
    assert copy.semesters == college.curriculum.semesters
    assert copy.approved_on is None
    items = {item.index: item for item in copy.items.all()}
    assert set(items) == {"ОП.01", "ПМ.01", "МДК.01.01", "УП.01"}
    assert items["МДК.01.01"].parent_id == items["ПМ.01"].pk
    assert items["УП.01"].parent_id == items["ПМ.01"].pk
    assert items["ОП.01"].parent_id is None
    copied = {
        (hours.item.index, hours.semester): hours
        for hours in CurriculumHours.objects.filter(item__curriculum=copy).select_related("item")
    }
    assert set(copied) == {("ОП.01", 3), ("МДК.01.01", 3), ("УП.01", 4), ("ПМ.01", 4)}
    assert copied[("ОП.01", 3)].total == 72
    assert copied[("ОП.01", 3)].attestation_form == AttestationForm.EXAM
    assert copied[("ПМ.01", 4)].attestation_form == AttestationForm.QUALIFICATION_EXAM
    # The source is untouched.
    assert college.curriculum.items.count() == 4
    [event] = events_of(copy)
    assert event.action == AuditEvent.Action.CREATE
    assert "09.02.07 набор 2025" in event.reason


def test_curriculum_copy_refuses_an_existing_name(world: World) -> None:
    college = world.college
    with pytest.raises(DomainError):
        curriculum_copy(actor=world.actor("methodist"), curriculum=college.curriculum,
                        intake_year=2025, name=college.curriculum.name)
    assert Curriculum.objects.filter(program=college.program).count() == 1


# --- Items ---------------------------------------------------------------------------------------


def test_item_create_puts_it_at_the_end(world: World) -> None:
    item = item_create(actor=world.actor("methodist"), curriculum=world.college.curriculum,
                       kind=Kind.DISCIPLINE, index="ОП.02", name="Архитектура аппаратных средств")
    assert item.position == 4
    assert events_of(item)[0].changes["index"] == [None, "ОП.02"]


def test_mdk_without_a_module_is_refused(world: World) -> None:
    with pytest.raises(DomainError) as error:
        item_create(actor=world.actor("methodist"), curriculum=world.college.curriculum,
                    kind=Kind.INTERDISCIPLINARY_COURSE, index="МДК.01.02", name="Поддержка ПО")
    assert error.value.field == "parent"
    assert "МДК входит в профессиональный модуль" in error.value.message
    assert not CurriculumItem.objects.filter(index="МДК.01.02").exists()


@pytest.mark.parametrize("kind", [Kind.DISCIPLINE, Kind.MODULE, Kind.FINAL_ATTESTATION])
def test_only_module_parts_may_sit_in_a_module(world: World, kind: str) -> None:
    with pytest.raises(DomainError) as error:
        item_create(actor=world.actor("methodist"), curriculum=world.college.curriculum,
                    kind=kind, index="X.01", name="Нечто", parent=world.college.module)
    assert error.value.field == "parent"
    assert not CurriculumItem.objects.filter(index="X.01").exists()


def test_practice_may_stand_alone_or_in_a_module(world: World) -> None:
    methodist = world.actor("methodist")
    alone = item_create(actor=methodist, curriculum=world.college.curriculum,
                        kind=Kind.INDUSTRIAL_PRACTICE, index="ПДП", name="Преддипломная практика")
    inside = item_create(actor=methodist, curriculum=world.college.curriculum,
                         kind=Kind.EDUCATIONAL_PRACTICE, index="УП.01", name="Учебная практика",
                         parent=world.college.module)
    assert alone.parent_id is None
    assert inside.parent_id == world.college.module.pk


def test_parent_must_be_a_module_of_the_same_curriculum(world: World) -> None:
    methodist = world.actor("methodist")
    other = curriculum_copy(actor=methodist, curriculum=world.college.curriculum,
                            intake_year=2026, name="набор 2026")
    with pytest.raises(DomainError) as error:
        item_create(actor=methodist, curriculum=other, kind=Kind.INTERDISCIPLINARY_COURSE,
                    index="МДК.01.09", name="Чужой", parent=world.college.module)
    assert "этого же учебного плана" in error.value.message
    with pytest.raises(DomainError) as error:
        item_create(actor=methodist, curriculum=world.college.curriculum,
                    kind=Kind.INTERDISCIPLINARY_COURSE, index="МДК.01.09", name="В УД",
                    parent=world.college.discipline)
    assert "не профессиональный модуль" in error.value.message
    assert not CurriculumItem.objects.filter(index="МДК.01.09").exists()


def test_index_is_unique_in_the_curriculum(world: World) -> None:
    with pytest.raises(DomainError) as error:
        item_create(actor=world.actor("methodist"), curriculum=world.college.curriculum,
                    kind=Kind.DISCIPLINE, index="ОП.01", name="Ещё одна")
    assert error.value.field == "index"
    assert "ОП.01" in error.value.message
    assert world.college.curriculum.items.count() == 3


def test_item_update_records_old_and_new(world: World) -> None:
    item = world.college.discipline
    item_update(actor=world.actor("methodist"), item=item, kind=Kind.DISCIPLINE,
                index="ОП.11", name="Операционные системы и среды", position=7)
    [event] = events_of(item)
    assert event.changes["index"] == ["ОП.01", "ОП.11"]
    assert event.changes["name"] == ["Операционные системы", "Операционные системы и среды"]
    assert event.changes["position"] == [1, 7]


def test_module_with_parts_cannot_become_a_discipline(world: World) -> None:
    module = world.college.module
    with pytest.raises(DomainError) as error:
        item_update(actor=world.actor("methodist"), item=module, kind=Kind.DISCIPLINE,
                    index=module.index, name=module.name)
    assert error.value.field == "kind"
    module.refresh_from_db()
    assert module.kind == Kind.MODULE


def test_item_with_workload_cannot_become_a_module(world: World) -> None:
    item = world.college.discipline  # other_teacher teaches it
    with pytest.raises(DomainError) as error:
        item_update(actor=world.actor("methodist"), item=item, kind=Kind.MODULE,
                    index=item.index, name=item.name)
    assert "нагрузка" in error.value.message


def test_item_used_by_workload_cannot_be_deleted(world: World) -> None:
    with pytest.raises(DomainError) as error:
        item_delete(actor=world.actor("methodist"), item=world.college.mdk)
    assert "распределена нагрузка" in error.value.message
    # Deleting its module is refused too: the МДК would go with it.
    with pytest.raises(DomainError):
        item_delete(actor=world.actor("methodist"), item=world.college.module)
    assert world.college.curriculum.items.count() == 3


def test_item_delete_takes_its_parts_and_hours_and_audits_each(world: World) -> None:
    college = world.college
    assert college.workload is not None
    college.workload.delete()
    module_id = college.module.pk
    item_delete(actor=world.actor("methodist"), item=college.module)
    assert list(college.curriculum.items.values_list("index", flat=True)) == ["ОП.01"]
    assert not CurriculumHours.objects.filter(item_id=college.mdk.pk).exists()
    deleted = AuditEvent.objects.filter(action=AuditEvent.Action.DELETE,
                                        object_type="academics.curriculumitem")
    assert set(deleted.values_list("object_id", flat=True)) == {str(module_id),
                                                                str(college.mdk.pk)}
    assert deleted.get(object_id=str(college.mdk.pk)).changes["index"] == ["МДК.01.01", None]


# --- Hours ---------------------------------------------------------------------------------------


def _hours(world: World, item: CurriculumItem | None = None, **changes: object) -> CurriculumHours:
    data: dict[str, object] = {
        "semester": 4, "total": 60, "theory": 30, "practical": 10, "laboratory": 4,
        "coursework": 0, "independent": 10, "consultations": 2, "attestation_hours": 4,
        "attestation_form": AttestationForm.EXAM,
    }
    data.update(changes)
    return hours_set(actor=world.actor("methodist"), item=item or world.college.discipline,
                     **data)  # type: ignore[arg-type]


def test_hours_set_creates_then_updates_with_old_and_new(world: World) -> None:
    hours = _hours(world)
    assert hours.classroom == 44
    again = _hours(world, total=62, independent=12)
    assert again.pk == hours.pk
    created, updated = events_of(hours)
    assert created.action == AuditEvent.Action.CREATE
    assert updated.changes == {"total": [60, 62], "independent": [10, 12]}


def test_hours_that_do_not_add_up_are_refused_with_the_numbers(world: World) -> None:
    with pytest.raises(DomainError) as error:
        _hours(world, total=70)
    message = error.value.message
    assert error.value.field == "total"
    assert "не сходятся" in message
    assert "70" in message and "60" in message
    assert "30 + 10 + 4 + 0 + 10 + 2 + 4" in message
    assert not CurriculumHours.objects.filter(item=world.college.discipline, semester=4).exists()


def test_changing_existing_hours_so_they_do_not_add_up_changes_nothing(world: World) -> None:
    college = world.college
    with pytest.raises(DomainError):
        hours_set(actor=world.actor("methodist"), item=college.discipline, semester=3, total=72,
                  theory=40, practical=16, laboratory=8, independent=16)
    hours = CurriculumHours.objects.get(item=college.discipline, semester=3)
    assert (hours.total, hours.theory) == (72, 32)
    assert events_of(hours) == []


def test_semester_must_be_within_the_curriculum(world: World) -> None:
    with pytest.raises(DomainError) as error:
        _hours(world, semester=9)
    assert error.value.field == "semester"
    assert "8 семестров" in error.value.message


def test_module_row_carries_only_the_qualification_exam(world: World) -> None:
    module = world.college.module
    with pytest.raises(DomainError) as error:
        _hours(world, item=module, attestation_form=AttestationForm.QUALIFICATION_EXAM)
    assert "только квалификационный экзамен" in error.value.message
    with pytest.raises(DomainError):
        _hours(world, item=module, total=6, theory=0, practical=0, laboratory=0,
               independent=0, consultations=0, attestation_hours=6,
               attestation_form=AttestationForm.EXAM)
    exam = _hours(world, item=module, total=6, theory=0, practical=0, laboratory=0,
                  independent=0, consultations=0, attestation_hours=6,
                  attestation_form=AttestationForm.QUALIFICATION_EXAM)
    assert exam.attestation_form == AttestationForm.QUALIFICATION_EXAM


def test_qualification_exam_only_for_a_module(world: World) -> None:
    with pytest.raises(DomainError) as error:
        _hours(world, item=world.college.mdk, attestation_form=AttestationForm.QUALIFICATION_EXAM)
    assert error.value.field == "attestation_form"
    assert not CurriculumHours.objects.filter(item=world.college.mdk, semester=4).exists()


def test_empty_hours_row_is_refused(world: World) -> None:
    with pytest.raises(DomainError):
        _hours(world, total=0, theory=0, practical=0, laboratory=0, independent=0,
               consultations=0, attestation_hours=0, attestation_form="")


def test_teacher_may_not_set_hours(world: World) -> None:
    with pytest.raises(NotAllowed):
        hours_set(actor=world.actor("teacher"), item=world.college.discipline, semester=4,
                  total=10, theory=10)
    with pytest.raises(NotAllowed):
        hours_set(actor=world.actor(world.stranger.users["methodist"]),
                  item=world.college.discipline, semester=4, total=10, theory=10)
    assert not CurriculumHours.objects.filter(item=world.college.discipline, semester=4).exists()


def test_hours_delete_is_audited(world: World) -> None:
    hours = CurriculumHours.objects.get(item=world.college.discipline, semester=3)
    hours_id = hours.pk
    hours_delete(actor=world.actor("methodist"), hours=hours)
    assert not CurriculumHours.objects.filter(pk=hours_id).exists()
    [event] = AuditEvent.objects.filter(object_type="academics.curriculumhours",
                                        object_id=str(hours_id))
    assert event.action == AuditEvent.Action.DELETE
    assert event.changes["total"] == [72, None]
