"""The college itself: organizations (tenants), years and periods, departments, rooms, bells."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Organization(models.Model):
    """A college: the tenant every other row belongs to."""

    name = models.CharField(_("полное наименование"), max_length=300)
    short_name = models.CharField(_("краткое наименование"), max_length=100, unique=True)
    inn = models.CharField(_("ИНН"), max_length=12, blank=True)
    address = models.CharField(_("адрес"), max_length=300, blank=True)
    # The details a certificate or a letter of the college carries in its heading.
    kpp = models.CharField(_("КПП"), max_length=9, blank=True)
    ogrn = models.CharField(_("ОГРН"), max_length=13, blank=True)
    phone = models.CharField(_("телефон"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    license_details = models.CharField(
        _("лицензия на образовательную деятельность"), max_length=300, blank=True
    )
    accreditation_details = models.CharField(
        _("свидетельство о государственной аккредитации"), max_length=300, blank=True
    )
    director_name = models.CharField(_("директор (Фамилия И. О.)"), max_length=100, blank=True)
    timezone = models.CharField(_("часовой пояс"), max_length=64, default="Asia/Tomsk")
    edit_lock_days = models.PositiveSmallIntegerField(
        _("срок редактирования отметок, дней"), default=30
    )
    otp_valid_days = models.PositiveSmallIntegerField(
        _("срок действия временного пароля, дней"), default=settings.OTMETKA_OTP_VALID_DAYS
    )
    credentials_contact = models.CharField(
        _("кто выдаёт реквизиты сотрудникам"),
        max_length=300,
        blank=True,
        help_text=_("Например: администратор АИС, каб. 214, тел. 55-12-34"),
    )
    unexcused_hours_threshold = models.PositiveSmallIntegerField(
        _("порог пропусков без уважительной причины, часов"),
        default=20,
        help_text=_("Отчёт «Пропуски сверх порога» называет обучающихся, пропустивших больше."),
    )
    # Bumped by every change of the roles' rights: each process keeps the rights it computed
    # under this number and sees the new number with the organization on the next request.
    rights_version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("образовательная организация")
        verbose_name_plural = _("образовательные организации")
        ordering = ["short_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(edit_lock_days__gte=1, edit_lock_days__lte=60),
                name="org_edit_lock_days_range",
            ),
            models.CheckConstraint(
                condition=Q(otp_valid_days__gte=1, otp_valid_days__lte=90),
                name="org_otp_valid_days_range",
            ),
            models.CheckConstraint(
                condition=Q(unexcused_hours_threshold__gte=1, unexcused_hours_threshold__lte=500),
                name="org_unexcused_hours_threshold_range",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name


class AcademicYearQuerySet(models.QuerySet["AcademicYear"]):
    def on_day(self, day: dt.date) -> AcademicYearQuerySet:
        return self.filter(date_from__lte=day, date_to__gte=day)

    def overlapping(self, date_from: dt.date, date_to: dt.date) -> AcademicYearQuerySet:
        """Years sharing at least one day with date_from..date_to (both inclusive)."""
        return self.filter(date_from__lte=date_to, date_to__gte=date_from)


class AcademicYear(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="academic_years"
    )
    name = models.CharField(_("название"), max_length=20, help_text=_("Например: 2026/2027"))
    date_from = models.DateField(_("начало"))
    date_to = models.DateField(_("окончание"))

    objects = AcademicYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("учебный год")
        verbose_name_plural = _("учебные годы")
        ordering = ["-date_from"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="year_name_unique"),
            models.CheckConstraint(condition=Q(date_to__gt=F("date_from")), name="year_dates"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def start_year(self) -> int:
        return self.date_from.year


class PeriodQuerySet(models.QuerySet["Period"]):
    def semesters(self) -> PeriodQuerySet:
        return self.filter(kind=Period.Kind.SEMESTER)

    def holidays(self) -> PeriodQuerySet:
        return self.filter(kind=Period.Kind.HOLIDAYS)

    def on_day(self, day: dt.date) -> PeriodQuerySet:
        return self.filter(date_from__lte=day, date_to__gte=day)

    def overlapping(self, date_from: dt.date, date_to: dt.date) -> PeriodQuerySet:
        """Periods sharing at least one day with date_from..date_to (both inclusive)."""
        return self.filter(date_from__lte=date_to, date_to__gte=date_from)


class Period(models.Model):
    """A semester or a holiday inside an academic year."""

    class Kind(models.TextChoices):
        SEMESTER = "semester", _("семестр")
        HOLIDAYS = "holidays", _("каникулы")

    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.CASCADE, related_name="periods"
    )
    kind = models.CharField(_("вид"), max_length=16, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(
        _("номер"), default=1, help_text=_("Для семестра: 1 — осенний, 2 — весенний")
    )
    name = models.CharField(_("название"), max_length=100)
    date_from = models.DateField(_("начало"))
    date_to = models.DateField(_("окончание"))

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("период")
        verbose_name_plural = _("периоды")
        ordering = ["date_from"]
        constraints = [
            models.CheckConstraint(condition=Q(date_to__gte=F("date_from")), name="period_dates"),
            models.UniqueConstraint(
                fields=["academic_year", "kind", "number"], name="period_number_unique"
            ),
            models.CheckConstraint(
                condition=~Q(kind="semester") | Q(number__in=[1, 2]),
                name="period_semester_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.academic_year}"


class Department(models.Model):
    """Отделение: очное, заочное, …"""

    class Form(models.TextChoices):
        FULL_TIME = "full_time", _("очная")
        PART_TIME = "part_time", _("заочная")
        MIXED = "mixed", _("очно-заочная")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(_("название"), max_length=200)
    form_of_study = models.CharField(
        _("форма обучения"), max_length=16, choices=Form.choices, default=Form.FULL_TIME
    )

    class Meta:
        verbose_name = _("отделение")
        verbose_name_plural = _("отделения")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="department_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    class Kind(models.TextChoices):
        CLASSROOM = "classroom", _("учебная аудитория")
        LABORATORY = "laboratory", _("лаборатория")
        COMPUTER = "computer", _("компьютерный класс")
        WORKSHOP = "workshop", _("мастерская")
        GYM = "gym", _("спортивный зал")
        HALL = "hall", _("актовый зал")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="rooms")
    number = models.CharField(_("номер"), max_length=20)
    name = models.CharField(_("название"), max_length=200, blank=True)
    kind = models.CharField(_("вид"), max_length=16, choices=Kind.choices, default=Kind.CLASSROOM)
    capacity = models.PositiveSmallIntegerField(_("вместимость"), default=30)
    building = models.CharField(_("корпус"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("кабинет")
        verbose_name_plural = _("кабинеты")
        ordering = ["building", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "building", "number"], name="room_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=500), name="room_capacity_range"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class BellSchedule(models.Model):
    """Расписание звонков: a variant of pair times (weekdays, Saturday, shortened days)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="bell_schedules"
    )
    name = models.CharField(_("название"), max_length=100)
    is_default = models.BooleanField(_("основное"), default=False)

    class Meta:
        verbose_name = _("расписание звонков")
        verbose_name_plural = _("расписания звонков")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="bells_name_unique"),
            models.UniqueConstraint(
                fields=["organization"], condition=Q(is_default=True), name="bells_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Pair(models.Model):
    """Пара: a numbered slot of a bell schedule."""

    bell_schedule = models.ForeignKey(BellSchedule, on_delete=models.CASCADE, related_name="pairs")
    number = models.PositiveSmallIntegerField(_("номер пары"))
    starts_at = models.TimeField(_("начало"))
    ends_at = models.TimeField(_("окончание"))

    class Meta:
        verbose_name = _("пара")
        verbose_name_plural = _("пары")
        ordering = ["bell_schedule", "number"]
        constraints = [
            models.UniqueConstraint(fields=["bell_schedule", "number"], name="pair_number_unique"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="pair_times"),
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"
