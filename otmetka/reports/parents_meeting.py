"""The curator's group report for a parents' meeting (Положение 4.5.8): the group's current
marks and attendance for a period of dates, one page per student or one table.

Per student and discipline: the marks of the period in date order and their weighted average
(as the journal computes it); per student: hours missed, of them for a good reason. Students
are those on the group's roll at any day of the period. Disciplines are the curriculum items
of the group's journals in the academic years the period touches (a subgroup's journal counts
for its item). Four queries: the roll, the items, the marks, the absences summed by student
and code in SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from otmetka.academics.models import Group, Membership, Workload
from otmetka.journal.averages import weighted_average
from otmetka.journal.models import (
    ABSENCE_CODES,
    EXCUSED_CODES,
    NUMERIC_MARKS,
    Attendance,
    Lesson,
    Mark,
)
from otmetka.lib.pdf import render_pdf
from otmetka.lib.tables import Sheet, xlsx_bytes


@dataclass(frozen=True)
class MeetingItem:
    id: int
    index: str
    name: str


@dataclass
class MeetingCell:
    marks: list[str] = field(default_factory=list)
    weighted: list[tuple[str, Decimal]] = field(default_factory=list)

    @property
    def average(self) -> Decimal | None:
        return weighted_average(self.weighted)

    @property
    def text(self) -> str:
        return " ".join(self.marks)


@dataclass
class MeetingRow:
    number: int
    student_id: int
    name: str
    cells: list[MeetingCell]
    missed_hours: int = 0
    excused_hours: int = 0

    @property
    def unexcused_hours(self) -> int:
        return self.missed_hours - self.excused_hours

    # Each discipline with the student's cell, for the page per student.
    pairs: list[tuple[MeetingItem, MeetingCell]] = field(default_factory=list)


@dataclass
class MeetingReport:
    group: Group
    date_from: dt.date
    date_to: dt.date
    items: list[MeetingItem]
    rows: list[MeetingRow]


def _roll(group: Group, start: dt.date, end: dt.date) -> list[tuple[int, str]]:
    seen: dict[int, str] = {}
    for student_id, last, first, middle in (
        Membership.objects.filter(group=group)
        .overlapping(start, end)
        .order_by("student__person__sort_key", "student_id")
        .values_list(
            "student_id",
            "student__person__last_name",
            "student__person__first_name",
            "student__person__middle_name",
        )
    ):
        seen.setdefault(student_id, " ".join(part for part in (last, first, middle) if part))
    return list(seen.items())


def parents_meeting_report(group: Group, date_from: dt.date, date_to: dt.date) -> MeetingReport:
    """The group's marks and absences in the period (four queries)."""
    roll = _roll(group, date_from, date_to)
    items: dict[int, MeetingItem] = {}
    for item_id, index, name in (
        Workload.objects.filter(
            group=group,
            academic_year__date_from__lte=date_to,
            academic_year__date_to__gte=date_from,
        )
        .order_by("item__position", "item__index", "item_id")
        .values_list("item_id", "item__index", "item__name")
    ):
        items.setdefault(item_id, MeetingItem(item_id, index, name))
    columns = {item_id: number for number, item_id in enumerate(items)}
    rows = {
        student_id: MeetingRow(number, student_id, name, [MeetingCell() for _item in items])
        for number, (student_id, name) in enumerate(roll, start=1)
    }
    lessons = {
        "lesson__workload__group": group,
        "lesson__date__gte": date_from,
        "lesson__date__lte": date_to,
    }
    marks = (
        Mark.objects.filter(**lessons)
        .exclude(lesson__status=Lesson.Status.CANCELLED)
        .order_by("lesson__date", "lesson__pair_number", "lesson_id", "slot")
        .values_list("student_id", "lesson__workload__item_id", "value", "work_kind__weight")
    )
    for student_id, item_id, value, weight in marks:
        row = rows.get(student_id)
        if row is None or item_id not in columns:
            continue
        cell = row.cells[columns[item_id]]
        cell.marks.append(str(NUMERIC_MARKS.get(value, value)))  # type: ignore[call-overload]
        cell.weighted.append((value, Decimal(weight)))
    absences = (
        Attendance.objects.filter(**lessons, code__in=ABSENCE_CODES)
        .exclude(lesson__status=Lesson.Status.CANCELLED)
        .values_list("student_id", "code")
        .annotate(hours=Sum("lesson__hours"))
        .order_by()
    )
    for student_id, code, hours in absences:
        row = rows.get(student_id)
        if row is None:
            continue
        row.missed_hours += hours
        if code in EXCUSED_CODES:
            row.excused_hours += hours
    columns_in_order = list(items.values())
    for row in rows.values():
        row.pairs = list(zip(columns_in_order, row.cells, strict=True))
    return MeetingReport(group, date_from, date_to, columns_in_order, list(rows.values()))


# --- The workbook and the printout ------------------------------------------------------------


def meeting_title(report: MeetingReport) -> str:
    return _("Успеваемость и посещаемость группы %(group)s") % {"group": report.group.name}


def meeting_subtitle(report: MeetingReport) -> str:
    return _("с %(start)s по %(end)s") % {
        "start": report.date_from.strftime("%d.%m.%Y"),
        "end": report.date_to.strftime("%d.%m.%Y"),
    }


def meeting_file_name(report: MeetingReport, extension: str) -> str:
    return _("Родительское собрание %(group)s %(start)s-%(end)s.%(ext)s") % {
        "group": report.group.name,
        "start": report.date_from.strftime("%d.%m.%Y"),
        "end": report.date_to.strftime("%d.%m.%Y"),
        "ext": extension,
    }


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def meeting_xlsx(report: MeetingReport) -> bytes:
    """Two sheets: averages (students × disciplines, numbers) with the hours missed, and every
    mark of the period (student, discipline, marks)."""
    caption = [meeting_title(report), meeting_subtitle(report)]
    return xlsx_bytes(
        [
            Sheet(
                title=_("Средние баллы"),
                header=[
                    "№",
                    _("Обучающийся"),
                    *(f"{item.index} {item.name}" for item in report.items),
                    _("Пропущено, ч"),
                    _("из них по уваж. причине, ч"),
                    _("без уваж. причины, ч"),
                ],
                rows=[
                    [
                        row.number,
                        row.name,
                        *(_number(cell.average) for cell in row.cells),
                        row.missed_hours,
                        row.excused_hours,
                        row.unexcused_hours,
                    ]
                    for row in report.rows
                ],
                caption=caption,
                header_style="bold",
                frozen_columns=2,
                widths=[5, 36],
            ),
            Sheet(
                title=_("Отметки"),
                header=[_("Обучающийся"), _("Дисциплина"), _("Отметки"), _("Средний балл")],
                rows=[
                    [row.name, f"{item.index} {item.name}", cell.text, _number(cell.average)]
                    for row in report.rows
                    for item, cell in row.pairs
                ],
                caption=caption,
                header_style="bold",
                fit_widths=True,
            ),
        ]
    )


def meeting_pdf(report: MeetingReport, *, organization: Any, per_student: bool) -> bytes:
    """One table (A4 landscape) or a page per student (A4 portrait) to hand out, each with the
    curator's signature line."""
    title = meeting_title(report)
    return render_pdf(
        "reports/parents_meeting_pdf.html",
        {
            "report": report,
            "organization": organization,
            "title": title,
            "subtitle": meeting_subtitle(report),
            "per_student": per_student,
            "curators": ", ".join(c.person.short_name for c in report.group.curators.all()),
        },
        header=f"{organization.name} · {title} · {meeting_subtitle(report)}",
    )
