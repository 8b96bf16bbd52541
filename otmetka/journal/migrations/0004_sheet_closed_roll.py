"""Closed attestation sheets keep the roll they closed with (filled for sheets closed so far)."""

from django.db import migrations, models


def freeze_closed_rolls(apps, schema_editor):
    AttestationSheet = apps.get_model("journal", "AttestationSheet")
    Membership = apps.get_model("academics", "Membership")
    for sheet in AttestationSheet.objects.filter(status="closed").select_related("period"):
        day = sheet.period.date_to
        on_roll = (
            Membership.objects.filter(group_id=sheet.group_id, date_from__lte=day)
            .filter(models.Q(date_to__isnull=True) | models.Q(date_to__gte=day))
            .order_by("student__person__sort_key", "student_id")
            .values_list("student_id", flat=True)
        )
        sheet.closed_roll = list(dict.fromkeys(on_roll))
        sheet.save(update_fields=["closed_roll"])


class Migration(migrations.Migration):
    dependencies = [("journal", "0003_lesson_room")]

    operations = [
        migrations.AddField(
            model_name="attestationsheet",
            name="closed_roll",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.RunPython(freeze_closed_rolls, migrations.RunPython.noop),
    ]
