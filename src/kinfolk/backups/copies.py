"""Copying a database out and back in: SQLite's online backup API, or pg_dump and pg_restore.

Also counts and checksums of every table, to prove a restore brought every row back.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import connections
from django.utils.translation import gettext as _

from kinfolk.backups.manifest import BackupRefused, Manifest, Progress, engine_of, settings_of


def _sqlite_connect(database: dict[str, Any]) -> sqlite3.Connection:
    name = str(database["NAME"])
    return sqlite3.connect(name, uri=name.startswith("file:"))


def sqlite_dump(database: dict[str, Any], payload: Path, progress: Progress) -> Manifest:
    source = _sqlite_connect(database)
    copy = sqlite3.connect(payload)
    try:
        # The online backup API copies a consistent snapshot page by page
        # while the site keeps reading and writing.
        source.backup(
            copy,
            pages=256,
            progress=lambda _status, remaining, total: progress(
                _("Copying the database"), total - remaining, total
            ),
        )
        # Counted in the copy, so the counts describe exactly what was saved.
        return Manifest(engine="sqlite", schema=schema_read(copy), tables=_counts(copy, "sqlite"))
    finally:
        copy.close()
        source.close()


def postgresql_dump(database: dict[str, Any], payload: Path, progress: Progress) -> Manifest:
    import psycopg

    with psycopg.connect(**psycopg_args(database)) as conn:
        # One snapshot for the counts and for pg_dump, so both see the same rows:
        # a repeatable-read transaction keeps the snapshot it exports.
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        snapshot = _one(conn, "SELECT pg_export_snapshot()")
        tables = _counts(conn, "postgresql")
        manifest = Manifest(engine="postgresql", schema=schema_read(conn), tables=tables)
        command = [
            "pg_dump",
            "--format=custom",
            "--verbose",
            f"--snapshot={snapshot}",
            f"--file={payload}",
            *_pg_target(database),
        ]
        _run_counting(command, database, r"dumping contents of table", len(tables), progress)
        conn.rollback()
    return manifest


def sqlite_load(
    database: dict[str, Any], payload: Path, manifest: Manifest, progress: Progress
) -> None:
    source = sqlite3.connect(payload)
    try:
        try:
            ok = _one(source, "PRAGMA quick_check") == "ok"
            stored = schema_read(source)
        except sqlite3.DatabaseError:
            ok, stored = False, {}
        if not ok or stored != manifest.schema:
            raise BackupRefused(_("The database inside the backup is damaged."))
        connections.close_all()  # no half-open transaction of ours holds the file
        target = _sqlite_connect(database)
        try:
            source.backup(
                target,
                pages=256,
                progress=lambda _status, remaining, total: progress(
                    _("Restoring the database"), total - remaining, total
                ),
            )
        finally:
            target.close()
    finally:
        source.close()


def postgresql_load(database: dict[str, Any], payload: Path, progress: Progress) -> None:
    listing = subprocess.run(["pg_restore", "--list", str(payload)], capture_output=True, text=True)
    if listing.returncode != 0:
        raise BackupRefused(_("The database inside the backup is damaged."))
    total = sum(1 for line in listing.stdout.splitlines() if line and not line.startswith(";"))
    connections.close_all()
    command = [
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        # All or nothing: a restore that fails half-way leaves the database as it was.
        "--single-transaction",
        "--verbose",
        *_pg_target(database, flag="--dbname"),
        str(payload),
    ]
    _run_counting(
        command, database, r"^pg_restore: (creating|processing|dropping)", total, progress
    )


# --- Counting and fingerprints ---------------------------------------------------------------


def _tables(conn: Any, engine: str) -> list[str]:
    if engine == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
    else:
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    return sorted(row[0] for row in conn.execute(sql).fetchall())


def _quote(table: str) -> str:
    return '"' + table.replace('"', '""') + '"'


def _one(conn: Any, sql: str) -> Any:
    """The one value a query returns."""
    return conn.execute(sql).fetchone()[0]


def _counts(conn: Any, engine: str) -> dict[str, int]:
    return {t: _one(conn, f"SELECT COUNT(*) FROM {_quote(t)}") for t in _tables(conn, engine)}


def schema_read(conn: Any) -> dict[str, str]:
    """The latest migration applied of each app: the schema version of the database."""
    rows = conn.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()
    return {app: name for app, name in rows}


@contextlib.contextmanager
def _connected(database: dict[str, Any]) -> Iterator[Any]:
    if engine_of(database) == "sqlite":
        lite = _sqlite_connect(database)
        try:
            yield lite
        finally:
            lite.close()
    else:
        import psycopg

        with psycopg.connect(**psycopg_args(database)) as conn:
            yield conn


def table_counts(database: dict[str, Any] | None = None) -> dict[str, int]:
    """Rows in every table of ``database``."""
    database = settings_of(database)
    with _connected(database) as conn:
        return _counts(conn, engine_of(database))


def table_fingerprints(database: dict[str, Any] | None = None) -> dict[str, tuple[int, str]]:
    """Every table's row count and a checksum of its rows, in any order of storage."""
    database = settings_of(database)
    engine = engine_of(database)
    result = {}
    with _connected(database) as conn:
        for table in _tables(conn, engine):
            rows = sorted(
                repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row))
                for row in conn.execute(f"SELECT * FROM {_quote(table)}").fetchall()
            )
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            result[table] = (len(rows), digest)
    return result


# --- PostgreSQL command-line tools -----------------------------------------------------------


def psycopg_args(database: dict[str, Any]) -> dict[str, Any]:
    args = {
        "dbname": database["NAME"],
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
    }
    return {k: v for k, v in args.items() if v is not None}


def _pg_target(database: dict[str, Any], flag: str = "--dbname") -> list[str]:
    args = [f"{flag}={database['NAME']}"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            args.append(f"{option}={database[key]}")
    return [*args, "--no-password"]


def _run_counting(
    command: list[str], database: dict[str, Any], pattern: str, total: int, progress: Progress
) -> None:
    """Run a PostgreSQL tool, advancing the bar on each line of its report that matches."""
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])  # never on the command line
    matcher = re.compile(pattern)
    done, report = 0, []
    label = _("Copying the database") if command[0] == "pg_dump" else _("Restoring the database")
    progress(label, 0, total)
    with subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) as process:
        assert process.stderr is not None
        for line in process.stderr:
            report.append(line)
            if matcher.search(line):
                done = min(done + 1, total)
                progress(label, done, total)
    if process.returncode != 0:
        tail = "".join(line for line in report if "error" in line.lower())[-2000:]
        raise BackupRefused(
            _("%(tool)s failed; nothing was changed.\n%(report)s")
            % {"tool": command[0], "report": tail}
        )
    progress(label, total, total)
