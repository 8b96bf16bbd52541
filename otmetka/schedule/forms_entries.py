"""Forms of the weekly timetable pages: an entry, copy a week, clear a day, import a file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from otmetka.academics.models import Workload
from otmetka.lib.dates import on_weekday
from otmetka.lib.forms import DateField
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
    valid_from = DateField(label=_("Действует с"))
    valid_to = DateField(label=_("Действует по"))

    def __init__(self, *args: Any, workloads: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workload"].queryset = workloads.select_related(  # type: ignore[attr-defined]
            "item", "teacher__person", "subgroup"
        )
        self.fields["room"].queryset = Room.objects.filter(  # type: ignore[attr-defined]
            organization_id=organization_id
        ).order_by("number")


class WeekCopyForm(forms.Form):
    source = DateField(widget=forms.HiddenInput)
    target = DateField(label=_("На неделю с понедельника"))


class WeekdaySelect(forms.Select):
    """Each day also says «в среду», for the question «Снять все пары … в среду с …?»."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        if option["value"] not in ("", None):
            option["attrs"]["data-confirm-text"] = on_weekday(int(option["value"]))
        return option


class DayClearForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("День недели"), choices=Weekday.choices, coerce=int, widget=WeekdaySelect
    )
    on = DateField(label=_("Начиная с даты"))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Файл XLSX"))
    replace = forms.BooleanField(
        label=_("Заменить"),
        required=False,
        help_text=_("Строки файла заменят пары групп из файла, действующие в его сроках."),
    )
