"""Forms of the group pages: they parse input; the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from otmetka.academics.models import Curriculum, Group, Membership, Program
from otmetka.lib.forms import DateField, DateInput, ModelMultipleChoiceField
from otmetka.org.models import Department
from otmetka.people.models import Employee, Person, Student


class StudentChoiceField(forms.ModelChoiceField):
    """A student told apart from namesakes: birth date, personal file, status."""

    def label_from_instance(self, obj: Any) -> str:
        parts = [obj.person.full_name]
        if obj.person.birth_date:
            parts.append(_("д. р. %(date)s") % {"date": f"{obj.person.birth_date:%d.%m.%Y}"})
        if obj.personal_file_no:
            parts.append(_("личное дело %(number)s") % {"number": obj.personal_file_no})
        if obj.status != Student.Status.STUDYING:
            parts.append(str(obj.get_status_display()))
        return ", ".join(str(part) for part in parts)


class PersonMultipleChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.person.full_name)


class CurriculumChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.program.code} — {obj.name}"


class DayForm(forms.Form):
    """`?on=` of the pages that show a roll on a day."""

    on = DateField(label=_("На дату"), required=False)

    @classmethod
    def for_day(cls, query: Any, default: dt.date) -> DayForm:
        """Bound to `?on=` when the query string has it; shows `default` otherwise."""
        return cls(query if query.get("on") else None, initial={"on": default})

    def day(self, default: dt.date) -> dt.date:
        if self.is_valid() and self.cleaned_data["on"]:
            return self.cleaned_data["on"]
        return default


class GroupFilterForm(forms.Form):
    q = forms.CharField(label=_("Название группы"), required=False, max_length=40)
    course = forms.TypedChoiceField(
        label=_("Курс"), required=False, coerce=int, empty_value=None,
        choices=[("", _("все"))] + [(n, str(n)) for n in range(1, 6)],
    )
    department = forms.ModelChoiceField(
        label=_("Отделение"), required=False, queryset=Department.objects.none(),
        empty_label=_("все"),
    )
    program = forms.ModelChoiceField(
        label=_("Специальность"), required=False, queryset=Program.objects.none(),
        empty_label=_("все"),
    )
    archived = forms.BooleanField(label=_("Показать выпущенные"), required=False)

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["department"].queryset = Department.objects.filter(organization_id=organization_id)
        fields["program"].queryset = Program.objects.filter(organization_id=organization_id)

    def apply(self, groups: QuerySet[Group], year: int) -> QuerySet[Group]:
        """The groups the filter selects, courses taken in the academic year starting in
        `year` (`Group.course_in`: the intake year's groups and later ones are on the 1st)."""
        if not self.is_valid():
            return groups.filter(is_active=True)
        data = self.cleaned_data
        if not data["archived"]:
            groups = groups.filter(is_active=True)
        text = data["q"].strip()
        if text:
            # Group names are mostly capitals; SQLite folds the case of Latin letters only.
            groups = groups.filter(Q(name__istartswith=text) | Q(name__startswith=text.upper()))
        if data["course"] == 1:
            groups = groups.filter(intake_year__gte=year)
        elif data["course"]:
            groups = groups.filter(intake_year=year - data["course"] + 1)
        if data["department"]:
            groups = groups.filter(department=data["department"])
        if data["program"]:
            groups = groups.filter(program=data["program"])
        return groups


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Название"), max_length=40, help_text=_("Например: ИС-21"))
    program = forms.ModelChoiceField(label=_("Специальность"), queryset=Program.objects.none())
    curriculum = CurriculumChoiceField(label=_("Учебный план"), queryset=Curriculum.objects.none())
    department = forms.ModelChoiceField(label=_("Отделение"), queryset=Department.objects.none())
    intake_year = forms.IntegerField(
        label=_("Год набора"), min_value=2000, max_value=2100,
        help_text=_("Год начала учебного года, в котором группа учится на 1 курсе: курс в "
                    "каждом следующем году считается от него."),
    )
    curators = PersonMultipleChoiceField(
        label=_("Кураторы"), required=False, queryset=Employee.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, organization_id: int, department_id: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["program"].queryset = Program.objects.filter(organization_id=organization_id)
        fields["curriculum"].queryset = Curriculum.objects.filter(
            program__organization_id=organization_id
        ).select_related("program").order_by("program__code", "-intake_year", "name")
        departments = Department.objects.filter(organization_id=organization_id)
        if department_id is not None:
            departments = departments.filter(pk=department_id)
        fields["department"].queryset = departments
        fields["curators"].queryset = (
            Employee.objects.working()
            .filter(person__organization_id=organization_id)
            .select_related("person")
            .order_by("person__sort_key", "pk")
        )

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["curator_ids"] = [employee.pk for employee in data.pop("curators")]
        return data


class GroupEditForm(GroupForm):
    is_active = forms.BooleanField(
        label=_("Группа обучается"), required=False,
        help_text=_("Снимите отметку, когда группа выпущена или расформирована."),
    )

    @staticmethod
    def initial_for(group: Group) -> dict[str, Any]:
        return {
            "name": group.name, "program": group.program_id, "curriculum": group.curriculum_id,
            "department": group.department_id, "intake_year": group.intake_year,
            "is_active": group.is_active,
            "curators": [employee.pk for employee in group.curators.all()],
        }


class EnrolForm(forms.Form):
    """«Зачислить обучающегося»: the personal card, the first day in the group, the order."""

    last_name = forms.CharField(label=_("Фамилия"), max_length=100)
    first_name = forms.CharField(label=_("Имя"), max_length=100)
    middle_name = forms.CharField(label=_("Отчество"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Дата рождения"), required=False, widget=DateInput())
    sex = forms.ChoiceField(label=_("Пол"), required=False,
                            choices=[("", "—"), *Person.Sex.choices])
    snils = forms.CharField(label=_("СНИЛС"), max_length=14, required=False,
                            help_text=_("Например: 112-233-445 95"))
    phone = forms.CharField(label=_("Телефон"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Адрес"), max_length=300, required=False)
    citizenship = forms.CharField(label=_("Гражданство"), max_length=100, required=False,
                                  initial="РФ")
    education_base = forms.ChoiceField(label=_("Образование при поступлении"), required=False,
                                       choices=[("", "—"), *Student.EducationBase.choices])
    funding = forms.ChoiceField(label=_("Основа обучения"), choices=Student.Funding.choices,
                                initial=Student.Funding.BUDGET)
    personal_file_no = forms.CharField(label=_("Номер личного дела"), max_length=40,
                                       required=False)
    enrolment_order_no = forms.CharField(label=_("Номер приказа о зачислении"), max_length=40,
                                         required=False)
    enrolment_order_date = forms.DateField(label=_("Дата приказа о зачислении"), required=False,
                                           widget=DateInput())
    date_from = forms.DateField(label=_("В группе с"), widget=DateInput())
    basis = forms.CharField(
        label=_("Основание"), max_length=200, required=False,
        help_text=_("Если не заполнено — номер и дата приказа о зачислении."),
    )


class MemberAddForm(forms.Form):
    """Add an existing student, chosen among the search results, to the group's roll."""

    student = StudentChoiceField(
        label=_("Обучающийся"), queryset=Student.objects.none(), widget=forms.RadioSelect,
        empty_label=None,
    )
    date_from = forms.DateField(label=_("В группе с"), widget=DateInput())
    date_to = forms.DateField(label=_("По (включительно)"), required=False, widget=DateInput(),
                              help_text=_("Пусто — без даты окончания."))
    basis = forms.CharField(label=_("Основание"), max_length=200, required=False,
                            help_text=_("Например: приказ № 112-к от 01.09.2026"))

    def __init__(self, *args: Any, candidates: QuerySet[Student], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["student"].queryset = candidates


class MembershipCloseForm(forms.Form):
    date_to = forms.DateField(label=_("Последний день в группе"), widget=DateInput())


class SubgroupForm(forms.Form):
    name = forms.CharField(label=_("Название"), max_length=60,
                           help_text=_("Например: 1 подгруппа, английский язык — 2"))


class SubgroupEditForm(SubgroupForm):
    students = PersonMultipleChoiceField(
        label=_("Состав"), required=False, queryset=Student.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, roll: QuerySet[Student], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["students"].queryset = roll


class StudentFilterForm(forms.Form):
    q = forms.CharField(label=_("Фамилия"), required=False, max_length=100)
    group = forms.ModelChoiceField(label=_("Группа сегодня"), required=False,
                                   queryset=Group.objects.none(), empty_label=_("все"))
    status = forms.ChoiceField(label=_("Статус"), required=False,
                               choices=[("", _("все")), *Student.Status.choices])

    def __init__(self, *args: Any, groups: QuerySet[Group], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["group"].queryset = groups

    def apply(self, students: QuerySet[Student], today: dt.date) -> QuerySet[Student]:
        if not self.is_valid():
            return students
        data = self.cleaned_data
        if data["q"]:
            students = students.filter(person__in=Person.objects.search(data["q"]))
        if data["group"]:
            on_roll = Membership.objects.filter(group=data["group"]).on_day(today)
            students = students.filter(pk__in=on_roll.values("student_id"))
        if data["status"]:
            students = students.filter(status=data["status"])
        return students
