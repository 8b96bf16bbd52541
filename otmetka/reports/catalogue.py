"""The reports section's table of contents: each report once, with the rights that open it.

The index page (`reports:index`) lists the entries the active role may open; each report's
own view checks the same rights. Add a report here when you add its page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from otmetka.academics.permissions import GROUP_REPORT_RIGHTS
from otmetka.reports.permissions import SUMMARY_OPEN_RIGHTS
from otmetka.schedule.services.hours import HOURS_ALL_RIGHTS, HOURS_OWN_RIGHT


@dataclass(frozen=True)
class ReportEntry:
    section: Promise
    label: Promise
    url_name: str
    rights: tuple[str, ...]
    description: Promise


CONTINGENT = _("Контингент")
RESULTS = _("Успеваемость")
ATTENDANCE = _("Посещаемость")
TEACHING = _("Преподавание")
CERTIFICATES = _("Справки")

CATALOGUE: tuple[ReportEntry, ...] = (
    ReportEntry(
        CONTINGENT,
        _("Контингент на дату"),
        "reports:contingent",
        ("reports.all", "movement.view"),
        _("Численность по группам, формам обучения и источникам финансирования."),
    ),
    ReportEntry(
        CONTINGENT,
        _("Движение за период"),
        "reports:movement",
        ("reports.all", "movement.view"),
        _("Прибытие, выбытие и переводы по приказам."),
    ),
    ReportEntry(
        CONTINGENT,
        _("Алфавитная книга"),
        "reports:alphabetical",
        ("reports.all", "movement.view"),
        _("Книга записи обучающихся в алфавитном порядке."),
    ),
    ReportEntry(
        RESULTS,
        _("Сводная ведомость успеваемости"),
        "reports:group_summary_choose",
        SUMMARY_OPEN_RIGHTS,
        _("Итоговые отметки группы по всем дисциплинам за семестр, пропуски, средний балл."),
    ),
    ReportEntry(
        RESULTS,
        _("Успеваемость и качество знаний"),
        "reports:quality",
        GROUP_REPORT_RIGHTS,
        _(
            "Абсолютная успеваемость, качество, средний балл и СОУ по группам, курсам, "
            "отделениям, дисциплинам и преподавателям, с изменением к прошлому периоду."
        ),
    ),
    ReportEntry(
        RESULTS,
        _("Отчёт группы к родительскому собранию"),
        "reports:parents_meeting_choose",
        GROUP_REPORT_RIGHTS,
        _(
            "Текущие отметки и пропуски группы за период: одной таблицей или страница на "
            "каждого обучающегося, для печати."
        ),
    ),
    ReportEntry(
        RESULTS,
        _("Академические задолженности"),
        "reports:debts",
        GROUP_REPORT_RIGHTS,
        _("Обучающиеся с «2», «н/а» и «незачёт» по группам и отделениям; пересдачи."),
    ),
    ReportEntry(
        RESULTS,
        _("Обучающиеся в группе риска"),
        "reports:at_risk",
        GROUP_REPORT_RIGHTS,
        _(
            "Прогноз семестровой отметки по каждой дисциплине: низкий или падающий средний "
            "балл, пропуски, несданные контрольные — с причиной словами."
        ),
    ),
    ReportEntry(
        ATTENDANCE,
        _("Посещаемость группы за месяц"),
        "reports:attendance_group_choose",
        GROUP_REPORT_RIGHTS,
        _(
            "Пропущенные часы каждого обучающегося: по болезни, по уважительной причине, "
            "без уважительной причины."
        ),
    ),
    ReportEntry(
        ATTENDANCE,
        _("Ведомость пропусков"),
        "reports:attendance_sheet_choose",
        GROUP_REPORT_RIGHTS,
        _("Обучающиеся по дням месяца: часы пропусков и их причины, для печати."),
    ),
    ReportEntry(
        ATTENDANCE,
        _("Пропуски сверх порога"),
        "reports:attendance_over",
        GROUP_REPORT_RIGHTS,
        _(
            "Обучающиеся, пропустившие без уважительной причины больше часов, чем порог "
            "колледжа, за месяц или период."
        ),
    ),
    ReportEntry(
        ATTENDANCE,
        _("Посещаемость по группам и отделениям"),
        "reports:attendance",
        GROUP_REPORT_RIGHTS,
        _("Итоги по каждой группе, отделению и колледжу за месяц или период."),
    ),
    ReportEntry(
        TEACHING,
        _("Итоги успеваемости по дисциплинам"),
        "reports:teacher_results",
        ("reports.own", "reports.all"),
        _(
            "Журналы преподавателя за период: отметки 5–2, средний балл, успеваемость, "
            "качество, пропуски, проведено часов против плана."
        ),
    ),
    ReportEntry(
        TEACHING,
        _("Реестр замещений"),
        "reports:substitutions",
        (*HOURS_ALL_RIGHTS, HOURS_OWN_RIGHT),
        _(
            "Кто кого замещал, в какой группе и по какой дисциплине, часы и причина; XLSX для "
            "расчёта оплаты."
        ),
    ),
    ReportEntry(
        CERTIFICATES,
        _("Журнал регистрации выданных справок"),
        "certificates:register",
        ("certificates.issue",),
        _("Справки с места учёбы и об обучении: номер, дата, обучающийся, куда выдана, кто выдал."),
    ),
)


def all_report_rights() -> tuple[str, ...]:
    """Every right that opens at least one report (the menu item's rights)."""
    seen: dict[str, None] = {}
    for entry in CATALOGUE:
        seen.update(dict.fromkeys(entry.rights))
    return tuple(seen)


def entries_for(rights: frozenset[str] | set[str]) -> list[tuple[Promise, list[ReportEntry]]]:
    """The entries a holder of `rights` may open, grouped by section in catalogue order."""
    sections: dict[str, tuple[Promise, list[ReportEntry]]] = {}
    for entry in CATALOGUE:
        if rights.intersection(entry.rights):
            key = str(entry.section)
            sections.setdefault(key, (entry.section, []))[1].append(entry)
    return list(sections.values())
