"""The reports section's table of contents: each report once, with the rights that open it.

The index page (`reports:index`) lists the entries the active role may open; each report's
own view checks the same rights. Add a report here when you add its page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from otmetka.academics.permissions import GROUP_REPORT_RIGHTS


@dataclass(frozen=True)
class ReportEntry:
    section: Promise
    label: Promise
    url_name: str
    rights: tuple[str, ...]
    description: Promise


CONTINGENT = _("Контингент")
RESULTS = _("Успеваемость")

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
        GROUP_REPORT_RIGHTS,
        _("Итоговые отметки группы по всем дисциплинам за семестр, пропуски, средний балл."),
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
