"""The write path for people: rights, row scope, bad input (nothing saved), audit rows."""

from __future__ import annotations

import datetime as dt

import pytest

from otmetka.academics.models import Membership
from otmetka.audit.models import AuditEvent
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.lib.snils import snils_digits, snils_make
from otmetka.org.models import Department
from otmetka.people.models import Consent, Employee, Guardianship, Person, Position, Student
from otmetka.people.services import (
    consent_record,
    consent_revoke,
    employee_create,
    employee_dismiss,
    employee_update,
    guardian_add,
    guardian_remove,
    position_create,
    student_create,
    student_mark_card_checked,
    student_update,
)
from otmetka.people.tests.factories import make_consent, make_student
from otmetka.test import TODAY, World

pytestmark = pytest.mark.django_db


def events(obj: object, action: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action  # type: ignore[attr-defined]
        )
    )


# --- student_create -------------------------------------------------------------------------------


def test_secretary_creates_a_student_card_with_an_audit_row(world: World) -> None:
    student = student_create(
        actor=world.actor("secretary"), last_name="  Петров ", first_name="Пётр",
        middle_name="Петрович", birth_date=dt.date(2010, 1, 2), sex="M",
        snils=snils_digits(snils_make(200300400)), phone="+7 913 000-00-00",
        personal_file_no="77/26", enrolment_order_no="12-к",
        enrolment_order_date=dt.date(2026, 8, 20), education_base="9",
    )
    person = student.person
    assert person.organization_id == world.org.pk
    assert person.last_name == "Петров"
    assert person.snils == snils_make(200300400)
    assert student.citizenship == "РФ" and student.funding == Student.Funding.BUDGET
    [event] = events(student, AuditEvent.Action.CREATE)
    assert event.changes["last_name"] == [None, "Петров"]
    assert event.changes["snils"] == [None, snils_make(200300400)]
    assert event.changes["personal_file_no"] == [None, "77/26"]
    assert event.actor == world.user("secretary")


def test_snils_with_a_valid_checksum_is_accepted(world: World) -> None:
    student = world.college.student
    assert student is not None
    student_update(actor=world.actor("secretary"), student=student, snils="11223344595")
    student.person.refresh_from_db()
    assert student.person.snils == "112-233-445 95"


@pytest.mark.parametrize(("snils", "message"), [
    ("112-233-445 96", "Контрольное число СНИЛС не сходится"),
    ("112-233-445", "СНИЛС должен состоять из 11 цифр"),
])
def test_bad_snils_is_refused_and_nothing_saved(world: World, snils: str, message: str) -> None:
    persons = Person.objects.count()
    with pytest.raises(DomainError) as error:
        student_create(actor=world.actor("secretary"), last_name="Петров", first_name="Пётр",
                       snils=snils)
    assert message in error.value.message
    assert error.value.field == "snils"
    assert Person.objects.count() == persons


def test_duplicate_snils_names_the_existing_person(world: World) -> None:
    with pytest.raises(DomainError) as error:
        student_create(actor=world.actor("secretary"), last_name="Другой", first_name="Человек",
                       snils="112-233-445 95")
    assert "Студентов Иван Петрович" in error.value.message
    assert error.value.field == "snils"


def test_duplicate_name_and_birth_date_is_refused_whatever_the_case_and_yo(world: World) -> None:
    make_student(world.org, "Ёлочкин", "Артём", birth_date=dt.date(2009, 5, 5))
    students = Student.objects.count()
    with pytest.raises(DomainError) as error:
        student_create(actor=world.actor("secretary"), last_name="ЕЛОЧКИН", first_name="артем",
                       birth_date=dt.date(2009, 5, 5))
    assert "Ёлочкин Артём, 05.05.2009 г. р. (обучающийся)" in error.value.message
    assert Student.objects.count() == students


def test_same_name_with_another_birth_date_is_another_person(world: World) -> None:
    existing = world.college.student
    student = student_create(actor=world.actor("secretary"), last_name="Студентов",
                             first_name="Иван", middle_name="Петрович",
                             birth_date=dt.date(2010, 1, 1))
    assert student.pk != existing.pk and student.person_id != existing.person_id
    namesakes = Person.objects.filter(
        organization=world.org, last_name="Студентов", first_name="Иван", middle_name="Петрович"
    )
    assert list(namesakes.order_by("birth_date").values_list("birth_date", flat=True)) == [
        dt.date(2009, 3, 14), dt.date(2010, 1, 1),
    ]
    assert len(events(student, AuditEvent.Action.CREATE)) == 1


def test_the_same_snils_in_another_college_is_not_a_duplicate(world: World) -> None:
    foreign = Person.objects.create(organization=world.stranger.organization, last_name="Чужой",
                                    first_name="Чужак", snils=snils_make(300400500))
    student = student_create(actor=world.actor("secretary"), last_name="Свой", first_name="Иван",
                             snils=snils_make(300400500))
    assert student.person.organization_id == world.org.pk
    assert student.person.snils == snils_make(300400500)
    holders = Person.objects.filter(snils=snils_make(300400500))
    assert sorted(holders.values_list("pk", flat=True)) == sorted([foreign.pk, student.person_id])
    foreign.refresh_from_db()
    assert (foreign.organization_id, foreign.last_name) == (world.stranger.organization.pk, "Чужой")


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"last_name": " "}, "last_name", "Укажите фамилию."),
    ({"first_name": ""}, "first_name", "Укажите имя."),
    ({"email": "not-an-address"}, "email", "Введите правильный адрес e-mail."),
    ({"birth_date": TODAY + dt.timedelta(days=1)}, "birth_date", "позже сегодняшней"),
    ({"sex": "X"}, "sex", "Выберите пол"),
    ({"funding": "free"}, "funding", "основу обучения"),
    ({"personal_file_no": "123/25"}, "personal_file_no", "Студентов Иван Петрович"),
])
def test_bad_card_input_is_refused(world: World, fields: dict, field: str, message: str) -> None:
    values = {"last_name": "Новиков", "first_name": "Олег", **fields}
    persons = Person.objects.count()
    with pytest.raises(DomainError) as error:
        student_create(actor=world.actor("secretary"), **values)
    assert message in error.value.message
    assert error.value.field == field
    assert Person.objects.count() == persons
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).exists()


@pytest.mark.parametrize("key", ["curator", "teacher", "hr"])
def test_only_card_editors_create_students(world: World, key: str) -> None:
    with pytest.raises(NotAllowed):
        student_create(actor=world.actor(key), last_name="Новиков", first_name="Олег")
    assert not Person.objects.filter(last_name="Новиков").exists()


# --- student_update -------------------------------------------------------------------------------


def test_update_records_old_and_new_of_the_changed_fields_only(world: World) -> None:
    student = world.college.student
    assert student is not None
    student_update(actor=world.actor("secretary"), student=student, last_name="Студентов-Ли",
                   phone="+7 913 111-22-33", personal_file_no="123/25", funding="contract")
    student.refresh_from_db()
    assert student.person.last_name == "Студентов-Ли"
    assert student.person.sort_key.startswith("студентов-ли")
    [event] = events(student, AuditEvent.Action.UPDATE)
    assert event.changes == {
        "last_name": ["Студентов", "Студентов-Ли"],
        "phone": ["", "+7 913 111-22-33"],
        "funding": ["budget", "contract"],
    }


def test_update_without_changes_writes_no_audit_row(world: World) -> None:
    student = world.college.student
    assert student is not None
    student_update(actor=world.actor("secretary"), student=student, last_name="Студентов")
    assert not events(student, AuditEvent.Action.UPDATE)


def test_update_into_a_duplicate_is_refused(world: World) -> None:
    other = world.college.other_student
    assert other is not None
    with pytest.raises(DomainError) as error:
        student_update(actor=world.actor("secretary"), student=other, snils="112-233-445 95")
    assert "Студентов Иван Петрович" in error.value.message
    assert other.person.snils == ""  # the caller's object is left as it was
    other.person.refresh_from_db()
    assert other.person.snils == ""


def test_curator_edits_contacts_of_own_group_student(world: World) -> None:
    student = world.college.student
    assert student is not None
    student_update(actor=world.actor("curator", "curator"), student=student,
                   phone="8 (3822) 55-12-34", email="ivan@example.ru",
                   address="Томск, ул. Ленина, 1")
    student.person.refresh_from_db()
    assert student.person.email == "ivan@example.ru"
    [event] = events(student, AuditEvent.Action.UPDATE)
    assert event.changes["address"] == ["", "Томск, ул. Ленина, 1"]


def test_curator_may_not_edit_other_card_fields(world: World) -> None:
    student = world.college.student
    assert student is not None
    with pytest.raises(NotAllowed) as error:
        student_update(actor=world.actor("curator", "curator"), student=student,
                       last_name="Другов", phone="123456")
    assert "только телефон, e-mail и адрес" in error.value.message
    student.person.refresh_from_db()
    assert student.person.last_name == "Студентов" and student.person.phone == ""


def test_curator_may_not_edit_a_student_of_another_group(world: World) -> None:
    other = world.college.other_student
    assert other is not None
    with pytest.raises(NotAllowed):
        student_update(actor=world.actor("curator", "curator"), student=other, phone="123456")


def test_curator_scope_follows_membership_dates(world: World) -> None:
    student = world.college.student
    assert student is not None
    Membership.objects.filter(student=student).update(date_to=TODAY - dt.timedelta(days=1))
    with pytest.raises(NotAllowed):
        student_update(actor=world.actor("curator", "curator"), student=student, phone="123456")


@pytest.mark.parametrize("key", ["teacher", "hr", "director"])
def test_readers_may_not_edit_cards(world: World, key: str) -> None:
    student = world.college.student
    assert student is not None
    with pytest.raises(NotAllowed):
        student_update(actor=world.actor(key), student=student, phone="123456")


def test_a_stranger_may_not_edit_a_card(world: World) -> None:
    student = world.college.student
    assert student is not None
    with pytest.raises(NotAllowed):
        student_update(
            actor=world.actor(world.stranger.users["secretary"]), student=student, phone="123456"
        )


def test_department_head_edits_only_students_of_own_department(world: World) -> None:
    student = world.college.student
    assert student is not None
    head = world.actor("head")
    elsewhere = Department.objects.create(organization=world.org, name="Заочное отделение")
    head.department_id = elsewhere.pk
    with pytest.raises(NotAllowed):
        student_update(actor=head, student=student, phone="123456")
    head.department_id = world.college.department.pk
    student_update(actor=head, student=student, phone="123456")


def test_unknown_fields_are_a_programming_error(world: World) -> None:
    student = world.college.student
    assert student is not None
    with pytest.raises(TypeError):
        student_update(actor=world.actor("secretary"), student=student, status="expelled")


# --- student_mark_card_checked --------------------------------------------------------------------


def test_curator_marks_the_quarterly_check(world: World) -> None:
    student = world.college.student
    assert student is not None
    student_mark_card_checked(actor=world.actor("curator", "curator"), student=student, on=TODAY)
    student.refresh_from_db()
    assert student.card_checked_at == TODAY
    [event] = events(student, AuditEvent.Action.UPDATE)
    assert event.changes == {"card_checked_at": [None, TODAY.isoformat()]}


def test_card_check_in_the_future_or_outside_the_group_is_refused(world: World) -> None:
    curator = world.actor("curator", "curator")
    student, other = world.college.student, world.college.other_student
    assert student is not None and other is not None
    with pytest.raises(DomainError):
        student_mark_card_checked(actor=curator, student=student, on=TODAY + dt.timedelta(days=1))
    with pytest.raises(NotAllowed):
        student_mark_card_checked(actor=curator, student=other, on=TODAY)
    assert Student.objects.filter(card_checked_at__isnull=False).count() == 0


# --- guardians ------------------------------------------------------------------------------------


def test_department_head_adds_a_new_guardian(world: World) -> None:
    other = world.college.other_student
    assert other is not None
    link = guardian_add(actor=world.actor("head"), student=other, kind="father",
                        last_name="Ёлкин", first_name="Илья", middle_name="Семёнович",
                        phone="+7 913 222-33-44", receives_diary=False)
    assert link.guardian.organization_id == world.org.pk
    assert link.guardian.full_name == "Ёлкин Илья Семёнович"
    assert link.receives_diary is False
    [event] = events(link, AuditEvent.Action.CREATE)
    assert event.changes["guardian"] == [None, "Ёлкин Илья Семёнович"]
    assert event.changes["kind"] == [None, "father"]
    assert event.changes["phone"] == [None, "+7 913 222-33-44"]


def test_curator_links_an_existing_parent_to_own_group_student(world: World) -> None:
    sibling = make_student(world.org, "Студентова", "Анна", group=world.college.group)
    parent = world.college.parent
    assert parent is not None
    link = guardian_add(actor=world.actor("curator", "curator"), student=sibling, kind="mother",
                        person_id=parent.pk)
    assert link.guardian == parent
    mothers = Person.objects.filter(organization=world.org, last_name="Студентова",
                                    first_name="Мария")
    assert mothers.count() == 1


def test_curator_may_not_add_guardians_outside_own_group(world: World) -> None:
    other = world.college.other_student
    assert other is not None
    with pytest.raises(NotAllowed):
        guardian_add(actor=world.actor("curator", "curator"), student=other, kind="father",
                     last_name="Ёлкин", first_name="Илья")
    assert not Person.objects.filter(last_name="Ёлкин", first_name="Илья").exists()


def test_secretary_does_not_link_guardians(world: World) -> None:
    student = world.college.student
    assert student is not None
    with pytest.raises(NotAllowed):
        guardian_add(actor=world.actor("secretary"), student=student, kind="father",
                     last_name="Студентов", first_name="Пётр")


def test_guardian_bad_input_is_refused(world: World) -> None:
    head = world.actor("head")
    student, parent = world.college.student, world.college.parent
    assert student is not None and parent is not None
    stranger_parent = world.stranger.parent
    assert stranger_parent is not None
    links = Guardianship.objects.count()
    persons = Person.objects.count()
    cases = [
        ({"person_id": parent.pk}, "уже присоединена"),
        ({"person_id": stranger_parent.pk}, "не найден"),
        ({"person_id": student.person_id}, "собственным представителем"),
        ({"last_name": "", "first_name": "Пётр"}, "Укажите фамилию."),
    ]
    for values, message in cases:
        with pytest.raises(DomainError) as error:
            guardian_add(actor=head, student=student, kind="father", **values)  # type: ignore[arg-type]
        assert message in error.value.message
    with pytest.raises(DomainError) as error:
        guardian_add(actor=head, student=student, kind="uncle", last_name="А", first_name="Б")
    assert error.value.field == "kind"
    assert Guardianship.objects.count() == links and Person.objects.count() == persons


def test_a_parent_typed_again_with_the_same_phone_is_pointed_to_the_existing_one(
    world: World,
) -> None:
    parent = world.college.parent
    other = world.college.other_student
    assert parent is not None and other is not None
    Person.objects.filter(pk=parent.pk).update(phone="+7 913 000-11-22")
    with pytest.raises(DomainError) as error:
        guardian_add(actor=world.actor("head"), student=other, kind="mother",
                     last_name="Студентова", first_name="Мария", middle_name="Ивановна",
                     phone="+7 913 000-11-22")
    assert "Студентова Мария Ивановна" in error.value.message


def test_guardian_remove_keeps_the_person_and_writes_a_delete_row(world: World) -> None:
    link = Guardianship.objects.get(student=world.college.student)
    link_id = link.pk
    guardian_remove(actor=world.actor("head"), guardianship=link)
    assert not Guardianship.objects.filter(pk=link_id).exists()
    assert Person.objects.filter(pk=link.guardian_id).exists()
    event = AuditEvent.objects.get(object_type="people.guardianship", object_id=str(link_id))
    assert event.action == AuditEvent.Action.DELETE
    assert event.changes["kind"] == ["mother", None]


def test_curator_may_not_remove_a_guardian_outside_own_group(world: World) -> None:
    other = world.college.other_student
    assert other is not None
    link = guardian_add(actor=world.actor("head"), student=other, kind="father",
                        last_name="Ёлкин", first_name="Илья")
    with pytest.raises(NotAllowed):
        guardian_remove(actor=world.actor("curator", "curator"), guardianship=link)
    assert Guardianship.objects.filter(pk=link.pk).exists()


# --- consents -------------------------------------------------------------------------------------


def test_curator_records_and_revokes_a_parent_consent(world: World) -> None:
    curator = world.actor("curator", "curator")
    parent = world.college.parent
    assert parent is not None
    consent = consent_record(actor=curator, person=parent, signed_on=dt.date(2026, 9, 1),
                             document=" Заявление-согласие  № 15 ")
    assert consent.document == "Заявление-согласие № 15"
    assert consent.recorded_by == world.user("curator")
    [created] = events(consent, AuditEvent.Action.CREATE)
    assert created.changes["signed_on"] == [None, "2026-09-01"]
    consent_revoke(actor=curator, consent=consent, revoked_on=TODAY)
    consent.refresh_from_db()
    assert consent.revoked_on == TODAY and not consent.is_active
    [revoked] = events(consent, AuditEvent.Action.UPDATE)
    assert revoked.changes == {"revoked_on": [None, TODAY.isoformat()]}


def test_consent_bad_input_is_refused(world: World) -> None:
    secretary = world.actor("secretary")
    student = world.college.student
    assert student is not None
    with pytest.raises(DomainError) as error:
        consent_record(actor=secretary, person=student.person,
                       signed_on=TODAY + dt.timedelta(days=1), document="Заявление")
    assert error.value.field == "signed_on"
    with pytest.raises(DomainError) as error:
        consent_record(actor=secretary, person=student.person, signed_on=TODAY, document="  ")
    assert error.value.field == "document"
    make_consent(student.person, signed_on=dt.date(2025, 9, 1))
    with pytest.raises(DomainError) as error:
        consent_record(actor=secretary, person=student.person, signed_on=TODAY, document="Ещё")
    assert "действующее согласие от 01.09.2025" in error.value.message
    assert Consent.objects.count() == 1


def test_consent_revoke_before_signing_or_twice_is_refused(world: World) -> None:
    student = world.college.student
    assert student is not None
    consent = make_consent(student.person, signed_on=dt.date(2026, 9, 1))
    secretary = world.actor("secretary")
    with pytest.raises(DomainError) as error:
        consent_revoke(actor=secretary, consent=consent, revoked_on=dt.date(2026, 8, 31))
    assert "раньше даты подписания (01.09.2026)" in error.value.message
    consent.refresh_from_db()
    assert consent.revoked_on is None
    consent_revoke(actor=secretary, consent=consent, revoked_on=dt.date(2026, 9, 1))
    with pytest.raises(DomainError):
        consent_revoke(actor=secretary, consent=consent, revoked_on=TODAY)


def test_consents_only_for_students_and_parents_in_scope(world: World) -> None:
    curator = world.actor("curator", "curator")
    other = world.college.other_student
    assert other is not None
    with pytest.raises(NotAllowed):
        consent_record(actor=curator, person=other.person, signed_on=TODAY, document="Заявление")
    with pytest.raises(NotAllowed):
        consent_record(actor=world.actor("secretary"),
                       person=world.college.employees["teacher"].person,
                       signed_on=TODAY, document="Заявление")
    with pytest.raises(NotAllowed):
        consent_record(actor=world.actor("teacher"), person=other.person, signed_on=TODAY,
                       document="Заявление")
    assert not Consent.objects.exists()


# --- staff ----------------------------------------------------------------------------------------


def test_hr_creates_an_employee_with_department_and_positions(world: World) -> None:
    teaching = Position.objects.get(organization=world.org, name="Преподаватель")
    master = Position.objects.create(organization=world.org, name="Мастер п/о", is_teaching=True)
    employee = employee_create(
        actor=world.actor("hr"), last_name="Новикова", first_name="Ольга", middle_name="Петровна",
        snils=snils_make(400500600), department_id=world.college.department.pk,
        position_ids=[teaching.pk, master.pk], hire_date=dt.date(2026, 11, 13),
        hire_order_no="101-л",
    )
    assert employee.person.organization_id == world.org.pk
    assert set(employee.positions.all()) == {teaching, master}
    [event] = events(employee, AuditEvent.Action.CREATE)
    assert event.changes["positions"] == [None, ["Мастер п/о", "Преподаватель"]]
    assert event.changes["department"] == [None, "Очное отделение"]
    assert event.changes["hire_order_no"] == [None, "101-л"]


def test_department_or_position_of_another_college_is_refused(world: World) -> None:
    hr = world.actor("hr")
    foreign_position = Position.objects.get(organization=world.stranger.organization)
    persons = Person.objects.count()
    with pytest.raises(DomainError) as error:
        employee_create(actor=hr, last_name="Новикова", first_name="Ольга",
                        department_id=world.stranger.department.pk)
    assert error.value.field == "department"
    assert "нет в вашей организации" in error.value.message
    with pytest.raises(DomainError) as error:
        employee_create(actor=hr, last_name="Новикова", first_name="Ольга",
                        position_ids=[foreign_position.pk])
    assert error.value.field == "positions"
    assert Person.objects.count() == persons
    teacher = world.college.employees["teacher"]
    with pytest.raises(DomainError):
        employee_update(actor=hr, employee=teacher, phone="123456",
                        department_id=world.stranger.department.pk)
    teacher.refresh_from_db()
    teacher.person.refresh_from_db()
    assert teacher.department == world.college.department and teacher.person.phone == ""


def test_employee_duplicate_is_refused(world: World) -> None:
    Person.objects.filter(pk=world.college.employees["teacher"].person_id).update(
        birth_date=dt.date(1980, 4, 1)
    )
    with pytest.raises(DomainError) as error:
        employee_create(actor=world.actor("hr"), last_name="Учителев", first_name="Петр",
                        middle_name="Андреевич", birth_date=dt.date(1980, 4, 1))
    assert "Учителев Пётр Андреевич, 01.04.1980 г. р. (сотрудник)" in error.value.message


def test_employee_update_records_old_and_new(world: World) -> None:
    teacher = world.college.employees["teacher"]
    position = Position.objects.get(organization=world.org, name="Преподаватель")
    employee_update(actor=world.actor("hr"), employee=teacher, phone="+7 913 444-55-66",
                    position_ids=[position.pk], hire_order_no="12-л")
    [event] = events(teacher, AuditEvent.Action.UPDATE)
    assert event.changes == {
        "phone": ["", "+7 913 444-55-66"],
        "positions": [[], ["Преподаватель"]],
        "hire_order_no": ["", "12-л"],
    }


def test_dismissal(world: World) -> None:
    hr = world.actor("hr")
    teacher = world.college.employees["teacher"]
    with pytest.raises(DomainError) as error:
        employee_dismiss(actor=hr, employee=teacher, on=dt.date(2019, 1, 1))
    assert "раньше даты приёма (25.08.2020)" in error.value.message
    employee_dismiss(actor=hr, employee=teacher, on=TODAY)
    teacher.refresh_from_db()
    assert teacher.dismissal_date == TODAY
    assert not Employee.objects.working().filter(pk=teacher.pk).exists()
    [event] = events(teacher, AuditEvent.Action.UPDATE)
    assert event.changes == {"dismissal_date": [None, TODAY.isoformat()]}
    with pytest.raises(DomainError):
        employee_dismiss(actor=hr, employee=teacher, on=TODAY)


@pytest.mark.parametrize("key", ["director", "teacher", "admin"])
def test_only_hr_edits_staff(world: World, key: str) -> None:
    teacher = world.college.employees["teacher"]
    with pytest.raises(NotAllowed):
        employee_create(actor=world.actor(key), last_name="Новикова", first_name="Ольга")
    with pytest.raises(NotAllowed):
        employee_update(actor=world.actor(key), employee=teacher, phone="123456")
    with pytest.raises(NotAllowed):
        employee_dismiss(actor=world.actor(key), employee=teacher, on=TODAY)
    with pytest.raises(NotAllowed):
        position_create(actor=world.actor(key), name="Лаборант", is_teaching=False)


def test_stranger_hr_may_not_touch_our_staff(world: World) -> None:
    with pytest.raises(NotAllowed):
        employee_dismiss(actor=world.actor(world.stranger.users["hr"]),
                         employee=world.college.employees["teacher"], on=TODAY)


def test_position_create(world: World) -> None:
    hr = world.actor("hr")
    position = position_create(actor=hr, name=" Мастер  п/о ", is_teaching=True)
    assert position.name == "Мастер п/о" and position.organization_id == world.org.pk
    assert events(position, AuditEvent.Action.CREATE)
    with pytest.raises(DomainError) as error:
        position_create(actor=hr, name="преподаватель", is_teaching=True)
    assert "уже есть" in error.value.message
    with pytest.raises(DomainError):
        position_create(actor=hr, name="", is_teaching=False)
    assert Position.objects.filter(organization=world.org).count() == 2
