"""Columns of the people import and export (the data dictionary's, plus contact fields).

The charter guard reads this list: an import column is a field too.
"""

from __future__ import annotations

from kinfolk.engine.dictionary import SENSITIVE_WORDS, sensitive_category
from kinfolk.engine.population import COLUMNS as ENGINE_COLUMNS

#: Charter rule 3: the engine keeps the one list of sensitive categories (it cannot
#: import Django); an import refuses a column for which ``sensitive_category`` answers.
__all__ = ["CONTACT_COLUMNS", "IMPORT_COLUMNS", "SENSITIVE_WORDS", "participant_fields",
           "sensitive_category"]  # fmt: skip

#: Contact columns never reach the engine; they are read only through
#: ``contact_details_read`` once stored.
CONTACT_COLUMNS: tuple[str, ...] = ("last_name", "email", "phone", "address")
IMPORT_COLUMNS: tuple[str, ...] = (
    *ENGINE_COLUMNS, *CONTACT_COLUMNS, "organisation", "state", "postcode",
)  # fmt: skip


def participant_fields(record: dict[str, str]) -> dict[str, object]:
    """Model field values of a participant from one record of data dictionary strings."""
    return {
        "external_id": record["id"],
        "first_name": record["first_name"],
        "town": record["town"],
        "lat": float(record["lat"]),
        "lon": float(record["lon"]),
        "max_travel_km": float(record["max_travel_km"]),
        "visit_places": record["visit_places"],
        "speaks": record["speaks"],
        "learning": record["learning"],
        "availability": record["availability"],
        "offers": record["offers"],
        "accepts": record["accepts"],
        "waiting_since": record["waiting_since"] or None,
        "blackout": record["blackout"],
        "travel_mode": record["travel_mode"],
    }
