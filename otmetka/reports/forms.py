"""Filters of the report pages: a date or a period, a department, a letter, a year of intake."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from otmetka.academics.models import CurriculumItem, Group, Workload
from otmetka.lib.forms import DateField, ModelMultipleChoiceField
from otmetka.lib.text import ru_sort_key
from otmetka.org.models import AcademicYear, Department, Period
from otmetka.people.models import Employee
from otmetka.reports.approval import STEP_LABELS
from otmetka.reports.debts import STATES


class _DepartmentForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Отделение"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("все отделения"),
    )

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Department.objects.filter(organization_id=organization_id)


class ContingentForm(_DepartmentForm):
    on = DateField(label=_("На дату"))


class MovementForm(_DepartmentForm):
    date_from = DateField(label=_("С"))
    date_to = DateField(label=_("По"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, dt.date) and isinstance(end, dt.date):
            if start > end:
                self.add_error("date_to", _("Конец периода раньше его начала."))
            elif (end - start).days > 366 * 5:
                self.add_error("date_to", _("Период не длиннее пяти лет."))
        return data


class BookForm(_DepartmentForm):
    letter = forms.CharField(label=_("Буква фамилии"), max_length=1, required=False)
    intake_year = forms.IntegerField(
        label=_("Год набора"), required=False, min_value=2000, max_value=2100
    )

    def clean_letter(self) -> str:
        letter = str(self.cleaned_data.get("letter") or "").strip().lower().replace("ё", "е")
        if letter and not letter.isalpha():
            raise forms.ValidationError(_("Введите одну букву."))
        return letter


class _PeriodChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} {obj.academic_year.name}"


class SummaryPeriodForm(forms.Form):
    """The semester of a group report: any semester of the organization's academic years."""

    period = _PeriodChoice(label=_("Семестр"), queryset=Period.objects.none(), empty_label=None)

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["period"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Period.objects.semesters()
            .filter(academic_year__organization_id=organization_id)
            .select_related("academic_year")
            .order_by("-date_from")
        )


class GroupSummaryForm(SummaryPeriodForm):
    """The semester and the group of the сводная ведомость; groups within the actor's scope."""

    group = forms.ModelChoiceField(label=_("Группа"), queryset=Group.objects.none())
    whole_year = forms.BooleanField(label=_("за весь учебный год этого семестра"), required=False)

    def __init__(self, *args: Any, groups: QuerySet[Group], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["group"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = groups.order_by("name")


class SummaryStepForm(SummaryPeriodForm):
    """One step of a сводная ведомость's approval, for the semester it is about."""

    step = forms.ChoiceField(choices=[])
    comment = forms.CharField(
        label=_("Замечание"), required=False, max_length=500, widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["step"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(step, label) for step, label in STEP_LABELS.items()]


class _TeacherChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.person.full_name)


class PeriodForm(forms.Form):
    """Any period of dates, at most `max_days` long (a teacher's and a curator's reports); a
    date left out is the page's default."""

    max_days = 366

    date_from = DateField(label=_("С"), required=False)
    date_to = DateField(label=_("По"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, dt.date) and isinstance(end, dt.date):
            if start > end:
                self.add_error("date_to", _("Конец периода раньше его начала."))
            elif (end - start).days >= self.max_days:
                self.add_error("date_to", _("Период не длиннее года."))
        return data


class SubstitutionsForm(PeriodForm):
    """The register's period; those who see every substitution also choose a department and a
    teacher (who substituted or was substituted)."""

    department = forms.ModelChoiceField(
        label=_("Отделение"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("все отделения"),
    )
    teacher = _TeacherChoice(
        label=_("Преподаватель"),
        queryset=Employee.objects.none(),
        required=False,
        empty_label=_("все преподаватели"),
    )

    def __init__(self, *args: Any, organization_id: int, everyone: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not everyone:
            del self.fields["department"], self.fields["teacher"]
            return
        department = self.fields["department"]
        teacher = self.fields["teacher"]
        assert isinstance(department, forms.ModelChoiceField)
        assert isinstance(teacher, forms.ModelChoiceField)
        department.queryset = Department.objects.filter(organization_id=organization_id)
        teacher.queryset = Employee.objects.filter(
            person__organization_id=organization_id
        ).select_related("person")


class TeacherResultsForm(PeriodForm):
    """The period of a teacher's results; those who oversee teachers also choose the teacher."""

    teacher = _TeacherChoice(
        label=_("Преподаватель"), queryset=Employee.objects.none(), required=False
    )

    def __init__(self, *args: Any, organization_id: int, everyone: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not everyone:
            del self.fields["teacher"]
            return
        teacher = self.fields["teacher"]
        assert isinstance(teacher, forms.ModelChoiceField)
        teachers = Workload.objects.filter(group__organization_id=organization_id)
        teacher.queryset = Employee.objects.filter(
            person__organization_id=organization_id, pk__in=teachers.values("teacher_id")
        ).select_related("person")


class MeetingForm(PeriodForm):
    """The period and the layout of the group report for a parents' meeting."""

    TABLE = "table"
    PAGES = "pages"

    layout = forms.ChoiceField(
        label=_("Вид"),
        choices=[(TABLE, _("одна таблица")), (PAGES, _("страница на каждого обучающегося"))],
        required=False,
    )


class MeetingChooseForm(MeetingForm):
    group = forms.ModelChoiceField(label=_("Группа"), queryset=Group.objects.none())

    def __init__(self, *args: Any, groups: QuerySet[Group], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["group"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = groups.order_by("name")


class _YearChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class DebtsForm(_DepartmentForm):
    """Filters of the academic debts: year or semester, department, course, group, discipline,
    state; groups within the actor's scope."""

    year = _YearChoice(
        label=_("Учебный год"),
        queryset=AcademicYear.objects.none(),
        required=False,
        empty_label=_("все годы"),
    )
    period = _PeriodChoice(
        label=_("Семестр"),
        queryset=Period.objects.none(),
        required=False,
        empty_label=_("все семестры"),
    )
    course = forms.IntegerField(label=_("Курс"), required=False, min_value=1, max_value=6)
    group = forms.ModelChoiceField(
        label=_("Группа"), queryset=Group.objects.none(), required=False, empty_label=_("все")
    )
    discipline = forms.CharField(label=_("Дисциплина"), max_length=100, required=False)
    state = forms.ChoiceField(label=_("Задолженности"), choices=(), required=False)

    def __init__(self, *args: Any, groups: QuerySet[Group], **kwargs: Any) -> None:
        organization_id = kwargs["organization_id"]
        super().__init__(*args, **kwargs)
        fields = self.fields
        for name, queryset in (
            ("year", AcademicYear.objects.filter(organization_id=organization_id)),
            (
                "period",
                Period.objects.semesters()
                .filter(academic_year__organization_id=organization_id)
                .select_related("academic_year")
                .order_by("-date_from"),
            ),
            ("group", groups.order_by("name")),
        ):
            field = fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset
        state = fields["state"]
        assert isinstance(state, forms.ChoiceField)
        state.choices = STATES

    def clean_discipline(self) -> str:
        return str(self.cleaned_data.get("discipline") or "").strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        year, period = data.get("year"), data.get("period")
        if year is not None and period is not None and period.academic_year_id != year.pk:
            self.add_error("period", _("Семестр не из выбранного учебного года."))
        return data


class RetakeIssueForm(forms.Form):
    """Who retakes (debtors of one sheet), by when, before whom."""

    students = forms.MultipleChoiceField(
        label=_("Обучающиеся"), widget=forms.CheckboxSelectMultiple
    )
    deadline = DateField(label=_("Срок пересдачи"))
    examiners = ModelMultipleChoiceField(
        label=_("Экзаменаторы (для второй пересдачи — три члена комиссии)"),
        queryset=Employee.objects.none(),
    )

    def __init__(
        self,
        *args: Any,
        debtors: list[tuple[int, str]],
        organization_id: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        students = self.fields["students"]
        assert isinstance(students, forms.MultipleChoiceField)
        students.choices = [(str(pk), name) for pk, name in debtors]
        examiners = self.fields["examiners"]
        assert isinstance(examiners, ModelMultipleChoiceField)
        examiners.queryset = (
            Employee.objects.working()
            .filter(person__organization_id=organization_id)
            .select_related("person")
        )

    def clean_students(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("students") or []]


class RetakeResultForm(forms.Form):
    retake = forms.IntegerField(min_value=1, max_value=2**62, widget=forms.HiddenInput)
    value = forms.CharField(label=_("Отметка"), max_length=16)


class QualityForm(_DepartmentForm):
    """Filters of «Успеваемость и качество знаний»: the period, how to group, and the
    narrowing by department, course, group, discipline and teacher within the actor's scope."""

    TERMS = (("1", _("1 семестр")), ("2", _("2 семестр")), ("year", _("учебный год")))
    BY = (
        ("group", _("по группам")),
        ("course", _("по курсам")),
        ("department", _("по отделениям")),
        ("college", _("по колледжу в целом")),
        ("discipline", _("по дисциплинам")),
        ("teacher", _("по преподавателям")),
    )

    # Not required: what is left out of the address is the current year, semester, by group.
    academic_year = forms.ModelChoiceField(
        label=_("Учебный год"),
        queryset=AcademicYear.objects.none(),
        empty_label=None,
        required=False,
    )
    term = forms.ChoiceField(label=_("Период"), choices=TERMS, required=False)
    by = forms.ChoiceField(label=_("Разрез"), choices=BY, required=False)
    course = forms.TypedChoiceField(
        label=_("Курс"),
        choices=[("", _("все курсы")), *((str(n), str(n)) for n in range(1, 7))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    group = forms.ModelChoiceField(
        label=_("Группа"),
        queryset=Group.objects.none(),
        required=False,
        empty_label=_("все группы"),
    )
    discipline = forms.ChoiceField(label=_("Дисциплина"), required=False)
    teacher = _TeacherChoice(
        label=_("Преподаватель"),
        queryset=Employee.objects.none(),
        required=False,
        empty_label=_("все преподаватели"),
    )

    def __init__(
        self, *args: Any, organization_id: int, groups: QuerySet[Group], **kwargs: Any
    ) -> None:
        super().__init__(*args, organization_id=organization_id, **kwargs)
        years = self.fields["academic_year"]
        assert isinstance(years, forms.ModelChoiceField)
        years.queryset = AcademicYear.objects.filter(organization_id=organization_id).order_by(
            "-date_from"
        )
        group = self.fields["group"]
        assert isinstance(group, forms.ModelChoiceField)
        group.queryset = groups.order_by("name")
        teacher = self.fields["teacher"]
        assert isinstance(teacher, _TeacherChoice)
        teacher.queryset = (
            Employee.objects.filter(workloads__group__in=groups)
            .select_related("person")
            .distinct()
            .order_by("person__sort_key", "pk")
        )
        discipline = self.fields["discipline"]
        assert isinstance(discipline, forms.ChoiceField)
        names = (
            CurriculumItem.objects.filter(curriculum__groups__in=groups)
            .exclude(kind=CurriculumItem.Kind.MODULE)
            .order_by()
            .values_list("name", flat=True)
            .distinct()
        )
        discipline.choices = [
            ("", _("все дисциплины")),
            *((name, name) for name in sorted(set(names), key=ru_sort_key)),
        ]


class MonthInput(forms.TextInput):
    """The browser's month picker, ISO «2026-11»."""

    input_type = "month"


class MonthField(forms.CharField):
    """A month as «ГГГГ-ММ»; cleaned to (year, month)."""

    widget = MonthInput

    def clean(self, value: Any) -> tuple[int, int] | None:
        text = str(super().clean(value) or "").strip()
        if not text:
            return None
        parts = text.split("-")
        if len(parts) != 2 or not all(part.isdigit() for part in parts):
            raise forms.ValidationError(_("Укажите месяц в виде ГГГГ-ММ, например 2026-11."))
        year, month = int(parts[0]), int(parts[1])
        if not 1 <= month <= 12 or not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Укажите месяц между 2000 и 2100 годами."))
        return year, month


ATTENDANCE_MAX_DAYS = 366


class AttendanceFilterForm(_DepartmentForm):
    """The period of an attendance report (a month, or any dates, which then win), and where
    they make sense the department, the course and the group."""

    month = MonthField(label=_("Месяц"), required=False)
    date_from = DateField(label=_("или с"), required=False)
    date_to = DateField(label=_("по"), required=False)
    course = forms.TypedChoiceField(
        label=_("Курс"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("все курсы")), *((n, str(n)) for n in range(1, 7))],
    )
    group = forms.ModelChoiceField(
        label=_("Группа"), queryset=Group.objects.none(), required=False,
        empty_label=_("все группы"),
    )

    def __init__(
        self, *args: Any, groups: QuerySet[Group], with_scope: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["group"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = groups.order_by("name")
        if not with_scope:
            for name in ("department", "course", "group"):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if (start is None) != (end is None):
            self.add_error("date_to" if end is None else "date_from",
                           _("Укажите обе даты периода или выберите месяц."))
        elif isinstance(start, dt.date) and isinstance(end, dt.date):
            if start > end:
                self.add_error("date_to", _("Конец периода раньше его начала."))
            elif (end - start).days >= ATTENDANCE_MAX_DAYS:
                self.add_error("date_to", _("Период не длиннее года."))
        return data


class GroupMonthForm(forms.Form):
    """The group and the month of a group's attendance or its ведомость пропусков."""

    group = forms.ModelChoiceField(label=_("Группа"), queryset=Group.objects.none())
    month = MonthField(label=_("Месяц"))

    def __init__(self, *args: Any, groups: QuerySet[Group], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["group"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = groups.order_by("name")


class AtRiskForm(_DepartmentForm):
    """The filters of the at-risk list: a semester, a department, a course, a group."""

    period = _PeriodChoice(
        label=_("Семестр"), queryset=Period.objects.none(), empty_label=None, required=False
    )
    course = forms.IntegerField(label=_("Курс"), required=False, min_value=1, max_value=6)
    group = forms.ModelChoiceField(
        label=_("Группа"),
        queryset=Group.objects.none(),
        required=False,
        empty_label=_("все группы"),
    )

    def __init__(
        self,
        *args: Any,
        organization_id: int,
        groups: QuerySet[Group],
        department_fixed: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, organization_id=organization_id, **kwargs)
        period = self.fields["period"]
        assert isinstance(period, forms.ModelChoiceField)
        period.queryset = (
            Period.objects.semesters()
            .filter(academic_year__organization_id=organization_id)
            .select_related("academic_year")
            .order_by("-date_from")
        )
        group = self.fields["group"]
        assert isinstance(group, forms.ModelChoiceField)
        group.queryset = groups.order_by("name")
        if department_fixed:
            del self.fields["department"]


class SummaryYearForm(forms.Form):
    """The academic year of a year's сводная ведомость: one of the organization's."""

    year = forms.ModelChoiceField(queryset=AcademicYear.objects.none())

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = AcademicYear.objects.filter(organization_id=organization_id)
