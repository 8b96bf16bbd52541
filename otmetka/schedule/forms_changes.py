"""Forms of the changes page: the date, and one form for each kind of change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from otmetka.academics.models import Workload
from otmetka.lib.forms import DateField
from otmetka.org.models import Room
from otmetka.people.models import Employee
from otmetka.schedule.models import ScheduleChange
from otmetka.schedule.selectors import Slot


class DayForm(forms.Form):
    date = DateField(label=_("Дата"), required=False)

    def day(self, default: dt.date) -> dt.date:
        if self.is_valid() and self.cleaned_data["date"]:
            day: dt.date = self.cleaned_data["date"]
            return day
        return default


class ChangeForm(forms.Form):
    """One form for the four kinds; the service says which fields each kind needs."""

    kind = forms.ChoiceField(label=_("Что сделать"), choices=ScheduleChange.Kind.choices)
    entry = forms.TypedChoiceField(label=_("Пара по расписанию"), coerce=int, required=False)
    workload = forms.ModelChoiceField(
        label=_("Нагрузка (для дополнительной пары)"),
        queryset=Workload.objects.none(),
        required=False,
    )
    teacher = forms.ModelChoiceField(
        label=_("Замещающий преподаватель"), queryset=Employee.objects.none(), required=False
    )
    pair_number = forms.IntegerField(label=_("Пара"), min_value=1, max_value=12, required=False)
    room = forms.ModelChoiceField(label=_("Кабинет"), queryset=Room.objects.none(), required=False)
    reason = forms.CharField(label=_("Причина"), max_length=300)

    def __init__(
        self,
        *args: Any,
        organization_id: int,
        year_id: int | None,
        slots: list[Slot],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        entry_field = self.fields["entry"]
        assert isinstance(entry_field, forms.TypedChoiceField)
        entry_field.choices = [("", "—")] + [
            (
                slot.entry_id,
                _("%(pair)s пара: %(title)s — %(teacher)s")
                % {"pair": slot.pair_number, "title": slot.title, "teacher": slot.teacher_name},
            )
            for slot in slots
            if slot.entry_id is not None and not slot.change
        ]
        workload = self.fields["workload"]
        assert isinstance(workload, forms.ModelChoiceField)
        workload.queryset = Workload.objects.filter(
            group__organization_id=organization_id, academic_year_id=year_id
        ).select_related("group", "item", "teacher__person", "subgroup")
        workload.label_from_instance = lambda w: f"{w.group.name} {w.item.index} — {w.teacher}"  # type: ignore[method-assign,assignment]
        teacher = self.fields["teacher"]
        assert isinstance(teacher, forms.ModelChoiceField)
        teacher.queryset = (
            Employee.objects.working()
            .filter(person__organization_id=organization_id)
            .select_related("person")
        )
        room = self.fields["room"]
        assert isinstance(room, forms.ModelChoiceField)
        room.queryset = Room.objects.filter(organization_id=organization_id)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == ScheduleChange.Kind.EXTRA:
            if not data.get("workload"):
                self.add_error("workload", _("Выберите нагрузку."))
            if not data.get("pair_number"):
                self.add_error("pair_number", _("Укажите пару."))
        elif kind and not data.get("entry"):
            self.add_error("entry", _("Выберите пару по расписанию."))
        if kind == ScheduleChange.Kind.REPLACE_TEACHER and not data.get("teacher"):
            self.add_error("teacher", _("Выберите замещающего преподавателя."))
        return data
