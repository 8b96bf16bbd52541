"""On PostgreSQL the database itself refuses to change or delete audit events.

TRUNCATE stays possible for the table owner only (test databases are emptied that way); the
application's database role should not own the tables in production (see README).
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION otmetka_refuse_history_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'history table %% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION otmetka_refuse_history_change();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
