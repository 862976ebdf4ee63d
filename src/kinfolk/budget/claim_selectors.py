"""Reads of expense claims, scoped to who asks: a participant's own, a coordinator's programme's.

Anything else is a 404, never a 403.  A coordinator limited to some
organisations sees the claims of the pairings of their volunteers only.
"""

from __future__ import annotations

from django.db.models import Count, QuerySet
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


def programme_claim_list(*, programme: Programme, state: str = "") -> QuerySet[ExpenseClaim]:
    """The programme's claims the coordinator may see, waiting ones first, then newest."""
    qs = pairs_scoped(
        ExpenseClaim.objects.filter(programme=programme), programme, "visit__pairing__"
    )
    if state:
        qs = qs.filter(state=state)
    return qs.select_related(*_RELATED).order_by("created_at", "id")


def programme_claim_get(*, programme: Programme, claim_id: int) -> ExpenseClaim:
    found = programme_claim_list(programme=programme).filter(pk=claim_id).first()
    if found is None:
        raise Http404
    return found


def claim_state_counts(*, programme: Programme) -> dict[str, int]:
    qs = programme_claim_list(programme=programme).order_by()
    counts = dict(qs.values_list("state").annotate(n=Count("id")))
    return {state: counts.get(state, 0) for state in ExpenseClaim.State.values}
