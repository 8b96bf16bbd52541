"""Обучающиеся в группе риска (Положение 2.2.7): per student and discipline, a forecast of the
semester mark and the plain reasons it is in danger.

The journal of a discipline is the group's Workload lines of one curriculum item in the
semester's academic year (every subgroup's journal together). Each rule is named and has its
threshold in `RiskRules`; a student is listed for a discipline when at least one rule holds,
with every rule that holds said in words: «средний 2,6; пропущено 14 ч из 40; нет 2
контрольных». The forecast is the mark the weighted average proposes, as the attestation
sheet proposes it (4,5 → «5», 3,5 → «4», 2,5 → «3», below → «2»).

Nine queries whatever the number of groups and students (nothing per group or student): the
groups, the roll on the day, the hours held per journal, the subgroup rolls, the marks counted
per student, item, value, weight and «recent or not», the unexcused hours per student and item,
the control works, the marks on them, the absences from them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Sum, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from otmetka.academics.models import Group, Membership, SubgroupMembership
from otmetka.journal.averages import proposed_mark, weighted_average
from otmetka.journal.models import (
    ABSENCE_CODES,
    Attendance,
    AttendanceCode,
    Lesson,
    LessonType,
    Mark,
)
from otmetka.org.models import Period
from otmetka.people.models import Student

# SGO's assignment type id of a control work (4, «Контрольная работа»): a lesson where such a
# mark was given is a control work for its whole roll, as is a lesson of the type «контрольная
# работа». «Тестирование» (14) is not: it is given one by one on ordinary lessons (a test mark
# for one student does not mean the whole group wrote a test).
CONTROL_SGO_TYPES = (4,)
# Absences not excused: «Н» (the reason is not set yet) and «НП».
UNEXCUSED_CODES = (str(AttendanceCode.ABSENT), str(AttendanceCode.UNEXCUSED))


@dataclass(frozen=True)
class RiskRules:
    """The rules' thresholds, in one place; the page explains them with these numbers."""

    # «Низкий средний»: the weighted average is below 3: it proposes «2», or a «3» that one
    # more bad mark turns into «2».
    low_average: Decimal = Decimal("3")
    # «Средний падает»: over the last `trend_days` days the average is at least `trend_drop`
    # below the one before them and below `trend_recent_below`, from `trend_min_marks` marks.
    trend_days: int = 28
    trend_drop: Decimal = Decimal("0.5")
    trend_recent_below: Decimal = Decimal("3")
    trend_min_marks: int = 2
    # «Пропуски»: unexcused hours from `absence_hours`, or `absence_share` of the hours held
    # once `absence_share_after_hours` are held (2 h of 2 on the first day is no pattern yet).
    absence_hours: int = 12
    absence_share: Decimal = Decimal("0.3")
    absence_share_after_hours: int = 8
    # «Нет контрольных»: control works the student was present at and has no mark for.
    missed_controls: int = 1
    # «Нет отметок»: not a single mark after `no_marks_after_hours` hours held.
    no_marks_after_hours: int = 8


RULES = RiskRules()


@dataclass(frozen=True)
class RuleText:
    name: str
    text: str


def rules_explained(rules: RiskRules = RULES) -> list[RuleText]:
    """The rules in words with their thresholds, for the page."""
    return [
        RuleText(
            _("Низкий средний балл"),
            _("взвешенный средний ниже %(value)s: прогноз «2» или «3» на грани «2».")
            % {"value": number_text(rules.low_average)},
        ),
        RuleText(
            _("Средний балл падает"),
            _(
                "за последние %(days)s дней средний ниже %(below)s и на %(drop)s и более "
                "ниже, чем до них (не меньше %(marks)s отметок за эти дни)."
            )
            % {
                "days": rules.trend_days,
                "below": number_text(rules.trend_recent_below),
                "drop": number_text(rules.trend_drop),
                "marks": rules.trend_min_marks,
            },
        ),
        RuleText(
            _("Пропуски"),
            _(
                "без уважительной причины («Н», «НП») пропущено %(hours)s ч и больше или, "
                "когда проведено от %(after)s ч, %(share)s %% проведённых часов и больше."
            )
            % {
                "hours": rules.absence_hours,
                "share": int(rules.absence_share * 100),
                "after": rules.absence_share_after_hours,
            },
        ),
        RuleText(
            _("Нет контрольных"),
            _(
                "нет отметки хотя бы за %(count)s контрольную работу (занятие вида «контрольная "
                "работа» или с отметками вида работы с кодом СГО %(codes)s), на которой "
                "обучающийся был."
            )
            % {
                "count": rules.missed_controls,
                "codes": ", ".join(str(code) for code in CONTROL_SGO_TYPES),
            },
        ),
        RuleText(
            _("Нет отметок"),
            _("ни одной отметки после %(hours)s ч проведённых занятий.")
            % {"hours": rules.no_marks_after_hours},
        ),
    ]


def number_text(value: Decimal | None) -> str:
    """2.60 → «2,6», 4.33 → «4,33», 3.00 → «3»."""
    if value is None:
        return ""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


@dataclass
class RiskLine:
    """One student's danger in one discipline."""

    group: Group
    student: Student
    item_id: int
    item_index: str
    item_name: str
    average: Decimal | None
    recent_average: Decimal | None
    earlier_average: Decimal | None
    unexcused_hours: int
    hours_held: int
    missed_controls: int
    rules: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def forecast(self) -> str:
        return proposed_mark(self.average)

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


LABEL_LOW = gettext_lazy("Низкий средний балл")
LABEL_TREND = gettext_lazy("Средний балл падает")
LABEL_ABSENCE = gettext_lazy("Пропуски")
LABEL_CONTROLS = gettext_lazy("Нет контрольных")
LABEL_NO_MARKS = gettext_lazy("Нет отметок")


def judge(line: RiskLine, rules: RiskRules = RULES) -> RiskLine:
    """Apply the rules to a line (no query): fills its rule names and reasons."""
    if line.average is not None and line.average < rules.low_average:
        line.rules.append(str(LABEL_LOW))
        line.reasons.append(_("средний %(value)s") % {"value": number_text(line.average)})
    recent, earlier = line.recent_average, line.earlier_average
    if (
        recent is not None
        and earlier is not None
        and earlier - recent >= rules.trend_drop
        and recent < rules.trend_recent_below
    ):
        line.rules.append(str(LABEL_TREND))
        line.reasons.append(
            _("за %(days)s дней средний %(recent)s, до них %(earlier)s")
            % {
                "days": rules.trend_days,
                "recent": number_text(recent),
                "earlier": number_text(earlier),
            }
        )
    hours, held = line.unexcused_hours, line.hours_held
    share_counts = held >= rules.absence_share_after_hours
    if hours and (
        hours >= rules.absence_hours
        or (share_counts and Decimal(hours) >= rules.absence_share * held)
    ):
        line.rules.append(str(LABEL_ABSENCE))
        line.reasons.append(_("пропущено %(hours)s ч из %(held)s") % {"hours": hours, "held": held})
    if line.missed_controls >= rules.missed_controls:
        line.rules.append(str(LABEL_CONTROLS))
        line.reasons.append(
            ngettext(
                "нет %(count)s контрольной",
                "нет %(count)s контрольных",
                line.missed_controls,
            )
            % {"count": line.missed_controls}
        )
    if line.average is None and held >= rules.no_marks_after_hours:
        line.rules.append(str(LABEL_NO_MARKS))
        line.reasons.append(_("нет отметок за %(held)s ч") % {"held": held})
    return line


@dataclass
class AtRiskReport:
    period: Period
    on: dt.date  # the day the roll is taken on and the lessons counted up to
    lines: list[RiskLine]

    @property
    def students(self) -> int:
        return len({line.student.pk for line in self.lines})

    def students_by_group(self) -> dict[int, int]:
        """Students at risk per group id."""
        seen: dict[int, set[int]] = {}
        for line in self.lines:
            seen.setdefault(line.group.pk, set()).add(line.student.pk)
        return {group_id: len(students) for group_id, students in seen.items()}


def reference_day(period: Period, today: dt.date) -> dt.date:
    """Today within the semester: its last day once it is over, its first before it begins."""
    return max(period.date_from, min(today, period.date_to))


Key = tuple[int, int, int]  # group id, item id, student id


def _weighted(rows: Iterable[tuple[str, Decimal, int]]) -> Decimal | None:
    return weighted_average(
        [(value, weight) for value, weight, count in rows for _n in range(count)]
    )


def at_risk(
    groups: QuerySet[Group], period: Period, *, today: dt.date, rules: RiskRules = RULES
) -> AtRiskReport:
    """The students of `groups` at risk in the semester `period`, by group, name, discipline."""
    on = reference_day(period, today)
    group_list = list(groups.select_related("department").order_by("name", "pk"))
    by_id = {group.pk: group for group in group_list}
    group_ids = list(by_id)
    if not group_ids:
        return AtRiskReport(period=period, on=on, lines=[])
    lessons = Lesson.objects.filter(
        workload__group_id__in=group_ids,
        workload__academic_year_id=period.academic_year_id,
        date__gte=period.date_from,
        date__lte=on,
    ).held()

    # 1. The roll on the day.
    roll: dict[int, list[Student]] = {}
    joined: dict[tuple[int, int], dt.date] = {}
    memberships = (
        Membership.objects.filter(group_id__in=group_ids)
        .filter(date_from__lte=on)
        .filter(Q(date_to__isnull=True) | Q(date_to__gte=on))
        .select_related("student__person")
        .order_by("student__person__sort_key", "student_id")
    )
    for membership in memberships:
        students = roll.setdefault(membership.group_id, [])
        if all(known.pk != membership.student_id for known in students):
            students.append(membership.student)
        joined[(membership.group_id, membership.student_id)] = membership.date_from

    # 2. Hours held per journal and day, with its item and subgroup.
    journals: dict[tuple[int, int], list[tuple[int | None, dt.date, int]]] = {}
    items: dict[int, tuple[str, str, int]] = {}
    for row in (
        lessons.values(
            "workload_id",
            "workload__group_id",
            "workload__item_id",
            "workload__item__index",
            "workload__item__name",
            "workload__item__position",
            "workload__subgroup_id",
            "date",
        )
        .annotate(hours=Sum("hours"))
        .order_by()
    ):
        item_id = row["workload__item_id"]
        items[item_id] = (
            row["workload__item__index"],
            row["workload__item__name"],
            row["workload__item__position"],
        )
        journals.setdefault((row["workload__group_id"], item_id), []).append(
            (row["workload__subgroup_id"], row["date"], row["hours"] or 0)
        )

    # 3. Who is in which subgroup (any day of the semester up to the day).
    in_subgroup: set[tuple[int, int]] = set(
        SubgroupMembership.objects.filter(subgroup__group_id__in=group_ids)
        .overlapping(period.date_from, on)
        .values_list("subgroup_id", "student_id")
    )

    # 4. Marks counted per student, item, value, weight and whether within the trend's days.
    cutoff = on - dt.timedelta(days=rules.trend_days)
    marks: dict[Key, list[tuple[str, Decimal, int, bool]]] = {}
    for row in (
        Mark.objects.filter(lesson__in=lessons)
        .annotate(
            recent=Case(
                When(lesson__date__gt=cutoff, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .values(
            "lesson__workload__group_id",
            "lesson__workload__item_id",
            "student_id",
            "value",
            "work_kind__weight",
            "recent",
        )
        .annotate(n=Count("id"))
        .order_by()
    ):
        key = (
            row["lesson__workload__group_id"],
            row["lesson__workload__item_id"],
            row["student_id"],
        )
        marks.setdefault(key, []).append(
            (row["value"], row["work_kind__weight"], row["n"], bool(row["recent"]))
        )

    # 5. Unexcused hours per student and item.
    unexcused: dict[Key, int] = {
        (row["lesson__workload__group_id"], row["lesson__workload__item_id"], row["student_id"]): (
            row["hours"] or 0
        )
        for row in Attendance.objects.filter(lesson__in=lessons, code__in=UNEXCUSED_CODES)
        .values("lesson__workload__group_id", "lesson__workload__item_id", "student_id")
        .annotate(hours=Sum("lesson__hours"))
        .order_by()
    }

    # 6–8. Control works, the students marked on them, the students absent from them.
    controls = list(
        lessons.filter(
            Q(lesson_type=LessonType.CONTROL)
            | Q(marks__work_kind__sgo_type_id__in=CONTROL_SGO_TYPES)
        )
        .values_list(
            "pk", "date", "workload__group_id", "workload__item_id", "workload__subgroup_id"
        )
        .distinct()
        .order_by()
    )
    missed: dict[Key, int] = {}
    if controls:
        control_ids = [control[0] for control in controls]
        marked = set(
            Mark.objects.filter(lesson_id__in=control_ids)
            .values_list("lesson_id", "student_id")
            .distinct()
            .order_by()
        )
        absent = set(
            Attendance.objects.filter(
                lesson_id__in=control_ids, code__in=[str(code) for code in ABSENCE_CODES]
            )
            .values_list("lesson_id", "student_id")
            .order_by()
        )
        for lesson_id, day, group_id, item_id, subgroup_id in controls:
            for student in roll.get(group_id, []):
                if subgroup_id is not None and (subgroup_id, student.pk) not in in_subgroup:
                    continue
                if joined.get((group_id, student.pk), day) > day:
                    continue  # came to the group after the work
                if (lesson_id, student.pk) in marked or (lesson_id, student.pk) in absent:
                    continue
                key = (group_id, item_id, student.pk)
                missed[key] = missed.get(key, 0) + 1

    lines: list[RiskLine] = []
    for group in group_list:
        group_items = sorted(
            {item_id for group_id, item_id in journals if group_id == group.pk},
            key=lambda item_id: (items[item_id][2], items[item_id][0], item_id),
        )
        for student in roll.get(group.pk, []):
            for item_id in group_items:
                key = (group.pk, item_id, student.pk)
                since = joined.get((group.pk, student.pk), period.date_from)
                held = sum(
                    hours
                    for subgroup_id, day, hours in journals[(group.pk, item_id)]
                    if day >= since
                    and (subgroup_id is None or (subgroup_id, student.pk) in in_subgroup)
                )
                counted = marks.get(key, [])
                recent = [(v, w, n) for v, w, n, is_recent in counted if is_recent]
                earlier = [(v, w, n) for v, w, n, is_recent in counted if not is_recent]
                recent_average = (
                    _weighted(recent) if _numeric_count(recent) >= rules.trend_min_marks else None
                )
                line = judge(
                    RiskLine(
                        group=group,
                        student=student,
                        item_id=item_id,
                        item_index=items[item_id][0],
                        item_name=items[item_id][1],
                        average=_weighted([(v, w, n) for v, w, n, _r in counted]),
                        recent_average=recent_average,
                        earlier_average=_weighted(earlier),
                        unexcused_hours=unexcused.get(key, 0),
                        hours_held=held,
                        missed_controls=missed.get(key, 0),
                    ),
                    rules,
                )
                if line.reasons:
                    lines.append(line)
    return AtRiskReport(period=period, on=on, lines=lines)


def _numeric_count(rows: list[tuple[str, Decimal, int]]) -> int:
    return sum(count for value, _weight, count in rows if value in {"5", "4", "3", "2"})
