"""What a programme has committed (approved claims) and paid in a period.

A stand-in that returns zeros: the expense-claims branch replaces this module
with the real sums of approved and paid claims, keeping this signature, which
the budget dashboard calls.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kinfolk.programmes.models import Programme


@dataclass(frozen=True)
class Spending:
    """Minor units of the programme's currency: claims approved but unpaid, and paid."""

    committed_minor: int
    paid_minor: int


def spent(programme: Programme, start: dt.date, end: dt.date) -> Spending:
    """Committed and paid claims for visits from ``start`` to ``end`` (zeros until claims exist)."""
    return Spending(committed_minor=0, paid_minor=0)
