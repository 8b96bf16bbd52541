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
from otmetka.reports.approval import STEP_LABELS


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

    period = _PeriodChoice(label=_("Семестр"), queryset=Period.objects.none(), empty_label=None)

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


class SummaryStepForm(SummaryPeriodForm):
    """One step of a сводная ведомость's approval, for the semester it is about."""

    step = forms.ChoiceField(choices=[])
    comment = forms.CharField(
        label=_("Замечание"), required=False, max_length=500, widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["step"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(step, label) for step, label in STEP_LABELS.items()]


class AtRiskForm(_DepartmentForm):
    """The filters of the at-risk list: a semester, a department, a course, a group."""

    period = _PeriodChoice(
        label=_("Семестр"), queryset=Period.objects.none(), empty_label=None, required=False
    )
    course = forms.IntegerField(label=_("Курс"), required=False, min_value=1, max_value=6)
    group = forms.ModelChoiceField(
        label=_("Группа"),
        queryset=Group.objects.none(),
        required=False,
        empty_label=_("все группы"),
    )

    def __init__(
        self,
        *args: Any,
        organization_id: int,
        groups: QuerySet[Group],
        department_fixed: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, organization_id=organization_id, **kwargs)
        period = self.fields["period"]
        assert isinstance(period, forms.ModelChoiceField)
        period.queryset = (
            Period.objects.semesters()
            .filter(academic_year__organization_id=organization_id)
            .select_related("academic_year")
            .order_by("-date_from")
        )
        group = self.fields["group"]
        assert isinstance(group, forms.ModelChoiceField)
        group.queryset = groups.order_by("name")
        if department_fixed:
            del self.fields["department"]
