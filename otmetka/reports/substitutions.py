"""Реестр замещений (Положение 4.6.2): who held whose lessons, where, how many hours and why.

A substitution is the journal's `Substitution` of a lesson, set by hand on the lesson page or
by a timetable change (schedule/services/changes.py). The register counts the lessons the
hours report (schedule/services/hours.py) credits to the substitute: not cancelled and dated
up to today in the organization's dates, so the two reports agree to the hour. Two queries:
the lines, and the hours per substitute summed in SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from otmetka.journal.models import Lesson, Substitution
from otmetka.lib.pdf import render_pdf
from otmetka.lib.tables import Sheet, xlsx_bytes

MAX_DAYS = 366  # a register covers at most a year: the printout stays a document


@dataclass(frozen=True)
class SubstitutionLine:
    date: dt.date
    pair_number: int | None
    group: str
    item: str
    absent_teacher: str
    substitute: str
    hours: int
    reason: str


@dataclass(frozen=True)
class SubstituteTotal:
    name: str
    lessons: int
    hours: int


@dataclass
class SubstitutionRegister:
    date_from: dt.date
    date_to: dt.date
    lines: list[SubstitutionLine]
    by_substitute: list[SubstituteTotal]

    @property
    def hours(self) -> int:
        return sum(total.hours for total in self.by_substitute)

    @property
    def lessons(self) -> int:
        return sum(total.lessons for total in self.by_substitute)


def _name(last: str, first: str, middle: str) -> str:
    return " ".join(part for part in (last, first, middle) if part)


def _substitutions(
    organization_id: int,
    date_from: dt.date,
    date_to: dt.date,
    *,
    today: dt.date,
    department_id: int | None,
    teacher_id: int | None,
) -> QuerySet[Substitution]:
    rows = Substitution.objects.filter(
        lesson__workload__group__organization_id=organization_id,
        lesson__date__gte=date_from,
        lesson__date__lte=min(date_to, today),
    ).exclude(lesson__status=Lesson.Status.CANCELLED)
    if department_id is not None:
        rows = rows.filter(lesson__workload__group__department_id=department_id)
    if teacher_id is not None:
        rows = rows.filter(Q(substitute_id=teacher_id) | Q(absent_teacher_id=teacher_id))
    return rows


def substitution_register(
    organization_id: int,
    date_from: dt.date,
    date_to: dt.date,
    *,
    today: dt.date,
    department_id: int | None = None,
    teacher_id: int | None = None,
) -> SubstitutionRegister:
    """The substitutions of the period (a department's, or those a teacher gave or received),
    by date and pair, and the hours of each substitute (two queries)."""
    rows = _substitutions(
        organization_id,
        date_from,
        date_to,
        today=today,
        department_id=department_id,
        teacher_id=teacher_id,
    )
    lines = [
        SubstitutionLine(
            date=row["lesson__date"],
            pair_number=row["lesson__pair_number"],
            group=row["lesson__workload__group__name"]
            + (
                f" ({row['lesson__workload__subgroup__name']})"
                if row["lesson__workload__subgroup__name"]
                else ""
            ),
            item=f"{row['lesson__workload__item__index']} {row['lesson__workload__item__name']}",
            absent_teacher=_name(
                row["absent_teacher__person__last_name"],
                row["absent_teacher__person__first_name"],
                row["absent_teacher__person__middle_name"],
            ),
            substitute=_name(
                row["substitute__person__last_name"],
                row["substitute__person__first_name"],
                row["substitute__person__middle_name"],
            ),
            hours=row["lesson__hours"],
            reason=row["reason"],
        )
        for row in rows.order_by(
            "lesson__date", "lesson__pair_number", "lesson__workload__group__name", "pk"
        ).values(
            "lesson__date",
            "lesson__pair_number",
            "lesson__hours",
            "lesson__workload__group__name",
            "lesson__workload__subgroup__name",
            "lesson__workload__item__index",
            "lesson__workload__item__name",
            "absent_teacher__person__last_name",
            "absent_teacher__person__first_name",
            "absent_teacher__person__middle_name",
            "substitute__person__last_name",
            "substitute__person__first_name",
            "substitute__person__middle_name",
            "reason",
        )
    ]
    totals = (
        rows.values(
            "substitute_id",
            "substitute__person__sort_key",
            "substitute__person__last_name",
            "substitute__person__first_name",
            "substitute__person__middle_name",
        )
        .annotate(lessons=Count("pk"), hours=Sum("lesson__hours"))
        .order_by("substitute__person__sort_key", "substitute_id")
    )
    by_substitute = [
        SubstituteTotal(
            name=_name(
                total["substitute__person__last_name"],
                total["substitute__person__first_name"],
                total["substitute__person__middle_name"],
            ),
            lessons=total["lessons"],
            hours=total["hours"] or 0,
        )
        for total in totals
    ]
    return SubstitutionRegister(date_from, date_to, lines, by_substitute)


# --- The workbook and the printout ------------------------------------------------------------


def register_title(register: SubstitutionRegister) -> str:
    return _("Реестр замещений с %(start)s по %(end)s") % {
        "start": register.date_from.strftime("%d.%m.%Y"),
        "end": register.date_to.strftime("%d.%m.%Y"),
    }


def register_file_name(register: SubstitutionRegister, extension: str) -> str:
    return _("Реестр замещений %(start)s-%(end)s.%(ext)s") % {
        "start": register.date_from.strftime("%d.%m.%Y"),
        "end": register.date_to.strftime("%d.%m.%Y"),
        "ext": extension,
    }


def line_headers() -> list[str]:
    return [
        "№",
        _("Дата"),
        _("Пара"),
        _("Группа"),
        _("Дисциплина"),
        _("Отсутствовал"),
        _("Замещал"),
        _("Часов"),
        _("Причина"),
    ]


def line_cells(number: int, line: SubstitutionLine) -> list[Any]:
    return [
        number,
        line.date,
        line.pair_number,
        line.group,
        line.item,
        line.absent_teacher,
        line.substitute,
        line.hours,
        line.reason,
    ]


def register_xlsx(register: SubstitutionRegister, *, subtitle: str) -> bytes:
    """Two sheets: the lines, and the hours to pay each substitute (ФИО, замещений, часов)."""
    caption = [register_title(register), subtitle] if subtitle else [register_title(register)]
    return xlsx_bytes(
        [
            Sheet(
                title=_("Замещения"),
                header=line_headers(),
                rows=[line_cells(n, line) for n, line in enumerate(register.lines, start=1)],
                caption=caption,
                totals=[None, _("Итого"), None, None, None, None, None, register.hours, None],
                header_style="bold",
                fit_widths=True,
            ),
            Sheet(
                title=_("Часы замещающих"),
                header=[_("Замещал"), _("Замещений"), _("Часов")],
                rows=[[t.name, t.lessons, t.hours] for t in register.by_substitute],
                caption=caption,
                totals=[_("Итого"), register.lessons, register.hours],
                header_style="bold",
                fit_widths=True,
            ),
        ]
    )


def register_pdf(register: SubstitutionRegister, *, organization: Any, subtitle: str) -> bytes:
    """A4 landscape: the lines (the header repeated on each page), the hours of each
    substitute, and the lines for the signatures of the deputy and the dispatcher."""
    title = register_title(register)
    return render_pdf(
        "reports/substitutions_pdf.html",
        {
            "register": register,
            "organization": organization,
            "title": title,
            "subtitle": subtitle,
            "headers": line_headers(),
            "lines": [line_cells(n, line) for n, line in enumerate(register.lines, start=1)],
        },
        header=f"{organization.name} · {title}",
    )
