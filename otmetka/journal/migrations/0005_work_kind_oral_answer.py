"""The default work kind «Ответ на уроке» (a school's word) is «Устный ответ» in a college.

Renamed where the organization has no «Устный ответ» of its own; marks keep their kind.
"""

from django.db import migrations

OLD, NEW = "Ответ на уроке", "Устный ответ"


def rename(apps, schema_editor, old=OLD, new=NEW):
    WorkKind = apps.get_model("journal", "WorkKind")
    taken = WorkKind.objects.filter(name=new).values("organization_id")
    WorkKind.objects.filter(name=old).exclude(organization_id__in=taken).update(name=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):
    dependencies = [("journal", "0004_sheet_closed_roll")]

    operations = [migrations.RunPython(rename, rename_back)]
