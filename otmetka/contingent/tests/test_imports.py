"""The import services: validation per row, all-or-nothing commit, reruns, parents, encodings."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from otmetka.academics.models import Membership
from otmetka.audit.models import AuditEvent
from otmetka.contingent import imports
from otmetka.contingent.tests.factories import (
    STAFF,
    csv_file,
    staff_row,
    student_row,
    xlsx_file,
)
from otmetka.lib.errors import NotAllowed
from otmetka.people.models import Employee, Guardianship, Person, Position, Student
from otmetka.test import World

pytestmark = pytest.mark.django_db


def _errors(check: imports.ImportCheck) -> dict[int, list[str]]:
    return {row.line: row.errors for row in check.rows if row.errors}


def _counts(world: World) -> tuple[int, int, int, int]:
    org = world.org
    return (
        Person.objects.filter(organization=org).count(),
        Student.objects.filter(person__organization=org).count(),
        Membership.objects.filter(group__organization=org).count(),
        Guardianship.objects.filter(student__person__organization=org).count(),
    )


def test_a_valid_file_is_previewed_without_writing(world: World) -> None:
    before = _counts(world)
    check = imports.students_check(
        actor=world.actor("secretary"),
        name="list.xlsx",
        content=xlsx_file([student_row(1), student_row(2)]),
    )
    assert check.ok and check.new_count == 2 and check.exists_count == 0
    assert _counts(world) == before


def test_commit_creates_cards_memberships_and_parents(world: World) -> None:
    secretary = world.actor("secretary")
    row = student_row(
        1,
        parent2_name="Новиков Андрей Ильич",
        parent2_kind="отец",
        parent2_phone="+7 900 111-22-33",
        parent2_diary="нет",
    )
    result = imports.students_import(actor=secretary, name="list.xlsx", content=xlsx_file([row]))
    assert (result.created, result.skipped, result.guardians_created) == (1, 0, 2)
    student = Student.objects.select_related("person").get(person__last_name="Новиков1")
    person = student.person
    assert person.sort_key == "новиков1 илья андреевич"
    assert person.snils == row["snils"] and person.birth_date == dt.date(2009, 5, 2)
    assert person.sex == Person.Sex.MALE and person.user_id is None
    assert (student.personal_file_no, student.funding, student.education_base) == (
        "И-1",
        Student.Funding.BUDGET,
        "9",
    )
    assert student.enrolment_order_date == dt.date(2026, 8, 20)
    membership = Membership.objects.get(student=student)
    assert membership.group == world.college.group
    assert membership.date_from == dt.date(2026, 9, 1) and membership.date_to is None
    assert membership.basis == "Импорт: приказ № 125-к от 20.08.2026"
    links = {g.guardian.full_name: g for g in student.guardianships.select_related("guardian")}
    assert links["Новикова1 Ольга Петровна"].kind == Guardianship.Kind.MOTHER
    assert links["Новикова1 Ольга Петровна"].receives_diary
    assert links["Новиков Андрей Ильич"].kind == Guardianship.Kind.FATHER
    assert not links["Новиков Андрей Ильич"].receives_diary
    card_event = AuditEvent.objects.get(object_type="people.student", object_id=str(student.pk))
    assert card_event.changes["group"] == [None, "ИС-21"]
    assert card_event.actor == world.user("secretary")


@pytest.mark.parametrize(
    ("values", "column", "fragment"),
    [
        ({"snils": "112-233-445 96"}, "СНИЛС", "контрольное число"),
        ({"snils": "12345"}, "СНИЛС", "11 цифр"),
        ({"birth_date": "31.02.2009"}, "Дата рождения", "не дата"),
        ({"birth_date": "01.01.2030"}, "Дата рождения", "ещё не наступила"),
        ({"enrolled_on": "осенью"}, "Дата зачисления", "не дата"),
        ({"group": "ЗЗ-99"}, "Группа", "нет обучающейся группы «ЗЗ-99»"),
        ({"group": ""}, "Группа", "обязательное поле"),
        ({"first_name": ""}, "Имя", "обязательное поле"),
        ({"funding": "платно"}, "Основа (бюджет/договор)", "непонятное значение"),
        ({"sex": "x"}, "Пол", "непонятное значение"),
        ({"education_base": "10"}, "Образование (9/11)", "непонятное значение"),
        ({"email": "not-an-address"}, "E-mail", "неправильный адрес"),
        ({"parent1_kind": "сосед"}, "Родитель 1: кем приходится", "непонятное значение"),
        ({"parent1_name": "Мама"}, "Родитель 1: ФИО", "фамилию и имя"),
        ({"parent1_diary": "может быть"}, "Родитель 1: получает дневник", "«да» или «нет»"),
    ],
)
def test_each_bad_value_is_reported_by_row_and_column(
    world: World, values: dict[str, str], column: str, fragment: str
) -> None:
    rows = [student_row(1), student_row(2, **values), student_row(3)]
    check = imports.students_check(
        actor=world.actor("secretary"), name="list.xlsx", content=xlsx_file(rows)
    )
    errors = _errors(check)
    assert list(errors) == [3], errors  # the header is line 1: the second data row is line 3
    assert any(e.startswith(f"«{column}»") and fragment in e for e in errors[3]), errors


def test_duplicates_in_the_file_and_in_the_college(world: World) -> None:
    existing = world.college.other_student.person  # Ёлкин Семён Ильич, a student, no СНИЛС
    existing.birth_date = dt.date(2008, 1, 2)
    existing.save()
    rows = [
        student_row(1),
        student_row(2, snils=student_row(1)["snils"]),  # the same СНИЛС as line 2
        student_row(
            3, last_name="Новиков1", birth_date=student_row(1)["birth_date"], snils=""
        ),  # the same ФИО and birth date as line 2
        student_row(4, snils=world.college.student.person.snils, last_name="Другой"),
        student_row(5, personal_file_no="123/25"),  # the world student's file number
        student_row(6, personal_file_no="И-1"),  # line 2's file number
        student_row(
            7,
            last_name="Ёлкин",
            first_name="Семен",
            middle_name="Ильич",
            birth_date="02.01.2008",
            snils="",
        ),
    ]
    check = imports.students_check(
        actor=world.actor("secretary"), name="list.xlsx", content=xlsx_file(rows)
    )
    errors = _errors(check)
    assert "тот же человек уже в строке 2" in errors[3][0]
    assert "тот же человек уже в строке 2" in errors[4][0]
    assert "Студентов Иван Петрович" in errors[5][0]
    assert "личное дело с этим номером уже заведено" in errors[6][0]
    assert "такой номер уже в строке 2" in errors[7][0]
    # Ёлкин, with «е» for «ё», is the same student: skipped, not an error.
    assert check.rows[6].status == "exists" and check.rows[6].exists == "Ёлкин Семён Ильич"


def test_a_bad_row_in_the_middle_writes_nothing(world: World) -> None:
    before = _counts(world)
    rows = [student_row(n) for n in range(1, 21)]
    rows[10]["snils"] = "112-233-445 00"
    with pytest.raises(imports.ImportRefused) as refused:
        imports.students_import(
            actor=world.actor("secretary"), name="list.xlsx", content=xlsx_file(rows)
        )
    assert list(_errors(refused.value.check)) == [12]
    assert _counts(world) == before
    assert not AuditEvent.objects.filter(object_type="contingent.students_import").exists()


def test_rerunning_the_same_file_creates_nothing(world: World) -> None:
    secretary = world.actor("secretary")
    content = xlsx_file([student_row(n) for n in range(1, 6)])
    first = imports.students_import(actor=secretary, name="list.xlsx", content=content)
    after_first = _counts(world)
    second = imports.students_import(actor=secretary, name="list.xlsx", content=content)
    assert (first.created, second.created, second.skipped) == (5, 0, 5)
    assert _counts(world) == after_first
    check = imports.students_check(actor=secretary, name="list.xlsx", content=content)
    assert {row.status for row in check.rows} == {"exists"}


def test_parents_are_linked_not_duplicated(world: World) -> None:
    parent = world.college.parent  # Студентова Мария Ивановна
    parent.phone = "+7 (913) 555-44-33"
    parent.save()
    sibling = {"parent1_name": "Петрова Светлана Юрьевна", "parent1_phone": "8 900 123 45 67"}
    rows = [
        student_row(1, parent1_name="Студентова Мария Ивановна", parent1_phone="89135554433"),
        student_row(2, **sibling),
        student_row(3, **sibling),  # a brother: the same mother, one person
    ]
    persons_before = Person.objects.filter(organization=world.org).count()
    result = imports.students_import(
        actor=world.actor("secretary"), name="list.xlsx", content=xlsx_file(rows)
    )
    assert (result.guardians_created, result.guardians_linked) == (1, 1)
    assert Person.objects.filter(organization=world.org).count() == persons_before + 3 + 1
    assert Guardianship.objects.filter(guardian=parent).count() == 2
    mother = Person.objects.get(organization=world.org, last_name="Петрова")
    assert Guardianship.objects.filter(guardian=mother).count() == 2


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1251"])
def test_csv_in_either_encoding(world: World, encoding: str) -> None:
    content = csv_file([student_row(1, address="г. Томск, ул. Ёлочная, 5")], encoding=encoding)
    result = imports.students_import(
        actor=world.actor("secretary"), name="list.csv", content=content
    )
    assert result.created == 1
    person = Person.objects.get(organization=world.org, last_name="Новиков1")
    assert person.address == "г. Томск, ул. Ёлочная, 5"


def test_a_file_without_required_columns_or_rows(world: World) -> None:
    secretary = world.actor("secretary")
    check = imports.students_check(
        actor=secretary, name="list.csv", content="Фамилия;Имя\r\nИванов;Иван\r\n".encode()
    )
    assert "Дата рождения" in check.file_errors[0] and not check.rows
    empty = imports.students_check(actor=secretary, name="list.xlsx", content=xlsx_file([]))
    assert empty.file_errors and not empty.ok


def test_readers_may_not_import(world: World) -> None:
    with pytest.raises(NotAllowed):
        imports.students_check(
            actor=world.actor("teacher"), name="a.xlsx", content=xlsx_file([student_row(1)])
        )
    with pytest.raises(NotAllowed):
        imports.staff_import(
            actor=world.actor("secretary"), name="a.xlsx", content=xlsx_file([staff_row(1)], STAFF)
        )


def test_groups_of_another_college_are_unknown(world: World) -> None:
    check = imports.students_check(
        actor=world.actor("secretary"),
        name="list.xlsx",
        content=xlsx_file([student_row(1, group=world.stranger.group.name)]),
    )
    assert "нет обучающейся группы" in check.rows[0].errors[0]


def _import_queries(world: World, rows: int) -> tuple[int, int]:
    """(queries of the preview, of the commit) for a file of `rows` students."""
    content = xlsx_file([student_row(n) for n in range(1, rows + 1)])
    secretary = world.actor("secretary")
    secretary.rights  # noqa: B018 — the rights are cached per process, not per file
    with CaptureQueriesContext(connection) as preview:
        imports.students_check(actor=secretary, name="list.xlsx", content=content)
    with CaptureQueriesContext(connection) as commit:
        result = imports.students_import(actor=secretary, name="list.xlsx", content=content)
    assert result.created == rows
    return len(preview.captured_queries), len(commit.captured_queries)


def _batches(model: Any, rows: int) -> int:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    return math.ceil(rows / connection.ops.bulk_batch_size(fields, [None] * rows))


def test_query_count_does_not_depend_on_the_rows(world: World) -> None:
    preview, commit = _import_queries(world, 200)
    # Preview: the groups; the organization's persons with their cards (two queries).
    assert preview == 2
    # Commit, in its transaction: the organization locked, the same two reads, then one INSERT
    # per batch of persons, students, memberships, parents, guardianships and audit records,
    # the import's own audit record; SAVEPOINT/RELEASE of the service's atomic block.
    inserts = sum(
        _batches(model, count)
        for model, count in (
            (Person, 200),
            (Student, 200),
            (Membership, 200),
            (Person, 200),
            (Guardianship, 200),
            (AuditEvent, 200),
        )
    )
    assert commit == 1 + 2 + inserts + 1 + 2, commit


def test_preview_queries_are_the_same_for_10_and_200_rows(world: World) -> None:
    assert _import_queries(world, 10)[0] == 2


# --- Staff ----------------------------------------------------------------------------------------


def test_staff_import_preview_commit_and_rerun(world: World) -> None:
    hr = world.actor("hr")
    Position.objects.create(organization=world.org, name="Мастер п/о", is_teaching=True)
    rows = [staff_row(1), staff_row(2, positions="Преподаватель; Мастер п/о", department="")]
    content = xlsx_file(rows, STAFF)
    result = imports.staff_import(actor=hr, name="staff.xlsx", content=content)
    assert (result.created, result.skipped) == (2, 0)
    second = Employee.objects.select_related("person").get(person__last_name="Работников2")
    assert sorted(p.name for p in second.positions.all()) == ["Мастер п/о", "Преподаватель"]
    assert second.department is None and second.hire_date == dt.date(2026, 9, 1)
    assert second.hire_order_no == "2-л" and second.person.snils == rows[1]["snils"]
    rerun = imports.staff_import(actor=hr, name="staff.xlsx", content=content)
    assert (rerun.created, rerun.skipped) == (0, 2)


def test_staff_rows_with_errors(world: World) -> None:
    teacher = world.college.employees["teacher"].person  # Учителев Пётр Андреевич
    rows = [
        staff_row(1, department="Заочное отделение"),
        staff_row(2, positions="Космонавт"),
        staff_row(3, hire_date=""),
        staff_row(
            4,
            last_name=teacher.last_name,
            first_name=teacher.first_name,
            middle_name=teacher.middle_name,
            birth_date="",
            snils="",
        ),
    ]
    check = imports.staff_check(
        actor=world.actor("hr"), name="staff.xlsx", content=xlsx_file(rows, STAFF)
    )
    errors = _errors(check)
    assert "нет отделения «Заочное отделение»" in errors[2][0]
    assert "нет должности «Космонавт»" in errors[3][0]
    assert errors[4][0].startswith("«Дата приёма»")
    assert errors[5][0].startswith("«Дата рождения»")


def test_a_parent_taking_a_job_gets_a_staff_card_not_a_second_person(world: World) -> None:
    parent = world.college.parent  # Студентова Мария Ивановна
    parent.birth_date = dt.date(1982, 4, 5)
    parent.save()
    row = staff_row(
        1,
        last_name="Студентова",
        first_name="Мария",
        middle_name="Ивановна",
        birth_date="05.04.1982",
        snils="",
    )
    persons = Person.objects.filter(organization=world.org).count()
    hr = world.actor("hr")
    check = imports.staff_check(actor=hr, name="s.xlsx", content=xlsx_file([row], STAFF))
    assert check.rows[0].status == "new" and check.rows[0].existing_person is not None
    result = imports.staff_import(actor=hr, name="s.xlsx", content=xlsx_file([row], STAFF))
    assert result.created == 1
    assert Person.objects.filter(organization=world.org).count() == persons
    assert Employee.objects.get(person=parent).hire_order_no == "1-л"


def test_a_department_head_imports_only_into_their_department(world: World) -> None:
    from otmetka.accounts.models import RoleAssignment
    from otmetka.org.models import Department

    evening = Department.objects.create(organization=world.org, name="Заочное отделение")
    RoleAssignment.objects.filter(user=world.user("head")).update(department=evening)
    check = imports.students_check(
        actor=world.actor("head"), name="list.xlsx", content=xlsx_file([student_row(1)])
    )
    assert "нет обучающейся группы «ИС-21»" in check.rows[0].errors[0]


@pytest.mark.parametrize(("made_in", "loaded_in"), [("en", "ru"), ("ru", "en")])
def test_a_file_made_in_one_language_loads_in_the_other(
    world: World, made_in: str, loaded_in: str
) -> None:
    """The headers are translated; a file from an English page loads from a Russian one."""
    from django.utils import translation

    with translation.override(made_in):
        content = xlsx_file([student_row(1)])
    with translation.override(loaded_in):
        check = imports.students_check(
            actor=world.actor("secretary"), name="list.xlsx", content=content
        )
    assert check.ok, check
    assert check.new_count == 1
