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

from kinfolk.backups.archive import backup_create, backup_inspect, backup_restore
from kinfolk.backups.copies import table_counts, table_fingerprints
from kinfolk.backups.ledger import ledger_exists
from kinfolk.backups.manifest import FORMAT_VERSION, MANIFEST, PAYLOAD, BackupRefused, Manifest

__all__ = [
    "FORMAT_VERSION",
    "MANIFEST",
    "PAYLOAD",
    "BackupRefused",
    "Manifest",
    "backup_create",
    "backup_inspect",
    "backup_restore",
    "ledger_exists",
    "table_counts",
    "table_fingerprints",
]
