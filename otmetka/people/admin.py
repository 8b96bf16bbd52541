"""Django admin for people: read-only lookups for a superuser (see otmetka/lib/admin.py)."""

from __future__ import annotations

from django.contrib import admin

from otmetka.lib.admin import ReadOnlyAdmin, ReadOnlyMixin
from otmetka.people.models import Consent, Employee, Guardianship, Person, Position, Student


class GuardianshipInline(ReadOnlyMixin, admin.TabularInline):
    model = Guardianship
    fk_name = "student"
    extra = 0
    raw_id_fields = ("guardian",)


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("full_name", "organization", "birth_date", "snils", "phone", "user")
    list_filter = ("organization",)
    search_fields = ("sort_key", "snils", "phone", "email")
    raw_id_fields = ("user",)
    list_select_related = ("organization", "user")


@admin.register(Student)
class StudentAdmin(ReadOnlyAdmin):
    list_display = ("person", "status", "personal_file_no", "enrolment_order_no", "funding")
    list_filter = ("status", "funding", "person__organization")
    search_fields = ("person__sort_key", "person__snils", "personal_file_no")
    raw_id_fields = ("person",)
    list_select_related = ("person",)
    inlines = (GuardianshipInline,)


@admin.register(Guardianship)
class GuardianshipAdmin(ReadOnlyAdmin):
    list_display = ("guardian", "kind", "student", "receives_diary")
    list_filter = ("kind", "receives_diary")
    search_fields = ("guardian__sort_key", "student__person__sort_key")
    raw_id_fields = ("student", "guardian")
    list_select_related = ("guardian", "student__person")


@admin.register(Position)
class PositionAdmin(ReadOnlyAdmin):
    list_display = ("name", "organization", "is_teaching")
    list_filter = ("organization", "is_teaching")
    search_fields = ("name",)


@admin.register(Employee)
class EmployeeAdmin(ReadOnlyAdmin):
    list_display = ("person", "department", "hire_date", "dismissal_date")
    list_filter = ("person__organization", "department")
    search_fields = ("person__sort_key", "person__snils", "hire_order_no")
    raw_id_fields = ("person",)
    filter_horizontal = ("positions",)
    list_select_related = ("person", "department")


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ("person", "document", "signed_on", "revoked_on", "recorded_by")
    list_filter = ("revoked_on",)
    search_fields = ("person__sort_key", "document")
    raw_id_fields = ("person", "recorded_by")
    list_select_related = ("person", "recorded_by")
