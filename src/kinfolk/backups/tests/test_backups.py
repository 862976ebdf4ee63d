"""Backups restore every row of every table; a bad file is refused and nothing changes.

Runs on whichever database the suite runs on (SQLite, or PostgreSQL with
``DATABASE_URL``), so CI proves both.  The tests commit their rows
(``transactional_db``): a backup is taken through its own connection, as
``kinfolk backup`` does on a running site.
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.db import connection
from typer.testing import CliRunner

from kinfolk import backups
from kinfolk.backups import BackupRefused, backup_create, backup_restore, copies, table_fingerprints
from kinfolk.web.cli import app

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path) -> Path:
    """The site's uploaded files live in this test's own folder: a restore rewrites them."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


@pytest.fixture
def filled(programme, coordinator, volunteer, household, other_volunteer):
    from kinfolk.testing import make_pairing, make_visit

    make_visit(make_pairing(volunteer, household))
    return programme


@pytest.fixture
def empty_database(tmp_path):
    """A database with nothing in it, of the suite's engine; dropped afterwards."""
    database = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        database["NAME"] = str(tmp_path / "restored.sqlite3")
        yield database
        return
    import psycopg

    database["NAME"] = f"{connection.settings_dict['NAME']}_restored"
    admin = {**copies.psycopg_args(connection.settings_dict), "dbname": "postgres"}
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database["NAME"]}"')
        conn.execute(f'CREATE DATABASE "{database["NAME"]}"')
    yield database
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database["NAME"]}" WITH (FORCE)')


@pytest.fixture
def backup_file(filled, tmp_path) -> Path:
    target = tmp_path / "site.kfbackup"
    backup_create(target)
    return target


def test_a_backup_restored_into_an_empty_database_has_every_row_of_every_table(
    backup_file, empty_database
):
    stages = []
    manifest = backup_restore(
        backup_file,
        database=empty_database,
        progress=lambda stage, done, total: stages.append((stage, done, total)),
    )
    original = table_fingerprints()
    restored = table_fingerprints(empty_database)
    assert restored == original
    assert manifest.tables == {table: count for table, (count, _) in original.items()}
    assert original["people_volunteer"][0] == 2  # the rows were really there
    assert stages and stages[-1][1] == stages[-1][2]  # the bar reached its end


def test_rows_written_during_a_backup_never_make_it_disagree_with_its_counts(
    filled, tmp_path, empty_database, monkeypatch
):
    """The copy and the manifest's counts come from one snapshot, whatever the site writes."""
    from kinfolk.testing import make_user

    counts = copies._counts

    def counts_while_someone_signs_up(conn, engine):
        make_user()  # committed by the site while the backup runs
        return counts(conn, engine)

    monkeypatch.setattr(copies, "_counts", counts_while_someone_signs_up)
    target = tmp_path / "busy.kfbackup"
    manifest = backup_create(target)
    monkeypatch.setattr(copies, "_counts", counts)
    backup_restore(target, database=empty_database)  # checks every count against the copy
    assert (
        table_fingerprints(empty_database)["accounts_user"][0] == manifest.tables["accounts_user"]
    )


def test_the_manifest_carries_the_schema_and_engine(backup_file):
    manifest = backups.backup_inspect(backup_file)
    assert manifest.engine == {"sqlite": "sqlite", "postgresql": "postgresql"}[connection.vendor]
    assert manifest.schema["people"] == _latest_applied("people")
    assert manifest.schema["devices"] == "0001_initial"


def _latest_applied(app_label: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM django_migrations WHERE app = %s ORDER BY id DESC", [app_label]
        )
        return cursor.fetchone()[0]


def test_a_backup_file_is_readable_by_its_owner_only(backup_file):
    assert backup_file.stat().st_mode & 0o077 == 0


def test_a_backup_that_fails_half_way_leaves_no_file(filled, tmp_path, monkeypatch):
    from kinfolk.backups import archive

    def disk_full(path, *args, **kwargs):
        path.write_bytes(b"the first half")
        raise OSError("No space left on device")

    monkeypatch.setattr(archive, "_archive_write", disk_full)
    with pytest.raises(OSError):
        backup_create(tmp_path / "new" / "site.kfbackup")
    assert list((tmp_path / "new").iterdir()) == []


# --- Bad input: refused with a clear message, and nothing changes ----------------------------


def _members(backup_file: Path) -> dict[str, bytes]:
    with tarfile.open(backup_file) as archive:
        return {m.name: archive.extractfile(m).read() for m in archive.getmembers()}


def _rewritten(backup_file: Path, tmp_path: Path, **changes) -> Path:
    """A copy of the backup with its manifest changed."""
    members = _members(backup_file)
    manifest = json.loads(members[backups.MANIFEST])
    manifest.update(changes)
    return _tar_of(tmp_path, {**members, backups.MANIFEST: json.dumps(manifest).encode()})


def _tar_of(tmp_path: Path, members: dict[str, bytes]) -> Path:
    path = tmp_path / "crafted.kfbackup"
    with tarfile.open(path, "w") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def _refused(path: Path) -> str:
    before = table_fingerprints(), _uploaded()
    with pytest.raises(BackupRefused) as refused:
        backup_restore(path)
    assert (table_fingerprints(), _uploaded()) == before
    return refused.value.message


def _uploaded() -> dict[str, bytes]:
    """Every file of the site's storage, by name, with its bytes."""
    from django.conf import settings

    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_file_that_is_not_a_backup_is_refused(filled, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a backup at all")
    assert "is not a Kinfolk backup" in _refused(text)


def test_an_empty_file_is_refused(filled, tmp_path):
    empty = tmp_path / "empty.kfbackup"
    empty.write_bytes(b"")
    assert "is not a Kinfolk backup" in _refused(empty)


def test_a_tar_without_a_manifest_is_refused(filled, tmp_path):
    path = _tar_of(tmp_path, {"database.sqlite3": b"SQLite format 3\0"})
    assert "is not a Kinfolk backup" in _refused(path)


@pytest.mark.parametrize(
    "manifest", [b"{not json", b"[]", b'{"format": "zip"}', b'{"format": "kinfolk-backup"}']
)
def test_an_unreadable_manifest_is_refused(filled, tmp_path, manifest):
    path = _tar_of(tmp_path, {backups.MANIFEST: manifest})
    assert "not a Kinfolk backup" in _refused(path)


def test_a_backup_from_a_newer_schema_is_refused(backup_file, tmp_path):
    manifest = backups.backup_inspect(backup_file)
    newer = _rewritten(
        backup_file, tmp_path, schema={**manifest.schema, "people": "9999_from_the_future"}
    )
    message = _refused(newer)
    assert "newer version of Kinfolk" in message
    assert "people.9999_from_the_future" in message


def test_a_backup_in_a_newer_format_is_refused(backup_file, tmp_path):
    assert "newer Kinfolk" in _refused(_rewritten(backup_file, tmp_path, format_version=99))
    newer_with_new_fields = _rewritten(backup_file, tmp_path, format_version=3, signatures={})
    assert "newer Kinfolk" in _refused(newer_with_new_fields)


def test_a_manifest_with_fields_of_the_wrong_kind_is_refused(backup_file, tmp_path):
    assert "not a Kinfolk backup" in _refused(_rewritten(backup_file, tmp_path, schema=[1]))


def test_a_backup_of_another_engine_is_refused(backup_file, tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    assert "backup; this site's database is" in _refused(
        _rewritten(backup_file, tmp_path, engine=other)
    )


def test_a_backup_with_a_damaged_database_is_refused(backup_file, tmp_path):
    manifest = json.dumps(json.loads(_member(backup_file, backups.MANIFEST))).encode()
    payload_name = backups.PAYLOAD[backups.backup_inspect(backup_file).engine]
    path = _tar_of(tmp_path, {backups.MANIFEST: manifest, payload_name: b"\0garbage" * 512})
    assert "damaged" in _refused(path)


def _member(path: Path, name: str) -> bytes:
    with tarfile.open(path) as archive:
        return archive.extractfile(name).read()


def test_a_missing_file_is_refused(filled, tmp_path):
    assert "There is no file" in _refused(tmp_path / "nowhere.kfbackup")


# --- The command line ------------------------------------------------------------------------


def test_the_restore_command_refuses_a_non_backup_and_says_why(filled, tmp_path, monkeypatch):
    monkeypatch.setenv("KINFOLK_DATA_DIR", str(tmp_path))
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    before = table_fingerprints()
    result = CliRunner().invoke(app, ["restore", "--yes", str(text)])
    assert result.exit_code == 1
    assert "notes.txt is not a Kinfolk backup" in result.output
    assert table_fingerprints() == before


def test_the_backup_command_writes_a_backup_and_reports_it(filled, tmp_path, monkeypatch):
    monkeypatch.setenv("KINFOLK_DATA_DIR", str(tmp_path))
    target = tmp_path / "cli.kfbackup"
    result = CliRunner().invoke(app, ["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "Backup written to" in result.output
    assert backups.backup_inspect(target).tables["people_volunteer"] == 2


def test_the_restore_command_restores_and_says_what_it_checked(
    backup_file, volunteer, tmp_path, monkeypatch
):
    from kinfolk.people.models import Volunteer

    monkeypatch.setenv("KINFOLK_DATA_DIR", str(tmp_path))
    Volunteer.objects.filter(pk=volunteer.pk).update(first_name="Changed after the backup")
    result = CliRunner().invoke(app, ["restore", "--yes", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert "every table's count matches the backup" in result.output
    assert ("erased again" in result.output) == backups.ledger_exists()
    assert Volunteer.objects.get(pk=volunteer.pk).first_name == "Vera"


def test_the_restore_command_asks_before_replacing_anything(backup_file, tmp_path, monkeypatch):
    monkeypatch.setenv("KINFOLK_DATA_DIR", str(tmp_path))
    before = table_fingerprints()
    result = CliRunner().invoke(app, ["restore", str(backup_file)], input="n\n")
    assert result.exit_code == 1
    assert table_fingerprints() == before


# --- The erasure ledger ----------------------------------------------------------------------


def test_restoring_the_sites_own_database_brings_back_its_rows(backup_file, volunteer):
    from kinfolk.people.models import Volunteer

    Volunteer.objects.filter(pk=volunteer.pk).update(first_name="Changed after the backup")
    backup_restore(backup_file)
    assert Volunteer.objects.get(pk=volunteer.pk).first_name == "Vera"


def test_someone_erased_after_the_backup_stays_erased_after_a_restore(
    backup_file, household, household_user
):
    erasure = pytest.importorskip("kinfolk.privacy.erasure")
    if not hasattr(erasure, "reapply_ledger"):
        pytest.skip("this site has no erasure ledger")
    from django.contrib.auth import get_user_model

    from kinfolk.people.models import Household

    erasure.person_erase(person=household)
    backup_restore(backup_file)  # the backup still holds Hana, and a ledger without her
    assert Household.objects.get(pk=household.pk).first_name != "Hana"
    assert not get_user_model().objects.filter(pk=household_user.pk).exists()
    assert "hana@example.org" not in _every_value()


def _every_value() -> str:
    """Every value of every row of every table, as one string to search."""
    with connection.cursor() as cursor:
        values = []
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            values.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(values)


def test_a_restore_that_does_not_bring_back_every_row_says_so(
    backup_file, tmp_path, empty_database
):
    manifest = backups.backup_inspect(backup_file)
    lying = _rewritten(backup_file, tmp_path, tables={**manifest.tables, "people_volunteer": 99})
    with pytest.raises(BackupRefused) as refused:
        backup_restore(lying, database=empty_database)
    assert "people_volunteer" in refused.value.message


# --- Uploaded files (receipts) ---------------------------------------------------------------


@pytest.fixture
def receipts(filled, volunteer, household, coordinator):
    """Two claims of Vera's with receipts (a photo and a PDF) in the site's storage."""
    from kinfolk.budget.tests.claim_helpers import PDF, jpeg_with_gps, met, submitted

    photo = submitted(volunteer, met(volunteer, household), receipt=jpeg_with_gps())
    visit = met(volunteer, household, window_start=_day(2026, 10, 19))
    pdf = submitted(volunteer, visit, receipt=PDF)
    return photo, pdf


def _day(*ymd):
    import datetime as dt

    return dt.date(*ymd)


def test_the_manifest_lists_every_uploaded_file_with_its_size_and_checksum(
    receipts, uploads, tmp_path
):
    import hashlib

    manifest = backup_create(tmp_path / "site.kfbackup")
    stored = _uploaded()
    assert len(stored) == 2 and set(manifest.uploads) == set(stored)
    for name, data in stored.items():
        assert manifest.uploads[name] == {
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
    members = _members(tmp_path / "site.kfbackup")
    assert {n for n in members if n.startswith(backups.UPLOADS)} == {
        backups.UPLOADS + name for name in stored
    }
    payload = members[backups.PAYLOAD[manifest.engine]]
    assert manifest.payload_sha256 == hashlib.sha256(payload).hexdigest()
    assert backups.backup_inspect(tmp_path / "site.kfbackup").files == 2


def test_a_receipt_deleted_after_the_backup_is_back_byte_for_byte_after_a_restore(
    receipts, uploads, tmp_path
):
    photo, pdf = receipts
    before = _uploaded()
    backup_create(tmp_path / "site.kfbackup")
    (uploads / photo.receipt.name).unlink()
    (uploads / pdf.receipt.name).write_bytes(b"%PDF-1.4 changed after the backup")
    backup_restore(tmp_path / "site.kfbackup")
    assert _uploaded() == before
    assert (uploads / photo.receipt.name).read_bytes() == before[photo.receipt.name]


def test_a_receipt_sent_after_the_backup_goes_with_its_claim_on_a_restore(
    receipts, uploads, volunteer, household, tmp_path
):
    from kinfolk.budget.models import ExpenseClaim
    from kinfolk.budget.tests.claim_helpers import PDF, met, submitted

    before = _uploaded()
    backup_create(tmp_path / "site.kfbackup")
    late = submitted(volunteer, met(volunteer, household, window_start=_day(2026, 11, 2)),
                     receipt=PDF)  # fmt: skip
    backup_restore(tmp_path / "site.kfbackup")
    assert not ExpenseClaim.objects.filter(pk=late.pk).exists()
    assert _uploaded() == before  # no receipt left behind without its claim


def test_someone_erased_after_the_backup_does_not_get_their_receipts_back(
    receipts, uploads, volunteer, tmp_path
):
    erasure = pytest.importorskip("kinfolk.privacy.erasure")
    backup_create(tmp_path / "site.kfbackup")
    erasure.person_erase(person=volunteer)
    assert _uploaded() == {}
    backup_restore(tmp_path / "site.kfbackup")
    assert _uploaded() == {}


def test_a_tampered_receipt_in_the_backup_is_refused_and_nothing_changes(receipts, tmp_path):
    photo, _pdf = receipts
    backup_create(tmp_path / "site.kfbackup")
    members = _members(tmp_path / "site.kfbackup")
    name = backups.UPLOADS + photo.receipt.name
    same_size = bytearray(members[name])
    same_size[-3] ^= 0xFF
    message = _refused(_tar_of(tmp_path, {**members, name: bytes(same_size)}))
    assert "does not match the checksum" in message and photo.receipt.name in message
    longer = _tar_of(tmp_path, {**members, name: members[name] + b"\0"})
    assert "does not match the checksum" in _refused(longer)


def test_a_tampered_database_in_the_backup_is_refused(receipts, tmp_path):
    manifest = backup_create(tmp_path / "site.kfbackup")
    members = _members(tmp_path / "site.kfbackup")
    payload = backups.PAYLOAD[manifest.engine]
    changed = bytearray(members[payload])
    changed[len(changed) // 2] ^= 0x01
    message = _refused(_tar_of(tmp_path, {**members, payload: bytes(changed)}))
    assert "does not match the checksum" in message


def test_a_backup_missing_a_listed_file_or_holding_an_unlisted_one_is_refused(receipts, tmp_path):
    photo, _pdf = receipts
    backup_create(tmp_path / "site.kfbackup")
    members = _members(tmp_path / "site.kfbackup")
    name = backups.UPLOADS + photo.receipt.name
    missing = {n: d for n, d in members.items() if n != name}
    assert "is missing 1 uploaded files" in _refused(_tar_of(tmp_path, missing))
    extra = {**members, backups.UPLOADS + "receipts/planted.pdf": b"%PDF-1.4"}
    assert "which its manifest does not list" in _refused(_tar_of(tmp_path, extra))


@pytest.mark.parametrize(
    "name", ["../outside.pdf", "/etc/passwd", "receipts/../../x", "a\\b", "", "receipts//x"]
)
def test_a_manifest_naming_a_file_outside_the_uploads_folder_is_refused(
    backup_file, tmp_path, name
):
    entry = {"size": 1, "sha256": "0" * 64}
    message = _refused(_rewritten(backup_file, tmp_path, uploads={name: entry}))
    assert "not a Kinfolk backup" in message


@pytest.mark.parametrize(
    "uploads_value",
    [[], {"a.pdf": {"size": -1, "sha256": "0" * 64}}, {"a.pdf": {"size": 1, "sha256": "xyz"}},
     {"a.pdf": "0" * 64}],
)  # fmt: skip
def test_a_manifest_with_a_malformed_list_of_files_is_refused(backup_file, tmp_path, uploads_value):
    assert "not a Kinfolk backup" in _refused(
        _rewritten(backup_file, tmp_path, uploads=uploads_value)
    )


def test_a_backup_of_the_database_only_still_restores_and_leaves_the_files_alone(
    receipts, uploads, tmp_path
):
    """A format 1 backup (before uploads were saved) restores its rows; files stay as they are."""
    backup_create(tmp_path / "site.kfbackup")
    members = _members(tmp_path / "site.kfbackup")
    manifest = json.loads(members[backups.MANIFEST])
    for key in ("uploads", "payload_sha256"):
        del manifest[key]
    manifest["format_version"] = 1
    old = {n: d for n, d in members.items() if not n.startswith(backups.UPLOADS)}
    old[backups.MANIFEST] = json.dumps(manifest).encode()
    before = _uploaded()
    (uploads / "receipts" / "kept.pdf").write_bytes(b"%PDF-1.4 not in any backup")
    backup_restore(_tar_of(tmp_path, old))
    assert _uploaded() == {**before, "receipts/kept.pdf": b"%PDF-1.4 not in any backup"}


def test_restoring_into_another_database_leaves_the_sites_files_alone(
    receipts, uploads, tmp_path, empty_database
):
    photo, _pdf = receipts
    backup_create(tmp_path / "site.kfbackup")
    (uploads / photo.receipt.name).unlink()
    before = _uploaded()
    backup_restore(tmp_path / "site.kfbackup", database=empty_database)
    assert _uploaded() == before


def test_the_restore_command_brings_back_a_deleted_receipt(
    receipts, uploads, tmp_path, monkeypatch
):
    photo, _pdf = receipts
    monkeypatch.setenv("KINFOLK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MEDIA_ROOT", str(uploads))
    target = tmp_path / "cli.kfbackup"
    assert CliRunner().invoke(app, ["backup", str(target)]).exit_code == 0
    data = (uploads / photo.receipt.name).read_bytes()
    (uploads / photo.receipt.name).unlink()
    result = CliRunner().invoke(app, ["restore", "--yes", str(target)])
    assert result.exit_code == 0, result.output
    assert (uploads / photo.receipt.name).read_bytes() == data
