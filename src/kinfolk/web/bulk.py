"""Writing many rows fast: PostgreSQL's COPY, or one ``executemany`` on SQLite.

``bulk_create`` builds a model instance and prepares every field of every row
in Python, which costs more than the database's own work at 100,000 rows.
These helpers take plain tuples of values already in the column's type and
hand them to the driver in one call.  They run in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(connection.ops.quote_name(name) for name in names)


def db_datetime(value: dt.datetime) -> Any:
    """An aware datetime as the backend stores it (SQLite keeps text in UTC)."""
    return connection.ops.adapt_datetimefield_value(value)


def db_date(value: dt.date | None) -> Any:
    return connection.ops.adapt_datefield_value(value)


def rows_insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``, database column names)."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({_quoted(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({_quoted(columns)}) VALUES ({marks})", rows)


def rows_update(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """Update rows by primary key: each tuple holds the new values, then the key."""
    table = connection.ops.quote_name(model._meta.db_table)
    sets = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE id = %s", list(rows))
