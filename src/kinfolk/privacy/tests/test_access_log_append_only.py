"""The access log cannot be edited: no application path changes or deletes its rows.

On PostgreSQL a trigger refuses it too; the day's row of a reader may only
count further reads, and a reader's first name may only be blanked (their
erasure).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

import kinfolk
from kinfolk.privacy.models import ContactAccessLog
from kinfolk.privacy.services import contact_details_read

SOURCE = Path(kinfolk.__path__[0])
#: The modules that may name the log model at all (write, read, erase, export).
MODULES = {"privacy/models.py", "privacy/services.py", "privacy/selectors.py"}
MODULES |= {"privacy/erasure.py", "privacy/exports.py"}
#: The only writes to existing rows: counting a reader's further reads, and blanking the
#: first name of an erased reader.
ALLOWED_WRITES = [
    ("privacy/services.py", "log.save"),
    (
        "privacy/erasure.py",
        "ContactAccessLog.objects.filter(viewer_id=user.pk).exclude(viewer_label='').update",
    ),
    (
        "privacy/erasure.py",
        "ContactAccessLog.objects.filter(appointed_by_id=user.pk).exclude(appointed_by_label='').update",
    ),
]
WRITES = {"delete", "update", "save", "bulk_update", "update_or_create", "bulk_create"}


def _modules_naming_the_log() -> dict[str, ast.Module]:
    found = {}
    for path in SOURCE.rglob("*.py"):
        relative = path.relative_to(SOURCE).as_posix()
        if "/tests/" in relative or "/migrations/" in relative:
            continue
        text = path.read_text()
        if "ContactAccessLog" in text:
            found[relative] = ast.parse(text)
    return found


def _writes(tree: ast.Module) -> list[str]:
    """Each write call on the log model or on a row named ``log``, as source without spaces."""
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = ast.unparse(node.func.value)
            if node.func.attr in WRITES and (
                receiver.startswith("ContactAccessLog") or receiver == "log"
            ):
                calls.append(f"{receiver}.{node.func.attr}")
    return calls


def test_only_the_privacy_app_names_the_access_log():
    assert set(_modules_naming_the_log()) <= MODULES


def test_no_application_path_edits_or_deletes_log_rows():
    found = [
        (where, call) for where, tree in _modules_naming_the_log().items() for call in _writes(tree)
    ]
    assert sorted(found) == sorted(ALLOWED_WRITES)


@pytest.fixture
def logged(coordinator, volunteer):
    contact_details_read(viewer=coordinator, person=volunteer, fields=["phone"], reason="check")
    return ContactAccessLog.objects.get()


def test_a_second_read_the_same_day_is_counted_on_the_same_row(logged, coordinator, volunteer):
    contact_details_read(viewer=coordinator, person=volunteer, fields=["address"], reason="again")
    row = ContactAccessLog.objects.get()
    assert row.reads == 2 and row.fields == "address,phone"


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)


@postgresql_only
@pytest.mark.parametrize(
    "change",
    [{"person_id": 999}, {"viewer_id": 999}, {"reads": 0}, {"viewer_label": "Someone else"}],
)
def test_the_database_refuses_to_edit_a_row(logged, change):
    with pytest.raises(DatabaseError), transaction.atomic():
        ContactAccessLog.objects.filter(pk=logged.pk).update(**change)
    logged.refresh_from_db()
    assert logged.person_id != 999 and logged.reads == 1


@postgresql_only
def test_the_database_refuses_to_delete_a_row(logged):
    with pytest.raises(DatabaseError), transaction.atomic():
        ContactAccessLog.objects.filter(pk=logged.pk).delete()
    assert ContactAccessLog.objects.filter(pk=logged.pk).exists()


@postgresql_only
def test_the_database_lets_erasure_blank_a_readers_name(logged):
    ContactAccessLog.objects.filter(pk=logged.pk).update(viewer_label="")
    logged.refresh_from_db()
    assert logged.viewer_label == ""
