from django.db import migrations


class Migration(migrations.Migration):
    """Printed journals now live in documents.Document (kind «journal.print»)."""

    dependencies = [
        ("journal", "0005_work_kind_oral_answer"),
        ("documents", "0002_journal_prints"),
    ]

    operations = [migrations.DeleteModel(name="JournalPrint")]
