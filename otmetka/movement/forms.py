"""Forms of the movement book pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from otmetka.academics.models import Group, Subgroup
from otmetka.lib.forms import DateField, DateInput
from otmetka.movement.models import ExpulsionReason, Order, OrderKind
from otmetka.people.models import Student


class OrderFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Вид"), required=False, choices=[("", _("Все виды")), *OrderKind.choices]
    )
    status = forms.ChoiceField(
        label=_("Состояние"),
        required=False,
        choices=[("", _("Все")), *Order.Status.choices],
    )
    date_from = DateField(label=_("С"), required=False)
    date_to = DateField(label=_("По"), required=False)
    q = forms.CharField(label=_("Номер"), required=False, max_length=20)

    def apply(self, orders: QuerySet[Order]) -> QuerySet[Order]:
        if not self.is_valid():
            return orders
        data = self.cleaned_data
        if data["kind"]:
            orders = orders.filter(kind=data["kind"])
        if data["status"]:
            orders = orders.filter(status=data["status"])
        if data["date_from"]:
            orders = orders.filter(date__gte=data["date_from"])
        if data["date_to"]:
            orders = orders.filter(date__lte=data["date_to"])
        if data["q"]:
            orders = orders.filter(number__icontains=data["q"].strip())
        return orders


class OrderForm(forms.Form):
    number = forms.CharField(label=_("Номер приказа"), max_length=20, help_text=_("Например: 12-к"))
    date = forms.DateField(label=_("Дата приказа"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Вид приказа"), choices=OrderKind.choices)
    title = forms.CharField(label=_("Заголовок"), max_length=300, required=False)
    basis = forms.CharField(
        label=_("Основание"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Например: заявление обучающегося, решение педагогического совета."),
    )


def _student_label(student: Student) -> str:
    person = student.person
    born = person.birth_date.strftime("%d.%m.%Y") if person.birth_date else ""
    return f"{person.full_name} {born}".strip()


class StudentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _student_label(obj)


# The item fields each kind of order asks for (besides the student and the effective date).
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    OrderKind.ENROLMENT: ("to_group",),
    OrderKind.EXPULSION: ("reason",),
    OrderKind.TRANSFER: ("to_group",),
    OrderKind.LEAVE: ("leave_until",),
    OrderKind.LEAVE_RETURN: ("to_group",),
    OrderKind.REINSTATEMENT: ("to_group",),
    OrderKind.NAME_CHANGE: ("new_last_name", "new_first_name", "new_middle_name"),
}


class ItemForm(forms.Form):
    student = StudentChoiceField(
        label=_("Обучающийся"), queryset=Student.objects.none(), empty_label=_("— выберите —")
    )
    effective_date = forms.DateField(label=_("Дата вступления в силу"), widget=DateInput())
    to_group = forms.ModelChoiceField(
        label=_("В группу"), queryset=Group.objects.none(), empty_label=_("— выберите —")
    )
    reason = forms.ChoiceField(
        label=_("Причина отчисления"), choices=[("", _("— выберите —")), *ExpulsionReason.choices]
    )
    leave_until = forms.DateField(label=_("Отпуск по"), widget=DateInput())
    new_last_name = forms.CharField(label=_("Новая фамилия"), max_length=100)
    new_first_name = forms.CharField(label=_("Новое имя"), max_length=100)
    new_middle_name = forms.CharField(label=_("Новое отчество"), max_length=100, required=False)
    note = forms.CharField(label=_("Примечание"), max_length=300, required=False)

    def __init__(
        self,
        *args: Any,
        kind: str,
        students: QuerySet[Student],
        groups: QuerySet[Group],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        wanted = {"student", "effective_date", "note", *KIND_FIELDS[kind]}
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        self.fields["student"].queryset = students  # type: ignore[attr-defined]
        if "to_group" in self.fields:
            self.fields["to_group"].queryset = groups  # type: ignore[attr-defined]

    def service_fields(self) -> dict[str, Any]:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value not in (None, "") or name == "effective_date"
        }


def search_students(students: QuerySet[Student], text: str, limit: int = 30) -> QuerySet[Student]:
    """Students whose surname starts with, or whose personal file number is, `text`."""
    students = students.select_related("person").order_by("person__sort_key", "id")
    if text:
        students = students.filter(
            Q(person__last_name__istartswith=text) | Q(personal_file_no=text)
        )
    return students[:limit]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Причина отмены"), max_length=300)


class LateCardsJustifyForm(forms.Form):
    """«Признать опоздание обоснованным» for cards ticked in the list of late cards, or for all
    of them (the first load of the contingent is hundreds of cards)."""

    students = forms.TypedMultipleChoiceField(
        label=_("Карточки"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    all_listed = forms.BooleanField(label=_("Все карточки списка"), required=False)
    reason = forms.CharField(
        label=_("Обоснование"),
        max_length=300,
        help_text=_("Например: первичная загрузка контингента при переходе на Отметку"),
    )

    def __init__(self, *args: Any, late: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.late = {row.student.pk: row.student for row in late}
        field: Any = self.fields["students"]
        field.choices = [(pk, student.person.full_name) for pk, student in self.late.items()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("all_listed") and not data.get("students"):
            self.add_error(
                "students", _("Отметьте карточки, опоздание с которыми обосновано.")
            )
        return data

    def chosen(self) -> list[Student]:
        """The students ticked, or every student of the list."""
        data = self.cleaned_data
        if data["all_listed"]:
            return list(self.late.values())
        return [self.late[pk] for pk in data["students"]]


class SubgroupPlaceForm(forms.Form):
    """The subgroup of the new group a student an order put there goes into."""

    subgroup = forms.ModelChoiceField(
        label=_("Подгруппа"), queryset=Subgroup.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, group: Group, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["subgroup"]
        field.queryset = Subgroup.objects.filter(group=group)
