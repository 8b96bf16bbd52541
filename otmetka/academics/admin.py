"""Django admin for academics: read-only, for a superuser to look things up.

Curricula, groups and workload change only through the services, which check the rules and
write the audit log; the admin would be a door around both, so it only shows.
"""

from __future__ import annotations

from django.contrib import admin

from otmetka.academics.models import (
    Curriculum,
    CurriculumHours,
    CurriculumItem,
    Group,
    Membership,
    Program,
    Subgroup,
    SubgroupMembership,
    Workload,
)
from otmetka.lib.admin import ReadOnlyAdmin, ReadOnlyMixin


class CurriculumHoursInline(ReadOnlyMixin, admin.TabularInline):
    model = CurriculumHours
    extra = 0


@admin.register(Program)
class ProgramAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "qualification", "form_of_study", "organization")
    list_filter = ("organization", "form_of_study", "level")
    search_fields = ("code", "name", "qualification")
    list_select_related = ("organization",)


@admin.register(Curriculum)
class CurriculumAdmin(ReadOnlyAdmin):
    list_display = ("name", "program", "intake_year", "semesters", "approved_on")
    list_filter = ("program__organization", "intake_year")
    search_fields = ("name", "program__code")
    list_select_related = ("program",)


@admin.register(CurriculumItem)
class CurriculumItemAdmin(ReadOnlyAdmin):
    list_display = ("index", "name", "kind", "curriculum", "parent", "position")
    list_filter = ("kind", "curriculum__program__organization")
    search_fields = ("index", "name")
    list_select_related = ("curriculum", "parent")
    inlines = (CurriculumHoursInline,)


@admin.register(Group)
class GroupAdmin(ReadOnlyAdmin):
    list_display = ("name", "organization", "program", "intake_year", "is_active")
    list_filter = ("organization", "intake_year", "is_active")
    search_fields = ("name",)
    list_select_related = ("organization", "program")


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("student", "group", "date_from", "date_to", "basis")
    list_filter = ("group__organization",)
    search_fields = ("student__person__sort_key", "group__name")
    list_select_related = ("student__person", "group")


@admin.register(Subgroup)
class SubgroupAdmin(ReadOnlyAdmin):
    list_display = ("name", "group")
    search_fields = ("name", "group__name")
    list_select_related = ("group",)


@admin.register(SubgroupMembership)
class SubgroupMembershipAdmin(ReadOnlyAdmin):
    list_display = ("student", "subgroup", "date_from", "date_to")
    list_select_related = ("student__person", "subgroup__group")


@admin.register(Workload)
class WorkloadAdmin(ReadOnlyAdmin):
    list_display = ("teacher", "group", "item", "subgroup", "academic_year", "hours_first",
                    "hours_second")
    list_filter = ("academic_year__organization", "academic_year")
    search_fields = ("teacher__person__sort_key", "group__name", "item__index")
    list_select_related = ("teacher__person", "group", "item", "subgroup", "academic_year")
