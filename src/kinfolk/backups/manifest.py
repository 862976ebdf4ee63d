"""The backup file's manifest, and the checks a file passes before anything is restored."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connections
from django.utils.translation import gettext as _

MANIFEST = "kinfolk-backup.json"
FORMAT = "kinfolk-backup"
#: 2: the uploaded files (receipts) and a checksum of every member.  1: the database only.
FORMAT_VERSION = 2
PAYLOAD = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
#: The folder of the archive that holds the storage's files, under their storage names.
UPLOADS = "uploads/"

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
    #: SHA-256 of the database member; "" in a format 1 backup, which had none.
    payload_sha256: str = ""
    #: Storage name -> {"size": bytes, "sha256": hex} of every uploaded file; None in a
    #: format 1 backup, which did not carry them (a restore then leaves the files alone).
    uploads: dict[str, dict[str, Any]] | None = None

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    @property
    def files(self) -> int:
        return len(self.uploads or {})


def quiet(stage: str, done: int, total: int) -> None:
    pass


def settings_of(database: dict[str, Any] | None) -> dict[str, Any]:
    return database if database is not None else connections["default"].settings_dict


def engine_of(database: dict[str, Any]) -> str:
    vendor = database["ENGINE"].rsplit(".", 1)[-1]
    if vendor == "sqlite3":
        return "sqlite"
    if vendor in {"postgresql", "postgresql_psycopg2"}:
        return "postgresql"
    raise BackupRefused(
        _("Backups support SQLite and PostgreSQL, not %(vendor)s.") % {"vendor": vendor}
    )


@contextlib.contextmanager
def archive_open(source: Path) -> Iterator[tarfile.TarFile]:
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


def manifest_checked(archive: tarfile.TarFile, engine: str) -> Manifest:
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
    if not isinstance(manifest.payload_sha256, str) or not _uploads_listed(manifest.uploads):
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


_HEX = frozenset("0123456789abcdef")


def _uploads_listed(uploads: Any) -> bool:
    """Whether the manifest's list of files is well formed, every name a safe relative path."""
    if uploads is None:
        return True
    if not isinstance(uploads, dict):
        return False
    for name, entry in uploads.items():
        if not (isinstance(name, str) and name_safe(name) and isinstance(entry, dict)):
            return False
        size, digest = entry.get("size"), entry.get("sha256")
        if not (isinstance(size, int) and size >= 0 and isinstance(digest, str)):
            return False
        if len(digest) != 64 or not set(digest) <= _HEX:
            return False
    return True


def name_safe(name: str) -> bool:
    """A storage name that stays inside the uploads folder: relative, no ``..``, no oddities."""
    if not name or name.startswith("/") or "\\" in name or "\0" in name or len(name) > 1000:
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))
