"""The attestation ведомость as the учебная часть files it: a number unique in the college's
year, the exam's date and examiners set on the sheet, marks in digits and words, the results,
signatures with dates, «Черновик» across an open sheet, a header and page numbers."""

from __future__ import annotations

import datetime as dt
import io
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from otmetka.academics.models import Workload
from otmetka.audit.models import AuditEvent
from otmetka.journal.models import AttestationMark, AttestationSheet
from otmetka.journal.services.attestation import (
    mark_in_words,
    sheet_details_set,
    sheet_for,
    sheet_results,
)
from otmetka.journal.services.printing import attestation_sheet_pdf
from otmetka.journal.tests.factories_grid import make_student
from otmetka.lib.errors import DomainError
from otmetka.people.models import Person, Student
from otmetka.test import World


def _open(world: World, workload: Workload | None = None) -> AttestationSheet:
    return sheet_for(
        actor=world.actor("deputy"),
        workload=workload or world.college.workload,
        period=world.college.semester1,
    )


def _discipline_workload(world: World) -> Workload:
    """A second journal of the group: the discipline, examined in the 3rd semester."""
    college = world.college
    return Workload.objects.create(
        academic_year=college.year,
        teacher=college.employees["other_teacher"],
        group=college.group,
        item=college.discipline,
        hours_first=72,
    )


def _pages(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


# --- The number ---------------------------------------------------------------------------------


def test_sheets_are_numbered_within_the_college_year(world: World) -> None:
    first = _open(world)
    second = _open(world, _discipline_workload(world))
    assert (first.number, second.number) == (1, 2)
    assert first.academic_year_id == second.academic_year_id == world.college.year.pk
    # Opening a sheet again gives it back with its number; another college counts its own.
    assert _open(world).number == 1 and AttestationSheet.objects.count() == 2
    stranger = world.stranger
    theirs = sheet_for(
        actor=world.actor(stranger.users["deputy"]),
        workload=stranger.workload,
        period=stranger.semester1,
    )
    assert theirs.number == 1


@pytest.mark.django_db(transaction=True)
def test_two_sheets_opened_at_once_get_different_numbers(
    transactional_db: None, world: World
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: row locks are tested on PostgreSQL")
    workloads = [world.college.workload, _discipline_workload(world)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(workload: Workload) -> None:
        try:
            barrier.wait()
            _open(world, workload)
        except BaseException as error:  # noqa: BLE001 — reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(w,)) for w in workloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    numbers = list(AttestationSheet.objects.order_by("number").values_list("number", flat=True))
    assert numbers == [1, 2]


# --- The exam's date and examiners ----------------------------------------------------------------


def test_the_teacher_sets_the_date_and_examiners(world: World) -> None:
    sheet = _open(world)
    college = world.college
    examiners = [college.employees["teacher"].pk, college.employees["other_teacher"].pk]
    sheet_details_set(
        actor=world.actor("teacher"),
        sheet=sheet,
        exam_date=dt.date(2026, 12, 25),
        examiner_ids=examiners,
    )
    sheet.refresh_from_db()
    assert sheet.exam_date == dt.date(2026, 12, 25)
    assert sorted(sheet.examiners.values_list("pk", flat=True)) == sorted(examiners)
    event = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).latest("pk")
    assert event.changes["exam_date"] == [None, "2026-12-25"]


@pytest.mark.parametrize(
    ("day", "who", "message"),
    [
        (dt.date(2027, 9, 1), "teacher", "Дата проведения должна быть в 2026/2027"),
        (dt.date(2026, 12, 25), "stranger", "из сотрудников колледжа"),
    ],
)
def test_bad_details_are_refused_and_nothing_changes(
    world: World, day: dt.date, who: str, message: str
) -> None:
    sheet = _open(world)
    examiner = (
        world.stranger.employees["teacher"]
        if who == "stranger"
        else world.college.employees["teacher"]
    )
    with pytest.raises(DomainError) as error:
        sheet_details_set(
            actor=world.actor("teacher"), sheet=sheet, exam_date=day, examiner_ids=[examiner.pk]
        )
    assert message in error.value.message
    sheet.refresh_from_db()
    assert sheet.exam_date is None and not sheet.examiners.exists()


def test_the_details_page_for_owner_stranger_and_reader(world: World) -> None:
    sheet = _open(world)
    url = reverse("journal:attestation_details", kwargs={"sheet_id": sheet.pk})
    teacher = world.college.employees["teacher"].pk
    data = {"exam_date": "2026-12-25", "examiners": [teacher]}
    assert world.client_for("teacher").post(url, data).status_code == 302
    sheet.refresh_from_db()
    assert sheet.exam_date == dt.date(2026, 12, 25)
    assert world.client_for(world.stranger.users["teacher"]).post(url, data).status_code == 404
    assert world.client_for("other_teacher").post(url, data).status_code == 404
    assert world.client_for("student").post(url, data).status_code == 403
    # A bad date: a Russian message, nothing saved.
    response = world.client_for("teacher").post(
        url, {"exam_date": "2030-01-10", "examiners": []}, follow=True
    )
    assert "Дата проведения должна быть" in response.content.decode()
    sheet.refresh_from_db()
    assert sheet.exam_date == dt.date(2026, 12, 25) and sheet.examiners.count() == 1


# --- The printed sheet ----------------------------------------------------------------------------


def _hand_made(world: World) -> tuple[AttestationSheet, dict[str, Student]]:
    """Six students on the дифзачёт sheet: 5, 4, 3, 2, не явилась, не допущен.

    Results: 6 on the roll; one of each mark; средний балл (5+4+3+2)/4 = 3,50;
    качество 2/6 = 33,3 %; успеваемость 3/6 = 50,0 %.
    """
    college = world.college
    students = {"5": college.student}
    for value, last in (("4", "Бобров"), ("3", "Волков"), ("2", "Гусев"), ("н/д", "Зайцев")):
        students[value] = make_student(world, last)
    woman = Person.objects.create(
        organization=world.org,
        last_name="Егорова",
        first_name="Анна",
        middle_name="Ивановна",
        sex=Person.Sex.FEMALE,
    )
    students["н/я"] = Student.objects.create(person=woman)
    from otmetka.academics.models import Membership

    Membership.objects.create(
        group=college.group, student=students["н/я"], date_from=dt.date(2025, 9, 1)
    )
    sheet = _open(world)
    for value, student in students.items():
        AttestationMark.objects.create(sheet=sheet, student=student, value=value)
    sheet_details_set(
        actor=world.actor("deputy"),
        sheet=sheet,
        exam_date=dt.date(2026, 12, 25),
        examiner_ids=[college.employees["teacher"].pk, college.employees["other_teacher"].pk],
    )
    return sheet, students


def test_the_results_are_counted_as_a_secretary_counts_them() -> None:
    results = sheet_results("diff_credit", ["5", "4", "3", "2", "н/я", "н/д"])
    assert results.total == 6
    assert results.counts == {"5": 1, "4": 1, "3": 1, "2": 1}
    assert (results.no_show, results.not_admitted) == (1, 1)
    assert results.average == Decimal("3.50")
    assert results.quality == Decimal("33.3") and results.success == Decimal("50.0")
    credit = sheet_results("credit", ["зачтено", "зачтено", "не зачтено", "н/я"])
    assert credit.counts == {"зачтено": 2, "не зачтено": 1}
    assert credit.average is None and credit.quality is None
    assert credit.success == Decimal("50.0")


def test_marks_in_words(world: World) -> None:
    man = world.college.student.person
    woman = Person(last_name="Егорова", first_name="Анна", middle_name="Ивановна", sex="F")
    assert mark_in_words("4", man) == "4 (хорошо)"
    assert mark_in_words("2", man) == "2 (неудовлетворительно)"
    assert mark_in_words("зачтено", man) == "зачтено"
    assert mark_in_words("н/я", man) == "не явился" and mark_in_words("н/я", woman) == "не явилась"
    assert mark_in_words("н/д", man) == "не допущен"
    assert mark_in_words("н/д", woman) == "не допущена"


def test_the_printed_sheet_as_filed(world: World) -> None:
    sheet, students = _hand_made(world)
    (page,) = _pages(attestation_sheet_pdf(actor=world.actor("deputy"), sheet=sheet))
    assert "Ведомость промежуточной аттестации" in page
    assert "Ведомость № 1" in page
    assert "Специальность 09.02.07 Информационные системы и программирование" in page
    assert "ИС-21, 2 курс, 3 семестр обучения" in page
    assert "Форма аттестации дифференцированный зачёт" in page
    assert "Дата проведения 25.12.2026" in page  # the exam's, not the day it was printed
    assert "Экзаменаторы Другова Дарья Олеговна, Учителев Пётр Андреевич" in page
    name = {value: student.person.full_name for value, student in students.items()}
    for value, words in [
        ("5", "5 (отлично)"),
        ("4", "4 (хорошо)"),
        ("3", "3 (удовлетворительно)"),
        ("2", "2 (неудовлетворительно)"),
        ("н/я", "не явилась"),
        ("н/д", "не допущен"),
    ]:
        assert f"{name[value]} {words}" in page, (value, page)
    results = page[page.index("Итоги") :]
    assert results.startswith(
        "Итоги По списку 5 (отлично) 4 (хорошо) 3 (удовлетворительно) 2 (неудовлетворительно) "
        "Не явились Не допущены Средний балл Качество знаний, % Успеваемость, % "
        "6 1 1 1 1 1 1 3,50 33,3 50,0 "
    ), results
    # Signatures, each with a date line; the header and the page number; a draft while open.
    assert "Экзаменатор" in results and "Учителев П. А." in results
    assert results.count("Дата") >= 5
    assert "Заместитель директора по УМР" in results
    assert "Ведомость № 1 · ИС-21 · МДК.01.01" in page and "стр. 1 из 1" in page
    assert "Черновик" in page


def test_a_closed_sheet_is_no_draft(world: World) -> None:
    sheet, students = _hand_made(world)
    sheet.status = AttestationSheet.Status.CLOSED
    sheet.closed_roll = [student.pk for student in students.values()]
    sheet.save()
    (page,) = _pages(attestation_sheet_pdf(actor=world.actor("deputy"), sheet=sheet))
    assert "Черновик" not in page and "Ведомость № 1" in page


def test_a_long_sheet_has_its_header_on_every_page(world: World) -> None:
    sheet = _open(world)
    for number in range(45):
        make_student(world, f"Студент{number:02d}")
    pages = _pages(attestation_sheet_pdf(actor=world.actor("teacher"), sheet=sheet))
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert "Ведомость № 1 · ИС-21 · МДК.01.01" in page
        assert f"стр. {number} из {len(pages)}" in page
        assert "Фамилия, имя, отчество Отметка (цифрой и прописью)" in page
        assert "Черновик" in page
    # Not set on the sheet: the date is left to be written in, the journal's teacher examines.
    assert "Дата проведения не указана" in pages[0]
    assert "Экзаменатор Учителев Пётр Андреевич" in pages[0]


def test_the_sheet_pdf_queries_do_not_grow_with_the_roll(world: World) -> None:
    sheet = _open(world)
    actor = world.actor("teacher")
    counts = []
    for extra in (0, 20):
        for number in range(extra):
            make_student(world, f"Новиков{number:02d}")
        with CaptureQueriesContext(connection) as queries:
            attestation_sheet_pdf(actor=actor, sheet=sheet)
        counts.append(len(queries))
    # the sheet with group, program, item, period and year; the examiners; (none set:) the
    # journals' teachers; the sheet's marks; the roll.
    assert counts == [5, 5]
