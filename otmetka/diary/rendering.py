"""A lesson of the diary week as HTML, rendered in Python.

The week is the most visited page of the product (every student and parent, several times a
day): a template loop of ~25 tags per lesson costs more than the database does for the whole
page, so each lesson is put together here, as the journal grid renders its cells. Every value
from the database is escaped with `html.escape`; the labels are translated once per language
and process (`_labels`), not once per lesson.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from html import escape

from django.utils.dates import MONTHS_ALT, WEEKDAYS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from otmetka.diary.selectors import DiaryLesson


@cache
def _labels(language: str | None) -> dict[str, str]:
    """The page's fixed words in `language` (the active one when this is first called)."""
    return {
        "pair": _("%(n)s пара"),
        "room": _("каб. %(room)s"),
        "cancelled": _("Занятие отменено"),
        "moved": _("Перенос"),
        "from_pair": _("с %(n)s пары"),
        "from_room": _("из каб. %(room)s"),
        "extra": _("Дополнительная пара"),
        "replaced": _("Замена преподавателя"),
        "substitute": _("замена: вместо %(teacher)s"),
        "topic": _("Тема:"),
        "homework": _("Домашнее задание:"),
    }


@cache
def _calendar_words(language: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Weekday names (Monday first) and month names in the genitive («16 ноября»)."""
    weekdays = tuple(str(WEEKDAYS[number]) for number in range(7))
    months = tuple(str(MONTHS_ALT[number]) for number in range(1, 13))
    return weekdays, months


def day_heading(day: dt.date) -> str:
    """«Понедельник, 16 ноября», as the date filter "l, j E" writes it."""
    weekdays, months = _calendar_words(get_language())
    return f"{weekdays[day.weekday()]}, {day.day} {months[day.month - 1]}"


def day_lessons_html(items: list[DiaryLesson]) -> SafeString:
    return mark_safe("".join(lesson_html(item) for item in items))  # noqa: S308


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _hm(moment: dt.time | None) -> str:
    return moment.strftime("%H:%M") if moment is not None else ""


def _when(item: DiaryLesson, labels: dict[str, str]) -> str:
    parts = []
    if item.pair_number:
        parts.append(f"<b>{_e(labels['pair'] % {'n': item.pair_number})}</b>")
    if item.starts_at:
        parts.append(f"<span>{_hm(item.starts_at)}–{_hm(item.ends_at)}</span>")
    if item.room_number:
        parts.append(f"<span>{_e(labels['room'] % {'room': item.room_number})}</span>")
    return f'<p class="diary-when">{" ".join(parts)}</p>'


def _change(item: DiaryLesson, labels: dict[str, str]) -> str:
    reason = f": {_e(item.change_reason)}" if item.change_reason else ""
    if item.cancelled:
        return f'<p class="diary-change bad">{_e(labels["cancelled"])}{reason}</p>'
    if item.moved:
        where = [labels["moved"]]
        if item.pair_moved:
            where.append(labels["from_pair"] % {"n": item.original_pair})
        if item.room_moved:
            where.append(labels["from_room"] % {"room": item.original_room})
        return f'<p class="diary-change">{_e(" ".join(where))}{reason}</p>'
    if item.extra:
        return f'<p class="diary-change">{_e(labels["extra"])}{reason}</p>'
    if item.replaced and item.change_reason:
        return f'<p class="diary-change">{_e(labels["replaced"])}{reason}</p>'
    return ""


def _homework(item: DiaryLesson, labels: dict[str, str]) -> str:
    if not item.homework and not item.files:
        return ""
    text = "<br>".join(_e(line) for line in item.homework.replace("\r\n", "\n").split("\n"))
    files = ""
    if item.files:
        links = "".join(f'<li><a href="{_e(f.url)}">{_e(f.name)}</a></li>' for f in item.files)
        files = f'<ul class="diary-files">{links}</ul>'
    return (
        f'<div class="diary-homework"><span class="muted">{_e(labels["homework"])}</span> '
        f"{text}{files}</div>"
    )


def _results(item: DiaryLesson) -> str:
    rows = []
    for mark in item.marks:
        comment = f" — <q>{_e(mark.comment)}</q>" if mark.comment else ""
        rows.append(
            f'<li><span class="mark {mark.css}">{_e(mark.value)}</span> {_e(mark.kind)}'
            f"{comment}</li>"
        )
    if item.attendance:
        css = "warn" if item.late else ("good" if item.excused else "bad")
        rows.append(
            f'<li><span class="badge {css}">{_e(item.attendance)}</span> '
            f"{_e(item.attendance_label)}</li>"
        )
    return f'<ul class="diary-results">{"".join(rows)}</ul>' if rows else ""


def lesson_html(item: DiaryLesson) -> SafeString:
    """One `<li>` of a day's lessons: when and where, subject, teacher (and whom they replace),
    the timetable change, topic, homework with files, marks with kind and comment, attendance."""
    labels = _labels(get_language())
    substitute = ""
    if item.absent_teacher_genitive:
        text = labels["substitute"] % {"teacher": item.absent_teacher_genitive}
        substitute = f' <span class="badge warn">{_e(text)}</span>'
    topic = ""
    if item.topic:
        topic = f'<p><span class="muted">{_e(labels["topic"])}</span> {_e(item.topic)}</p>'
    cancelled = " diary-cancelled" if item.cancelled else ""
    html = (
        f'<li class="diary-lesson{cancelled}">{_when(item, labels)}'
        f'<h3 class="diary-subject">{_e(item.subject)}</h3>'
        f'<p class="diary-teacher">{_e(item.teacher_name)}{substitute}</p>'
        f"{_change(item, labels)}{topic}{_homework(item, labels)}{_results(item)}</li>"
    )
    return mark_safe(html)  # noqa: S308 (every value above is escaped)
