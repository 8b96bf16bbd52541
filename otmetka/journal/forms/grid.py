"""Forms of the journal grid, lesson page and unlocks: they parse input, services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from otmetka.academics.models import Workload
from otmetka.journal.models import LessonType, PlannedTopic, WorkKind
from otmetka.lib.forms import DateInput, DateTimeInput
from otmetka.people.models import Employee


class CellForm(forms.Form):
    value = forms.CharField(max_length=40, required=False, strip=True)
    version = forms.CharField(max_length=40, required=False, strip=True)
    work_kind = forms.IntegerField(required=False, min_value=1)


class _LessonFieldsForm(forms.Form):
    pair_number = forms.IntegerField(label=_("Пара"), required=False, min_value=1, max_value=12)
    hours = forms.IntegerField(label=_("Часов"), initial=2, min_value=1, max_value=12)
    lesson_type = forms.ChoiceField(label=_("Вид занятия"), choices=LessonType.choices)
    topic = forms.TypedChoiceField(label=_("Тема из КТП"), required=False, empty_value=None)
    topic_text = forms.CharField(label=_("Тема занятия"), max_length=500, required=False)
    homework = forms.CharField(
        label=_("Домашнее задание"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        workload: Workload,
        topics: list[PlannedTopic] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if topics is None:
            topics = list(
                PlannedTopic.objects.filter(plan__workload_id=workload.pk).order_by("position")
            )
        self._topics = {str(topic.pk): topic for topic in topics}
        field = self.fields["topic"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—")] + [(key, str(topic)) for key, topic in self._topics.items()]

    def clean_topic(self) -> PlannedTopic | None:
        value = self.cleaned_data.get("topic")
        return self._topics.get(str(value)) if value else None


class LessonCreateForm(_LessonFieldsForm):
    date = forms.DateField(label=_("Дата"), widget=DateInput())
    field_order = ["date", "pair_number", "hours", "lesson_type", "topic", "topic_text"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["homework"]


class LessonEditForm(_LessonFieldsForm):
    pass


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Файл к заданию"))


class SubstitutionForm(forms.Form):
    absent_teacher = forms.ModelChoiceField(
        label=_("Отсутствовал"), queryset=Employee.objects.none()
    )
    substitute = forms.ModelChoiceField(label=_("Замещал"), queryset=Employee.objects.none())
    reason = forms.CharField(label=_("Причина"), max_length=300)

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = Employee.objects.filter(person__organization_id=organization_id).select_related(
            "person"
        )
        for name in ("absent_teacher", "substitute"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = staff


class MarkEditForm(forms.Form):
    slot = forms.IntegerField(min_value=1, max_value=3, widget=forms.HiddenInput)
    work_kind = forms.ModelChoiceField(label=_("Вид работы"), queryset=WorkKind.objects.none())
    comment = forms.CharField(
        label=_("Комментарий для обучающегося"), max_length=500, required=False
    )

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["work_kind"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = WorkKind.objects.filter(organization_id=organization_id, is_active=True)


UNLOCK_DAYS_PROPOSED = 3


def default_until() -> dt.datetime:
    """What «Действует до» proposes: three days from now, to the minute (the field's
    precision). Enough to correct a journal, well inside the 14 days an unlock may last."""
    now = timezone.localtime().replace(second=0, microsecond=0)
    return now + dt.timedelta(days=UNLOCK_DAYS_PROPOSED)


class UnlockGrantForm(forms.Form):
    reason = forms.CharField(label=_("Основание"), max_length=500)
    valid_until = forms.DateTimeField(
        label=_("Действует до"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M"],
        initial=default_until,
    )


class UnlockRequestForm(forms.Form):
    reason = forms.CharField(label=_("Что нужно исправить"), max_length=500)


class UnlockAnswerForm(forms.Form):
    grant = forms.TypedChoiceField(
        choices=[("1", _("Разрешить")), ("0", _("Отказать"))], coerce=lambda value: value == "1"
    )
    answer = forms.CharField(label=_("Ответ"), max_length=500, required=False)
    valid_until = forms.DateTimeField(
        label=_("Действует до"),
        required=False,
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M"],
        initial=default_until,
    )
