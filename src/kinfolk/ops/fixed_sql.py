"""Names for SQL statements written once: quoted table and column names read from the models.

A few reads run on every page (the navigation bar, a coordinator's limits). Their
statements never change, and building them through the ORM on every request cost
more than running them, so they are composed once from these names.
"""

from __future__ import annotations

from typing import Any

from django.db import connection


def table(model: Any) -> str:
    """The model's table, quoted for the database in use."""
    return connection.ops.quote_name(model._meta.db_table)


def column(model: Any, field: str) -> str:
    """The column of the model's ``field`` (``user`` is ``user_id``), quoted."""
    return connection.ops.quote_name(model._meta.get_field(field).column)
