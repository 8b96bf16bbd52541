"""Forms of the people pages: they parse input; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from otmetka.lib.forms import DateInput, ModelMultipleChoiceField
from otmetka.org.models import Department
from otmetka.people.models import Guardianship, Person, Position, Student


def _date(label: Any, *, required: bool = False) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput())


def _text(label: Any, max_length: int, *, required: bool = False, **attrs: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required,
                           widget=forms.TextInput(attrs=attrs))


class PersonFieldsMixin(forms.Form):
    last_name = _text(_("Фамилия"), 100, required=True, autocomplete="family-name")
    first_name = _text(_("Имя"), 100, required=True, autocomplete="given-name")
    middle_name = _text(_("Отчество"), 100, autocomplete="additional-name")
    birth_date = _date(_("Дата рождения"))
    sex = forms.ChoiceField(label=_("Пол"), required=False,
                            choices=[("", "—"), *Person.Sex.choices])
    snils = _text(_("СНИЛС"), 14, inputmode="numeric", placeholder="123-456-789 01")
    phone = _text(_("Телефон"), 40, type="tel", autocomplete="tel")
    email = forms.EmailField(label=_("E-mail"), required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    address = _text(_("Адрес регистрации"), 300, autocomplete="street-address")
    actual_address = _text(_("Фактический адрес"), 300)


class StudentCardForm(PersonFieldsMixin):
    """The whole personal card, for `students.edit_all` (секретарь, заведующий отделением)."""

    citizenship = _text(_("Гражданство"), 100)
    personal_file_no = _text(_("Номер личного дела"), 40)
    enrolment_order_no = _text(_("Номер приказа о зачислении"), 40)
    enrolment_order_date = _date(_("Дата приказа о зачислении"))
    education_base = forms.ChoiceField(label=_("Образование при поступлении"), required=False,
                                       choices=[("", "—"), *Student.EducationBase.choices])
    funding = forms.ChoiceField(label=_("Основа обучения"), choices=Student.Funding.choices)

    @staticmethod
    def initial_for(student: Student) -> dict[str, Any]:
        person = student.person
        names = [name for name in StudentCardForm.base_fields if hasattr(person, name)]
        initial = {name: getattr(person, name) for name in names}
        initial.update({name: getattr(student, name) for name in StudentCardForm.base_fields
                        if name not in names})
        return initial


class StudentContactsForm(forms.Form):
    """What a curator keeps current for the students of their group (Положение 4.5)."""

    phone = _text(_("Телефон"), 40, type="tel", autocomplete="tel")
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = _text(_("Адрес регистрации"), 300, autocomplete="street-address")
    actual_address = _text(_("Фактический адрес"), 300)

    @staticmethod
    def initial_for(student: Student) -> dict[str, Any]:
        person = student.person
        return {"phone": person.phone, "email": person.email, "address": person.address,
                "actual_address": person.actual_address}


class GuardianForm(forms.Form):
    kind = forms.ChoiceField(label=_("Кем приходится"), choices=Guardianship.Kind.choices)
    last_name = _text(_("Фамилия"), 100, required=True)
    first_name = _text(_("Имя"), 100, required=True)
    middle_name = _text(_("Отчество"), 100)
    phone = _text(_("Телефон"), 40, type="tel")
    email = forms.EmailField(label=_("E-mail"), required=False)
    receives_diary = forms.BooleanField(label=_("Получает электронный дневник"), required=False,
                                        initial=True)


class GuardianLinkForm(forms.Form):
    """Link a parent already in the base (a brother's or sister's parent)."""

    person_id = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Кем приходится"), choices=Guardianship.Kind.choices)
    receives_diary = forms.BooleanField(label=_("Получает электронный дневник"), required=False,
                                        initial=True)


class ConsentForm(forms.Form):
    signed_on = _date(_("Дата подписания"), required=True)
    document = _text(_("Документ"), 200, required=True,
                     placeholder=_("заявление-согласие № 15"))


class ConsentRevokeForm(forms.Form):
    revoked_on = _date(_("Дата отзыва"), required=True)


class CardCheckedForm(forms.Form):
    on = _date(_("Дата проверки"))


class StaffFilterForm(forms.Form):
    q = forms.CharField(label=_("Фамилия"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))
    department = forms.ModelChoiceField(label=_("Отделение"), queryset=Department.objects.none(),
                                        required=False, empty_label=_("все"))
    state = forms.ChoiceField(
        label=_("Состояние"), required=False,
        choices=[("working", _("работают")), ("dismissed", _("уволены")), ("all", _("все"))],
    )

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]


class EmployeeForm(PersonFieldsMixin):
    department = forms.ModelChoiceField(label=_("Отделение"), queryset=Department.objects.none(),
                                        required=False)
    positions = ModelMultipleChoiceField(
        label=_("Должности"), queryset=Position.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    hire_date = _date(_("Дата вступления в должность"))
    hire_order_no = _text(_("Номер приказа о приёме"), 40)

    def __init__(self, *args: Any, departments: QuerySet[Department],
                 positions: QuerySet[Position], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]
        self.fields["positions"].queryset = positions  # type: ignore[attr-defined]

    def service_values(self) -> dict[str, Any]:
        """cleaned_data in the shape of employee_create / employee_update."""
        data = dict(self.cleaned_data)
        department = data.pop("department")
        data["department_id"] = department.pk if department is not None else None
        data["position_ids"] = [position.pk for position in data.pop("positions")]
        return data

    @staticmethod
    def initial_for(employee: Any) -> dict[str, Any]:
        person = employee.person
        initial = {name: getattr(person, name) for name in PersonFieldsMixin.base_fields}
        initial.update({
            "department": employee.department_id,
            "positions": [position.pk for position in employee.positions.all()],
            "hire_date": employee.hire_date,
            "hire_order_no": employee.hire_order_no,
        })
        return initial


class DismissForm(forms.Form):
    dismissal_date = _date(_("Дата увольнения"), required=True)


class PositionForm(forms.Form):
    name = _text(_("Название"), 200, required=True)
    is_teaching = forms.BooleanField(label=_("Педагогическая должность"), required=False)
