"""Reads of expense claims, scoped to who asks: a participant's own, a coordinator's programme's.

Anything else is a 404, never a 403.  A coordinator limited to some
organisations sees the claims of the pairings of their volunteers only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Max, QuerySet, Sum
from django.http import Http404

from kinfolk.budget.claims import CLAIMABLE
from kinfolk.budget.models import ExpenseClaim
from kinfolk.people.models import Household, Volunteer
from kinfolk.programmes.models import Programme
from kinfolk.staff.scope import pairs_scoped
from kinfolk.visits.models import Visit

Person = Volunteer | Household
_RELATED = ("visit", "volunteer", "household", "decided_by", "paid_by", "programme")


def own_claim_list(*, person: Person) -> QuerySet[ExpenseClaim]:
    """The person's own claims, newest first."""
    return ExpenseClaim.objects.filter(side=person.side, **{person.side: person}).select_related(
        *_RELATED
    )


def own_claim_get(*, person: Person, claim_id: int) -> ExpenseClaim:
    found = own_claim_list(person=person).filter(pk=claim_id).first()
    if found is None:
        raise Http404
    return found


def claimable_visits(*, person: Person, limit: int = 20) -> list[Visit]:
    """The person's visits that happened and have no live claim of theirs yet, latest first."""
    claimed = ExpenseClaim.objects.filter(side=person.side, **{person.side: person}).exclude(
        state=ExpenseClaim.State.REJECTED
    )
    visits = Visit.objects.filter(**{f"pairing__{person.side}": person}, state__in=CLAIMABLE)
    visits = visits.exclude(pk__in=claimed.values("visit_id"))
    return list(visits.select_related("pairing").order_by("-window_start")[:limit])


def programme_claim_list(
    *, programme: Programme, state: str = "", side: str = ""
) -> QuerySet[ExpenseClaim]:
    """The programme's claims the coordinator may see, oldest first; optionally of one state
    and one side (volunteers' or households')."""
    qs = pairs_scoped(
        ExpenseClaim.objects.filter(programme=programme), programme, "visit__pairing__"
    )
    if state:
        qs = qs.filter(state=state)
    if side:
        qs = qs.filter(side=side)
    return qs.select_related(*_RELATED).order_by("created_at", "id")


def programme_claim_get(*, programme: Programme, claim_id: int) -> ExpenseClaim:
    found = programme_claim_list(programme=programme).filter(pk=claim_id).first()
    if found is None:
        raise Http404
    return found


def claim_state_counts(*, programme: Programme, side: str = "") -> dict[str, int]:
    """How many claims the coordinator may see are in each state (of one side, if given)."""
    qs = programme_claim_list(programme=programme, side=side).order_by()
    counts = dict(qs.values_list("state").annotate(n=Count("id")))
    return {state: counts.get(state, 0) for state in ExpenseClaim.State.values}


@dataclass(frozen=True)
class CurrencyTotal:
    """How many claims of a list are in one currency, and what they add up to (minor units)."""

    currency: str
    claims: int
    total_minor: int


def claim_totals(claims: QuerySet[ExpenseClaim]) -> list[CurrencyTotal]:
    """The true totals of a whole list of claims, every page of it, one per currency.

    A programme that changed its currency has claims in both; their amounts
    are never added together.
    """
    rows = (
        claims.order_by()
        .values("currency")
        .annotate(n=Count("id"), minor=Sum(F("travel_minor") + F("other_minor")))
        .order_by("currency")
    )
    return [CurrencyTotal(r["currency"], r["n"], int(r["minor"] or 0)) for r in rows]


# --- the payment batch ---------------------------------------------------------------------


def approved_through(*, programme: Programme) -> dt.datetime | None:
    """When the latest claim now waiting for payment was approved: the end of today's batch."""
    latest: dt.datetime | None = ExpenseClaim.objects.filter(
        programme=programme, state=ExpenseClaim.State.APPROVED
    ).aggregate(latest=Max("decided_at"))["latest"]
    return latest


def payment_batch(*, programme: Programme, through: dt.datetime | None) -> QuerySet[ExpenseClaim]:
    """Approved claims waiting for payment that were approved up to ``through``, oldest first.

    Fixing ``through`` when the payment page is first shown keeps the batch the
    same while the coordinator pages through it, downloads it for finance and
    marks it paid, even if more claims are approved meanwhile.
    """
    approved = programme_claim_list(programme=programme, state=ExpenseClaim.State.APPROVED)
    if through is None:
        return approved.none()
    return approved.filter(decided_at__lte=through)


def approved_after(*, programme: Programme, through: dt.datetime | None) -> int:
    """How many claims were approved after the batch was fixed (they wait for the next one)."""
    approved = ExpenseClaim.objects.filter(programme=programme, state=ExpenseClaim.State.APPROVED)
    if through is not None:
        approved = approved.filter(decided_at__gt=through)
    return approved.count()
