"""Input of workload lines and the filters of the workload pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from otmetka.academics.models import CurriculumItem, Group, Subgroup, Workload
from otmetka.org.models import AcademicYear
from otmetka.people.models import Employee


class _TeacherChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.person.full_name)


class _ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.curriculum.name}: {obj.index} {obj.name}"


class _SubgroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.group.name}: {obj.name}"


class WorkloadForm(forms.Form):
    academic_year = forms.ModelChoiceField(label=_("Учебный год"),
                                           queryset=AcademicYear.objects.none())
    teacher = _TeacherChoiceField(label=_("Преподаватель"), queryset=Employee.objects.none())
    group = forms.ModelChoiceField(label=_("Группа"), queryset=Group.objects.none())
    item = _ItemChoiceField(
        label=_("Дисциплина, МДК, практика"), queryset=CurriculumItem.objects.none(),
        help_text=_("Из учебного плана группы."),
    )
    subgroup = _SubgroupChoiceField(
        label=_("Подгруппа"), queryset=Subgroup.objects.none(), required=False,
        empty_label=_("— вся группа —"),
    )
    hours_first = forms.IntegerField(label=_("Часов в 1-м семестре"), min_value=0,
                                     max_value=32767, initial=0)
    hours_second = forms.IntegerField(label=_("Часов во 2-м семестре"), min_value=0,
                                      max_value=32767, initial=0)

    def __init__(self, *args: Any, organization_id: int, group: Group | None = None,
                 **kwargs: Any) -> None:
        """Choices from the actor's organization; with `group`, only its items and subgroups."""
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["academic_year"].queryset = AcademicYear.objects.filter(
            organization_id=organization_id
        ).order_by("-date_from")
        fields["teacher"].queryset = (
            Employee.objects.working()
            .filter(person__organization_id=organization_id)
            .select_related("person")
            .order_by("person__sort_key", "pk")
        )
        fields["group"].queryset = Group.objects.active().filter(
            organization_id=organization_id
        ).order_by("-intake_year", "name")
        items = CurriculumItem.objects.filter(
            curriculum__program__organization_id=organization_id
        ).exclude(kind=CurriculumItem.Kind.MODULE)
        subgroups = Subgroup.objects.filter(group__organization_id=organization_id)
        if group is not None:
            items = items.filter(curriculum_id=group.curriculum_id)
            subgroups = subgroups.filter(group=group)
        fields["item"].queryset = items.select_related("curriculum").order_by(
            "curriculum__name", "curriculum_id", "position", "index"
        )
        fields["subgroup"].queryset = subgroups.select_related("group").order_by(
            "group__name", "name"
        )

    @staticmethod
    def initial_for(workload: Workload) -> dict[str, Any]:
        return {
            "academic_year": workload.academic_year_id, "teacher": workload.teacher_id,
            "group": workload.group_id, "item": workload.item_id,
            "subgroup": workload.subgroup_id, "hours_first": workload.hours_first,
            "hours_second": workload.hours_second,
        }


class WorkloadFilterForm(forms.Form):
    q = forms.CharField(label=_("Фамилия преподавателя"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))
    group = forms.ModelChoiceField(label=_("Группа"), queryset=Group.objects.none(),
                                   required=False, empty_label=_("все"))
    year = forms.ModelChoiceField(label=_("Учебный год"), queryset=AcademicYear.objects.none(),
                                  required=False, empty_label=None)

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["group"].queryset = Group.objects.filter(
            organization_id=organization_id
        ).order_by("-is_active", "-intake_year", "name")
        fields["year"].queryset = AcademicYear.objects.filter(
            organization_id=organization_id
        ).order_by("-date_from")
