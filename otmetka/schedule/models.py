"""The timetable: weekly entries, changes for a date, bells per weekday, calendar feeds."""

from __future__ import annotations

import datetime as dt
from typing import Self

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    MONDAY = 1, _("понедельник")
    TUESDAY = 2, _("вторник")
    WEDNESDAY = 3, _("среда")
    THURSDAY = 4, _("четверг")
    FRIDAY = 5, _("пятница")
    SATURDAY = 6, _("суббота")


class WeekParity(models.TextChoices):
    """Чередование недель: odd/even counted from the academic year's first week (week 1 odd)."""

    EVERY = "every", _("каждую неделю")
    ODD = "odd", _("по нечётным неделям")
    EVEN = "even", _("по чётным неделям")


class DayBells(models.Model):
    """Which bell schedule a weekday uses (e.g. a shorter Saturday); default otherwise."""

    organization = models.ForeignKey(
        "org.Organization", on_delete=models.CASCADE, related_name="day_bells"
    )
    weekday = models.PositiveSmallIntegerField(_("день недели"), choices=Weekday.choices)
    bell_schedule = models.ForeignKey(
        "org.BellSchedule", on_delete=models.CASCADE, related_name="+", verbose_name=_("звонки")
    )

    class Meta:
        verbose_name = _("звонки дня недели")
        verbose_name_plural = _("звонки по дням недели")
        constraints = [
            models.UniqueConstraint(fields=["organization", "weekday"], name="day_bells_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()}: {self.bell_schedule}"


class DateBells(models.Model):
    """Bells for one date (a shortened pre-holiday day): overrides the weekday's bells."""

    organization = models.ForeignKey(
        "org.Organization", on_delete=models.CASCADE, related_name="date_bells"
    )
    date = models.DateField(_("дата"))
    bell_schedule = models.ForeignKey(
        "org.BellSchedule", on_delete=models.CASCADE, related_name="+", verbose_name=_("звонки")
    )
    reason = models.CharField(_("причина"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("звонки на дату")
        verbose_name_plural = _("звонки на даты")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "date"], name="date_bells_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}: {self.bell_schedule}"


class TimetableEntryQuerySet(models.QuerySet["TimetableEntry"]):
    def valid_on(self, day: dt.date) -> Self:
        return self.filter(valid_from__lte=day, valid_to__gte=day)

    def overlapping(self, date_from: dt.date, date_to: dt.date) -> Self:
        return self.filter(valid_from__lte=date_to, valid_to__gte=date_from)


class TimetableEntry(models.Model):
    """A weekly slot: a workload line (group or subgroup, teacher) × weekday × pair × room."""

    workload = models.ForeignKey(
        "academics.Workload",
        on_delete=models.PROTECT,
        related_name="timetable_entries",
        verbose_name=_("нагрузка"),
    )
    weekday = models.PositiveSmallIntegerField(_("день недели"), choices=Weekday.choices)
    pair_number = models.PositiveSmallIntegerField(
        _("пара"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    room = models.ForeignKey(
        "org.Room",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="timetable_entries",
        verbose_name=_("кабинет"),
    )
    parity = models.CharField(
        _("недели"), max_length=5, choices=WeekParity.choices, default=WeekParity.EVERY
    )
    valid_from = models.DateField(_("действует с"))
    valid_to = models.DateField(_("действует по"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = TimetableEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("строка расписания")
        verbose_name_plural = _("расписание")
        ordering = ["weekday", "pair_number", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=F("valid_from")), name="timetable_entry_dates"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=1, weekday__lte=6), name="timetable_entry_weekday"
            ),
        ]
        indexes = [
            models.Index(fields=["weekday", "pair_number"], name="timetable_slot"),
            models.Index(fields=["valid_from", "valid_to"], name="timetable_validity"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()}, {self.pair_number} пара: {self.workload}"


class ScheduleChange(models.Model):
    """Замена на дату: cancel a pair, replace the teacher, move it, or add an extra pair."""

    class Kind(models.TextChoices):
        CANCEL = "cancel", _("отмена пары")
        REPLACE_TEACHER = "replace_teacher", _("замена преподавателя")
        MOVE = "move", _("перенос (кабинет или пара)")
        EXTRA = "extra", _("дополнительная пара")

    organization = models.ForeignKey(
        "org.Organization", on_delete=models.CASCADE, related_name="schedule_changes"
    )
    date = models.DateField(_("дата"))
    kind = models.CharField(_("вид"), max_length=16, choices=Kind.choices)
    entry = models.ForeignKey(
        TimetableEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("пара по расписанию"),
    )
    workload = models.ForeignKey(
        "academics.Workload", on_delete=models.PROTECT, related_name="+", verbose_name=_("нагрузка")
    )
    pair_number = models.PositiveSmallIntegerField(
        _("пара"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    room = models.ForeignKey(
        "org.Room", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    teacher = models.ForeignKey(
        "people.Employee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("замещающий преподаватель"),
    )
    reason = models.CharField(_("причина"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("изменение расписания")
        verbose_name_plural = _("изменения расписания")
        ordering = ["date", "pair_number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "date"], condition=Q(entry__isnull=False), name="change_once"
            )
        ]
        indexes = [models.Index(fields=["organization", "date"], name="change_org_date")]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.get_kind_display()}"


class CalendarFeed(models.Model):
    """A secret iCal address for a teacher's or a group's timetable; revoked, it stops working."""

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(
        "people.Employee", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        "academics.Group", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("календарь iCal")
        verbose_name_plural = _("календари iCal")
        constraints = [
            models.CheckConstraint(
                condition=Q(employee__isnull=False, group__isnull=True)
                | Q(employee__isnull=True, group__isnull=False),
                name="feed_owner_one",
            )
        ]

    def __str__(self) -> str:
        return f"iCal {self.employee or self.group}"
