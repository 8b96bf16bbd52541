"""Forms of the attestation sheet, the curator's week of attendance reasons and journal printing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from otmetka.journal.models import Attendance, AttendanceCode
from otmetka.journal.selectors import SheetRow
from otmetka.journal.services.attestation import allowed_values
from otmetka.journal.services.reasons import REASON_CODES
from otmetka.lib.forms import DateField, ModelMultipleChoiceField
from otmetka.org.models import Period
from otmetka.people.models import Employee


class AttestationMarksForm(forms.Form):
    """One select per student on the roll, with the value shown when the page was opened."""

    def __init__(self, *args: Any, rows: list[SheetRow], sheet_form: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        choices = [("", "—")] + [(value, value) for value in allowed_values(sheet_form)]
        for row in rows:
            student_id = row.student.pk
            self.fields[f"mark_{student_id}"] = forms.ChoiceField(
                label=row.student.person.full_name,
                choices=choices,
                required=False,
                initial=row.value,
            )
            self.fields[f"seen_{student_id}"] = forms.CharField(
                widget=forms.HiddenInput, required=False, initial=row.value
            )

    def bound_rows(self) -> list[tuple[SheetRow, forms.BoundField, forms.BoundField]]:
        return [
            (row, self[f"mark_{row.student.pk}"], self[f"seen_{row.student.pk}"])
            for row in self.rows
        ]

    def values(self) -> dict[int, tuple[str, str | None]]:
        """{student_id: (value, value seen when the page was opened)}."""
        return {
            row.student.pk: (
                self.cleaned_data.get(f"mark_{row.student.pk}") or "",
                self.cleaned_data.get(f"seen_{row.student.pk}") or "",
            )
            for row in self.rows
        }


class ExaminersField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.person.full_name)


class SheetDetailsForm(forms.Form):
    """The exam's date and the examiners, printed on the sheet."""

    exam_date = DateField(label=_("Дата проведения"), required=False)
    examiners = ExaminersField(
        label=_("Экзаменаторы"), queryset=Employee.objects.none(), required=False
    )

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["examiners"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = (
            Employee.objects.working()
            .filter(person__organization_id=organization_id)
            .select_related("person")
            .order_by("person__sort_key", "pk")
        )


class SheetReopenForm(forms.Form):
    reason = forms.CharField(label=_("Основание"), max_length=500)


class ReasonsWeekForm(forms.Form):
    """One select per absence of the week."""

    def __init__(self, *args: Any, rows: list[Attendance], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        labels = dict(AttendanceCode.choices)
        choices = [(str(code), f"{code} — {labels[code]}") for code in REASON_CODES]
        for row in rows:
            self.fields[f"code_{row.pk}"] = forms.ChoiceField(
                label=row.student.person.full_name, choices=choices, initial=row.code
            )

    def bound_rows(self) -> list[tuple[Attendance, forms.BoundField]]:
        return [(row, self[f"code_{row.pk}"]) for row in self.rows]

    def changes(self) -> dict[int, str]:
        return {
            row.pk: self.cleaned_data[f"code_{row.pk}"]
            for row in self.rows
            if self.cleaned_data[f"code_{row.pk}"] != row.code
        }


class PrintRequestForm(forms.Form):
    period = forms.ModelChoiceField(label=_("Семестр"), queryset=Period.objects.none())

    def __init__(self, *args: Any, periods: QuerySet[Period], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["period"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = periods
