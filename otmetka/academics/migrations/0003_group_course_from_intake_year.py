"""A group's course is no longer stored: it follows from the intake year and the academic year.

The stored course was raised by the year rollover as soon as the next year was created, so it
described the organization's latest academic year — except for final-year groups, which the
rollover does not promote. Before the column goes, each active group's intake year is made to
agree with what users saw: kept when it already does, else derived from the stored course.
"""

from __future__ import annotations

from typing import Any

import django.core.validators
from django.db import migrations, models


def _starts(apps: Any) -> dict[int, list[int]]:
    """Start years of each organization's academic years, latest first."""
    academic_year = apps.get_model("org", "AcademicYear")
    starts: dict[int, list[int]] = {}
    rows = academic_year.objects.order_by("-date_from").values_list("organization_id", "date_from")
    for organization_id, date_from in rows:
        starts.setdefault(organization_id, []).append(date_from.year)
    return starts


def intake_from_course(apps: Any, schema_editor: Any) -> None:
    group_model = apps.get_model("academics", "Group")
    starts = _starts(apps)
    for group in group_model.objects.filter(is_active=True).select_related("curriculum"):
        years = starts.get(group.organization_id)
        if not years:
            continue
        latest = years[0]
        if latest - group.intake_year + 1 == group.course:
            continue
        final_year = group.course * 2 >= group.curriculum.semesters
        if final_year and len(years) > 1 and years[1] - group.intake_year + 1 == group.course:
            continue  # not promoted by the rollover into the latest year
        group.intake_year = latest - group.course + 1
        group.save(update_fields=["intake_year"])


def course_from_intake(apps: Any, schema_editor: Any) -> None:
    group_model = apps.get_model("academics", "Group")
    starts = _starts(apps)
    for group in group_model.objects.all():
        years = starts.get(group.organization_id)
        if years:
            group.course = min(5, max(1, years[0] - group.intake_year + 1))
            group.save(update_fields=["course"])


class Migration(migrations.Migration):

    dependencies = [
        ("academics", "0002_initial"),
        ("org", "0001_initial"),
    ]

    operations = [
        # A default, so that undoing the removal below can add the column back to filled rows.
        migrations.AlterField(
            model_name="group",
            name="course",
            field=models.PositiveSmallIntegerField(
                default=1,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(5),
                ],
                verbose_name="курс",
            ),
        ),
        migrations.RunPython(intake_from_course, course_from_intake),
        migrations.RemoveField(model_name="group", name="course"),
        migrations.AlterModelOptions(
            name="group",
            options={
                "ordering": ["-intake_year", "name"],
                "verbose_name": "учебная группа",
                "verbose_name_plural": "учебные группы",
            },
        ),
        migrations.AlterField(
            model_name="group",
            name="intake_year",
            field=models.PositiveSmallIntegerField(
                help_text="Год начала учебного года, в котором группа учится на 1 курсе.",
                validators=[
                    django.core.validators.MinValueValidator(2000),
                    django.core.validators.MaxValueValidator(2100),
                ],
                verbose_name="год набора",
            ),
        ),
    ]
