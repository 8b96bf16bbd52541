"""Reads for certificates: what a certificate states about a student, and the register.

Each read is a fixed number of queries whatever the student's history: the memberships in one
query, the attestation marks of closed sheets in one, the curriculum hours of their items in
one; the register in one (and a count when paged).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from otmetka.academics.models import AttestationForm, CurriculumHours, Membership
from otmetka.certificates.models import Certificate
from otmetka.journal.models import AttestationMark, AttestationSheet
from otmetka.people.models import Student

# An attestation mark as a certificate writes it: digits and words, «4 (хорошо)».
MARK_WORDS = {
    "5": "5 (отлично)",
    "4": "4 (хорошо)",
    "3": "3 (удовлетворительно)",
    "2": "2 (неудовлетворительно)",
    "зачтено": "зачтено",
    "не зачтено": "не зачтено",
    "н/я": "не явился",
}
FORM_SHORT: dict[str, str] = {
    AttestationForm.EXAM: "экз.",
    AttestationForm.DIFF_CREDIT: "дз",
    AttestationForm.CREDIT: "з",
    AttestationForm.QUALIFICATION_EXAM: "экз. кв.",
    AttestationForm.OTHER: "др.",
}


@dataclass(frozen=True)
class StudyLine:
    """One discipline (МДК, practice, module) of a справка об обучении."""

    index: str
    name: str
    hours: int
    mark: str
    form: str


def mark_text(value: str) -> str:
    return MARK_WORDS.get(value, value)


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def planned_end(intake_year: int, duration_months: int) -> dt.date:
    """The last day of the normative term of study that began on 1 September of the intake."""
    return _add_months(dt.date(intake_year, 9, 1), duration_months) - dt.timedelta(days=1)


def student_facts(student: Student, on: dt.date) -> dict[str, Any]:
    """What both certificates say of the student on a day (one query: the memberships with
    their groups and programs).

    `group` is the group the student is in on the day, or else the last one they were in
    (a leaver's); `on_roll` says which.
    """
    memberships = list(
        Membership.objects.filter(student=student)
        .select_related("group__program")
        .order_by("date_from", "pk")
    )
    current = next(
        (m for m in memberships if m.date_from <= on and (m.date_to is None or m.date_to >= on)),
        None,
    )
    started = [m for m in memberships if m.date_from <= on]
    membership = current or (started[-1] if started else None)
    person = student.person
    facts: dict[str, Any] = {
        "last_name": person.last_name,
        "first_name": person.first_name,
        "middle_name": person.middle_name,
        "sex": person.sex,
        "birth_date": person.birth_date.isoformat() if person.birth_date else "",
        "on_roll": current is not None,
        "study_from": started[0].date_from.isoformat() if started else "",
        "study_to": (
            ""
            if current is not None or membership is None or membership.date_to is None
            else membership.date_to.isoformat()
        ),
        "enrolment_order_no": student.enrolment_order_no,
        "enrolment_order_date": (
            student.enrolment_order_date.isoformat() if student.enrolment_order_date else ""
        ),
        "funding": student.get_funding_display() if student.funding else "",
        "group_id": None,
    }
    if membership is None:
        return facts
    group = membership.group
    program = group.program
    year_start = on.year if on.month >= 9 else on.year - 1
    facts.update(
        group_id=group.pk,
        group=group.name,
        course=group.course_in(year_start),
        program_code=program.code if program else "",
        program_name=program.name if program else "",
        qualification=program.qualification if program else "",
        form_of_study=program.get_form_of_study_display() if program else "",
        form_of_study_code=program.form_of_study if program else "",
        planned_end=(
            planned_end(group.intake_year, program.duration_months).isoformat() if program else ""
        ),
    )
    return facts


def study_record(student_id: int) -> list[StudyLine]:
    """The disciplines a student has been attested in, with hours and the final mark (two
    queries: the marks of closed sheets, then the hours of their curriculum items).

    Only closed sheets count: an open one may still change. A discipline attested in several
    semesters is one line: its hours are those of the curriculum up to the semester of its
    last attestation, its mark is the last one.
    """
    marks = (
        AttestationMark.objects.filter(
            student_id=student_id, sheet__status=AttestationSheet.Status.CLOSED
        )
        .exclude(value="")
        .values_list(
            "sheet__item_id",
            "sheet__item__index",
            "sheet__item__name",
            "sheet__item__position",
            "sheet__form",
            "sheet__period__number",
            "sheet__period__academic_year__date_from",
            "sheet__group__intake_year",
            "value",
        )
    )
    last: dict[int, tuple[int, str, str, int, str, str]] = {}
    for item_id, index, name, position, form, half, year_from, intake, value in marks:
        course = max(1, year_from.year - intake + 1)
        semester = (course - 1) * 2 + half
        if item_id not in last or semester >= last[item_id][0]:
            last[item_id] = (semester, index, name, position, form, value)
    hours: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for item_id, semester, total in CurriculumHours.objects.filter(
        item_id__in=list(last)
    ).values_list("item_id", "semester", "total"):
        hours[item_id].append((semester, total))
    ordered = sorted(last.items(), key=lambda pair: (pair[1][3], pair[1][1]))
    return [
        StudyLine(
            index=index,
            name=name,
            hours=sum(total for semester, total in hours[item_id] if semester <= upto),
            mark=mark_text(value),
            form=FORM_SHORT.get(form, ""),
        )
        for item_id, (upto, index, name, _position, form, value) in ordered
    ]


def register(
    certificates: QuerySet[Certificate],
    *,
    date_from: dt.date,
    date_to: dt.date,
    kind: str = "",
    group_id: int | None = None,
) -> QuerySet[Certificate]:
    """The register's rows for the filters, newest first (one query)."""
    rows = certificates.filter(issued_on__gte=date_from, issued_on__lte=date_to)
    if kind:
        rows = rows.filter(kind=kind)
    if group_id is not None:
        rows = rows.filter(group_id=group_id)
    return rows.select_related("student__person", "group").order_by(
        "-issued_on", "-year", "-number"
    )


def register_table_rows(rows: QuerySet[Certificate]) -> list[list[Any]]:
    """The register as rows of the workbook, in the screen's order and words."""
    return [
        [
            str(row),
            row.issued_on,
            row.student.person.full_name,
            row.group.name if row.group else "",
            row.get_kind_display(),
            row.presented_to,
            row.issued_by_name,
        ]
        for row in rows
    ]


def register_headers() -> list[str]:
    return [
        _("Номер"),
        _("Дата выдачи"),
        _("Обучающийся"),
        _("Группа"),
        _("Вид справки"),
        _("Для предъявления"),
        _("Кто выдал"),
    ]
