"""Итоги успеваемости по дисциплине (Положение 4.6.10): a teacher's journals over a period.

Per journal (a workload line): how many 5, 4, 3 and 2 were given in the period, the weighted
average of those marks (as the journal computes it: Σ(отметка × вес) ÷ Σ весов), успеваемость
and качество over the students who have marks (a student's current mark is the one the
weighted average proposes: 2,5 and above — at least 3, 3,5 and above — at least 4), hours
missed (of them for a good reason), and lessons held against the plan: the hours of the
workload for the semesters the period touches, and the КТП's hours.

Six queries whatever the number of journals and students: the journals, the semesters of
their years, the marks grouped by journal × student × mark, the absences by journal × code,
the lessons held by journal, the КТП's hours by journal.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _

from otmetka.academics.models import Workload
from otmetka.journal.averages import proposed_mark
from otmetka.journal.models import (
    ABSENCE_CODES,
    EXCUSED_CODES,
    NUMERIC_MARKS,
    Attendance,
    Lesson,
    Mark,
    PlannedTopic,
)
from otmetka.lib.pdf import render_pdf
from otmetka.lib.tables import Sheet, xlsx_bytes
from otmetka.org.models import Period

GRADES = ("5", "4", "3", "2")
CENT = Decimal("0.01")
TENTH = Decimal("0.1")


def _ratio(part: Decimal, whole: Decimal, unit: Decimal) -> Decimal | None:
    return (part / whole).quantize(unit, rounding=ROUND_HALF_UP) if whole else None


@dataclass
class JournalResult:
    workload: Workload
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GRADES, 0))
    weighted_sum: Decimal = Decimal(0)
    weights: Decimal = Decimal(0)
    students: int = 0  # students with a numeric mark in the period
    passing: int = 0  # of them, with a current mark of 3 or better
    good: int = 0  # of them, with a current mark of 4 or 5
    missed_hours: int = 0
    excused_hours: int = 0
    lessons_held: int = 0
    hours_held: int = 0
    hours_planned: int = 0
    hours_plan_ktp: int = 0

    @property
    def marks(self) -> int:
        return sum(self.counts.values())

    @property
    def average(self) -> Decimal | None:
        return _ratio(self.weighted_sum, self.weights, CENT)

    @property
    def progress(self) -> Decimal | None:
        """Успеваемость, %: students with a current mark of 3 or better ÷ students with marks."""
        return _ratio(Decimal(100 * self.passing), Decimal(self.students), TENTH)

    @property
    def quality(self) -> Decimal | None:
        """Качество, %: students with a current mark of 4 or 5 ÷ students with marks."""
        return _ratio(Decimal(100 * self.good), Decimal(self.students), TENTH)

    def add(self, other: JournalResult) -> None:
        for grade in GRADES:
            self.counts[grade] += other.counts[grade]
        for name in (
            "weighted_sum", "weights", "students", "passing", "good", "missed_hours",
            "excused_hours", "lessons_held", "hours_held", "hours_planned", "hours_plan_ktp",
        ):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class TeacherResults:
    date_from: dt.date
    date_to: dt.date
    journals: list[JournalResult]
    total: JournalResult


def _journals(
    scope: QuerySet[Workload], teacher_id: int, start: dt.date, end: dt.date
) -> list[Workload]:
    return list(
        scope.filter(
            teacher_id=teacher_id,
            academic_year__date_from__lte=end,
            academic_year__date_to__gte=start,
        )
        .select_related("group", "item", "subgroup", "teacher__person", "academic_year")
        .order_by(
            "academic_year__date_from",
            "group__name",
            "item__position",
            "item__index",
            "subgroup__name",
            "pk",
        )
    )


def _planned_hours(journals: list[Workload], start: dt.date, end: dt.date) -> dict[int, int]:
    """The workload's hours of each semester the period touches (one query)."""
    touched: dict[int, set[int]] = defaultdict(set)
    for semester in Period.objects.semesters().filter(
        academic_year_id__in={journal.academic_year_id for journal in journals},
        date_from__lte=end,
        date_to__gte=start,
    ):
        touched[semester.academic_year_id].add(semester.number)
    return {
        journal.pk: (journal.hours_first if 1 in touched[journal.academic_year_id] else 0)
        + (journal.hours_second if 2 in touched[journal.academic_year_id] else 0)
        for journal in journals
    }


def teacher_results(
    scope: QuerySet[Workload],
    teacher_id: int,
    date_from: dt.date,
    date_to: dt.date,
    *,
    today: dt.date,
) -> TeacherResults:
    """The teacher's journals within `scope` (the journals the actor may read) in the period."""
    journals = _journals(scope, teacher_id, date_from, date_to)
    results = {journal.pk: JournalResult(journal) for journal in journals}
    total = JournalResult(Workload())
    if not journals:
        return TeacherResults(date_from, date_to, [], total)
    ids = list(results)
    planned = _planned_hours(journals, date_from, date_to)
    lessons = Lesson.objects.filter(workload_id__in=ids).between(date_from, date_to).held()
    marks = (
        Mark.objects.filter(lesson__in=lessons, value__in=GRADES)
        .values_list("lesson__workload_id", "student_id", "value")
        .annotate(count=Count("pk"), weight=Sum("work_kind__weight"))
        .order_by()
    )
    per_student: dict[tuple[int, int], list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 2)
    for workload_id, student_id, value, count, weight in marks:
        results[workload_id].counts[value] += count
        sums = per_student[(workload_id, student_id)]
        sums[0] += Decimal(NUMERIC_MARKS[value]) * Decimal(weight)
        sums[1] += Decimal(weight)
    for (workload_id, _student_id), (weighted, weights) in per_student.items():
        result = results[workload_id]
        result.weighted_sum += weighted
        result.weights += weights
        result.students += 1
        mark = proposed_mark((weighted / weights).quantize(CENT, rounding=ROUND_HALF_UP))
        result.passing += mark in ("5", "4", "3")
        result.good += mark in ("5", "4")
    absences = (
        Attendance.objects.filter(lesson__in=lessons, code__in=ABSENCE_CODES)
        .values_list("lesson__workload_id", "code")
        .annotate(hours=Sum("lesson__hours"))
        .order_by()
    )
    for workload_id, code, hours in absences:
        results[workload_id].missed_hours += hours
        if code in EXCUSED_CODES:
            results[workload_id].excused_hours += hours
    held = (
        lessons.filter(date__lte=today)
        .values_list("workload_id")
        .annotate(count=Count("pk"), hours=Sum("hours"))
        .order_by()
    )
    for workload_id, count, hours in held:
        results[workload_id].lessons_held = count
        results[workload_id].hours_held = hours
    ktp = (
        PlannedTopic.objects.filter(plan__workload_id__in=ids)
        .values_list("plan__workload_id")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    for workload_id, hours in ktp:
        results[workload_id].hours_plan_ktp = hours
    for result in results.values():
        result.hours_planned = planned[result.workload.pk]
        total.add(result)
    return TeacherResults(date_from, date_to, list(results.values()), total)


# --- The workbook and the printout ------------------------------------------------------------


def results_title(results: TeacherResults, teacher: str) -> str:
    return _("Итоги успеваемости по дисциплинам: %(teacher)s") % {"teacher": teacher}


def results_subtitle(results: TeacherResults) -> str:
    return _("с %(start)s по %(end)s") % {
        "start": results.date_from.strftime("%d.%m.%Y"),
        "end": results.date_to.strftime("%d.%m.%Y"),
    }


def results_file_name(results: TeacherResults, teacher: str, extension: str) -> str:
    return _("Итоги успеваемости %(teacher)s %(start)s-%(end)s.%(ext)s") % {
        "teacher": teacher,
        "start": results.date_from.strftime("%d.%m.%Y"),
        "end": results.date_to.strftime("%d.%m.%Y"),
        "ext": extension,
    }


def result_headers() -> list[str]:
    return [
        _("Группа"),
        _("Дисциплина"),
        "5",
        "4",
        "3",
        "2",
        _("Всего отметок"),
        _("Средний балл"),
        _("Обучающихся с отметками"),
        _("Успеваемость, %"),
        _("Качество, %"),
        _("Пропущено, ч"),
        _("из них по уваж. причине, ч"),
        _("Проведено занятий"),
        _("Проведено, ч"),
        _("По плану, ч"),
        _("По КТП, ч"),
    ]


def formulas() -> list[str]:
    return [
        _("Средний балл = Σ(отметка × вес вида работы) ÷ Σ весов, по отметкам 5–2 за период."),
        _(
            "Текущая отметка обучающегося — по его средневзвешенному баллу: от 4,5 — «5», "
            "от 3,5 — «4», от 2,5 — «3», ниже — «2»."
        ),
        _("Успеваемость = обучающиеся с текущей отметкой 3, 4, 5 ÷ обучающиеся с отметками."),
        _("Качество = обучающиеся с текущей отметкой 4 и 5 ÷ обучающиеся с отметками."),
        _(
            "По плану — часы нагрузки семестров, которых касается период; проведено — занятия "
            "периода по сегодняшний день, кроме отменённых."
        ),
    ]


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def result_cells(result: JournalResult, group: str, item: str) -> list[Any]:
    return [
        group,
        item,
        *(result.counts[grade] for grade in GRADES),
        result.marks,
        _number(result.average),
        result.students,
        _number(result.progress),
        _number(result.quality),
        result.missed_hours,
        result.excused_hours,
        result.lessons_held,
        result.hours_held,
        result.hours_planned,
        result.hours_plan_ktp,
    ]


def journal_label(workload: Workload) -> tuple[str, str]:
    group = workload.group.name
    if workload.subgroup is not None:
        group += f" ({workload.subgroup.name})"
    return group, f"{workload.item.index} {workload.item.name}"


def results_rows(results: TeacherResults) -> list[list[Any]]:
    return [result_cells(r, *journal_label(r.workload)) for r in results.journals]


def results_total(results: TeacherResults) -> list[Any]:
    return result_cells(results.total, _("Итого"), "")


def results_xlsx(results: TeacherResults, *, teacher: str) -> bytes:
    return xlsx_bytes(
        [
            Sheet(
                title=_("Итоги успеваемости"),
                header=result_headers(),
                rows=results_rows(results),
                caption=[results_title(results, teacher), results_subtitle(results)],
                totals=results_total(results),
                header_style="bold",
                fit_widths=True,
                frozen_columns=2,
            ),
            Sheet(
                title=_("Формулы"),
                header=[_("Как считается")],
                rows=[[line] for line in formulas()],
                widths=[120],
            ),
        ]
    )


def results_pdf(results: TeacherResults, *, teacher: str, organization: Any) -> bytes:
    title = results_title(results, teacher)
    return render_pdf(
        "reports/teacher_results_pdf.html",
        {
            "organization": organization,
            "title": title,
            "subtitle": results_subtitle(results),
            "headers": result_headers(),
            "rows": results_rows(results),
            "total": results_total(results),
            "formulas": formulas(),
            "teacher": teacher,
        },
        header=f"{organization.name} · {title} · {results_subtitle(results)}",
    )
