"""Charts of the diary drawn on the server as SVG geometry (no script, no inline style).

The templates turn these shapes into `<svg viewBox=…>` markup that scales to the phone's width;
colours come from CSS classes in the static stylesheet. Each chart has a table beside it with the
same numbers, for screen readers and for print.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.dates import MONTHS_3
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from otmetka.diary.selectors import MonthAttendance, SubjectMarks

# Drawn for a phone: the SVG scales to the column, at most 640 px wide (CSS); 12 px text in a
# 360-unit box stays readable on a 360 px screen.
WIDTH = 360


def _r(value: float) -> float:
    return round(value, 1)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str  # shown as the bar's tooltip (<title>)

    def __post_init__(self) -> None:
        for name in ("x", "y", "width", "height"):
            object.__setattr__(self, name, _r(getattr(self, name)))


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"  # SVG text-anchor: start, middle, end
    css: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "x", _r(self.x))
        object.__setattr__(self, "y", _r(self.y))


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float

    def __post_init__(self) -> None:
        for name in ("x1", "y1", "x2", "y2"):
            object.__setattr__(self, name, _r(getattr(self, name)))


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    grid: list[Line] = field(default_factory=list)


def _average_class(average: Decimal) -> str:
    if average >= Decimal("4.5"):
        return "chart-avg-5"
    if average >= Decimal("3.5"):
        return "chart-avg-4"
    if average >= Decimal("2.5"):
        return "chart-avg-3"
    return "chart-avg-2"


def averages_chart(subjects: list[SubjectMarks]) -> Chart | None:
    """Horizontal bars: the weighted average of each subject on a 0–5 scale (None without any
    average to draw)."""
    rated = [subject for subject in subjects if subject.average is not None]
    if not rated:
        return None
    label_width, right, top, row, bar = 84, 34, 20, 26, 16
    plot = WIDTH - label_width - right
    height = top + row * len(rated) + 6
    chart = Chart(width=WIDTH, height=height)
    for tick in range(0, 6):
        x = label_width + plot * tick / 5
        chart.grid.append(Line(x, top - 4, x, height - 4))
        chart.labels.append(Label(x, 14, str(tick), anchor="middle", css="chart-axis"))
    for number, subject in enumerate(rated):
        average = subject.average
        assert average is not None
        y = top + row * number + (row - bar) / 2
        shown = number_format(average, 2)
        chart.bars.append(
            Bar(
                x=label_width,
                y=y,
                width=round(plot * float(average) / 5, 1),
                height=bar,
                css=_average_class(average),
                title=_("%(subject)s: средний балл %(average)s")
                % {"subject": subject.title, "average": shown},
            )
        )
        chart.labels.append(
            Label(label_width - 6, y + bar - 4, subject.index, anchor="end", css="chart-label")
        )
        chart.labels.append(
            Label(
                label_width + plot * float(average) / 5 + 4,
                y + bar - 4,
                shown,
                css="chart-value",
            )
        )
    return chart


def _nice_ceiling(value: int) -> int:
    """The axis maximum: four equal steps of 1, 2, 3, 4 or 5 × 10ⁿ hours, at or above `value`
    (4, 8, 12, 16, 20, 40, 60, …)."""
    magnitude = 1
    while True:
        for step in (1, 2, 3, 4, 5):
            if value <= 4 * step * magnitude:
                return 4 * step * magnitude
        magnitude *= 10


def attendance_chart(months: list[MonthAttendance]) -> Chart | None:
    """Stacked columns per month: excused hours below, unexcused above (None when no hour was
    missed)."""
    if not any(month.missed for month in months):
        return None
    left, top, bottom, height = 30, 16, 24, 200
    plot_height = height - top - bottom
    plot_width = WIDTH - left - 8
    peak = _nice_ceiling(max((month.missed for month in months), default=0))
    chart = Chart(width=WIDTH, height=height)
    for tick in range(0, 5):
        value = peak * tick // 4
        y = top + plot_height - plot_height * tick / 4
        chart.grid.append(Line(left, y, WIDTH - 8, y))
        chart.labels.append(Label(left - 4, y + 4, str(value), anchor="end", css="chart-axis"))
    slot = plot_width / len(months)
    column = min(40.0, slot * 0.6)
    for number, month in enumerate(months):
        x = left + slot * number + (slot - column) / 2
        base = top + plot_height
        name = str(MONTHS_3[month.month.month])
        excused = plot_height * month.excused / peak
        unexcused = plot_height * month.unexcused / peak
        if month.excused:
            title = _("%(month)s: по уважительной причине %(hours)s ч") % {
                "month": name,
                "hours": month.excused,
            }
            chart.bars.append(Bar(x, base - excused, column, excused, "chart-excused", title))
        if month.unexcused:
            chart.bars.append(
                Bar(
                    x,
                    base - excused - unexcused,
                    column,
                    unexcused,
                    "chart-unexcused",
                    _("%(month)s: без уважительной причины %(hours)s ч")
                    % {"month": name, "hours": month.unexcused},
                )
            )
        if month.missed:
            chart.labels.append(
                Label(
                    x + column / 2,
                    base - excused - unexcused - 4,
                    str(month.missed),
                    anchor="middle",
                    css="chart-value",
                )
            )
        chart.labels.append(
            Label(x + column / 2, height - 10, name, anchor="middle", css="chart-axis")
        )
    return chart
