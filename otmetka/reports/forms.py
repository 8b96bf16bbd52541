"""Filters of the report pages: a date or a period, a department, a letter, a year of intake."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from otmetka.lib.forms import DateField
from otmetka.org.models import Department


class _DepartmentForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Отделение"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("все отделения"),
    )

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Department.objects.filter(organization_id=organization_id)


class ContingentForm(_DepartmentForm):
    on = DateField(label=_("На дату"))


class MovementForm(_DepartmentForm):
    date_from = DateField(label=_("С"))
    date_to = DateField(label=_("По"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, dt.date) and isinstance(end, dt.date):
            if start > end:
                self.add_error("date_to", _("Конец периода раньше его начала."))
            elif (end - start).days > 366 * 5:
                self.add_error("date_to", _("Период не длиннее пяти лет."))
        return data


class BookForm(_DepartmentForm):
    letter = forms.CharField(label=_("Буква фамилии"), max_length=1, required=False)
    intake_year = forms.IntegerField(
        label=_("Год набора"), required=False, min_value=2000, max_value=2100
    )

    def clean_letter(self) -> str:
        letter = str(self.cleaned_data.get("letter") or "").strip().lower().replace("ё", "е")
        if letter and not letter.isalpha():
            raise forms.ValidationError(_("Введите одну букву."))
        return letter
