"""Forms of the org pages: they parse input; the services decide what is allowed."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from otmetka.lib.forms import DateInput
from otmetka.org.models import BellSchedule, Department, Organization, Pair, Period, Room
from otmetka.org.services import EDIT_LOCK_DAYS, UNEXCUSED_HOURS_THRESHOLD, known_timezones

# Time zones of Russia, west to east, with the city a person looks for.
RUSSIAN_TIMEZONES = (
    ("Europe/Kaliningrad", _("Калининград")),
    ("Europe/Moscow", _("Москва")),
    ("Europe/Volgograd", _("Волгоград")),
    ("Europe/Kirov", _("Киров")),
    ("Europe/Astrakhan", _("Астрахань")),
    ("Europe/Samara", _("Самара")),
    ("Europe/Saratov", _("Саратов")),
    ("Europe/Ulyanovsk", _("Ульяновск")),
    ("Asia/Yekaterinburg", _("Екатеринбург")),
    ("Asia/Omsk", _("Омск")),
    ("Asia/Novosibirsk", _("Новосибирск")),
    ("Asia/Barnaul", _("Барнаул")),
    ("Asia/Tomsk", _("Томск")),
    ("Asia/Novokuznetsk", _("Новокузнецк")),
    ("Asia/Krasnoyarsk", _("Красноярск")),
    ("Asia/Irkutsk", _("Иркутск")),
    ("Asia/Chita", _("Чита")),
    ("Asia/Yakutsk", _("Якутск")),
    ("Asia/Vladivostok", _("Владивосток")),
    ("Asia/Magadan", _("Магадан")),
    ("Asia/Sakhalin", _("Южно-Сахалинск")),
    ("Asia/Srednekolymsk", _("Среднеколымск")),
    ("Asia/Kamchatka", _("Петропавловск-Камчатский")),
    ("Asia/Anadyr", _("Анадырь")),
)

# The neighbours a Russian college may still need (a branch abroad, a partner's timetable).
NEIGHBOUR_TIMEZONES = (
    ("Europe/Minsk", _("Минск")),
    ("Europe/Chisinau", _("Кишинёв")),
    ("Asia/Tbilisi", _("Тбилиси")),
    ("Asia/Yerevan", _("Ереван")),
    ("Asia/Baku", _("Баку")),
    ("Asia/Almaty", _("Алма-Ата")),
    ("Asia/Tashkent", _("Ташкент")),
    ("Asia/Bishkek", _("Бишкек")),
    ("Asia/Dushanbe", _("Душанбе")),
    ("Asia/Ashgabat", _("Ашхабад")),
    ("Asia/Ulaanbaatar", _("Улан-Батор")),
)


def _utc_offset(zone: str) -> str:
    offset = dt.datetime.now(ZoneInfo(zone)).utcoffset() or dt.timedelta()
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def timezone_choices(current: str = "") -> list[tuple[Any, Any]]:
    """Russia's zones by their cities in Russian, west to east, then the neighbours and UTC.

    A zone set before (by `org_create` or the API, which take any IANA name) stays listed
    under its own name, so the settings form keeps it when saved unchanged.
    """
    known = known_timezones()

    def labelled(zones: tuple[tuple[str, Any], ...]) -> list[tuple[str, str]]:
        return [
            (zone, f"{city} ({_utc_offset(zone)})") for zone, city in zones if zone in known
        ]

    russian = labelled(RUSSIAN_TIMEZONES)
    others = labelled(NEIGHBOUR_TIMEZONES)
    others.append(("UTC", str(_("Всемирное координированное время (UTC)"))))
    listed = {zone for zone, _label in russian + others}
    if current in known and current not in listed:
        others.append((current, current))
    return [(_("Россия"), russian), (_("Другие"), others)]


def time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def number_input(low: int, high: int) -> forms.NumberInput:
    return forms.NumberInput(attrs={"min": low, "max": high})


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Полное наименование"), required=False, max_length=300)
    short_name = forms.CharField(label=_("Краткое наименование"), required=False, max_length=100)
    inn = forms.CharField(
        label=_("ИНН"), required=False, max_length=20,
        help_text=_("10 цифр; можно оставить пустым."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    address = forms.CharField(label=_("Адрес"), required=False, max_length=300)
    timezone = forms.ChoiceField(
        label=_("Часовой пояс"),
        help_text=_("По нему считаются даты занятий, сроки и «сегодня» в журнале."),
    )
    edit_lock_days = forms.IntegerField(
        label=_("Срок редактирования отметок, дней"), widget=number_input(*EDIT_LOCK_DAYS),
        help_text=_("Сколько дней после занятия преподаватель может менять отметки и пропуски."),
    )
    otp_valid_days = forms.IntegerField(
        label=_("Срок действия временного пароля, дней"), widget=number_input(1, 90),
    )
    credentials_contact = forms.CharField(
        label=_("Кто выдаёт реквизиты сотрудникам"), required=False, max_length=300,
        help_text=_("Показывается на странице входа, например: администратор АИС, каб. 214."),
    )
    kpp = forms.CharField(label=_("КПП"), required=False, max_length=20,
                          help_text=_("9 цифр; печатается в справках."))
    ogrn = forms.CharField(label=_("ОГРН"), required=False, max_length=20,
                           help_text=_("13 цифр; печатается в справках."))
    phone = forms.CharField(label=_("Телефон"), required=False, max_length=100)
    email = forms.CharField(label=_("E-mail"), required=False, max_length=254)
    license_details = forms.CharField(
        label=_("Лицензия на образовательную деятельность"), required=False, max_length=300,
        help_text=_("Например: № 1234 от 01.02.2016, выдана Комитетом по контролю, надзору "
                    "и лицензированию в сфере образования Томской области."),
    )
    accreditation_details = forms.CharField(
        label=_("Свидетельство о государственной аккредитации"), required=False, max_length=300,
    )
    director_name = forms.CharField(
        label=_("Директор"), required=False, max_length=100,
        help_text=_("Фамилия и инициалы для подписи в справках, например: Иванов И. И."),
    )
    unexcused_hours_threshold = forms.IntegerField(
        label=_("Порог пропусков без уважительной причины, часов"),
        widget=number_input(*UNEXCUSED_HOURS_THRESHOLD),
        help_text=_("За месяц или другой период отчёта; отчёт «Пропуски сверх порога» называет "
                    "обучающихся, пропустивших больше."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["timezone"]
        current = self.data.get("timezone") if self.is_bound else self.initial.get("timezone")
        field.choices = timezone_choices(str(current or ""))

    @staticmethod
    def initial_for(organization: Organization) -> dict[str, Any]:
        return {name: getattr(organization, name) for name in OrganizationForm.base_fields}


class YearForm(forms.Form):
    name = forms.CharField(
        label=_("Название"), required=False, max_length=20, help_text=_("Например: 2026/2027")
    )
    date_from = forms.DateField(label=_("Начало"), widget=DateInput())
    date_to = forms.DateField(label=_("Окончание"), widget=DateInput())

    @staticmethod
    def initial_for(year: Any) -> dict[str, Any]:
        return {"name": year.name, "date_from": year.date_from, "date_to": year.date_to}


class YearCreateForm(YearForm):
    with_default_periods = forms.BooleanField(
        label=_("Сразу добавить семестры и каникулы"), required=False, initial=True,
        help_text=_("1 семестр с 1 сентября, зимние каникулы, 2 семестр, летние каникулы; "
                    "даты потом можно поправить."),
    )


class PeriodForm(forms.Form):
    kind = forms.ChoiceField(label=_("Вид"), choices=Period.Kind.choices)
    number = forms.IntegerField(
        label=_("Номер"), widget=number_input(1, 9),
        help_text=_("Для семестра: 1 — осенний, 2 — весенний"),
    )
    name = forms.CharField(
        label=_("Название"), required=False, max_length=100,
        help_text=_("Для семестра можно не заполнять."),
    )
    date_from = forms.DateField(label=_("Начало"), widget=DateInput())
    date_to = forms.DateField(label=_("Окончание"), widget=DateInput())

    @staticmethod
    def initial_for(period: Period) -> dict[str, Any]:
        return {name: getattr(period, name) for name in PeriodForm.base_fields}


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Название"), required=False, max_length=200)
    form_of_study = forms.ChoiceField(label=_("Форма обучения"), choices=Department.Form.choices)

    @staticmethod
    def initial_for(department: Department) -> dict[str, Any]:
        return {"name": department.name, "form_of_study": department.form_of_study}


class RoomForm(forms.Form):
    building = forms.CharField(
        label=_("Корпус"), required=False, max_length=100,
        help_text=_("Если корпус один, оставьте пустым."),
    )
    number = forms.CharField(label=_("Номер"), required=False, max_length=20)
    name = forms.CharField(
        label=_("Название"), required=False, max_length=200,
        help_text=_("Например: Лаборатория программирования"),
    )
    kind = forms.ChoiceField(label=_("Вид"), choices=Room.Kind.choices)
    capacity = forms.IntegerField(label=_("Вместимость, мест"), widget=number_input(1, 500))

    @staticmethod
    def initial_for(room: Room) -> dict[str, Any]:
        return {name: getattr(room, name) for name in RoomForm.base_fields}


class BellScheduleForm(forms.Form):
    name = forms.CharField(
        label=_("Название"), required=False, max_length=100,
        help_text=_("Например: Понедельник — пятница, Суббота, Сокращённый день"),
    )
    is_default = forms.BooleanField(
        label=_("Основное расписание"), required=False,
        help_text=_("Основное может быть только одно: отметка снимется с прежнего."),
    )

    @staticmethod
    def initial_for(bell_schedule: BellSchedule) -> dict[str, Any]:
        return {"name": bell_schedule.name, "is_default": bell_schedule.is_default}


class PairTimesForm(forms.Form):
    starts_at = forms.TimeField(label=_("Начало"), widget=time_input())
    ends_at = forms.TimeField(label=_("Окончание"), widget=time_input())

    @staticmethod
    def initial_for(pair: Pair) -> dict[str, Any]:
        return {"starts_at": pair.starts_at, "ends_at": pair.ends_at}


class PairForm(PairTimesForm):
    number = forms.IntegerField(label=_("Номер пары"), widget=number_input(1, 20))

    field_order = ["number", "starts_at", "ends_at"]
