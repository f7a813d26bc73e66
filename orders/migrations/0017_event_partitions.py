"""On PostgreSQL, partition the ticket event trail by month of ``created_at`` (decision 37).

The table is rebuilt: a partitioned table of the same columns (its identity sequence continued), a
``DEFAULT`` partition, one partition per month from the oldest event's month to three months ahead,
the rows copied, the indexes, foreign keys and the append-only trigger recreated under their old
names. The primary key becomes (id, created_at), because a partitioned table's unique constraints
must hold its partition key; ids still come from one sequence. Nothing changes for Django's model
state, and nothing happens on SQLite. ``orders.partitions.event_partitions_ensure`` (daily) keeps
months ahead. On a large live table, run this in a maintenance window: the copy holds the table.
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import migrations

TABLE = "orders_ticketevent"
FLAT = "orders_ticketevent_flat"
TRIGGER = (
    f"CREATE TRIGGER orders_ticketevent_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION orders_ticketevent_append_only()"
)


def _month_after(month):
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _shape(cursor):
    """The table's secondary index definitions and foreign keys, to recreate on the new table."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND schemaname = current_schema() "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        [TABLE, TABLE],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
        "AND contype = 'f'",
        [TABLE],
    )
    return indexes, cursor.fetchall()


def _rebuild(schema_editor, *, partitioned):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        indexes, foreign_keys = _shape(cursor)
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(f"DROP TRIGGER IF EXISTS orders_ticketevent_append_only ON {TABLE}")
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {FLAT}")
        cursor.execute(f"ALTER TABLE {FLAT} DROP CONSTRAINT {TABLE}_pkey")
        for name, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {FLAT} DROP CONSTRAINT "{name}"')
        like = f"LIKE {FLAT} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING STORAGE"
        if partitioned:
            cursor.execute(f"CREATE TABLE {TABLE} ({like}) PARTITION BY RANGE (created_at)")
            cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id, created_at)")
            cursor.execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")
            zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
            cursor.execute(f"SELECT min(created_at) FROM {FLAT}")
            oldest = cursor.fetchone()[0]
            today = dt.datetime.now(zone).date()
            month = (oldest.astimezone(zone).date() if oldest else today).replace(day=1)
            last = today.replace(day=1)
            for _ in range(3):
                last = _month_after(last)
            while month <= last:
                start = dt.datetime.combine(month, dt.time(), tzinfo=zone).isoformat()
                end = dt.datetime.combine(_month_after(month), dt.time(), tzinfo=zone).isoformat()
                cursor.execute(
                    f"CREATE TABLE {TABLE}_y{month.year}m{month.month:02d} PARTITION OF {TABLE} "
                    f"FOR VALUES FROM ('{start}') TO ('{end}')"
                )
                month = _month_after(month)
        else:
            cursor.execute(f"CREATE TABLE {TABLE} ({like})")
            cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id)")
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {FLAT}")
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), coalesce(max(id), 0) + 1, false) FROM {TABLE}"
        )
        cursor.execute(f"DROP TABLE {FLAT}")
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute(TRIGGER)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _rebuild(schema_editor, partitioned=True)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _rebuild(schema_editor, partitioned=False)


class Migration(migrations.Migration):
    dependencies = [("orders", "0016_sweep_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
