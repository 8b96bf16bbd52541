"""Forms of the КТП pages and of the work kinds list."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from otmetka.journal.models import LessonType, PlannedTopic, ThematicPlan, WorkKind


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Тема"), max_length=500, required=False)
    hours = forms.IntegerField(
        label=_("Часов"), required=False, initial=2,
        widget=forms.NumberInput(attrs={"min": 1, "max": 60}),
    )
    lesson_type = forms.ChoiceField(
        label=_("Вид занятия"), choices=LessonType.choices, initial=LessonType.THEORY
    )
    homework = forms.CharField(
        label=_("Домашнее задание"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    @staticmethod
    def initial_for(topic: PlannedTopic) -> dict[str, Any]:
        return {name: getattr(topic, name) for name in TopicForm.base_fields}


class TopicAddForm(TopicForm):
    position = forms.IntegerField(
        label=_("Номер в плане"), required=False, min_value=1,
        help_text=_("Пусто — в конец плана."),
    )


class TopicMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("выше")), ("down", _("ниже"))])


class PlanImportForm(forms.Form):
    file = forms.FileField(
        label=_("Файл XLSX или CSV"),
        help_text=_("Столбцы: №, Тема, Часов, Вид занятия, Домашнее задание."),
    )
    replace = forms.BooleanField(
        label=_("Заменить темы плана"), required=False, initial=True,
        help_text=_("Иначе темы из файла добавятся в конец плана."),
    )


class PlanImportSaveForm(forms.Form):
    token = forms.CharField(max_length=64, widget=forms.HiddenInput)


class PlanCopyForm(forms.Form):
    source = forms.TypedChoiceField(label=_("Скопировать из плана"), coerce=int)
    replace = forms.BooleanField(
        label=_("Заменить темы плана"), required=False,
        help_text=_("Иначе скопированные темы добавятся в конец плана."),
    )

    def __init__(self, *args: Any, sources: list[ThematicPlan], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [  # type: ignore[attr-defined]
            (plan.pk, _source_label(plan)) for plan in sources
        ]


def _source_label(plan: ThematicPlan) -> str:
    workload = plan.workload
    group = str(workload.group)
    if workload.subgroup_id is not None:
        group = f"{group}, {workload.subgroup}"
    return f"{workload.academic_year} · {group} · {workload.item} · {workload.teacher} " \
           f"({getattr(plan, 'topic_count', 0)})"


class WorkKindForm(forms.Form):
    name = forms.CharField(label=_("Название"), max_length=100, required=False)
    short_name = forms.CharField(
        label=_("Сокращение"), max_length=12, required=False,
        help_text=_("Не длиннее 12 символов, показывается в журнале."),
    )
    weight = forms.DecimalField(
        label=_("Вес"), max_digits=6, decimal_places=2, required=False, initial=Decimal("1"),
        help_text=_("От 0,1 до 10: вклад отметки в средний балл."),
        localize=True, widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    sgo_type_id = forms.IntegerField(
        label=_("Код вида работы в СГО"), required=False, min_value=0, max_value=32767
    )
    position = forms.IntegerField(
        label=_("Порядок"), required=False, min_value=0, max_value=32767,
        help_text=_("Пусто — в конец списка."),
    )

    @staticmethod
    def initial_for(work_kind: WorkKind) -> dict[str, Any]:
        return {
            "name": work_kind.name, "short_name": work_kind.short_name,
            "weight": work_kind.weight, "sgo_type_id": work_kind.sgo_type_id,
            "position": work_kind.position, "is_active": work_kind.is_active,
        }


class WorkKindEditForm(WorkKindForm):
    is_active = forms.BooleanField(label=_("Используется"), required=False)
