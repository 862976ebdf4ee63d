"""Reads of the coordinator's casework, each scoped to a programme fetched through
``programme_get`` (404 for anyone else), and what a person may read about themselves.
"""

from __future__ import annotations

from kinfolk.casework.selectors.records import (
    RecordsAbout,
    RecordsGlance,
    behalf_list,
    note_list,
    records_about,
    records_glance,
)
from kinfolk.casework.selectors.scoped import (
    concern_get,
    concern_list,
    concern_open_count,
    pairing_get,
    person_pairing_list,
)

__all__ = [
    "RecordsAbout",
    "RecordsGlance",
    "behalf_list",
    "concern_get",
    "concern_list",
    "concern_open_count",
    "note_list",
    "pairing_get",
    "person_pairing_list",
    "records_about",
    "records_glance",
]
