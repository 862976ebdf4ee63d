"""Backups of the whole database, and restoring them: ``kinfolk backup`` and ``kinfolk restore``.

A backup is one tar file holding a manifest (``kinfolk-backup.json``: the
format, the database engine, the schema as the latest migration of each app,
and the number of rows of every table) and the database itself: a copy made
with SQLite's online backup API, or a ``pg_dump -Fc`` archive.  Both are taken
from one consistent snapshot while the site keeps running, and the row counts
come from that same snapshot, so a restore can prove it brought back exactly
what was saved.

A restore first reads and checks the whole file, and refuses (changing
nothing) a file that is not a Kinfolk backup, a backup of another database
engine, and a backup from a newer schema than this code knows.  After the
data is back, the erasure ledger is applied again, so that nobody erased
since the backup was taken comes back with it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.db import connections
from django.utils.translation import gettext as _

MANIFEST = "kinfolk-backup.json"
FORMAT = "kinfolk-backup"
FORMAT_VERSION = 1
PAYLOAD = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}

#: progress(stage, done, total): what the command line shows as a bar.
Progress = Callable[[str, int, int], None]


class BackupRefused(Exception):
    """A file that cannot be restored here; ``message`` says why, for the person restoring."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Manifest:
    engine: str
    schema: dict[str, str]
    tables: dict[str, int]
    created_at: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat())
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def _quiet(stage: str, done: int, total: int) -> None:
    pass


def _database(database: dict[str, Any] | None) -> dict[str, Any]:
    return database if database is not None else connections["default"].settings_dict


def _engine(database: dict[str, Any]) -> str:
    vendor = database["ENGINE"].rsplit(".", 1)[-1]
    if vendor == "sqlite3":
        return "sqlite"
    if vendor in {"postgresql", "postgresql_psycopg2"}:
        return "postgresql"
    raise BackupRefused(
        _("Backups support SQLite and PostgreSQL, not %(vendor)s.") % {"vendor": vendor}
    )


# --- Writing ---------------------------------------------------------------------------------


def backup_create(
    target: Path, *, database: dict[str, Any] | None = None, progress: Progress = _quiet
) -> Manifest:
    """Write a backup of ``database`` (the site's own by default) to ``target``.

    The file appears complete or not at all: it is written beside the target
    under another name and renamed at the end.
    """
    database = _database(database)
    engine = _engine(database)
    target = Path(target)
    with tempfile.TemporaryDirectory(prefix="kinfolk-backup-") as work:
        payload = Path(work) / PAYLOAD[engine]
        if engine == "sqlite":
            manifest = _sqlite_dump(database, payload, progress)
        else:
            manifest = _postgresql_dump(database, payload, progress)
        partial = target.with_name(f".{target.name}.partial")
        # pg_dump -Fc compresses its own archive; a SQLite file is compressed here.
        compressed = engine == "sqlite"
        with tarfile.open(partial, "w:gz") if compressed else tarfile.open(partial, "w") as archive:
            data = json.dumps(asdict(manifest), indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
            archive.addfile(info, _bytes_io(data))
            archive.add(payload, arcname=payload.name)
        partial.chmod(0o600)  # it holds everyone's personal data
        partial.replace(target)
    return manifest


def _bytes_io(data: bytes) -> Any:
    import io

    return io.BytesIO(data)


def _sqlite_connect(database: dict[str, Any]) -> sqlite3.Connection:
    name = str(database["NAME"])
    return sqlite3.connect(name, uri=name.startswith("file:"))


def _sqlite_dump(database: dict[str, Any], payload: Path, progress: Progress) -> Manifest:
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
        return Manifest(engine="sqlite", schema=_schema(copy), tables=_counts(copy, "sqlite"))
    finally:
        copy.close()
        source.close()


def _postgresql_dump(database: dict[str, Any], payload: Path, progress: Progress) -> Manifest:
    import psycopg

    with psycopg.connect(**_psycopg_args(database)) as conn:
        # One snapshot for the counts and for pg_dump, so both see the same rows:
        # a repeatable-read transaction keeps the snapshot it exports.
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        snapshot = _one(conn, "SELECT pg_export_snapshot()")
        tables = _counts(conn, "postgresql")
        manifest = Manifest(engine="postgresql", schema=_schema(conn), tables=tables)
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


# --- Reading and restoring -------------------------------------------------------------------


def backup_inspect(source: Path, *, database: dict[str, Any] | None = None) -> Manifest:
    """Read and check a backup's manifest without touching any database."""
    with _open(Path(source)) as archive:
        return _manifest_checked(archive, _engine(_database(database)))


def backup_restore(
    source: Path, *, database: dict[str, Any] | None = None, progress: Progress = _quiet
) -> Manifest:
    """Replace the contents of ``database`` with the backup's; refuse, changing nothing, a bad file.

    Everything that can be checked is checked before the database is touched.
    Afterwards the row count of every table is compared with the manifest's.
    Restoring the site's own database (the default) then brings an older
    backup up to this version's schema and erases again everyone erased
    since the backup was taken (``ledger_reapply``).
    """
    own = database is None
    database = _database(database)
    engine = _engine(database)
    # The backup carries the ledger of its own day; read today's before it is replaced.
    ledger = ledger_entries() if own else []
    with _open(Path(source)) as archive, tempfile.TemporaryDirectory() as work:
        manifest = _manifest_checked(archive, engine)
        payload = Path(work) / PAYLOAD[engine]
        member = archive.extractfile(PAYLOAD[engine])
        if member is None:
            raise BackupRefused(_("The backup holds no database."))
        with member, payload.open("wb") as out:
            shutil.copyfileobj(member, out)
        if engine == "sqlite":
            _sqlite_load(database, payload, manifest, progress)
        else:
            _postgresql_load(database, payload, progress)
    # Counted before migrations and erasures change any row.
    restored = table_counts(database)
    differ = sorted(t for t, n in manifest.tables.items() if restored.get(t) != n)
    if own:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        # Whatever else went wrong, nobody erased comes back.
        ledger_reapply(ledger)
    if differ:
        raise BackupRefused(
            _("The database was restored, but these tables do not have the backup's rows: %(t)s.")
            % {"t": ", ".join(differ)}
        )
    return manifest


@contextlib.contextmanager
def _open(source: Path) -> Iterator[tarfile.TarFile]:
    not_a_backup = _("%(file)s is not a Kinfolk backup.") % {"file": source.name}
    if not source.is_file():
        raise BackupRefused(_("There is no file %(file)s.") % {"file": source})
    try:
        archive = tarfile.open(source, "r:*")  # noqa: SIM115 (closed by the with below)
    except (tarfile.TarError, OSError):
        raise BackupRefused(not_a_backup) from None
    with archive:
        names = set(archive.getnames())
        if MANIFEST not in names:
            raise BackupRefused(not_a_backup)
        yield archive


def _manifest_checked(archive: tarfile.TarFile, engine: str) -> Manifest:
    not_a_backup = _("This file is not a Kinfolk backup (its manifest is unreadable).")
    member = archive.extractfile(MANIFEST)
    try:
        raw = json.loads(member.read(1_000_000)) if member else None
    except ValueError:
        raise BackupRefused(not_a_backup) from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise BackupRefused(not_a_backup)
    version = raw.get("format_version")
    if isinstance(version, int) and version > FORMAT_VERSION:
        # Checked before the rest: a newer format may have fields this one lacks.
        raise BackupRefused(
            _("This backup was written by a newer Kinfolk (format %(n)d); upgrade Kinfolk first.")
            % {"n": version}
        )
    try:
        manifest = Manifest(**raw)
    except TypeError:
        raise BackupRefused(not_a_backup) from None
    if not (isinstance(manifest.schema, dict) and isinstance(manifest.tables, dict)):
        raise BackupRefused(not_a_backup)
    if manifest.engine != engine:
        raise BackupRefused(
            _("This is a %(theirs)s backup; this site's database is %(ours)s.")
            % {"theirs": manifest.engine, "ours": engine}
        )
    if PAYLOAD[engine] not in archive.getnames():
        raise BackupRefused(_("The backup holds no database."))
    newer = schema_unknown(manifest.schema)
    if newer:
        raise BackupRefused(
            _(
                "This backup is from a newer version of Kinfolk (it has migrations this "
                "version does not know: %(migrations)s). Upgrade Kinfolk, then restore."
            )
            % {"migrations": ", ".join(newer)}
        )
    return manifest


def schema_unknown(schema: dict[str, str]) -> list[str]:
    """Migrations of ``schema`` this code does not have: the mark of a newer backup."""
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)
    return sorted(f"{app}.{name}" for app, name in schema.items() if (app, name) not in known)


def _sqlite_load(
    database: dict[str, Any], payload: Path, manifest: Manifest, progress: Progress
) -> None:
    source = sqlite3.connect(payload)
    try:
        try:
            ok = _one(source, "PRAGMA quick_check") == "ok"
            stored = _schema(source)
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


def _postgresql_load(database: dict[str, Any], payload: Path, progress: Progress) -> None:
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


#: The erasure ledger's columns: ids and dates only, nothing that names anyone.
_LEDGER_FIELDS = ("kind", "erased_id", "programme_id", "erased_at")


def _ledger_model() -> Any:
    from django.apps import apps

    try:
        return apps.get_model("privacy", "ErasureRecord")
    except LookupError:  # a site without the erasure ledger
        return None


def ledger_entries() -> list[dict[str, Any]]:
    """The erasure ledger of the site's database as it is now (empty if it has none yet)."""
    from django.db import DatabaseError, transaction

    model = _ledger_model()
    if model is None:
        return []
    try:
        with transaction.atomic():
            return list(model.objects.values(*_LEDGER_FIELDS))
    except DatabaseError:  # a database not yet migrated: nobody was erased in it
        return []


def ledger_exists() -> bool:
    """Whether this site keeps an erasure ledger to apply after a restore."""
    try:
        from kinfolk.privacy.erasure import reapply_ledger  # type: ignore[attr-defined]  # noqa: F401
    except ImportError:
        return False
    return True


def ledger_reapply(entries: list[dict[str, Any]]) -> bool:
    """Put back the ledger ``entries`` and erase again everyone it names.

    Returns False when this site has no erasure ledger.
    """
    try:
        from kinfolk.privacy.erasure import reapply_ledger  # type: ignore[attr-defined]
    except ImportError:
        return False
    model = _ledger_model()
    if model is not None and entries:
        model.objects.bulk_create([model(**e) for e in entries], ignore_conflicts=True)
    reapply_ledger()
    return True


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


def _schema(conn: Any) -> dict[str, str]:
    """The latest migration applied of each app: the schema version of the database."""
    rows = conn.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()
    return {app: name for app, name in rows}


@contextlib.contextmanager
def _connected(database: dict[str, Any]) -> Iterator[Any]:
    if _engine(database) == "sqlite":
        lite = _sqlite_connect(database)
        try:
            yield lite
        finally:
            lite.close()
    else:
        import psycopg

        with psycopg.connect(**_psycopg_args(database)) as conn:
            yield conn


def table_counts(database: dict[str, Any] | None = None) -> dict[str, int]:
    """Rows in every table of ``database``."""
    database = _database(database)
    with _connected(database) as conn:
        return _counts(conn, _engine(database))


def table_fingerprints(database: dict[str, Any] | None = None) -> dict[str, tuple[int, str]]:
    """Every table's row count and a checksum of its rows, in any order of storage."""
    database = _database(database)
    engine = _engine(database)
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


def _psycopg_args(database: dict[str, Any]) -> dict[str, Any]:
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
