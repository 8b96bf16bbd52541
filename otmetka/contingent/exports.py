"""Students (with parents) and staff to XLSX, in the import's columns, and the empty templates.

A file exported here loads back through the import unchanged, so a college moving its
contingent to another installation exports, then imports. Dates are real dates in the file
(the import reads them as well as dates typed as text). The export of every student is a
document built on the worker (kind «contingent.students», `contingent/documents.py`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from otmetka.academics.models import Membership
from otmetka.contingent.imports import (
    STAFF_COLUMNS,
    STAFF_EXAMPLE,
    STUDENT_COLUMNS,
    STUDENT_EXAMPLE,
    Column,
)
from otmetka.lib.tables import Sheet, parse_date, xlsx_bytes
from otmetka.people.models import EmployeeQuerySet, Guardianship, Person, Student

STUDENT_STATUSES = (Student.Status.STUDYING, Student.Status.ACADEMIC_LEAVE)
_WIDTHS = {
    "last_name": 18,
    "first_name": 14,
    "middle_name": 18,
    "address": 36,
    "group": 12,
    "parent1_name": 30,
    "parent2_name": 30,
    "positions": 30,
    "department": 24,
}


# Columns holding a date: written as dates, whatever the row gives (the templates' examples
# are typed as text).
DATE_KEYS = frozenset({"birth_date", "enrolled_on", "order_date", "hire_date"})


def _header(columns: Sequence[Column]) -> list[str]:
    return [str(column.header) for column in columns]


def _value(row: dict[str, Any], key: str) -> Any:
    value = row.get(key, "")
    if key in DATE_KEYS and isinstance(value, str) and value:
        return parse_date(value) or value
    return value


def _sheet(title: str, columns: Sequence[Column], rows: list[dict[str, Any]]) -> Sheet:
    return Sheet(
        title=title,
        header=_header(columns),
        rows=[[_value(row, column.key) for column in columns] for row in rows],
        widths=[_WIDTHS.get(column.key, 16) for column in columns],
        notes={str(column.header): str(column.note) for column in columns if column.note},
    )


def _notes_sheet(columns: Sequence[Column]) -> Sheet:
    return Sheet(
        title=_("Пояснения"),
        header=[_("Столбец"), _("Обязательный"), _("Как заполнять")],
        rows=[
            [str(column.header), _("да") if column.required else "", str(column.note)]
            for column in columns
        ],
        widths=[34, 14, 70],
    )


def students_template_xlsx() -> bytes:
    """The students' import template: the header, an example row, and notes on each column."""
    return xlsx_bytes(
        [
            _sheet(_("Обучающиеся"), STUDENT_COLUMNS, [STUDENT_EXAMPLE]),
            _notes_sheet(STUDENT_COLUMNS),
        ]
    )


def staff_template_xlsx() -> bytes:
    return xlsx_bytes(
        [
            _sheet(_("Сотрудники"), STAFF_COLUMNS, [STAFF_EXAMPLE]),
            _notes_sheet(STAFF_COLUMNS),
        ]
    )


def _date(day: dt.date | None) -> dt.date | str:
    """A date as a date in the file, or an empty cell."""
    return day if day is not None else ""


def _person_values(person: Person) -> dict[str, Any]:
    return {
        "last_name": person.last_name,
        "first_name": person.first_name,
        "middle_name": person.middle_name,
        "birth_date": _date(person.birth_date),
        "snils": person.snils,
        "phone": person.phone,
        "email": person.email,
    }


_SEX: dict[str, str] = {Person.Sex.MALE: "м", Person.Sex.FEMALE: "ж"}
_FUNDING: dict[str, str] = {
    Student.Funding.BUDGET: "бюджет",
    Student.Funding.CONTRACT: "договор",
}


def student_rows(students: QuerySet[Student], *, on: dt.date) -> list[dict[str, Any]]:
    """Students in the import's columns: the group they are in on `on` (or were last in), the
    first enrolment date, two parents. Three queries: students, memberships, guardians."""
    students = (
        students.filter(status__in=STUDENT_STATUSES)
        .select_related("person")
        .prefetch_related(
            Prefetch(
                "memberships", Membership.objects.select_related("group").order_by("date_from")
            ),
            Prefetch(
                "guardianships",
                Guardianship.objects.select_related("guardian").order_by("pk"),
            ),
        )
        .order_by("person__sort_key", "pk")
    )
    rows = []
    for student in students:
        memberships = list(student.memberships.all())
        current = next(
            (
                m
                for m in memberships
                if m.date_from <= on and (m.date_to is None or m.date_to >= on)
            ),
            memberships[-1] if memberships else None,
        )
        person = student.person
        row = {
            **_person_values(person),
            "sex": _SEX.get(person.sex, ""),
            "citizenship": student.citizenship,
            "address": person.address,
            "personal_file_no": student.personal_file_no,
            "education_base": student.education_base,
            "funding": _FUNDING.get(student.funding, ""),
            "group": current.group.name if current else "",
            "enrolled_on": _date(memberships[0].date_from) if memberships else "",
            "order_no": student.enrolment_order_no,
            "order_date": _date(student.enrolment_order_date),
        }
        for number, link in enumerate(student.guardianships.all()[:2], start=1):
            prefix = f"parent{number}_"
            row.update(
                {
                    prefix + "name": link.guardian.full_name,
                    prefix + "kind": str(link.get_kind_display()),
                    prefix + "phone": link.guardian.phone,
                    prefix + "email": link.guardian.email,
                    prefix + "diary": _("да") if link.receives_diary else _("нет"),
                }
            )
        rows.append(row)
    return rows


def students_xlsx(
    students: QuerySet[Student],
    *,
    on: dt.date,
    on_rows: Callable[[int, int], None] | None = None,
) -> tuple[bytes, int]:
    """The students as the import's workbook, and how many rows it has; `on_rows` is told
    (rows written, rows in all) as the sheet is written."""
    rows = student_rows(students, on=on)
    tell = (lambda done: on_rows(done, len(rows))) if on_rows is not None else None
    content = xlsx_bytes([_sheet(_("Обучающиеся"), STUDENT_COLUMNS, rows)], on_rows=tell)
    return content, len(rows)


def staff_rows(employees: EmployeeQuerySet) -> list[dict[str, Any]]:
    """Working staff in the import's columns (two queries: employees, positions)."""
    employees = (
        employees.working()
        .select_related("person", "department")
        .prefetch_related("positions")
        .order_by("person__sort_key", "pk")
    )
    return [
        {
            **_person_values(employee.person),
            "department": employee.department.name if employee.department else "",
            "positions": "; ".join(position.name for position in employee.positions.all()),
            "hire_date": _date(employee.hire_date),
            "hire_order_no": employee.hire_order_no,
        }
        for employee in employees
    ]


def staff_xlsx(employees: EmployeeQuerySet) -> bytes:
    return xlsx_bytes([_sheet(_("Сотрудники"), STAFF_COLUMNS, staff_rows(employees))])
