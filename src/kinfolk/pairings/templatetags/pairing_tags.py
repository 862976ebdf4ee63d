"""What a participant's home page shows of their proposal or pairing.

Reads only: contact details are shown on the pairing page, where the read is logged.
"""

from __future__ import annotations

from typing import Any

from django import template

from kinfolk.pairings.explain import alternative_ids, pair_words
from kinfolk.pairings.selectors import (
    alternative_people,
    pairing_active_get,
    pairing_counts,
    pairing_last_ended_get,
    partner_of,
    proposal_open_get,
)
from kinfolk.people.wording import great_circle_km

register = template.Library()


@register.simple_tag
def pairing_status(person: Any) -> dict[str, Any]:
    proposal = proposal_open_get(person=person)
    pairing = pairing_active_get(person=person)
    pair = pairing or proposal
    return {
        "proposal": proposal,
        "pairing": pairing,
        "partner": partner_of(person=person, pair=pair) if pair else None,
        # Said without a name: the other side may have left or been erased.
        "ended": None if pair else pairing_last_ended_get(person=person),
    }


@register.inclusion_tag("pairings/coordinator/_overview.html")
def pairing_overview(programme: Any, counts: dict[str, Any] | None = None) -> dict[str, Any]:
    """The pairings card of the coordinator's programme overview (counted now unless given)."""
    return {"programme": programme, "counts": counts or pairing_counts(programme=programme)}


@register.simple_tag
def pair_explained(status: dict[str, Any], programme: Any) -> Any:
    """A proposal's or pairing's reasons in a coordinator's words (``explain.pair_words``).

    ``status`` is what ``pairing_status`` returned; a pairing imported from an
    earlier system has no explanation, only its distance.
    """
    pair = status.get("pairing") or status.get("proposal")
    if pair is None:
        return None
    proposal = status.get("proposal") or getattr(pair, "proposal", None)
    explanation = proposal.explanation if proposal is not None else {}
    volunteer, household = pair.volunteer, pair.household
    if proposal is not None:
        km = proposal.distance_km
    else:
        km = great_circle_km((volunteer.lat, volunteer.lon), (household.lat, household.lon))
    found = alternative_people(programme=programme, ids=alternative_ids([explanation]))
    # Waiting time matters while both still wait, that is, for an open proposal.
    today = programme.today() if status.get("proposal") else None
    return pair_words(
        volunteer=volunteer,
        household=household,
        distance_km=km,
        explanation=explanation,
        today=today,
        alternatives=found,
    )
