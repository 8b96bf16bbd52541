"""Filters of the report pages: a date or a period, a department, a letter, a year of intake."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from otmetka.academics.models import Group
from otmetka.lib.forms import DateField
from otmetka.org.models import Department, Period


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


class _PeriodChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} {obj.academic_year.name}"


class SummaryPeriodForm(forms.Form):
    """The semester of a group report: any semester of the organization's academic years."""

    period = _PeriodChoice(
        label=_("Семестр"), queryset=Period.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["period"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Period.objects.semesters()
            .filter(academic_year__organization_id=organization_id)
            .select_related("academic_year")
            .order_by("-date_from")
        )


class GroupSummaryForm(SummaryPeriodForm):
    """The semester and the group of the сводная ведомость; groups within the actor's scope."""

    group = forms.ModelChoiceField(label=_("Группа"), queryset=Group.objects.none())

    def __init__(self, *args: Any, groups: QuerySet[Group], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["group"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = groups.order_by("name")


class MonthInput(forms.TextInput):
    """The browser's month picker, ISO «2026-11»."""

    input_type = "month"


class MonthField(forms.CharField):
    """A month as «ГГГГ-ММ»; cleaned to (year, month)."""

    widget = MonthInput

    def clean(self, value: Any) -> tuple[int, int] | None:
        text = str(super().clean(value) or "").strip()
        if not text:
            return None
        parts = text.split("-")
        if len(parts) != 2 or not all(part.isdigit() for part in parts):
            raise forms.ValidationError(_("Укажите месяц в виде ГГГГ-ММ, например 2026-11."))
        year, month = int(parts[0]), int(parts[1])
        if not 1 <= month <= 12 or not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Укажите месяц между 2000 и 2100 годами."))
        return year, month


ATTENDANCE_MAX_DAYS = 366


class AttendanceFilterForm(_DepartmentForm):
    """The period of an attendance report (a month, or any dates, which then win), and where
    they make sense the department, the course and the group."""

    month = MonthField(label=_("Месяц"), required=False)
    date_from = DateField(label=_("или с"), required=False)
    date_to = DateField(label=_("по"), required=False)
    course = forms.TypedChoiceField(
        label=_("Курс"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("все курсы")), *((n, str(n)) for n in range(1, 7))],
    )
    group = forms.ModelChoiceField(
        label=_("Группа"), queryset=Group.objects.none(), required=False,
        empty_label=_("все группы"),
    )

    def __init__(
        self, *args: Any, groups: QuerySet[Group], with_scope: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["group"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = groups.order_by("name")
        if not with_scope:
            for name in ("department", "course", "group"):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if (start is None) != (end is None):
            self.add_error("date_to" if end is None else "date_from",
                           _("Укажите обе даты периода или выберите месяц."))
        elif isinstance(start, dt.date) and isinstance(end, dt.date):
            if start > end:
                self.add_error("date_to", _("Конец периода раньше его начала."))
            elif (end - start).days >= ATTENDANCE_MAX_DAYS:
                self.add_error("date_to", _("Период не длиннее года."))
        return data


class GroupMonthForm(forms.Form):
    """The group and the month of a group's attendance or its ведомость пропусков."""

    group = forms.ModelChoiceField(label=_("Группа"), queryset=Group.objects.none())
    month = MonthField(label=_("Месяц"))

    def __init__(self, *args: Any, groups: QuerySet[Group], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["group"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = groups.order_by("name")
