"""The uploaded files (receipts) in a backup: copied after the database, checked, put back.

The files are whatever Django's default storage holds (``MEDIA_ROOT``, or a
bucket), listed by walking it, so a storage backend other than the file
system is backed up the same way.  They are copied *after* the database's
snapshot: a claim's receipt is stored before its row is committed, so every
file a saved row names is already there to copy.  A file that appears later
belongs to no saved row; one deleted meanwhile (an erasure) is skipped, and
its person is erased again after any restore.

Each file's size and SHA-256 go into the manifest; a restore checks every
member against them before anything changes.
"""

from __future__ import annotations

import hashlib
import posixpath
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.core.files import File
from django.utils.translation import gettext as _

from kinfolk.backups.manifest import (
    MANIFEST,
    PAYLOAD,
    UPLOADS,
    BackupRefused,
    Manifest,
    Progress,
    name_safe,
)

_CHUNK = 1024 * 1024


def storage_names(storage: Any, folder: str = "") -> list[str]:
    """Every file's name in ``storage``, walking its folders; none if it has no folder yet."""
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [posixpath.join(folder, f) for f in files]
    for sub in dirs:
        names += storage_names(storage, posixpath.join(folder, sub))
    return sorted(names)


def _copy_hashing(source: IO[bytes], target: IO[bytes]) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(_CHUNK):
        digest.update(chunk)
        target.write(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def uploads_copy(storage: Any, folder: Path, progress: Progress) -> dict[str, dict[str, Any]]:
    """Copy every file of ``storage`` into ``folder``; their sizes and checksums, by name."""
    names = [n for n in storage_names(storage) if name_safe(n)]
    label = _("Copying uploaded files")
    listed: dict[str, dict[str, Any]] = {}
    progress(label, 0, len(names))
    for done, name in enumerate(names, start=1):
        try:
            source = storage.open(name, "rb")
        except FileNotFoundError:  # deleted since it was listed: an erasure
            continue
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with source, target.open("wb") as out:
            size, digest = _copy_hashing(source, out)
        listed[name] = {"size": size, "sha256": digest}
        progress(label, done, len(names))
    return listed


def archive_add(archive: tarfile.TarFile, folder: Path, uploads: dict[str, Any]) -> None:
    """Add the copied files to the backup under ``uploads/``, readable by their owner only."""
    for name in sorted(uploads):
        info = archive.gettarinfo(folder / name, arcname=UPLOADS + name)
        info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
        with (folder / name).open("rb") as source:
            archive.addfile(info, source)


def members_extract(
    archive: tarfile.TarFile, manifest: Manifest, work: Path, progress: Progress
) -> tuple[Path, Path]:
    """Extract the database and the files into ``work``, checking each against the manifest.

    Refuses (``BackupRefused``) a member that is not listed, a listed file that
    is missing, and any whose size or checksum differs: a damaged or altered
    backup changes nothing.  Returns the database's path and the files' folder.
    """
    payload_name = PAYLOAD[manifest.engine]
    payload, folder = work / payload_name, work / "uploads"
    expected = dict(manifest.uploads or {})
    seen_payload = False
    label = _("Checking the backup")
    total = len(expected) + 1
    progress(label, 0, total)
    for done, member in enumerate(_members(archive), start=1):
        if member.name == payload_name and not seen_payload:
            seen_payload = True
            _extract_checked(archive, member, payload, None, manifest.payload_sha256)
        elif member.name.startswith(UPLOADS) and member.name[len(UPLOADS) :] in expected:
            entry = expected.pop(member.name[len(UPLOADS) :])
            target = folder / member.name[len(UPLOADS) :]
            _extract_checked(archive, member, target, entry["size"], entry["sha256"])
        else:
            raise BackupRefused(
                _("The backup holds %(name)s, which its manifest does not list; it was changed.")
                % {"name": member.name}
            )
        progress(label, min(done, total), total)
    if not seen_payload:
        raise BackupRefused(_("The backup holds no database."))
    if expected:
        raise BackupRefused(
            _("The backup is missing %(n)s uploaded files its manifest lists, such as %(name)s.")
            % {"n": len(expected), "name": UPLOADS + sorted(expected)[0]}
        )
    progress(label, total, total)
    return payload, folder


def _members(archive: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    for member in archive:
        if member.name != MANIFEST:
            yield member


def _extract_checked(
    archive: tarfile.TarFile, member: tarfile.TarInfo, target: Path, size: int | None, sha: str
) -> None:
    altered = _(
        "The backup is damaged or was changed after it was written: %(name)s does not match "
        "the checksum in its manifest. Nothing was restored."
    ) % {"name": member.name}
    if not member.isfile() or (size is not None and member.size != size):
        raise BackupRefused(altered)
    source = archive.extractfile(member)
    if source is None:
        raise BackupRefused(altered)
    target.parent.mkdir(parents=True, exist_ok=True)
    with source, target.open("wb") as out:
        _size, digest = _copy_hashing(source, out)
    # A format 1 backup has no checksum of its database; its own checks still run.
    if sha and digest != sha:
        raise BackupRefused(altered)


def uploads_put_back(
    storage: Any, folder: Path, uploads: dict[str, dict[str, Any]], progress: Progress
) -> None:
    """Make ``storage`` hold exactly the backup's files, byte for byte.

    A file the backup does not hold belongs to a row the restore took away
    (a receipt sent after the backup): it is deleted, so that no receipt
    outlives its claim where no erasure could find it.
    """
    label = _("Restoring uploaded files")
    total = len(uploads)
    progress(label, 0, total)
    for done, name in enumerate(sorted(uploads), start=1):
        if storage.exists(name):
            with storage.open(name, "rb") as current:
                digest = hashlib.sha256()
                while chunk := current.read(_CHUNK):
                    digest.update(chunk)
            if digest.hexdigest() == uploads[name]["sha256"]:
                progress(label, done, total)
                continue
            storage.delete(name)
        with (folder / name).open("rb") as source:
            saved = storage.save(name, File(source, name=posixpath.basename(name)))
        if saved != name:  # the storage chose another name: the row would not find it
            storage.delete(saved)
            raise BackupRefused(
                _("The storage would not keep %(name)s under its own name.") % {"name": name}
            )
        progress(label, done, total)
    for name in set(storage_names(storage)) - set(uploads):
        storage.delete(name)
