"""A small hand-made record of attestation for the certificates' tests."""

from __future__ import annotations

import datetime as dt

from otmetka.academics.models import AttestationForm, CurriculumHours, CurriculumItem
from otmetka.journal.models import AttestationMark, AttestationSheet
from otmetka.org.models import Organization, Period
from otmetka.people.models import Student
from otmetka.test import World


def fill_details(organization: Organization) -> None:
    organization.name = "ОГБПОУ «Томский промышленно-гуманитарный техникум»"
    organization.address = "634050, г. Томск, ул. Пушкина, д. 7"
    organization.inn = "7707083893"
    organization.kpp = "701701001"
    organization.ogrn = "1027000862954"
    organization.phone = "+7 (3822) 55-12-34"
    organization.email = "info@tpt.example"
    organization.license_details = "№ 1234 от 01.02.2016"
    organization.accreditation_details = "№ 567 от 03.04.2019"
    organization.director_name = "Криволапов И. Н."
    organization.save()


def closed_sheet(
    world: World, item: CurriculumItem, period: Period, form: str, marks: dict[Student, str]
) -> None:
    sheet = AttestationSheet.objects.create(
        group=world.college.group,
        item=item,
        period=period,
        form=form,
        status=AttestationSheet.Status.CLOSED,
        closed_at=dt.datetime(2026, 12, 28, 5, 0, tzinfo=dt.UTC),
    )
    for student, value in marks.items():
        AttestationMark.objects.create(sheet=sheet, student=student, value=value)


def attestation_record(world: World) -> None:
    """The student's marks: ОП.01 «5» in semester 3 and «3» in semester 4 (72 + 36 hours),
    МДК.01.01 «4» in semester 3 (100 hours; its 50 hours of semester 4 not yet attested);
    an open sheet and another student's marks that no certificate may show."""
    college = world.college
    CurriculumHours.objects.create(
        item=college.discipline,
        semester=4,
        total=36,
        theory=36,
        attestation_form=AttestationForm.EXAM,
    )
    CurriculumHours.objects.create(
        item=college.mdk,
        semester=4,
        total=50,
        theory=50,
        attestation_form=AttestationForm.DIFF_CREDIT,
    )
    student, other = college.student, college.other_student
    closed_sheet(world, college.discipline, college.semester1, "exam", {student: "5", other: "2"})
    closed_sheet(world, college.mdk, college.semester1, "diff_credit", {student: "4"})
    closed_sheet(world, college.discipline, college.semester2, "exam", {student: "3"})
    open_sheet = AttestationSheet.objects.create(
        group=college.group, item=college.mdk, period=college.semester2, form="diff_credit"
    )
    AttestationMark.objects.create(sheet=open_sheet, student=student, value="5")
