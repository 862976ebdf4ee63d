"""What a programme has committed to and paid out in expense claims over a period.

The budget dashboard compares these with the forecast and the budget.  Both
figures count a claim by the start of its visit's window (when the cost was
incurred), so what was paid in a period is always part of what was committed
in it: committed is every approved claim, paid or not; paid is those paid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q, Sum

from kinfolk.budget.models import ExpenseClaim
from kinfolk.programmes.models import Programme


@dataclass(frozen=True)
class Spending:
    """Sums of claims in the programme's currency, integer minor units."""

    committed_minor: int
    paid_minor: int


def spent(programme: Programme, start: dt.date, end: dt.date) -> Spending:
    """Approved (committed, including paid) and paid claims for visits from ``start`` to ``end``.

    Both ends are included.  Refused and waiting claims count for neither.
    """
    claims = ExpenseClaim.objects.filter(
        programme=programme,
        visit__window_start__gte=start,
        visit__window_start__lte=end,
        state__in=(ExpenseClaim.State.APPROVED, ExpenseClaim.State.PAID),
    )
    total = F("travel_minor") + F("other_minor")
    sums = claims.aggregate(
        committed=Sum(total),
        paid=Sum(total, filter=Q(state=ExpenseClaim.State.PAID)),
    )
    return Spending(committed_minor=int(sums["committed"] or 0), paid_minor=int(sums["paid"] or 0))
