"""Bulk loading for the benchmarks: PostgreSQL COPY of model rows, filling every column the model
has (Django defaults for the ones a row does not give), without going through the ORM per row."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Model
from django.db.models.fields import NOT_PROVIDED


def copy_rows(model: type[Model], rows: Iterable[dict[str, Any]], *, progress_every: int = 200_000) -> int:
    """COPY ``rows`` (dicts keyed by attname, e.g. ``category_id``) into the model's table."""
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.attname == "id")]
    defaults: dict[str, Any] = {}
    for field in fields:
        if field.has_default():
            defaults[field.attname] = field.get_default()
        elif field.db_default is not NOT_PROVIDED:
            defaults[field.attname] = None  # filled below for the few we use
        elif field.null:
            defaults[field.attname] = None
        elif field.get_internal_type() in ("CharField", "TextField"):
            defaults[field.attname] = ""
    columns = [f.column for f in fields]
    names = [f.attname for f in fields]
    count = 0
    started = time.perf_counter()
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)  # "group" is a keyword
    statement = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({quoted}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[n] if n in row else defaults.get(n) for n in names])
            count += 1
            if progress_every and count % progress_every == 0:
                print(f"    {model._meta.db_table}: {count:,} rows ({time.perf_counter() - started:.0f}s)")
    return count


def reset_sequence(model: type[Model]) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1)) FROM {table}"
        )


def max_id(model: type[Model]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")
        return int(cursor.fetchone()[0])


def truncate_work(*, callers: bool = False) -> None:
    """Empty every table of tickets and what hangs off them (the reference data stays)."""
    tables = [
        "evaluation_periodscore",
        "evaluation_appeal",
        "evaluation_callbackattempt",
        "evaluation_callback",
        "evaluation_earlywarning",
        "orders_deadlinesteprecord",
        "orders_notice",
        "orders_ticketevent",
        "orders_assignment",
        "orders_extensionrequest",
        "orders_returnrequest",
        "dispatch_whistlesummons",
        "dispatch_whistle",
        "orders_idempotencykey",
        "orders_ticket",
    ]
    if callers:
        tables += ["hotline_callerflag", "orders_caller"]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def street_tickets_reference() -> tuple[list[tuple[int, str]], list[tuple[int, int, str]], dict[str, int]]:
    """What a generated street ticket is made of: the category leaves (id, default urgency), the
    subdistricts (id, district id, code) and each street office by its region's code."""
    from dispatch.directory.models import Region, Unit
    from dispatch.directory.reads import category_leaves

    leaves = list(category_leaves().values_list("pk", "default_urgency"))
    streets = list(
        Region.objects.filter(level="street", kind="subdistrict").values_list("pk", "parent_id", "code")
    )
    offices = dict(Unit.objects.filter(kind="street_office").values_list("region__code", "pk"))
    return leaves, streets, offices
