"""On SQLite, deleted words do not linger in the database file (``PRAGMA secure_delete``)."""

from __future__ import annotations

import sqlite3

import pytest
from django.conf import settings

MARKER = b"zqsecuredeletemarker"


def test_a_deleted_row_leaves_no_copy_in_the_file(tmp_path):
    _leaves_no_copy(tmp_path, settings.SQLITE_INIT_COMMAND)


def test_without_secure_delete_the_copy_would_stay(tmp_path):
    """The test above proves something: without the pragma the words stay in the file."""
    without = settings.SQLITE_INIT_COMMAND.replace("PRAGMA secure_delete=ON;", "")
    with pytest.raises(AssertionError):
        _leaves_no_copy(tmp_path, without + "PRAGMA secure_delete=OFF;")


def _leaves_no_copy(tmp_path, init_command: str) -> None:
    path = tmp_path / "erase.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(init_command)
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, words TEXT)")
    db.executemany("INSERT INTO t (words) VALUES (?)", [("filler " * 50,)] * 50)
    db.execute("INSERT INTO t (words) VALUES (?)", (MARKER.decode(),))
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert MARKER in path.read_bytes()
    db.execute("DELETE FROM t WHERE words = ?", (MARKER.decode(),))
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    leftovers = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert MARKER not in leftovers
