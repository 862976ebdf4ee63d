"""Approved claims for finance, as CSV or XLSX, through the API's export writers.

The writers neutralise every text cell (a name starting with ``=`` becomes
``'=…``), so a claimant's words can never run as a spreadsheet formula.
Amounts are integers in minor units beside the same amount as text, so a
finance system reads the integer and a person reads the text.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kinfolk.budget.claim_amounts import minor_to_text
from kinfolk.budget.models import ExpenseClaim

HEADER = [
    "claim_id",
    "visit_window_start",
    "claimant_side",
    "claimant_id",
    "first_name",
    "last_name",
    "travel_mode",
    "distance_km",
    "currency",
    "travel_minor",
    "other_minor",
    "total_minor",
    "total",
    "other_costs_for",
    "approved_at",
    "state",
]


def claim_row(claim: ExpenseClaim) -> list[Any]:
    person = claim.claimant
    return [
        claim.pk,
        claim.visit.window_start,
        claim.side,
        person.external_id,
        person.first_name,
        person.last_name,
        claim.travel_mode,
        round(claim.distance_m / 1000, 1),
        claim.currency,
        int(claim.travel_minor),
        int(claim.other_minor),
        claim.total_minor,
        minor_to_text(claim.total_minor, claim.currency),
        claim.other_what,
        claim.decided_at,
        claim.state,
    ]


def claim_batches(claims: list[ExpenseClaim], size: int = 2000) -> Iterator[list[list[Any]]]:
    for start in range(0, len(claims), size):
        yield [claim_row(c) for c in claims[start : start + size]]
