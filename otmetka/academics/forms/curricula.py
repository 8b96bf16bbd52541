"""Input of programs, curricula, their items and hours; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from otmetka.academics.models import (
    AttestationForm,
    Curriculum,
    CurriculumHours,
    CurriculumItem,
    Program,
)
from otmetka.lib.forms import DateInput
from otmetka.org.models import Department

_HOURS_MAX = 32767


class ProgramForm(forms.Form):
    code = forms.CharField(label=_("Код"), max_length=8, help_text=_("Например: 09.02.07"))
    name = forms.CharField(label=_("Наименование специальности (профессии)"), max_length=300)
    qualification = forms.CharField(label=_("Квалификация"), max_length=200)
    level = forms.ChoiceField(label=_("Вид программы"), choices=Program.Level.choices)
    form_of_study = forms.ChoiceField(label=_("Форма обучения"), choices=Program.Form.choices)
    duration_months = forms.IntegerField(
        label=_("Срок обучения, месяцев"), min_value=1, max_value=120, initial=46
    )
    department = forms.ModelChoiceField(
        label=_("Отделение"), queryset=Department.objects.none(), required=False
    )

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(program: Program) -> dict[str, Any]:
        return {
            "code": program.code, "name": program.name, "qualification": program.qualification,
            "level": program.level, "form_of_study": program.form_of_study,
            "duration_months": program.duration_months, "department": program.department_id,
        }


class CurriculumForm(forms.Form):
    name = forms.CharField(label=_("Название"), max_length=200,
                           help_text=_("Например: 09.02.07 набор 2026, на базе 9 классов"))
    intake_year = forms.IntegerField(label=_("Год набора"), min_value=2000, max_value=2100)
    semesters = forms.IntegerField(label=_("Семестров"), min_value=1, max_value=10, initial=8)
    approved_on = forms.DateField(
        label=_("Дата утверждения"), required=False,
        widget=DateInput(),
    )

    @staticmethod
    def initial_for(curriculum: Curriculum) -> dict[str, Any]:
        return {
            "name": curriculum.name, "intake_year": curriculum.intake_year,
            "semesters": curriculum.semesters, "approved_on": curriculum.approved_on,
        }


class CurriculumCopyForm(forms.Form):
    name = forms.CharField(label=_("Название нового плана"), max_length=200)
    intake_year = forms.IntegerField(label=_("Год набора"), min_value=2000, max_value=2100)

    @staticmethod
    def initial_for(curriculum: Curriculum) -> dict[str, Any]:
        year = curriculum.intake_year + 1
        name = curriculum.name.replace(str(curriculum.intake_year), str(year))
        if name == curriculum.name:
            name = _("%(name)s (набор %(year)s)") % {"name": curriculum.name, "year": year}
        return {"name": name, "intake_year": year}


class _ModuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.index} {obj.name}"


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Вид"), choices=CurriculumItem.Kind.choices)
    index = forms.CharField(label=_("Индекс"), max_length=20,
                            help_text=_("Например: ОП.01, ПМ.01, МДК.01.01, УП.01"))
    name = forms.CharField(label=_("Наименование"), max_length=300)
    parent = _ModuleChoiceField(
        label=_("Профессиональный модуль"), queryset=CurriculumItem.objects.none(),
        required=False, empty_label=_("— не входит в модуль —"),
        help_text=_("Для МДК обязателен; для учебной и производственной практики — если она "
                    "входит в модуль."),
    )
    position = forms.IntegerField(
        label=_("Порядок в плане"), min_value=0, max_value=_HOURS_MAX, required=False,
        help_text=_("Пусто — в конец плана."),
    )

    def __init__(self, *args: Any, modules: QuerySet[CurriculumItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = modules  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(item: CurriculumItem) -> dict[str, Any]:
        return {"kind": item.kind, "index": item.index, "name": item.name,
                "parent": item.parent_id, "position": item.position}


def _hours_field(label: Any, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=_HOURS_MAX, required=required,
                              initial=0)


class HoursForm(forms.Form):
    semester = forms.TypedChoiceField(label=_("Семестр"), coerce=int, choices=())
    total = _hours_field(_("Максимальная нагрузка, ч"), required=True)
    theory = _hours_field(_("Теоретические занятия"))
    practical = _hours_field(_("Практические занятия"))
    laboratory = _hours_field(_("Лабораторные занятия"))
    coursework = _hours_field(_("Курсовое проектирование"))
    independent = _hours_field(_("Самостоятельная работа"))
    consultations = _hours_field(_("Консультации"))
    attestation_hours = _hours_field(_("Промежуточная аттестация, ч"))
    attestation_form = forms.ChoiceField(
        label=_("Форма аттестации"), choices=AttestationForm.choices, required=False
    )

    PARTS = ("theory", "practical", "laboratory", "coursework", "independent", "consultations",
             "attestation_hours")

    def __init__(self, *args: Any, semesters: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["semester"].choices = [  # type: ignore[attr-defined]
            (number, _("%(number)s семестр") % {"number": number})
            for number in range(1, semesters + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.PARTS:
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        return data

    @staticmethod
    def initial_for(hours: CurriculumHours | None, semester: int | None) -> dict[str, Any]:
        if hours is None:
            return {"semester": semester}
        fields = ("semester", "total", *HoursForm.PARTS, "attestation_form")
        return {name: getattr(hours, name) for name in fields}
