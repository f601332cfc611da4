"""Bulk insert of generated rows (the demo's): COPY (CSV) on PostgreSQL, executemany on SQLite.

`bulk_create` prepares every value of every row through its field: ≈ 900 cases/s with their
timelines on PostgreSQL here. The demo's rows already hold what the columns hold, so they go
to the driver as they are (the csv module formats them in C). Rows are dicts keyed by field
attname: ids for foreign keys, aware datetimes, dicts for JSON; a missing key takes the
field's default (auto_now fields: now). No model instances, no signals, no validation — for
generated data only.
"""

import csv
import io
import json
from dataclasses import dataclass
from operator import itemgetter

from django.db import connection, models
from django.utils import timezone


@dataclass
class Batch:
    """Rows ready for the driver: built without the database (in any thread), sent in the
    connection's own thread."""

    sql: str
    data: io.StringIO | list[tuple]

    def send(self) -> None:
        with connection.cursor() as cursor:
            if isinstance(self.data, list):
                cursor.executemany(self.sql, self.data)
                return
            raw = cursor.cursor
            if hasattr(raw, "copy_expert"):  # psycopg2
                raw.copy_expert(self.sql, self.data)
            else:  # psycopg 3
                with raw.copy(self.sql) as copy:
                    copy.write(self.data.getvalue())


def allocate_ids(model: type[models.Model], n: int) -> list[int]:
    """n ids for new rows of `model`, taken before the insert: from the identity sequence on
    PostgreSQL; on SQLite past the largest id ever used (the caller holds the write lock:
    IMMEDIATE mode)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor == "sqlite":
            cursor.execute(
                f"SELECT max(coalesce((SELECT max(id) FROM {table}), 0),"  # nosec B608
                f" coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
                [table],
            )
            last = cursor.fetchone()[0]
            return list(range(last + 1, last + n + 1))
    raise NotImplementedError(f"demo rows need PostgreSQL or SQLite, not {connection.vendor}")


def insert(model: type[models.Model], rows: list[dict]) -> None:
    batch = prepare(model, rows)
    if batch is not None:
        batch.send()


def prepare(model: type[models.Model], rows: list[dict]) -> Batch | None:
    if not rows:
        return None
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.attname in rows[0]]
    defaults = {f.attname: _default(f, now) for f in fields}
    json_names = [f.attname for f in fields if isinstance(f, models.JSONField)]
    full = []
    for row in rows:
        row = {**defaults, **row}
        for name in json_names:
            row[name] = json.dumps(row[name], ensure_ascii=False)
        full.append(row)
    if connection.vendor == "postgresql":
        return _copy(model, fields, full)
    if connection.vendor == "sqlite":
        return _executemany(model, fields, full)
    raise NotImplementedError(f"demo rows need PostgreSQL or SQLite, not {connection.vendor}")


def _default(field, now):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    return field.get_default()  # "" for a non-null text field without a default


def _names(model, fields) -> tuple[str, str]:
    quote = connection.ops.quote_name
    return quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)


def _copy(model, fields, rows) -> Batch:
    """Every value quoted (so "" stays an empty string); FORCE_NULL turns the quoted empty
    value of a nullable column (None, written as "") back into NULL."""
    buffer = io.StringIO()
    getter = itemgetter(*[f.attname for f in fields])
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(map(getter, rows))
    buffer.seek(0)
    table, names = _names(model, fields)
    nullable = [connection.ops.quote_name(f.column) for f in fields if f.null]
    force_null = f", FORCE_NULL ({', '.join(nullable)})" if nullable else ""
    return Batch(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv{force_null})", buffer)


def _executemany(model, fields, rows) -> Batch:
    adapt = connection.ops.adapt_datetimefield_value  # aware → UTC text, as Django stores it
    moments = [f.attname for f in fields if isinstance(f, models.DateTimeField)]
    for row in rows:
        for name in moments:
            if row[name] is not None:
                row[name] = adapt(row[name])
    getter = itemgetter(*[f.attname for f in fields])
    table, names = _names(model, fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Table and column names from the model's _meta; every value is a parameter.
    sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # nosec B608
    return Batch(sql, list(map(getter, rows)))


def analyze(models: list[type[models.Model]] | None = None) -> None:
    """Refresh the planner's statistics after a bulk load (the demo seed, a large import): until
    autovacuum comes round, PostgreSQL plans with the counts from before the load (right after
    seeding 20,000 cases it estimated 57 rows for the county's list and chose a slower plan).
    No table list: the whole database. Nothing to do on SQLite."""
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    tables = ", ".join(quote(m._meta.db_table) for m in models or [])
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")  # nosec B608: table names from the models
