"""Benchmark: what saving and checking the uploaded files adds to ``kinfolk backup`` and restore.

Sets up a throwaway site (SQLite, in a temporary ``KINFOLK_DATA_DIR``),
fills its storage with ``--files`` receipt-sized files (``--kb`` each, random
bytes, so nothing compresses them away), then times four stages: a backup of
the database alone (the reference: a storage with nothing in it), a backup
with every file, a restore of the database alone, and a restore that puts
every file back into an emptied uploads folder after checking each
checksum.  It checks that the files come back byte for byte, and prints each
stage with its ratio to the reference from the same run.

    python bench/backup.py --files 1000 --kb 100
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # run alone or imported
from _harness import Stages, stage  # noqa: E402


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--kb", type=int, default=100)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kinfolk-bench-backup-"))
    os.environ["KINFOLK_DATA_DIR"] = str(work / "data")
    (work / "data").mkdir()
    os.environ.pop("DATABASE_URL", None)  # the throwaway site's own SQLite file
    os.environ.pop("MEDIA_ROOT", None)
    try:
        _run(work, args.files, args.kb)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(work: Path, files: int, kb: int) -> None:
    from _harness import django_setup

    django_setup()
    from django.conf import settings
    from django.core.files.storage import FileSystemStorage

    from kinfolk.backups import backup_create, backup_restore

    uploads = Path(settings.MEDIA_ROOT)
    for i in range(files):
        path = uploads / "receipts" / str(i % 20) / f"receipt-{i}.jpg"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(kb * 1024))
    before = _digests(uploads)
    empty = FileSystemStorage(location=work / "nothing")
    stages: Stages = []
    with stage(stages, "backup: database only (reference)"):
        backup_create(work / "db-only.kfbackup", storage=empty)
    with stage(stages, f"backup: database and {files} files"):
        manifest = backup_create(work / "with-files.kfbackup")
    assert manifest.files == files
    with stage(stages, "restore: database only (reference)"):
        backup_restore(work / "db-only.kfbackup", storage=empty)
    shutil.rmtree(uploads)
    with stage(stages, f"restore: database and {files} files, checked"):
        backup_restore(work / "with-files.kfbackup")
    assert _digests(uploads) == before, "the files did not come back byte for byte"
    size = (work / "with-files.kfbackup").stat().st_size / 1e6
    reference = {"backup": stages[0][1], "restore": stages[2][1]}
    print(f"{files} files of {kb} KB; backup file {size:.0f} MB; every file back byte for byte")
    print(f"{'stage':<46} {'seconds':>8} {'ratio':>7}")
    print("-" * 63)
    for name, seconds, _note in stages:
        ratio = seconds / reference[name.split(":")[0]]
        print(f"{name:<46} {seconds:>8.2f} {ratio:>6.1f}x")


if __name__ == "__main__":
    main()
