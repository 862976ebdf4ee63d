"""Migration operations that keep large tables online (CONTRIBUTING.md, "Migrations").

``AddIndexConcurrently`` builds an index with ``CREATE INDEX CONCURRENTLY`` on
PostgreSQL, so reads and writes of the table go on while it is built, and with
a plain ``CREATE INDEX`` on SQLite, which has no such thing and no concurrent
writers to wait for.  A migration that uses it sets ``atomic = False``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.operations import (
    AddIndexConcurrently as _PostgresAddIndexConcurrently,
)
from django.contrib.postgres.operations import (
    RemoveIndexConcurrently as _PostgresRemoveIndexConcurrently,
)
from django.db.migrations.operations import AddIndex, RemoveIndex


class AddIndexConcurrently(_PostgresAddIndexConcurrently):
    """``AddIndex`` without locking the table on PostgreSQL; plain on SQLite."""

    def database_forwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, *args)
        else:
            AddIndex.database_forwards(self, app_label, schema_editor, *args)

    def database_backwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, *args)
        else:
            AddIndex.database_backwards(self, app_label, schema_editor, *args)


class RemoveIndexConcurrently(_PostgresRemoveIndexConcurrently):
    """``RemoveIndex`` without locking the table on PostgreSQL; plain on SQLite."""

    def database_forwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, *args)
        else:
            RemoveIndex.database_forwards(self, app_label, schema_editor, *args)

    def database_backwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, *args)
        else:
            RemoveIndex.database_backwards(self, app_label, schema_editor, *args)
