"""On PostgreSQL the database refuses to change or delete journal history rows."""

from django.db import migrations

FORWARD = """
CREATE TRIGGER journal_history_append_only
    BEFORE UPDATE OR DELETE ON journal_journalhistory
    FOR EACH ROW EXECUTE FUNCTION otmetka_refuse_history_change();
"""
BACKWARD = "DROP TRIGGER IF EXISTS journal_history_append_only ON journal_journalhistory;"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("journal", "0001_initial"), ("audit", "0002_append_only_trigger")]

    operations = [migrations.RunPython(forward, backward)]
