"""Writes of the org app: the organization's settings, years and periods, departments, rooms,
bell schedules. Each checks the actor's right and organization itself and writes its audit row."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from otmetka.audit.services import audit_change, audit_delete, snapshot
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.org.inn import inn_has_valid_length, inn_is_valid
from otmetka.org.models import (
    AcademicYear,
    BellSchedule,
    Department,
    Organization,
    Pair,
    Period,
    Room,
)
from otmetka.org.permissions import can_edit_org

if TYPE_CHECKING:
    from otmetka.accounts.models import User
    from otmetka.accounts.permissions import ActiveRole

ORGANIZATION_FIELDS = (
    "name", "short_name", "inn", "address", "timezone", "edit_lock_days", "otp_valid_days",
    "credentials_contact", "kpp", "ogrn", "phone", "email", "license_details",
    "accreditation_details", "director_name",
    "unexcused_hours_threshold",
)
# The details printed in the heading of the college's certificates, with their lengths.
DETAIL_FIELDS = {
    "phone": 100, "license_details": 300, "accreditation_details": 300, "director_name": 100,
}
YEAR_FIELDS = ("name", "date_from", "date_to")
PERIOD_FIELDS = ("academic_year", "kind", "number", "name", "date_from", "date_to")
DEPARTMENT_FIELDS = ("name", "form_of_study")
ROOM_FIELDS = ("building", "number", "name", "kind", "capacity")
BELLS_FIELDS = ("name", "is_default")
PAIR_FIELDS = ("bell_schedule", "number", "starts_at", "ends_at")

# The regulation locks marks after 30 days (3.18); a college may shorten or lengthen that a
# little, but a year-long "lock" would lift it for everyone without an unlock on record.
EDIT_LOCK_DAYS = (1, 60)
OTP_VALID_DAYS = (1, 90)
UNEXCUSED_HOURS_THRESHOLD = (1, 500)
ROOM_CAPACITY = (1, 500)
HOLIDAY_NUMBERS = (1, 9)

_YEAR_NAME = re.compile(r"^(\d{4})\s*/\s*(\d{4})$")
M = TypeVar("M", bound=models.Model)


def _d(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def _t(moment: dt.time) -> str:
    return moment.strftime("%H:%M")


def _require_edit(actor: ActiveRole) -> None:
    if not can_edit_org(actor):
        raise NotAllowed(_("Недостаточно прав для изменения структуры организации."))


def _require_own(actor: ActiveRole, organization_id: int) -> None:
    _require_edit(actor)
    if organization_id != actor.organization_id:
        raise NotAllowed(_("Этот объект относится к другой организации."))


def _required_text(value: str, *, field: str, message: str, max_length: int) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(message, field=field)
    if len(text) > max_length:
        raise DomainError(
            _("Не длиннее %(count)s символов.") % {"count": max_length}, field=field
        )
    return text


def _optional_text(value: str, *, field: str, max_length: int) -> str:
    text = (value or "").strip()
    if len(text) > max_length:
        raise DomainError(
            _("Не длиннее %(count)s символов.") % {"count": max_length}, field=field
        )
    return text


def _taken(rows: models.QuerySet[Any], exclude: models.Model | None, *values: str) -> bool:
    """Whether a row other than `exclude` has the same values, ignoring case.

    Compared here, not with `iexact`: SQLite folds the case of Latin letters only.
    """
    if exclude is not None and exclude.pk is not None:
        rows = rows.exclude(pk=exclude.pk)
    wanted = tuple(value.casefold() for value in values)
    return any(
        tuple((item or "").casefold() for item in row) == wanted for row in rows.iterator()
    )


def _save(instance: M, *, message: str, field: str) -> M:
    """Save; a unique constraint hit by a concurrent request becomes the same clear refusal."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise DomainError(message, field=field) from error
    return instance


# --- Organization --------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _check_timezone(value: str) -> str:
    name = (value or "").strip()
    if name not in known_timezones():
        raise DomainError(
            _("Неизвестный часовой пояс «%(zone)s»: укажите его по базе IANA, например Asia/Tomsk.")
            % {"zone": name},
            field="timezone",
        )
    return name


def _check_inn(value: str) -> str:
    inn = re.sub(r"\s+", "", value or "")
    if not inn:
        return ""
    if not inn_has_valid_length(inn):
        raise DomainError(
            _("ИНН состоит из 10 цифр (у организации) или 12 цифр (у физического лица)."),
            field="inn",
        )
    if not inn_is_valid(inn):
        raise DomainError(
            _("Контрольные цифры ИНН %(inn)s не сходятся: проверьте номер.") % {"inn": inn},
            field="inn",
        )
    return inn


def _check_digits(value: str, *, field: str, length: int, message: str) -> str:
    """A code of exactly `length` digits (spaces ignored), or empty."""
    digits = re.sub(r"\s", "", value or "")
    if digits and not (digits.isdigit() and digits.isascii() and len(digits) == length):
        raise DomainError(message, field=field)
    return digits


def _check_email(value: str) -> str:
    text = (value or "").strip()
    if not text:
        return ""
    try:
        validate_email(text)
    except ValidationError:
        raise DomainError(_("Введите правильный адрес e-mail."), field="email") from None
    if len(text) > 254:
        raise DomainError(_("Не длиннее %(count)s символов.") % {"count": 254}, field="email")
    return text


def _check_range(value: int, bounds: tuple[int, int], *, field: str, message: str) -> int:
    low, high = bounds
    if value is None or not low <= value <= high:
        raise DomainError(message % {"low": low, "high": high}, field=field)
    return value


def _check_names(*, organization_id: int | None, name: str, short_name: str) -> tuple[str, str]:
    name = _required_text(
        name, field="name", message=_("Укажите полное наименование организации."),
        max_length=300,
    )
    short_name = _required_text(
        short_name, field="short_name",
        message=_("Укажите краткое наименование организации, например ТПТ."), max_length=100,
    )
    others = Organization.objects.all()
    if organization_id is not None:
        others = others.exclude(pk=organization_id)
    if _taken(others.values_list("short_name"), None, short_name):
        raise DomainError(
            _("Краткое наименование «%(name)s» уже занято другой организацией.")
            % {"name": short_name},
            field="short_name",
        )
    return name, short_name


@transaction.atomic
def organization_update(
    *,
    actor: ActiveRole,
    name: str,
    short_name: str,
    inn: str,
    address: str,
    timezone: str,
    edit_lock_days: int,
    otp_valid_days: int,
    credentials_contact: str,
    kpp: str | None = None,
    ogrn: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    license_details: str | None = None,
    accreditation_details: str | None = None,
    director_name: str | None = None,
    unexcused_hours_threshold: int | None = None,
) -> Organization:
    """The actor's own organization: names, ИНН, address, time zone and the limits it sets,
    and the details its certificates carry (each left as it is when not given, as is the
    threshold of the attendance report when None)."""
    _require_edit(actor)
    organization = Organization.objects.select_for_update().get(pk=actor.organization_id)
    before = snapshot(organization, ORGANIZATION_FIELDS)
    name, short_name = _check_names(
        organization_id=organization.pk, name=name, short_name=short_name
    )
    organization.name = name
    organization.short_name = short_name
    organization.inn = _check_inn(inn)
    organization.address = _optional_text(address, field="address", max_length=300)
    organization.timezone = _check_timezone(timezone)
    organization.edit_lock_days = _check_range(
        edit_lock_days, EDIT_LOCK_DAYS, field="edit_lock_days",
        message=_("Срок редактирования отметок — от %(low)s до %(high)s дней."),
    )
    organization.otp_valid_days = _check_range(
        otp_valid_days, OTP_VALID_DAYS, field="otp_valid_days",
        message=_("Срок действия временного пароля — от %(low)s до %(high)s дней."),
    )
    organization.credentials_contact = _optional_text(
        credentials_contact, field="credentials_contact", max_length=300
    )
    if kpp is not None:
        organization.kpp = _check_digits(
            kpp, field="kpp", length=9, message=_("КПП — 9 цифр; можно оставить пустым.")
        )
    if ogrn is not None:
        organization.ogrn = _check_digits(
            ogrn, field="ogrn", length=13, message=_("ОГРН — 13 цифр; можно оставить пустым.")
        )
    if email is not None:
        organization.email = _check_email(email)
    details = {
        "phone": phone, "license_details": license_details,
        "accreditation_details": accreditation_details, "director_name": director_name,
    }
    for field, value in details.items():
        if value is not None:
            setattr(organization, field,
                    _optional_text(value, field=field, max_length=DETAIL_FIELDS[field]))
    if unexcused_hours_threshold is not None:
        organization.unexcused_hours_threshold = _check_range(
            unexcused_hours_threshold, UNEXCUSED_HOURS_THRESHOLD,
            field="unexcused_hours_threshold",
            message=_("Порог пропусков без уважительной причины — от %(low)s до %(high)s часов."),
        )
    _save(
        organization,
        message=_("Краткое наименование «%(name)s» уже занято другой организацией.")
        % {"name": short_name},
        field="short_name",
    )
    audit_change(actor=actor.user, instance=organization, before=before,
                 organization_id=organization.pk, fields=ORGANIZATION_FIELDS)
    # The active role holds the organization loaded with the request; keep it current.
    actor.assignment.organization = organization
    return organization


@transaction.atomic
def organization_create(
    *, name: str, short_name: str, timezone: str, today: dt.date | None = None
) -> tuple[Organization, AcademicYear]:
    """Onboard a college (the region's operator, from the command line; no actor).

    Creates the organization and the academic year containing `today` (the organization's
    local date by default) with its semesters and holidays.
    """
    name, short_name = _check_names(organization_id=None, name=name, short_name=short_name)
    tz_name = _check_timezone(timezone)
    organization = _save(
        Organization(name=name, short_name=short_name, timezone=tz_name),
        message=_("Краткое наименование «%(name)s» уже занято другой организацией.")
        % {"name": short_name},
        field="short_name",
    )
    audit_change(actor=None, instance=organization, before=None,
                 organization_id=organization.pk, fields=ORGANIZATION_FIELDS)
    if today is None:
        today = local_today(tz_name)
    date_from, date_to = academic_year_dates(today)
    year = _year_create(
        user=None, organization_id=organization.pk, name=academic_year_name(date_from),
        date_from=date_from, date_to=date_to, with_default_periods=True,
    )
    return organization, year


# --- Academic years ------------------------------------------------------------------------------


def academic_year_dates(today: dt.date) -> tuple[dt.date, dt.date]:
    """1 September – 31 August of the academic year that contains `today`."""
    start = today.year if today.month >= 9 else today.year - 1
    return dt.date(start, 9, 1), dt.date(start + 1, 8, 31)


def academic_year_name(date_from: dt.date) -> str:
    return f"{date_from.year}/{date_from.year + 1}"


def _last_working_day_before(day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _first_working_day_from(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def default_periods(
    date_from: dt.date, date_to: dt.date
) -> list[tuple[str, int, str, dt.date, dt.date]]:
    """The usual calendar of a college year, cut to the year's own dates.

    1st semester from 1 September to the last working day before 29 December, winter holidays
    up to the first working day from 12 January (at least two weeks, as the standards ask),
    2nd semester to 30 June, summer holidays to the end of the year.
    """
    start = date_from.year
    first_to = _last_working_day_before(dt.date(start, 12, 29))
    second_from = _first_working_day_from(dt.date(start + 1, 1, 12))
    second_to = dt.date(start + 1, 6, 30)
    plan = [
        (Period.Kind.SEMESTER, 1, _("1 семестр"), dt.date(start, 9, 1), first_to),
        (Period.Kind.HOLIDAYS, 1, _("Зимние каникулы"), first_to + dt.timedelta(days=1),
         second_from - dt.timedelta(days=1)),
        (Period.Kind.SEMESTER, 2, _("2 семестр"), second_from, second_to),
        (Period.Kind.HOLIDAYS, 2, _("Летние каникулы"), second_to + dt.timedelta(days=1),
         date_to),
    ]
    result = []
    for kind, number, name, begin, end in plan:
        begin, end = max(begin, date_from), min(end, date_to)
        if begin <= end:
            result.append((str(kind), number, str(name), begin, end))
    return result


def _check_year(
    *,
    organization_id: int,
    year: AcademicYear | None,
    name: str,
    date_from: dt.date,
    date_to: dt.date,
) -> str:
    name = (name or "").strip()
    match = _YEAR_NAME.match(name)
    if match is None:
        raise DomainError(
            _("Название учебного года — два года через косую черту, например 2026/2027."),
            field="name",
        )
    first, second = int(match[1]), int(match[2])
    name = f"{first}/{second}"
    if second != first + 1:
        raise DomainError(
            _("Годы в названии идут подряд, например %(first)s/%(next)s.")
            % {"first": first, "next": first + 1},
            field="name",
        )
    if date_from is None:
        raise DomainError(_("Укажите дату начала учебного года."), field="date_from")
    if date_to is None:
        raise DomainError(_("Укажите дату окончания учебного года."), field="date_to")
    if date_to <= date_from:
        raise DomainError(_("Окончание учебного года должно быть позже начала."), field="date_to")
    if (date_from.year, date_to.year) != (first, second):
        raise DomainError(
            _("Название «%(name)s» не совпадает с датами %(from)s–%(to)s: "
              "ожидается «%(expected)s».")
            % {"name": name, "from": _d(date_from), "to": _d(date_to),
               "expected": f"{date_from.year}/{date_to.year}"},
            field="name",
        )
    others = AcademicYear.objects.filter(organization_id=organization_id)
    if year is not None:
        others = others.exclude(pk=year.pk)
    if others.filter(name=name).exists():
        raise DomainError(_("Учебный год %(name)s уже есть.") % {"name": name}, field="name")
    clash = others.overlapping(date_from, date_to).order_by("date_from").first()
    if clash is not None:
        raise DomainError(
            _("Учебный год %(from)s–%(to)s пересекается с учебным годом %(other)s "
              "(%(other_from)s–%(other_to)s).")
            % {"from": _d(date_from), "to": _d(date_to), "other": clash.name,
               "other_from": _d(clash.date_from), "other_to": _d(clash.date_to)},
            field="date_from",
        )
    return name


def _year_create(
    *,
    user: User | None,
    organization_id: int,
    name: str,
    date_from: dt.date,
    date_to: dt.date,
    with_default_periods: bool,
) -> AcademicYear:
    name = _check_year(organization_id=organization_id, year=None, name=name,
                       date_from=date_from, date_to=date_to)
    year = _save(
        AcademicYear(organization_id=organization_id, name=name, date_from=date_from,
                     date_to=date_to),
        message=_("Учебный год %(name)s уже есть.") % {"name": name}, field="name",
    )
    audit_change(actor=user, instance=year, before=None, organization_id=organization_id,
                 fields=YEAR_FIELDS)
    if with_default_periods:
        for kind, number, period_name, begin, end in default_periods(date_from, date_to):
            _period_save(user=user, organization_id=organization_id, period=None, year=year,
                         kind=kind, number=number, name=period_name, date_from=begin,
                         date_to=end)
    return year


@transaction.atomic
def academic_year_create(
    *,
    actor: ActiveRole,
    name: str,
    date_from: dt.date,
    date_to: dt.date,
    with_default_periods: bool = False,
) -> AcademicYear:
    """A new academic year of the actor's organization, optionally with the usual periods."""
    _require_edit(actor)
    return _year_create(user=actor.user, organization_id=actor.organization_id, name=name,
                        date_from=date_from, date_to=date_to,
                        with_default_periods=with_default_periods)


@transaction.atomic
def academic_year_update(
    *, actor: ActiveRole, year: AcademicYear, name: str, date_from: dt.date, date_to: dt.date
) -> AcademicYear:
    """New name or dates; the year's periods must stay inside them."""
    _require_own(actor, year.organization_id)
    before = snapshot(year, YEAR_FIELDS)
    name = _check_year(organization_id=year.organization_id, year=year, name=name,
                       date_from=date_from, date_to=date_to)
    outside = (
        year.periods.filter(models.Q(date_from__lt=date_from) | models.Q(date_to__gt=date_to))
        .order_by("date_from")
        .first()
    )
    if outside is not None:
        raise DomainError(
            _("Период «%(period)s» %(from)s–%(to)s окажется за границами учебного года: "
              "сначала измените или удалите его.")
            % {"period": outside.name, "from": _d(outside.date_from),
               "to": _d(outside.date_to)},
            field="date_from" if outside.date_from < date_from else "date_to",
        )
    year.name, year.date_from, year.date_to = name, date_from, date_to
    _save(year, message=_("Учебный год %(name)s уже есть.") % {"name": name}, field="name")
    audit_change(actor=actor.user, instance=year, before=before,
                 organization_id=year.organization_id, fields=YEAR_FIELDS)
    return year


# --- Periods: semesters and holidays -------------------------------------------------------------


def _overlap_message(kind: str, other_kind: str) -> str:
    if kind == Period.Kind.SEMESTER:
        if other_kind == Period.Kind.SEMESTER:
            return _("Семестр %(from)s–%(to)s пересекается с семестром %(other_from)s–%(other_to)s")
        return _("Семестр %(from)s–%(to)s пересекается с каникулами %(other_from)s–%(other_to)s")
    if other_kind == Period.Kind.SEMESTER:
        return _("Каникулы %(from)s–%(to)s пересекаются с семестром %(other_from)s–%(other_to)s")
    return _("Каникулы %(from)s–%(to)s пересекаются с каникулами %(other_from)s–%(other_to)s")


def _check_period(
    *,
    year: AcademicYear,
    period: Period | None,
    kind: str,
    number: int,
    name: str,
    date_from: dt.date,
    date_to: dt.date,
) -> str:
    """Refuse a period that breaks a rule of the year's calendar; returns the cleaned name."""
    if kind not in Period.Kind.values:
        raise DomainError(_("Выберите вид периода: семестр или каникулы."), field="kind")
    if kind == Period.Kind.SEMESTER and number not in (1, 2):
        raise DomainError(_("Номер семестра в учебном году — 1 или 2."), field="number")
    low, high = HOLIDAY_NUMBERS
    if kind == Period.Kind.HOLIDAYS and (number is None or not low <= number <= high):
        raise DomainError(
            _("Номер каникул — от %(low)s до %(high)s.") % {"low": low, "high": high},
            field="number",
        )
    name = (name or "").strip()
    if not name and kind == Period.Kind.SEMESTER:
        name = _("%(number)s семестр") % {"number": number}
    name = _required_text(
        name, field="name", message=_("Укажите название, например «Зимние каникулы»."),
        max_length=100,
    )
    if date_from is None:
        raise DomainError(_("Укажите дату начала."), field="date_from")
    if date_to is None:
        raise DomainError(_("Укажите дату окончания."), field="date_to")
    if date_to < date_from:
        raise DomainError(_("Окончание не может быть раньше начала."), field="date_to")
    if date_from < year.date_from or date_to > year.date_to:
        raise DomainError(
            _("Период %(from)s–%(to)s выходит за границы учебного года %(year)s "
              "(%(year_from)s–%(year_to)s).")
            % {"from": _d(date_from), "to": _d(date_to), "year": year.name,
               "year_from": _d(year.date_from), "year_to": _d(year.date_to)},
            field="date_from" if date_from < year.date_from else "date_to",
        )
    others = list(year.periods.order_by("date_from"))
    if period is not None:
        others = [other for other in others if other.pk != period.pk]
    for other in others:
        if other.kind == kind and other.number == number:
            message = (
                _("Семестр № %(number)s в этом учебном году уже есть: %(other)s.")
                if kind == Period.Kind.SEMESTER
                else _("Каникулы № %(number)s в этом учебном году уже есть: %(other)s.")
            )
            raise DomainError(message % {"number": number, "other": other.name}, field="number")
    for other in others:
        if other.date_from <= date_to and other.date_to >= date_from:
            raise DomainError(
                _overlap_message(kind, other.kind)
                % {"from": _d(date_from), "to": _d(date_to),
                   "other_from": _d(other.date_from), "other_to": _d(other.date_to)},
                field="date_from",
            )
    if kind == Period.Kind.SEMESTER:
        for other in others:
            if other.kind != Period.Kind.SEMESTER:
                continue
            if (number < other.number) != (date_to < other.date_from):
                raise DomainError(
                    _("1 семестр идёт раньше 2 семестра: проверьте даты и номер."),
                    field="number",
                )
    return name


def _period_save(
    *,
    user: User | None,
    organization_id: int,
    period: Period | None,
    year: AcademicYear,
    kind: str,
    number: int,
    name: str,
    date_from: dt.date,
    date_to: dt.date,
) -> Period:
    name = _check_period(year=year, period=period, kind=kind, number=number, name=name,
                         date_from=date_from, date_to=date_to)
    before = snapshot(period, PERIOD_FIELDS) if period is not None else None
    if period is None:
        period = Period(academic_year=year)
    period.kind, period.number, period.name = kind, number, name
    period.date_from, period.date_to = date_from, date_to
    _save(period, message=_("Такой период в этом учебном году уже есть."), field="number")
    audit_change(actor=user, instance=period, before=before, organization_id=organization_id,
                 fields=PERIOD_FIELDS)
    return period


def _lock_year(year: AcademicYear) -> AcademicYear:
    """Serialize calendar changes of one year, so two overlapping periods can't both pass."""
    return AcademicYear.objects.select_for_update().get(pk=year.pk)


@transaction.atomic
def period_create(
    *,
    actor: ActiveRole,
    academic_year: AcademicYear,
    kind: str,
    number: int,
    name: str,
    date_from: dt.date,
    date_to: dt.date,
) -> Period:
    """A semester or holidays inside the academic year, overlapping no other period."""
    _require_own(actor, academic_year.organization_id)
    year = _lock_year(academic_year)
    return _period_save(user=actor.user, organization_id=year.organization_id, period=None,
                        year=year, kind=kind, number=number, name=name, date_from=date_from,
                        date_to=date_to)


@transaction.atomic
def period_update(
    *,
    actor: ActiveRole,
    period: Period,
    kind: str,
    number: int,
    name: str,
    date_from: dt.date,
    date_to: dt.date,
) -> Period:
    _require_own(actor, period.academic_year.organization_id)
    year = _lock_year(period.academic_year)
    return _period_save(user=actor.user, organization_id=year.organization_id, period=period,
                        year=year, kind=kind, number=number, name=name, date_from=date_from,
                        date_to=date_to)


@transaction.atomic
def period_delete(*, actor: ActiveRole, period: Period) -> None:
    organization_id = period.academic_year.organization_id
    _require_own(actor, organization_id)
    audit_delete(actor=actor.user, instance=period, organization_id=organization_id,
                 fields=PERIOD_FIELDS)
    try:
        period.delete()
    except models.ProtectedError as error:  # the audit row goes back with the transaction
        raise DomainError(
            _("Период «%(name)s» нельзя удалить: по нему уже есть ведомости или печать журналов.")
            % {"name": period.name}
        ) from error


# --- Departments ---------------------------------------------------------------------------------


def _check_department(
    *, actor: ActiveRole, department: Department | None, name: str, form_of_study: str
) -> str:
    name = _required_text(
        name, field="name", message=_("Укажите название отделения, например «Очное отделение»."),
        max_length=200,
    )
    if form_of_study not in Department.Form.values:
        raise DomainError(_("Выберите форму обучения."), field="form_of_study")
    others = Department.objects.filter(organization_id=actor.organization_id)
    if _taken(others.values_list("name"), department, name):
        raise DomainError(_("Отделение «%(name)s» уже есть.") % {"name": name}, field="name")
    return name


@transaction.atomic
def department_create(*, actor: ActiveRole, name: str, form_of_study: str) -> Department:
    _require_edit(actor)
    name = _check_department(actor=actor, department=None, name=name, form_of_study=form_of_study)
    department = _save(
        Department(organization_id=actor.organization_id, name=name, form_of_study=form_of_study),
        message=_("Отделение «%(name)s» уже есть.") % {"name": name}, field="name",
    )
    audit_change(actor=actor.user, instance=department, before=None,
                 organization_id=actor.organization_id, fields=DEPARTMENT_FIELDS)
    return department


@transaction.atomic
def department_update(
    *, actor: ActiveRole, department: Department, name: str, form_of_study: str
) -> Department:
    _require_own(actor, department.organization_id)
    before = snapshot(department, DEPARTMENT_FIELDS)
    department.name = _check_department(actor=actor, department=department, name=name,
                                        form_of_study=form_of_study)
    department.form_of_study = form_of_study
    _save(department, message=_("Отделение «%(name)s» уже есть.") % {"name": department.name},
          field="name")
    audit_change(actor=actor.user, instance=department, before=before,
                 organization_id=actor.organization_id, fields=DEPARTMENT_FIELDS)
    return department


def _department_users(department: Department) -> Any:
    """Rows of upper layers bound to the department, looked up by name, not imported."""
    assignment = apps.get_model("accounts", "RoleAssignment")
    return assignment.objects.filter(department_id=department.pk)


@transaction.atomic
def department_delete(*, actor: ActiveRole, department: Department) -> None:
    """Only an unused department: its groups, programs and staff would lose their place."""
    _require_own(actor, department.organization_id)
    refusals: list[tuple[Callable[[], bool], str]] = [
        (department.groups.exists,
         _("Отделение «%(name)s» нельзя удалить: к нему относятся группы.")),
        (department.programs.exists,
         _("Отделение «%(name)s» нельзя удалить: к нему относятся специальности.")),
        (department.employees.exists,
         _("Отделение «%(name)s» нельзя удалить: к нему относятся сотрудники.")),
        # A department head without a department would see the whole college.
        (_department_users(department).exists,
         _("Отделение «%(name)s» нельзя удалить: к нему привязан заведующий отделением.")),
    ]
    for used, message in refusals:
        if used():
            raise DomainError(message % {"name": department.name})
    audit_delete(actor=actor.user, instance=department, organization_id=actor.organization_id,
                 fields=DEPARTMENT_FIELDS)
    department.delete()


# --- Rooms ---------------------------------------------------------------------------------------


def _room_taken_message(number: str, building: str) -> str:
    if building:
        return _("Кабинет %(number)s уже есть в корпусе «%(building)s».") % {
            "number": number, "building": building}
    return _("Кабинет %(number)s уже есть.") % {"number": number}


def _check_room(
    *,
    actor: ActiveRole,
    room: Room | None,
    number: str,
    name: str,
    kind: str,
    capacity: int,
    building: str,
) -> dict[str, Any]:
    number = _required_text(number, field="number", message=_("Укажите номер кабинета."),
                            max_length=20)
    building = _optional_text(building, field="building", max_length=100)
    name = _optional_text(name, field="name", max_length=200)
    if kind not in Room.Kind.values:
        raise DomainError(_("Выберите вид помещения."), field="kind")
    capacity = _check_range(
        capacity, ROOM_CAPACITY, field="capacity",
        message=_("Вместимость кабинета — от %(low)s до %(high)s мест."),
    )
    others = Room.objects.filter(organization_id=actor.organization_id)
    if _taken(others.values_list("building", "number"), room, building, number):
        raise DomainError(_room_taken_message(number, building), field="number")
    return {"number": number, "building": building, "name": name, "kind": kind,
            "capacity": capacity}


@transaction.atomic
def room_create(
    *, actor: ActiveRole, number: str, name: str, kind: str, capacity: int, building: str
) -> Room:
    _require_edit(actor)
    values = _check_room(actor=actor, room=None, number=number, name=name, kind=kind,
                         capacity=capacity, building=building)
    room = _save(Room(organization_id=actor.organization_id, **values),
                 message=_room_taken_message(values["number"], values["building"]),
                 field="number")
    audit_change(actor=actor.user, instance=room, before=None,
                 organization_id=actor.organization_id, fields=ROOM_FIELDS)
    return room


@transaction.atomic
def room_update(
    *,
    actor: ActiveRole,
    room: Room,
    number: str,
    name: str,
    kind: str,
    capacity: int,
    building: str,
) -> Room:
    _require_own(actor, room.organization_id)
    before = snapshot(room, ROOM_FIELDS)
    values = _check_room(actor=actor, room=room, number=number, name=name, kind=kind,
                         capacity=capacity, building=building)
    for field, value in values.items():
        setattr(room, field, value)
    _save(room, message=_room_taken_message(room.number, room.building), field="number")
    audit_change(actor=actor.user, instance=room, before=before,
                 organization_id=actor.organization_id, fields=ROOM_FIELDS)
    return room


@transaction.atomic
def room_delete(*, actor: ActiveRole, room: Room) -> None:
    _require_own(actor, room.organization_id)
    audit_delete(actor=actor.user, instance=room, organization_id=actor.organization_id,
                 fields=ROOM_FIELDS)
    room.delete()


# --- Bell schedules and pairs --------------------------------------------------------------------


def _check_bells_name(*, actor: ActiveRole, bell_schedule: BellSchedule | None, name: str) -> str:
    name = _required_text(
        name, field="name",
        message=_("Укажите название расписания звонков, например «Понедельник — пятница»."),
        max_length=100,
    )
    others = BellSchedule.objects.filter(organization_id=actor.organization_id)
    if _taken(others.values_list("name"), bell_schedule, name):
        raise DomainError(
            _("Расписание звонков «%(name)s» уже есть.") % {"name": name}, field="name"
        )
    return name


def _unset_other_defaults(actor: ActiveRole, keep: BellSchedule | None) -> None:
    """Only one default schedule per organization: the new default takes the place."""
    others = BellSchedule.objects.select_for_update().filter(
        organization_id=actor.organization_id, is_default=True
    )
    if keep is not None and keep.pk is not None:
        others = others.exclude(pk=keep.pk)
    for other in others:
        before = snapshot(other, BELLS_FIELDS)
        other.is_default = False
        other.save(update_fields=["is_default"])
        audit_change(actor=actor.user, instance=other, before=before,
                     organization_id=actor.organization_id, fields=BELLS_FIELDS)


@transaction.atomic
def bell_schedule_create(*, actor: ActiveRole, name: str, is_default: bool = False) -> BellSchedule:
    """A new variant of pair times; the organization's first one is its default."""
    _require_edit(actor)
    name = _check_bells_name(actor=actor, bell_schedule=None, name=name)
    schedules = BellSchedule.objects.select_for_update().filter(
        organization_id=actor.organization_id
    )
    if not schedules.exists():
        is_default = True
    if is_default:
        _unset_other_defaults(actor, keep=None)
    bell_schedule = _save(
        BellSchedule(organization_id=actor.organization_id, name=name, is_default=is_default),
        message=_("Расписание звонков «%(name)s» уже есть.") % {"name": name}, field="name",
    )
    audit_change(actor=actor.user, instance=bell_schedule, before=None,
                 organization_id=actor.organization_id, fields=BELLS_FIELDS)
    return bell_schedule


@transaction.atomic
def bell_schedule_update(
    *, actor: ActiveRole, bell_schedule: BellSchedule, name: str, is_default: bool
) -> BellSchedule:
    _require_own(actor, bell_schedule.organization_id)
    before = snapshot(bell_schedule, BELLS_FIELDS)
    name = _check_bells_name(actor=actor, bell_schedule=bell_schedule, name=name)
    if bell_schedule.is_default and not is_default:
        raise DomainError(
            _("Основное расписание звонков нельзя просто снять: отметьте основным другое."),
            field="is_default",
        )
    if is_default and not bell_schedule.is_default:
        _unset_other_defaults(actor, keep=bell_schedule)
    bell_schedule.name, bell_schedule.is_default = name, is_default
    _save(bell_schedule, message=_("Расписание звонков «%(name)s» уже есть.") % {"name": name},
          field="name")
    audit_change(actor=actor.user, instance=bell_schedule, before=before,
                 organization_id=actor.organization_id, fields=BELLS_FIELDS)
    return bell_schedule


@transaction.atomic
def bell_schedule_delete(*, actor: ActiveRole, bell_schedule: BellSchedule) -> None:
    """With its pairs; the default one only when it is the last schedule left."""
    _require_own(actor, bell_schedule.organization_id)
    if bell_schedule.is_default and BellSchedule.objects.filter(
        organization_id=actor.organization_id
    ).exclude(pk=bell_schedule.pk).exists():
        raise DomainError(
            _("Нельзя удалить основное расписание звонков: сначала отметьте основным другое.")
        )
    for pair in bell_schedule.pairs.order_by("number"):
        audit_delete(actor=actor.user, instance=pair, organization_id=actor.organization_id,
                     fields=PAIR_FIELDS)
    audit_delete(actor=actor.user, instance=bell_schedule, organization_id=actor.organization_id,
                 fields=BELLS_FIELDS)
    bell_schedule.delete()


def _check_pair_times(
    number: int, starts_at: dt.time, ends_at: dt.time, others: list[Pair]
) -> None:
    if starts_at is None:
        raise DomainError(_("Укажите время начала пары."), field="starts_at")
    if ends_at is None:
        raise DomainError(_("Укажите время окончания пары."), field="ends_at")
    if ends_at <= starts_at:
        raise DomainError(_("Пара должна заканчиваться позже, чем начинается."), field="ends_at")
    for other in others:
        if other.starts_at < ends_at and other.ends_at > starts_at:
            raise DomainError(
                _("Пара № %(number)s %(start)s–%(end)s пересекается с парой № %(other)s "
                  "%(other_start)s–%(other_end)s.")
                % {"number": number, "start": _t(starts_at), "end": _t(ends_at),
                   "other": other.number, "other_start": _t(other.starts_at),
                   "other_end": _t(other.ends_at)},
                field="starts_at",
            )
    # Numbers follow the time of day: the neighbours decide (the rest already keep the order).
    before = max((other for other in others if other.number < number),
                 key=lambda other: other.number, default=None)
    after = min((other for other in others if other.number > number),
                key=lambda other: other.number, default=None)
    if before is not None and before.ends_at > starts_at:
        raise DomainError(
            _("Пара № %(number)s должна начинаться после пары № %(other)s "
              "(она заканчивается в %(time)s).")
            % {"number": number, "other": before.number, "time": _t(before.ends_at)},
            field="starts_at",
        )
    if after is not None and after.starts_at < ends_at:
        raise DomainError(
            _("Пара № %(number)s должна заканчиваться до пары № %(other)s "
              "(она начинается в %(time)s).")
            % {"number": number, "other": after.number, "time": _t(after.starts_at)},
            field="ends_at",
        )


@transaction.atomic
def pair_set(
    *,
    actor: ActiveRole,
    bell_schedule: BellSchedule,
    number: int,
    starts_at: dt.time,
    ends_at: dt.time,
) -> Pair:
    """Set the times of pair № `number`, adding it when it is the next one (pairs go 1..N)."""
    _require_own(actor, bell_schedule.organization_id)
    # Serialize the changes of one schedule so that numbering and overlaps hold.
    BellSchedule.objects.select_for_update().filter(pk=bell_schedule.pk).first()
    pairs = {pair.number: pair for pair in bell_schedule.pairs.all()}
    following = len(pairs) + 1
    if number is None or (number not in pairs and number != following):
        raise DomainError(
            _("Пары нумеруются подряд с первой: следующая пара — № %(next)s.")
            % {"next": following},
            field="number",
        )
    pair = pairs.pop(number, None)
    _check_pair_times(number, starts_at, ends_at, list(pairs.values()))
    before = snapshot(pair, PAIR_FIELDS) if pair is not None else None
    if pair is None:
        pair = Pair(bell_schedule=bell_schedule, number=number)
    pair.starts_at, pair.ends_at = starts_at, ends_at
    _save(pair, message=_("Пара № %(number)s уже есть.") % {"number": number}, field="number")
    audit_change(actor=actor.user, instance=pair, before=before,
                 organization_id=actor.organization_id, fields=PAIR_FIELDS)
    return pair


@transaction.atomic
def pair_delete(*, actor: ActiveRole, pair: Pair) -> None:
    """Only the last pair, so that the numbers stay 1..N."""
    bell_schedule = pair.bell_schedule
    _require_own(actor, bell_schedule.organization_id)
    BellSchedule.objects.select_for_update().filter(pk=bell_schedule.pk).first()
    last = bell_schedule.pairs.order_by("-number").values_list("number", flat=True).first()
    if last is not None and pair.number != last:
        raise DomainError(
            _("Удалить можно только последнюю пару (№ %(last)s), иначе нумерация разорвётся.")
            % {"last": last}
        )
    audit_delete(actor=actor.user, instance=pair, organization_id=actor.organization_id,
                 fields=PAIR_FIELDS)
    pair.delete()
