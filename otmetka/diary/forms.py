"""Forms of the diary: the letters to parents (group and period)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from otmetka.academics.models import Group
from otmetka.lib.forms import DateField

LETTER_DAYS = 14  # Положение 4.5: parents without the diary hear at least every two weeks
LETTER_MAX_DAYS = 366


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last two weeks, today included."""
    return today - dt.timedelta(days=LETTER_DAYS - 1), today


class LetterPeriodForm(forms.Form):
    """The period of the letters: by default the last two weeks."""

    date_from = DateField(label=_("С"))
    date_to = DateField(label=_("По"))
    only_offline = forms.BooleanField(
        label=_("Только обучающиеся, чьи родители не пользуются электронным дневником"),
        required=False,
    )

    def __init__(self, data: Any = None, *, today: dt.date, **kwargs: Any) -> None:
        date_from, date_to = default_period(today)
        if data is not None:
            data = data.copy()
            data.setdefault("date_from", date_from.isoformat())
            data.setdefault("date_to", date_to.isoformat())
        kwargs.setdefault("initial", {"date_from": date_from, "date_to": date_to})
        super().__init__(data, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to:
            if date_from > date_to:
                self.add_error("date_to", _("Дата окончания раньше даты начала."))
            elif (date_to - date_from).days + 1 > LETTER_MAX_DAYS:
                self.add_error(
                    "date_to",
                    _("Слишком длинный период: не больше %(days)s дней.")
                    % {"days": LETTER_MAX_DAYS},
                )
        return data


class LettersForm(LetterPeriodForm):
    """The group and the period of the letters."""

    group = forms.ModelChoiceField(
        label=_("Группа"), queryset=Group.objects.none(), empty_label=_("— выберите группу —")
    )
    field_order = ["group", "date_from", "date_to", "only_offline"]

    def __init__(
        self, data: Any = None, *, groups: QuerySet[Group], today: dt.date, **kwargs: Any
    ) -> None:
        super().__init__(data, today=today, **kwargs)
        group_field = self.fields["group"]
        assert isinstance(group_field, forms.ModelChoiceField)
        group_field.queryset = groups.filter(is_active=True).order_by("-intake_year", "name")
