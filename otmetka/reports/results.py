"""Students' results per curriculum item for a semester: the one definition every results
report uses (the сводная ведомость, успеваемость и качество).

A student's result in an item with attestation that semester is the closed attestation
sheet's mark; until the sheet is closed it is the mark the current weighted average of the
semester's marks proposes, as the sheet proposes it, and is marked as not final. The roster is
the groups' dated memberships over the semester; a student who left before its end is shown
but not counted.

Five queries for any number of groups: the curriculum hours with their items, the sheets, the
memberships with students, the closed sheets' marks, the weighted sums of the marks per group,
item and student (`journal.averages.weighted_sums`). Nothing per group, per student or per
cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from otmetka.academics.models import AttestationForm, CurriculumHours, Group, Membership
from otmetka.journal.averages import average_of, weighted_sums
from otmetka.journal.models import AttestationMark, AttestationSheet, Retake
from otmetka.journal.selectors import groups_semester_marks
from otmetka.journal.services.attestation import (
    FAILED,
    NO_SHOW,
    NOT_ADMITTED,
    PASSED,
    proposal_for,
)
from otmetka.org.models import Period
from otmetka.people.models import Student

GRADES = ("5", "4", "3", "2")


def form_abbreviation(form: str) -> str:
    """The form as the header of a column shows it: экз., дз, з."""
    names: dict[str, str] = {
        AttestationForm.EXAM: _("экз."),
        AttestationForm.DIFF_CREDIT: _("дз"),
        AttestationForm.CREDIT: _("з"),
        AttestationForm.QUALIFICATION_EXAM: _("кв. экз."),
        AttestationForm.OTHER: _("др."),
    }
    return names.get(form, form)


@dataclass(frozen=True)
class SummaryColumn:
    item_id: int
    index: str
    name: str
    form: str
    form_short: str
    closed: bool
    # The semester the column belongs to, in the year's ведомость («1 сем.»); empty otherwise.
    term: str = ""


@dataclass(frozen=True)
class SummaryCell:
    """One student's result in one item. `mark` is what counts: the sheet's value when the
    sheet is closed, the mark the average proposes while it is open."""

    mark: str
    final: bool
    average: Decimal | None = None
    # The attestation mark a retake replaced in the results (the mark itself stays on the
    # sheet): shown before the retake's result, «2→4».
    original: str = ""

    @property
    def text(self) -> str:
        if not self.final:
            return decimal_text(self.average)
        if self.original:
            return f"{_mark_text(self.original)}→{_mark_text(self.mark)}"
        return _mark_text(self.mark)

    @property
    def number(self) -> int | Decimal | None:
        """The cell as a number for a workbook (a mark, or the average), else None."""
        if not self.final:
            return self.average
        if self.original:
            return None  # «2→4» stays text, so the original mark is seen in the workbook too
        return int(self.mark) if self.mark in GRADES else None


def _mark_text(mark: str) -> str:
    return {PASSED: _("зач."), FAILED: _("незач.")}.get(mark, mark)


def decimal_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def mean(total: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def percent(part: int | Decimal, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * Decimal(part) / Decimal(whole)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def mark_counts(cells: Iterable[SummaryCell | None]) -> dict[str, int]:
    """How many results of each kind: 5, 4, 3, 2, н/я (not_attested), незачёт, зачёт."""
    counted = [cell.mark for cell in cells if cell is not None]
    counts = {grade: counted.count(grade) for grade in GRADES}
    counts["not_attested"] = counted.count(NO_SHOW) + counted.count(NOT_ADMITTED)
    counts["failed"] = counted.count(FAILED)
    counts["passed"] = counted.count(PASSED)
    return counts


def is_successful(counts: dict[str, int]) -> bool:
    """Успевает: without 2, н/а or незачёт."""
    return not (counts["2"] or counts["not_attested"] or counts["failed"])


def is_good(counts: dict[str, int]) -> bool:
    """Учится на «4» и «5»: only 5 and 4 (and зачёт) among the results, and at least one 5 or 4."""
    return is_successful(counts) and not counts["3"] and counts["5"] + counts["4"] > 0


Roster = list[tuple[Student, dt.date | None, dt.date | None]]


@dataclass
class GroupResults:
    """A group's columns, roster and each student's cells (in column order) for a semester."""

    group: Group
    period: Period
    semester: int
    columns: list[SummaryColumn]
    roster: Roster
    cells: dict[int, list[SummaryCell | None]] = field(default_factory=dict)


def roster_spans(memberships: Iterable[Membership], date_from: dt.date, date_to: dt.date) -> Roster:
    """Students of a group's memberships overlapping date_from..date_to, in the memberships'
    order, with the day they came after its start and the day they left before its end (None:
    there the whole time); several memberships of one student are one span."""
    spans: dict[int, tuple[Student, dt.date, dt.date | None]] = {}
    for membership in memberships:
        known = spans.get(membership.student_id)
        if known is None:
            spans[membership.student_id] = (
                membership.student,
                membership.date_from,
                membership.date_to,
            )
            continue
        student, start, end = known
        later = None if end is None or membership.date_to is None else max(end, membership.date_to)
        spans[membership.student_id] = (student, min(start, membership.date_from), later)
    return [
        (
            student,
            start if start > date_from else None,
            end if end is not None and end < date_to else None,
        )
        for student, start, end in spans.values()
    ]


def semester_results(
    groups: Sequence[Group], period: Period, *, with_persons: bool = True
) -> dict[int, GroupResults]:
    """Every group's results for the semester `period` (its academic year loaded), by group id.

    Five queries whatever the number of groups (none when there are none). `with_persons`
    loads the students' names and sorts the roster by surname; without it the roster is in
    id order (a report that only counts needs no names).
    """
    if not groups:
        return {}
    year = period.academic_year
    semester_of = {group.pk: group.semester_of(period.number, year) for group in groups}
    wanted = {(group.curriculum_id, semester_of[group.pk]) for group in groups}
    hours_by_curriculum: dict[tuple[int, int], list[CurriculumHours]] = {}
    for line in (
        CurriculumHours.objects.filter(
            item__curriculum_id__in={curriculum for curriculum, _s in wanted},
            semester__in={semester for _c, semester in wanted},
        )
        .exclude(attestation_form="")
        .select_related("item")
        .order_by("item__position", "item__index")
    ):
        taught = (line.item.curriculum_id, line.semester)
        if taught in wanted:
            hours_by_curriculum.setdefault(taught, []).append(line)
    sheets = {
        (sheet.group_id, sheet.item_id): sheet
        for sheet in AttestationSheet.objects.filter(group_id__in=semester_of, period_id=period.pk)
    }
    closed = AttestationSheet.Status.CLOSED
    results: dict[int, GroupResults] = {}
    for group in groups:
        columns = []
        for line in hours_by_curriculum.get((group.curriculum_id, semester_of[group.pk]), []):
            sheet = sheets.get((group.pk, line.item_id))
            form = sheet.form if sheet is not None else line.attestation_form
            columns.append(
                SummaryColumn(
                    item_id=line.item_id,
                    index=line.item.index,
                    name=line.item.name,
                    form=form,
                    form_short=form_abbreviation(form),
                    closed=sheet is not None and sheet.status == closed,
                )
            )
        results[group.pk] = GroupResults(group, period, semester_of[group.pk], columns, [])
    memberships = Membership.objects.filter(group_id__in=semester_of).overlapping(
        period.date_from, period.date_to
    )
    if with_persons:
        memberships = memberships.select_related("student__person").order_by(
            "group_id", "student__person__sort_key", "student_id", "date_from"
        )
    else:
        memberships = memberships.select_related("student").order_by(
            "group_id", "student_id", "date_from"
        )
    by_group: dict[int, list[Membership]] = {}
    for membership in memberships:
        by_group.setdefault(membership.group_id, []).append(membership)
    for group_id, rows in by_group.items():
        results[group_id].roster = roster_spans(rows, period.date_from, period.date_to)
    on_roster = {
        (group_id, student.pk)
        for group_id, result in results.items()
        for student, _start, _end in result.roster
    }
    closed_sheets = {sheet.pk: key for key, sheet in sheets.items() if sheet.status == closed}
    final: dict[tuple[int, int, int], tuple[str, str]] = {}
    if closed_sheets:
        # The latest retake with a result, if any, counts instead of the attestation mark.
        retaken = Subquery(
            Retake.objects.filter(debt_id=OuterRef("pk"))
            .exclude(value="")
            .order_by("-attempt")
            .values("value")[:1]
        )
        for sheet_id, student_id, value, retake in (
            AttestationMark.objects.filter(sheet_id__in=list(closed_sheets))
            .annotate(retake=retaken)
            .values_list("sheet_id", "student_id", "value", "retake")
        ):
            group_id, item_id = closed_sheets[sheet_id]
            if value and (group_id, student_id) in on_roster:
                final[(group_id, item_id, student_id)] = (retake, value) if retake else (value, "")
    open_items = {
        (group_id, column.item_id)
        for group_id, result in results.items()
        for column in result.columns
        if not column.closed
    }
    averages: dict[tuple[int, int, int], Decimal] = {}
    if open_items and on_roster:
        # Σ(mark × weight) and Σ weight per group, item and student, summed by the database.
        summed = (
            groups_semester_marks(
                group_ids=list(semester_of),
                item_ids={item for _g, item in open_items},
                period=period,
            )
            .values("lesson__workload__group_id", "lesson__workload__item_id", "student_id")
            .annotate(**weighted_sums())
        )
        sums = summed.values_list(  # type: ignore[misc]  # the stubs miss **kwargs
            "lesson__workload__group_id",
            "lesson__workload__item_id",
            "student_id",
            "total",
            "weights",
        )
        for group_id, item_id, student_id, total, weights in sums:
            if (group_id, item_id) not in open_items or (group_id, student_id) not in on_roster:
                continue
            average = average_of(total or 0, weights)
            if average is not None:
                averages[(group_id, item_id, student_id)] = average
    for group_id, result in results.items():
        for student, _start, _end in result.roster:
            cells: list[SummaryCell | None] = []
            for column in result.columns:
                key = (group_id, column.item_id, student.pk)
                if column.closed:
                    found = final.get(key)
                    cells.append(
                        SummaryCell(mark=found[0], final=True, original=found[1]) if found else None
                    )
                    continue
                average = averages.get(key)
                cells.append(
                    SummaryCell(
                        mark=proposal_for(column.form, average), final=False, average=average
                    )
                    if average is not None
                    else None
                )
            result.cells[student.pk] = cells
    return results
