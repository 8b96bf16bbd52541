"""The edit lock may be set from 1 to 60 days: longer values are brought down to 60 first."""

from django.db import migrations, models


def clamp(apps, schema_editor):
    Organization = apps.get_model("org", "Organization")
    Organization.objects.filter(edit_lock_days__gt=60).update(edit_lock_days=60)


class Migration(migrations.Migration):
    dependencies = [("org", "0003_rights_version")]

    operations = [
        migrations.RemoveConstraint(model_name="organization", name="org_edit_lock_days_range"),
        migrations.RunPython(clamp, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="organization",
            constraint=models.CheckConstraint(
                condition=models.Q(("edit_lock_days__gte", 1), ("edit_lock_days__lte", 60)),
                name="org_edit_lock_days_range",
            ),
        ),
    ]
