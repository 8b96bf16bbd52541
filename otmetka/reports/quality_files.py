"""«Успеваемость и качество знаний» as the page, the workbook and the printout show it: the
same rows, the formulas in words, the charts' geometry (no query here)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from otmetka.lib.pdf import render_pdf
from otmetka.lib.tables import Sheet, xlsx_bytes
from otmetka.reports.quality import (
    BY_COLLEGE,
    BY_COURSE,
    BY_DEPARTMENT,
    BY_DISCIPLINE,
    BY_GROUP,
    BY_TEACHER,
    Bar,
    QualityLine,
    QualityReport,
)
from otmetka.reports.results import GRADES, decimal_text

FIGURES = ("success_percent", "quality_percent", "average", "sou")


def unit_header(by: str) -> str:
    return {
        BY_GROUP: _("Группа"),
        BY_COURSE: _("Курс"),
        BY_DEPARTMENT: _("Отделение"),
        BY_COLLEGE: _("Колледж"),
        BY_DISCIPLINE: _("Дисциплина"),
        BY_TEACHER: _("Преподаватель"),
    }.get(by, "")


def counts_results(by: str) -> bool:
    """By discipline and by teacher the unit is a student's result in one discipline."""
    return by in (BY_DISCIPLINE, BY_TEACHER)


def formulas(by: str) -> list[tuple[str, str]]:
    """Each figure with its formula in words, as the page and the printout state them."""
    who = _("результаты обучающихся") if counts_results(by) else _("обучающиеся")
    return [
        (
            _("Абсолютная успеваемость"),
            _("%(who)s без «2», «н/я» и «незачёт» ÷ все %(who)s × 100 %%") % {"who": who},
        ),
        (
            _("Качество знаний"),
            _("%(who)s только с «5» и «4» (и зачётами) ÷ все %(who)s × 100 %%") % {"who": who},
        ),
        (_("Средний балл"), _("сумма отметок «5»–«2» ÷ их число")),
        (
            _("СОУ (степень обученности)"),
            _(
                "(1,00·n5 + 0,64·n4 + 0,36·n3 + 0,16·n2 + 0,08·n1) ÷ N × 100 %, где n5…n2 — "
                "число итоговых отметок «5»…«2», N — их общее число; зачёты и «н/я» не входят, "
                "отметки «1» не ставятся (n1 = 0)"
            ),
        ),
    ]


def notes(report: QualityReport) -> list[str]:
    """What the figures are made of, in words (under the formulas and in the printout)."""
    lines = [
        _(
            "Итоговая отметка — отметка закрытой аттестационной ведомости; пока ведомость "
            "открыта, считается отметка, которую предлагает средневзвешенный балл "
            "(предварительный результат)."
        ),
        _(
            "Учитываются обучающиеся, состоящие в группе на конец периода; за учебный год — "
            "итоговые отметки обоих семестров."
        )
        if not counts_results(report.by)
        else _(
            "Учитывается каждый результат по дисциплине обучающегося, состоящего в группе на "
            "конец семестра; обучающийся с тремя дисциплинами даёт три результата."
        ),
    ]
    if report.previous_name:
        lines.append(
            _("Изменение — разность с предыдущим периодом (%(period)s), в процентных пунктах.")
            % {"period": report.previous_name}
        )
    else:
        lines.append(_("Предыдущего периода в системе нет: изменение не считается."))
    if report.preliminary:
        lines.append(_("Часть ведомостей не закрыта: результаты предварительные."))
    return lines


def change_text(value: Decimal | None, places: int = 1) -> str:
    """+2,5 / −1,0 / 0,0, or — when there is nothing to compare with."""
    if value is None:
        return "—"
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return sign + f"{abs(value):.{places}f}".replace(".", ",")


def figure_text(value: Decimal | None, places: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value:.{places}f}".replace(".", ",")


def headers(by: str) -> list[str]:
    count = _("Результатов") if counts_results(by) else _("Обучающихся")
    return [
        unit_header(by),
        count,
        _("Успевают"),
        _("Абс. успеваемость, %"),
        _("Изменение"),
        _("На «4» и «5»"),
        _("Качество, %"),
        _("Изменение"),
        _("Средний балл"),
        _("Изменение"),
        _("СОУ, %"),
        _("Изменение"),
        *(f"«{grade}»" for grade in GRADES),
    ]


def line_cells(line: QualityLine) -> list[Any]:
    """One line as the screen and the files show it (numbers stay numbers for the workbook)."""
    now = line.now
    label = line.label + (" *" if now.preliminary else "")
    return [
        label,
        now.students,
        now.successful,
        now.success_percent,
        line.change("success_percent"),
        now.good,
        now.quality_percent,
        line.change("quality_percent"),
        now.average,
        line.change("average"),
        now.sou,
        line.change("sou"),
        *(now.marks[grade] for grade in GRADES),
    ]


def line_texts(line: QualityLine) -> list[str]:
    cells = line_cells(line)
    texts: list[str] = [cells[0], str(cells[1]), str(cells[2])]
    texts += [figure_text(cells[3]), change_text(cells[4]), str(cells[5])]
    texts += [figure_text(cells[6]), change_text(cells[7])]
    texts += [decimal_text(cells[8]) or "—", change_text(cells[9], 2)]
    texts += [figure_text(cells[10]), change_text(cells[11])]
    texts += [str(n) for n in cells[12:]]
    return texts


def title(report: QualityReport) -> str:
    return _("Успеваемость и качество знаний: %(period)s") % {"period": report.period_name}


def subtitle(report: QualityReport, scope: str) -> str:
    parts = [dict(_by_names()).get(report.by, "")]
    if scope:
        parts.append(scope)
    if report.previous_name:
        parts.append(_("сравнение с периодом: %(period)s") % {"period": report.previous_name})
    return "; ".join(part for part in parts if part)


def _by_names() -> list[tuple[str, str]]:
    return [
        (BY_GROUP, _("по группам")),
        (BY_COURSE, _("по курсам")),
        (BY_DEPARTMENT, _("по отделениям")),
        (BY_COLLEGE, _("по колледжу в целом")),
        (BY_DISCIPLINE, _("по дисциплинам")),
        (BY_TEACHER, _("по преподавателям")),
    ]


def quality_xlsx(report: QualityReport, scope: str) -> bytes:
    caption = [title(report), subtitle(report, scope)]
    caption += [f"{label}: {text}" for label, text in formulas(report.by)]
    caption += notes(report)
    return xlsx_bytes(
        [
            Sheet(
                title=_("Успеваемость"),
                header=headers(report.by),
                rows=[line_cells(line) for line in report.lines],
                caption=caption,
                totals=line_cells(report.total),
                header_style="bold",
                fit_widths=True,
            )
        ]
    )


def quality_pdf(report: QualityReport, scope: str, *, organization: Any) -> bytes:
    return render_pdf(
        "reports/quality_pdf.html",
        {
            "report": report,
            "organization": organization,
            "title": title(report),
            "subtitle": subtitle(report, scope),
            "headers": headers(report.by),
            "rows": [line_texts(line) for line in report.lines],
            "total": line_texts(report.total),
            "formulas": formulas(report.by),
            "notes": notes(report),
            "charts": charts(report),
        },
        header=f"{organization.name} · {title(report)}",
    )


def file_name(report: QualityReport, kind: str) -> str:
    return f"{_('Успеваемость и качество')} {report.period_name}.{kind}".replace("/", "-")


# --- Charts -----------------------------------------------------------------------------------

CHART_WIDTH = 640
LABEL_WIDTH = 140
BAR_AREA = CHART_WIDTH - LABEL_WIDTH - 60
BAR_HEIGHT = 10
ROW_HEIGHT = 30
TOP = 24


@dataclass(frozen=True)
class ChartRow:
    """One group's two bars; coordinates in the SVG's user units."""

    label: str
    y: int
    success: str
    quality: str
    success_width: int
    quality_width: int

    @property
    def label_y(self) -> int:
        return self.y + BAR_HEIGHT + 2

    @property
    def quality_y(self) -> int:
        return self.y + BAR_HEIGHT + 2

    @property
    def success_text(self) -> tuple[int, int]:
        return LABEL_WIDTH + self.success_width + 4, self.y + BAR_HEIGHT - 1

    @property
    def quality_text(self) -> tuple[int, int]:
        return LABEL_WIDTH + self.quality_width + 4, self.quality_y + BAR_HEIGHT - 1


@dataclass(frozen=True)
class Chart:
    department: str
    height: int
    rows: list[ChartRow]


def _width(value: Decimal | None) -> int:
    if value is None:
        return 0
    return int(Decimal(BAR_AREA) * value / 100)


def charts(report: QualityReport) -> list[Chart]:
    """Per department, horizontal bars of its groups' успеваемость and качество (0–100 %)."""
    return [_chart(department, bars) for department, bars in report.charts]


def _chart(department: str, bars: list[Bar]) -> Chart:
    rows = [
        ChartRow(
            label=bar.label,
            y=TOP + n * ROW_HEIGHT,
            success=figure_text(bar.success),
            quality=figure_text(bar.quality),
            success_width=_width(bar.success),
            quality_width=_width(bar.quality),
        )
        for n, bar in enumerate(bars)
    ]
    return Chart(department=department, height=TOP + len(rows) * ROW_HEIGHT + 8, rows=rows)
