"""The org models in Django admin, read-only: changes go through the services and the audit."""

from django.contrib import admin

from otmetka.lib.admin import ReadOnlyAdmin
from otmetka.org.models import (
    AcademicYear,
    BellSchedule,
    Department,
    Organization,
    Pair,
    Period,
    Room,
)


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ("short_name", "name", "inn", "timezone")
    search_fields = ("short_name", "name", "inn")


@admin.register(AcademicYear)
class AcademicYearAdmin(ReadOnlyAdmin):
    list_display = ("name", "organization", "date_from", "date_to")
    list_filter = ("organization",)


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdmin):
    list_display = ("name", "academic_year", "kind", "number", "date_from", "date_to")
    list_filter = ("kind", "academic_year__organization")
    list_select_related = ("academic_year",)


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ("name", "organization", "form_of_study")
    list_filter = ("organization",)


@admin.register(Room)
class RoomAdmin(ReadOnlyAdmin):
    list_display = ("number", "building", "name", "kind", "capacity", "organization")
    list_filter = ("organization", "kind")
    search_fields = ("number", "name")


@admin.register(BellSchedule)
class BellScheduleAdmin(ReadOnlyAdmin):
    list_display = ("name", "organization", "is_default")
    list_filter = ("organization",)


@admin.register(Pair)
class PairAdmin(ReadOnlyAdmin):
    list_display = ("bell_schedule", "number", "starts_at", "ends_at")
    list_select_related = ("bell_schedule",)
