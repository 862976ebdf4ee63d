"""Backups of the whole database and the uploaded files, and restoring them: ``kinfolk backup``
and ``kinfolk restore``.

A backup is one tar file holding a manifest (``kinfolk-backup.json``: the
format, the database engine, the schema as the latest migration of each app,
the number of rows of every table, and the size and SHA-256 of every other
member), the database itself (a copy made with SQLite's online backup API, or
a ``pg_dump -Fc`` archive) and, under ``uploads/``, every file of the site's
storage (claims' receipts).  The database and the row counts come from one
consistent snapshot while the site keeps running, so a restore can prove it
brought back exactly what was saved; the files are copied just after it.

A restore first reads and checks the whole file, and refuses (changing
nothing) a file that is not a Kinfolk backup, a backup of another database
engine, a backup from a newer schema than this code knows, and a backup any
member of which does not match its checksum.  After the data and the files
are back, the erasure ledger is applied again, so that nobody erased since the
backup was taken comes back with it, nor do their receipts.
"""

from kinfolk.backups.archive import backup_create, backup_inspect, backup_restore
from kinfolk.backups.copies import table_counts, table_fingerprints
from kinfolk.backups.ledger import ledger_exists
from kinfolk.backups.manifest import (
    FORMAT_VERSION,
    MANIFEST,
    PAYLOAD,
    UPLOADS,
    BackupRefused,
    Manifest,
)
from kinfolk.backups.uploads import storage_names

__all__ = [
    "FORMAT_VERSION",
    "MANIFEST",
    "PAYLOAD",
    "UPLOADS",
    "BackupRefused",
    "Manifest",
    "backup_create",
    "backup_inspect",
    "backup_restore",
    "ledger_exists",
    "storage_names",
    "table_counts",
    "table_fingerprints",
]
