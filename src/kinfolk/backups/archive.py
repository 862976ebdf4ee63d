"""Writing, inspecting and restoring a backup file: ``kinfolk backup`` and ``kinfolk restore``."""

from __future__ import annotations

import datetime as dt
import io
import json
import tarfile
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from kinfolk.backups.copies import (
    postgresql_dump,
    postgresql_load,
    sqlite_dump,
    sqlite_load,
    table_counts,
)
from kinfolk.backups.ledger import ledger_entries, ledger_reapply
from kinfolk.backups.manifest import (
    MANIFEST,
    PAYLOAD,
    BackupRefused,
    Manifest,
    Progress,
    archive_open,
    engine_of,
    manifest_checked,
    quiet,
    settings_of,
)
from kinfolk.backups.uploads import (
    archive_add,
    file_sha256,
    members_extract,
    uploads_copy,
    uploads_put_back,
)


def backup_create(
    target: Path,
    *,
    database: dict[str, Any] | None = None,
    storage: Any = None,
    progress: Progress = quiet,
) -> Manifest:
    """Write a backup of ``database`` (the site's own by default) and of the uploaded files
    of ``storage`` (Django's default storage by default) to ``target``.

    The file appears complete or not at all: it is written beside the target
    under another name and renamed at the end.
    """
    database = settings_of(database)
    storage = storage if storage is not None else _default_storage()
    engine = engine_of(database)
    target = Path(target)
    with tempfile.TemporaryDirectory(prefix="kinfolk-backup-") as work:
        payload = Path(work) / PAYLOAD[engine]
        if engine == "sqlite":
            manifest = sqlite_dump(database, payload, progress)
        else:
            manifest = postgresql_dump(database, payload, progress)
        # After the snapshot, so every receipt a saved claim names is there (uploads.py).
        files = Path(work) / "uploads"
        manifest.uploads = uploads_copy(storage, files, progress)
        manifest.payload_sha256 = file_sha256(payload)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        try:
            _archive_write(partial, manifest, payload, files, compressed=engine == "sqlite")
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(target)
    return manifest


def _default_storage() -> Any:
    from django.core.files.storage import default_storage

    return default_storage


def _archive_write(
    path: Path, manifest: Manifest, payload: Path, files: Path, *, compressed: bool
) -> None:
    # Readable by its owner only from the start: it holds everyone's personal data.
    path.touch(mode=0o600)
    path.chmod(0o600)
    # pg_dump -Fc compresses its own archive; a SQLite file is compressed here.
    with tarfile.open(path, "w:gz") if compressed else tarfile.open(path, "w") as archive:
        data = json.dumps(asdict(manifest), indent=2, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
        archive.addfile(info, io.BytesIO(data))
        archive.add(payload, arcname=payload.name)
        archive_add(archive, files, manifest.uploads or {})


def backup_inspect(source: Path, *, database: dict[str, Any] | None = None) -> Manifest:
    """Read and check a backup's manifest without touching any database."""
    with archive_open(Path(source)) as archive:
        return manifest_checked(archive, engine_of(settings_of(database)))


def backup_restore(
    source: Path,
    *,
    database: dict[str, Any] | None = None,
    storage: Any = None,
    progress: Progress = quiet,
) -> Manifest:
    """Replace the contents of ``database`` with the backup's; refuse, changing nothing, a bad file.

    Everything that can be checked is checked before the database is touched:
    the manifest, and every member's checksum.  Afterwards the row count of
    every table is compared with the manifest's.  Restoring the site's own
    database (the default) also puts back the uploaded files of a format 2
    backup into the default storage (or ``storage``), then brings an older
    backup up to this version's schema and erases again everyone erased since
    the backup was taken (``ledger_reapply``), their receipts included.
    """
    own = database is None
    database = settings_of(database)
    engine = engine_of(database)
    if storage is None and own:
        storage = _default_storage()
    # The backup carries the ledger of its own day; read today's before it is replaced.
    ledger = ledger_entries() if own else []
    with archive_open(Path(source)) as archive, tempfile.TemporaryDirectory() as work:
        manifest = manifest_checked(archive, engine)
        payload, files = members_extract(archive, manifest, Path(work), progress)
        if engine == "sqlite":
            sqlite_load(database, payload, manifest, progress)
        else:
            postgresql_load(database, payload, progress)
        # Counted before migrations and erasures change any row.
        restored = table_counts(database)
        differ = sorted(t for t, n in manifest.tables.items() if restored.get(t) != n)
        if storage is not None and manifest.uploads is not None:
            uploads_put_back(storage, files, manifest.uploads, progress)
    if own:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        # Whatever else went wrong, nobody erased comes back, nor do their receipts.
        ledger_reapply(ledger)
    if differ:
        raise BackupRefused(
            _("The database was restored, but these tables do not have the backup's rows: %(t)s.")
            % {"t": ", ".join(differ)}
        )
    return manifest
