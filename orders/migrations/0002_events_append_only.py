"""On PostgreSQL, refuse UPDATE and DELETE of ticket events in the database itself.

The model already refuses them; the trigger also stops raw SQL and other clients. TRUNCATE (used
by the test suite between transactional tests) is not affected.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION orders_ticketevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ticket events are append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER orders_ticketevent_append_only
    BEFORE UPDATE OR DELETE ON orders_ticketevent
    FOR EACH ROW EXECUTE FUNCTION orders_ticketevent_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS orders_ticketevent_append_only ON orders_ticketevent;
DROP FUNCTION IF EXISTS orders_ticketevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_lifecycle")]
    operations = [migrations.RunPython(forwards, backwards)]
