"""A journal's semester as a workbook: students × lessons, marks as numbers, absences as codes.

Built from the grid the page shows (`selectors.journal_grid`), so the file holds exactly the
lessons and the roll of the screen (a substitute's file: only their lessons). A lesson where
someone got two or three marks has a column per mark, so every mark stays a number a
spreadsheet can count. A cell without marks holds the attendance code (Н, Б, УП…); the second
sheet holds every code, lateness (ОП) with a mark included; the third explains them.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.utils.translation import gettext as _

from otmetka.journal.models import NUMERIC_MARKS, AttendanceCode
from otmetka.journal.selectors import Grid, GridCell, GridLesson
from otmetka.lib.tables import Sheet, xlsx_bytes


def _mark_value(value: str) -> int | str:
    """5/4/3/2 as numbers; зачёт and незачёт as their short words (зч, нз)."""
    number = NUMERIC_MARKS.get(value)  # type: ignore[call-overload]
    return number if number is not None else value


def _slots(grid: Grid) -> list[int]:
    """For each lesson, how many mark columns it needs: the most marks one student got."""
    return [
        max([1, *(len(row.cells[index].values) for row in grid.rows)])
        for index in range(len(grid.lessons))
    ]


def _lesson_headers(lessons: list[GridLesson]) -> list[str]:
    """«16.11», or «16.11, 3 пара» when the day has more than one lesson of the journal."""
    per_day = Counter(lesson.date for lesson in lessons)
    headers = []
    for lesson in lessons:
        day = lesson.date.strftime("%d.%m")
        if per_day[lesson.date] > 1 and lesson.pair_number is not None:
            day = _("%(date)s, %(pair)s пара") % {"date": day, "pair": lesson.pair_number}
        headers.append(day)
    return headers


def _mark_cells(cell: GridCell, slots: int) -> list[Any]:
    if not cell.on_roll:
        return [None] * slots
    if cell.absent or not cell.values:
        return [cell.code, *([None] * (slots - 1))]
    values: list[Any] = [_mark_value(value) for value in cell.values]
    return values + [None] * (slots - len(values))


def journal_title(grid: Grid) -> str:
    workload = grid.workload
    title = _("Журнал группы %(group)s: %(item)s %(name)s") % {
        "group": workload.group.name,
        "item": workload.item.index,
        "name": workload.item.name,
    }
    if workload.subgroup is not None:
        title += f" ({workload.subgroup.name})"
    return title


def journal_subtitle(grid: Grid) -> str:
    period = grid.period
    return _("Преподаватель: %(teacher)s. %(period)s %(year)s, %(start)s – %(end)s") % {
        "teacher": grid.workload.teacher.person.full_name,
        "period": period.name,
        "year": grid.workload.academic_year.name,
        "start": period.date_from.strftime("%d.%m.%Y"),
        "end": period.date_to.strftime("%d.%m.%Y"),
    }


def journal_marks_file_name(grid: Grid) -> str:
    workload = grid.workload
    return _("Отметки %(group)s %(item)s %(period)s.xlsx") % {
        "group": workload.group.name,
        "item": workload.item.index,
        "period": grid.period.name,
    }


def _name(grid: Grid, index: int) -> str:
    row = grid.rows[index]
    return row.name + (_(" (выбыл(а))") if row.left else "")


def journal_marks_xlsx(grid: Grid) -> bytes:
    """Three sheets: the marks, the attendance codes, and what the codes mean."""
    slots = _slots(grid)
    lesson_headers = _lesson_headers(grid.lessons)
    mark_headers: list[str] = []
    for header, count in zip(lesson_headers, slots, strict=True):
        mark_headers.append(header)
        mark_headers += [
            _("%(lesson)s, отметка %(slot)s") % {"lesson": header, "slot": slot}
            for slot in range(2, count + 1)
        ]
    mark_rows = []
    attendance_rows = []
    for number, row in enumerate(grid.rows, start=1):
        marks: list[Any] = []
        for cell, count in zip(row.cells, slots, strict=True):
            marks += _mark_cells(cell, count)
        average = float(row.average) if row.average is not None else None
        name = _name(grid, number - 1)
        mark_rows.append([number, name, *marks, row.marks_count, row.absence_hours, average])
        codes = [cell.code if cell.on_roll else None for cell in row.cells]
        attendance_rows.append([number, name, *codes, row.absence_hours])
    caption = [journal_title(grid), journal_subtitle(grid)]
    return xlsx_bytes(
        [
            Sheet(
                title=_("Отметки"),
                header=[
                    "№",
                    _("Обучающийся"),
                    *mark_headers,
                    _("Отметок"),
                    _("Пропущено, ч"),
                    _("Средний балл"),
                ],
                rows=mark_rows,
                caption=[
                    *caption,
                    _("Отметки — числами (зч — зачтено, нз — не зачтено), пропуски — кодами."),
                ],
                frozen_columns=2,
                default_width=9,
                widths=[5, 36],
            ),
            Sheet(
                title=_("Посещаемость"),
                header=["№", _("Обучающийся"), *lesson_headers, _("Пропущено, ч")],
                rows=attendance_rows,
                caption=caption,
                frozen_columns=2,
                default_width=9,
                widths=[5, 36],
            ),
            Sheet(
                title=_("Коды"),
                header=[_("Код"), _("Значение")],
                rows=[[code, str(label)] for code, label in AttendanceCode.choices],
                widths=[8, 40],
            ),
        ]
    )
