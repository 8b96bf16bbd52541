"""Issuing certificates: what each says, numbering, refusals that create nothing."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from otmetka.academics.models import Membership
from otmetka.audit.models import AuditEvent
from otmetka.certificates.models import Certificate
from otmetka.certificates.selectors import StudyLine, study_record
from otmetka.certificates.services import certificate_issue
from otmetka.certificates.tests.support import attestation_record
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.people.models import Student
from otmetka.test import World

ENROLMENT = Certificate.Kind.ENROLMENT
RECORD = Certificate.Kind.STUDY_RECORD


def issue(world: World, kind: str = ENROLMENT, presented_to: str = "") -> Certificate:
    return certificate_issue(
        actor=world.actor("secretary"),
        student=world.college.student,
        kind=kind,
        presented_to=presented_to,
    )


def test_enrolment_certificate_states_the_student_on_the_day(world: World) -> None:
    certificate = issue(world)
    assert (certificate.year, certificate.number, certificate.issued_on) == (
        2026,
        1,
        dt.date(2026, 11, 16),
    )
    assert certificate.presented_to == "по месту требования"
    assert certificate.issued_by_name == "Секретарёва Алла Борисовна"
    assert certificate.group_id == world.college.group.pk
    student = certificate.content["student"]
    assert student["group"] == "ИС-21"
    assert student["course"] == 2  # intake 2025, academic year 2026/2027
    assert student["program_code"] == "09.02.07"
    assert student["form_of_study"] == "очная"
    assert student["planned_end"] == "2029-06-30"  # 46 months from 01.09.2025
    assert certificate.content["issuer"] == "Секретарёва А. Б."
    assert AuditEvent.objects.filter(
        object_type="certificates.certificate", object_id=str(certificate.pk)
    ).exists()


def test_numbers_follow_one_another_per_organization_and_year(world: World, now) -> None:
    first, second = issue(world), issue(world, RECORD, presented_to="в военный комиссариат")
    stranger = certificate_issue(
        actor=world.actor(world.stranger.users["secretary"]),
        student=world.stranger.student,
        kind=ENROLMENT,
    )
    assert (first.number, second.number, stranger.number) == (1, 2, 1)
    now.move_to(dt.datetime(2027, 1, 15, 10, 0, tzinfo=dt.UTC))
    next_year = issue(world)
    assert (next_year.year, next_year.number) == (2027, 1)


def test_study_record_lists_closed_attestation_with_hours(world: World) -> None:
    attestation_record(world)
    # Worked out by hand from support.attestation_record.
    assert study_record(world.college.student.pk) == [
        StudyLine("ОП.01", "Операционные системы", 72 + 36, "3 (удовлетворительно)", "экз."),
        StudyLine("МДК.01.01", "Разработка программных модулей", 100, "4 (хорошо)", "дз"),
    ]
    certificate = issue(world, RECORD)
    assert certificate.content["total_hours"] == 208
    assert [line["mark"] for line in certificate.content["lines"]] == [
        "3 (удовлетворительно)",
        "4 (хорошо)",
    ]


def test_study_record_costs_two_queries(world: World, django_assert_num_queries) -> None:
    attestation_record(world)
    # 1. the marks of closed sheets with item, period, year and group; 2. the items' hours.
    with django_assert_num_queries(2):
        study_record(world.college.student.pk)


def test_a_leaver_gets_a_study_record_but_no_enrolment_certificate(world: World) -> None:
    student = world.college.student
    Membership.objects.filter(student=student).update(date_to=dt.date(2026, 10, 31))
    Student.objects.filter(pk=student.pk).update(status=Student.Status.EXPELLED)
    student.refresh_from_db()
    with pytest.raises(DomainError, match="справку с места учёбы выдать нельзя"):
        issue(world)
    assert not Certificate.objects.exists()
    certificate = issue(world, RECORD)
    assert certificate.number == 1  # the refusal took no number
    assert certificate.content["student"]["study_to"] == "2026-10-31"
    assert certificate.content["student"]["on_roll"] is False


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"kind": "diploma"}, "Выберите вид справки."),
        ({"kind": ENROLMENT, "presented_to": "х" * 301}, "Не длиннее 300 символов."),
    ],
)
def test_bad_input_is_refused_and_creates_nothing(
    world: World, extra: dict[str, str], message: str
) -> None:
    with pytest.raises(DomainError, match=message):
        certificate_issue(
            actor=world.actor("secretary"),
            student=world.college.student,
            kind=extra["kind"],
            presented_to=extra.get("presented_to", ""),
        )
    assert not Certificate.objects.exists()
    assert not AuditEvent.objects.filter(object_type="certificates.certificate").exists()


def test_only_holders_of_the_right_issue_and_only_their_own_students(world: World) -> None:
    with pytest.raises(NotAllowed):
        certificate_issue(
            actor=world.actor("teacher"), student=world.college.student, kind=ENROLMENT
        )
    with pytest.raises(NotAllowed):
        certificate_issue(
            actor=world.actor("secretary"), student=world.stranger.student, kind=ENROLMENT
        )
    assert not Certificate.objects.exists()


# --- Concurrency (PostgreSQL) --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_secretaries_at_once_get_two_numbers(transactional_db: None, world: World) -> None:
    """The first issue holds its transaction open; the second must wait for the lock and take
    the next number. Without the lock it would read the same last number and fail on the
    unique constraint when the first commits."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: row locks are tested on PostgreSQL")
    first_issued, second_started, release = (threading.Event() for _ in range(3))
    second_done = threading.Event()
    numbers: list[int] = []
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                numbers.append(issue(world).number)
                first_issued.set()
                release.wait(10)
        except BaseException as error:  # noqa: BLE001 - reported by the assertions below
            errors.append(error)
            first_issued.set()
        finally:
            connection.close()

    def second() -> None:
        try:
            first_issued.wait(10)
            second_started.set()
            numbers.append(issue(world, RECORD).number)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            second_done.set()
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    second_started.wait(10)
    # The second is waiting for the first's lock, not done.
    assert not second_done.wait(0.5)
    release.set()
    for thread in threads:
        thread.join(20)
    assert not errors, errors
    assert numbers == [1, 2]
    assert sorted(Certificate.objects.values_list("number", flat=True)) == [1, 2]
