"""Forms of the weekly timetable pages: an entry, copy a week, clear a day, import a file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from otmetka.academics.models import Workload
from otmetka.org.models import Room
from otmetka.schedule.models import Weekday, WeekParity


class WorkloadChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        label = f"{obj.item.index} {obj.item.name} — {obj.teacher.person.short_name}"
        if obj.subgroup_id is not None:
            label += f" ({obj.subgroup.name})"
        return label


class EntryForm(forms.Form):
    workload = WorkloadChoiceField(
        label=_("Дисциплина и преподаватель"), queryset=Workload.objects.none()
    )
    weekday = forms.TypedChoiceField(label=_("День недели"), choices=Weekday.choices, coerce=int)
    pair_number = forms.IntegerField(label=_("Пара"), min_value=1, max_value=12)
    room = forms.ModelChoiceField(label=_("Кабинет"), queryset=Room.objects.none(), required=False)
    parity = forms.ChoiceField(
        label=_("Недели"), choices=WeekParity.choices, initial=WeekParity.EVERY
    )
    valid_from = forms.DateField(
        label=_("Действует с"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = forms.DateField(
        label=_("Действует по"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, workloads: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workload"].queryset = workloads.select_related(  # type: ignore[attr-defined]
            "item", "teacher__person", "subgroup"
        )
        self.fields["room"].queryset = Room.objects.filter(  # type: ignore[attr-defined]
            organization_id=organization_id
        ).order_by("number")


class WeekCopyForm(forms.Form):
    source = forms.DateField(widget=forms.HiddenInput)
    target = forms.DateField(
        label=_("На неделю с понедельника"), widget=forms.DateInput(attrs={"type": "date"})
    )


class DayClearForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("День недели"), choices=Weekday.choices, coerce=int)
    on = forms.DateField(label=_("Начиная с даты"), widget=forms.DateInput(attrs={"type": "date"}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Файл XLSX"))
    replace = forms.BooleanField(
        label=_("Заменить"),
        required=False,
        help_text=_("Строки файла заменят пары групп из файла, действующие в его сроках."),
    )
