"""The demo college's academic calendar around the demo's `today`.

The usual year of a college: the 1st semester from 1 September to 28 December, winter holidays
to 11 January, the 2nd semester from 12 January to 30 June, summer holidays to 31 August. On
most days of the year the demo keeps it as it is.

In the summer holidays, and in the first two weeks of September, the usual calendar would give
a demo with no semester under way: an empty journal, an empty diary week, no pairs today. Those
who open the demo in July want to see the journal at work, so the edge of the summer nearest to
`today` moves, and only that edge:

- early in the summer the 2nd semester runs on to the Saturday of next week;
- late in the summer and in the first two weeks of September the 1st semester (and the new
  academic year) starts on the Monday two weeks before today's week, so that the journals
  already hold two weeks of lessons and marks.

Whichever moves the boundary less is taken. The winter holidays stay as they are: they are
short, and the journal of the semester just ended is full.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from otmetka.org.models import Period

# Full weeks of the 1st semester behind `today` before the usual calendar is kept.
LEAD_WEEKS = 2


@dataclass(frozen=True)
class DemoPeriod:
    kind: str
    number: int
    name: str
    date_from: dt.date
    date_to: dt.date


@dataclass(frozen=True)
class DemoYear:
    start: int  # the calendar year it starts in: 2026 for 2026/2027
    date_from: dt.date
    date_to: dt.date
    periods: tuple[DemoPeriod, ...]

    @property
    def name(self) -> str:
        return f"{self.start}/{self.start + 1}"


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True)
class DemoCalendar:
    """The academic years of the demo: the one holding `today` and the one before it."""

    today: dt.date
    current_year: int  # the start year of the academic year holding `today`
    first_day: dt.date  # of the current academic year: 1 September unless moved earlier
    second_semester_end: dt.date  # of the current academic year: 30 June unless moved later

    def year_start(self, start: int) -> dt.date:
        """The first day of the academic year starting in `start` (enrolment, rosters)."""
        return self.first_day if start == self.current_year else dt.date(start, 9, 1)

    def year(self, start: int) -> DemoYear:
        first = self.year_start(start)
        last = self.year_start(start + 1) - dt.timedelta(days=1)
        spring_end = self.second_semester_end if start == self.current_year else (
            dt.date(start + 1, 6, 30))
        autumn_end = dt.date(start, 12, 28)
        spring_start = dt.date(start + 1, 1, 12)
        periods = (
            DemoPeriod(Period.Kind.SEMESTER, 1, "1 семестр", first, autumn_end),
            DemoPeriod(Period.Kind.HOLIDAYS, 1, "Зимние каникулы",
                       autumn_end + dt.timedelta(days=1), spring_start - dt.timedelta(days=1)),
            DemoPeriod(Period.Kind.SEMESTER, 2, "2 семестр", spring_start, spring_end),
            DemoPeriod(Period.Kind.HOLIDAYS, 2, "Летние каникулы",
                       spring_end + dt.timedelta(days=1), last),
        )
        return DemoYear(start, first, last, periods)

    def years(self) -> list[DemoYear]:
        """The previous academic year and the current one, in date order."""
        return [self.year(self.current_year - 1), self.year(self.current_year)]

    @property
    def moved(self) -> bool:
        return (self.first_day != dt.date(self.current_year, 9, 1)
                or self.second_semester_end != dt.date(self.current_year + 1, 6, 30))

    def note(self) -> str:
        """What moved and why, for the one who loads the demo; "" when nothing moved."""
        if self.first_day != dt.date(self.current_year, 9, 1):
            return _("По обычному календарю %(today)s семестр ещё не идёт: в демонстрационных "
                     "колледжах 1 семестр начался %(day)s, чтобы в журналах уже были занятия и "
                     "отметки.") % {"today": date_format(self.today, "j E"),
                                    "day": date_format(self.first_day, "j E Y")}
        if self.second_semester_end != dt.date(self.current_year + 1, 6, 30):
            return _("По обычному календарю %(today)s летние каникулы: в демонстрационных "
                     "колледжах 2 семестр продлён до %(day)s, чтобы журналы, дневник и "
                     "«Сегодня» показывали идущий семестр.") % {
                         "today": date_format(self.today, "j E"),
                         "day": date_format(self.second_semester_end, "j E Y")}
        return ""


def demo_calendar(today: dt.date) -> DemoCalendar:
    """The demo's calendar for `today`: the usual one, or with the summer's nearest edge moved
    so that `today` falls in a semester under way (see the module's docstring)."""
    start = today.year if today >= dt.date(today.year, 9, 1) else today.year - 1
    usual = DemoCalendar(today, start, dt.date(start, 9, 1), dt.date(start + 1, 6, 30))
    lead = dt.timedelta(weeks=LEAD_WEEKS)
    if usual.first_day + lead <= today <= usual.second_semester_end:
        return usual
    # Between 1 July and the end of the second week of September.
    monday = _monday(today)
    early_start = monday - lead
    moves: list[tuple[int, int, DemoCalendar]] = [(
        (dt.date(today.year, 9, 1) - early_start).days, 0,
        DemoCalendar(today, today.year, early_start, dt.date(today.year + 1, 6, 30)),
    )]
    late_end = monday + dt.timedelta(days=12)  # the Saturday of next week
    if today < dt.date(today.year, 9, 1) and late_end < dt.date(today.year, 8, 31):
        moves.append((
            (late_end - dt.date(today.year, 6, 30)).days, 1,
            DemoCalendar(today, today.year - 1, dt.date(today.year - 1, 9, 1), late_end),
        ))
    # The earlier start needs a summer left before it: from 1 July to the day before.
    moves = [move for move in moves
             if move[1] == 1 or move[2].first_day > dt.date(today.year, 7, 1)]
    return min(moves, key=lambda move: (move[0], move[1]))[2]
