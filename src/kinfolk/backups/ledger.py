"""The erasure ledger across a restore: read before, put back after, applied again.

Guarded imports: a site without ``kinfolk.privacy.erasure`` restores all the same.
"""

from __future__ import annotations

from typing import Any

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
