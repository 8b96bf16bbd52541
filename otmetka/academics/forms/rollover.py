"""The year rollover form: the next year's dates, proposed from the current year and editable."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from otmetka.academics.services.rollover import HolidaySpan, RolloverProposal, YearDates
from otmetka.lib.forms import DateInput

HOLIDAY_ROWS = 4


def _date(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput())


class RolloverForm(forms.Form):
    name = forms.CharField(label=_("Название учебного года"), max_length=20)
    date_from = _date(_("Начало учебного года"))
    date_to = _date(_("Окончание учебного года"))
    semester1_from = _date(_("1 семестр: начало"))
    semester1_to = _date(_("1 семестр: окончание"))
    semester2_from = _date(_("2 семестр: начало"))
    semester2_to = _date(_("2 семестр: окончание"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number in range(HOLIDAY_ROWS):
            self.fields[f"holiday{number}_name"] = forms.CharField(
                label=_("Каникулы: название"), max_length=100, required=False
            )
            self.fields[f"holiday{number}_from"] = _date(_("начало"), required=False)
            self.fields[f"holiday{number}_to"] = _date(_("окончание"), required=False)

    @staticmethod
    def initial_for(proposal: RolloverProposal) -> dict[str, Any]:
        dates = proposal.dates
        initial: dict[str, Any] = {
            "name": dates.name,
            "date_from": dates.date_from,
            "date_to": dates.date_to,
            "semester1_from": dates.semester1[0],
            "semester1_to": dates.semester1[1],
            "semester2_from": dates.semester2[0],
            "semester2_to": dates.semester2[1],
        }
        for number, holiday in enumerate(dates.holidays[:HOLIDAY_ROWS]):
            initial[f"holiday{number}_name"] = holiday.name
            initial[f"holiday{number}_from"] = holiday.date_from
            initial[f"holiday{number}_to"] = holiday.date_to
        return initial

    def holiday_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"holiday{n}_name"], self[f"holiday{n}_from"], self[f"holiday{n}_to"])
            for n in range(HOLIDAY_ROWS)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for number in range(HOLIDAY_ROWS):
            values = [data.get(f"holiday{number}_{part}") for part in ("name", "from", "to")]
            if any(values) and not (values[1] and values[2]):
                self.add_error(f"holiday{number}_from", _("Укажите начало и окончание каникул."))
        return data

    def year_dates(self) -> YearDates:
        data = self.cleaned_data
        holidays = tuple(
            HolidaySpan(
                data[f"holiday{n}_name"].strip() or str(_("Каникулы")),
                data[f"holiday{n}_from"],
                data[f"holiday{n}_to"],
            )
            for n in range(HOLIDAY_ROWS)
            if data.get(f"holiday{n}_from") and data.get(f"holiday{n}_to")
        )
        return YearDates(
            name=data["name"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            semester1=(data["semester1_from"], data["semester1_to"]),
            semester2=(data["semester2_from"], data["semester2_to"]),
            holidays=holidays,
        )
