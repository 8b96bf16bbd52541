"""The filter of the journals list that the deputy, director, administrator and head see.

The filter lives in the address (`?year=…&group=…&q=…`), so a filtered list can be shared. Every
choice comes from one query when the form is built and is checked against those choices, so an
id typed into the address costs no query and never reaches the database as a number it cannot
hold.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from otmetka.academics.models import Group, Workload
from otmetka.lib.text import initials, ru_sort_key
from otmetka.org.models import AcademicYear, Department
from otmetka.people.models import Employee, Person

ALL = _("все")


def _choice(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, required=False, coerce=int, empty_value=None)


class JournalFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Поиск"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("группа, дисциплина или фамилия")}
        ),
    )
    year = _choice(_("Учебный год"))
    semester = forms.TypedChoiceField(
        label=_("Семестр"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", ALL), (1, _("1-й (осенний)")), (2, _("2-й (весенний)"))],
    )
    department = _choice(_("Отделение"))
    group = _choice(_("Группа"))
    teacher = _choice(_("Преподаватель"))
    discipline = forms.ChoiceField(label=_("Дисциплина, МДК, практика"), required=False)

    def __init__(
        self, data: QueryDict, *, organization_id: int, today: dt.date, **kwargs: Any
    ) -> None:
        """Five queries, one per list of choices. Without `?year=` the list shows the academic
        year containing `today` (else the latest one begun): what the page opens at."""
        years = list(
            AcademicYear.objects.filter(organization_id=organization_id)
            .order_by("-date_from")
            .values_list("pk", "name", "date_from", "date_to")
        )
        if "year" not in data and years:
            data = data.copy()
            data["year"] = str(_current_year(years, today))
        super().__init__(data, **kwargs)
        fields: dict[str, Any] = self.fields
        # Without an «all years» choice: a year's journals are what anyone looks for.
        fields["year"].choices = [(pk, name) for pk, name, _from, _to in years]
        fields["department"].choices = [("", ALL)] + list(
            Department.objects.filter(organization_id=organization_id)
            .order_by("name", "pk")
            .values_list("pk", "name")
        )
        fields["group"].choices = [("", ALL)] + list(
            Group.objects.filter(organization_id=organization_id)
            .order_by("-is_active", "-intake_year", "name", "pk")
            .values_list("pk", "name")
        )
        teachers = (
            Employee.objects.filter(
                person__organization_id=organization_id,
                pk__in=Workload.objects.filter(group__organization_id=organization_id)
                .values("teacher_id"),
            )
            .order_by("person__sort_key", "pk")
            .values_list("pk", "person__last_name", "person__first_name", "person__middle_name")
        )
        fields["teacher"].choices = [("", ALL)] + [
            (pk, initials(last, first, middle)) for pk, last, first, middle in teachers
        ]
        names = set(
            Workload.objects.filter(group__organization_id=organization_id)
            .order_by()
            .values_list("item__name", flat=True)
            .distinct()
        )
        fields["discipline"].choices = [("", ALL)] + [
            (name, name) for name in sorted(names, key=ru_sort_key)
        ]

    def apply(self, journals: QuerySet[Workload]) -> QuerySet[Workload]:
        """The journals the filter selects; none while the address holds a wrong choice (the
        form then says which, next to the field)."""
        if not self.is_valid():
            return journals.none()
        data = self.cleaned_data
        if data["year"] is not None:
            journals = journals.filter(academic_year_id=data["year"])
        if data["semester"] == 1:
            journals = journals.filter(hours_first__gt=0)
        elif data["semester"] == 2:
            journals = journals.filter(hours_second__gt=0)
        if data["department"] is not None:
            journals = journals.filter(group__department_id=data["department"])
        if data["group"] is not None:
            journals = journals.filter(group_id=data["group"])
        if data["teacher"] is not None:
            journals = journals.filter(teacher_id=data["teacher"])
        if data["discipline"]:
            journals = journals.filter(item__name=data["discipline"])
        text = " ".join(data["q"].split())
        if text:
            journals = journals.filter(_search(text))
        return journals


def _current_year(years: list[tuple[int, str, dt.date, dt.date]], today: dt.date) -> int:
    """The year containing `today`, else the latest one begun, else the earliest planned."""
    for pk, _name, date_from, date_to in years:
        if date_from <= today <= date_to:
            return pk
    begun = [pk for pk, _name, date_from, _to in years if date_from <= today]
    return begun[0] if begun else years[-1][0]


def _search(text: str) -> Q:
    """A group («ис-21»), a discipline by index or words of its name («ОП.01», «информат»),
    or a teacher's surname («ивано»), as typed in any case.

    SQLite folds the case of Latin letters only, so the Cyrillic spellings a person types are
    tried as well: as typed, in capitals (group names, indexes), in lower case and capitalised
    (names of disciplines). Teachers are found by the folded name key people are searched by.
    """
    spellings = {text, text.upper(), text.lower(), text[:1].upper() + text[1:].lower()}
    found = Q(teacher__person__in=Person.objects.search(text).values("pk"))
    for spelling in spellings:
        found |= (
            Q(group__name__istartswith=spelling)
            | Q(item__index__istartswith=spelling)
            | Q(item__name__contains=spelling)
        )
    return found
