"""What a participant's home page shows of their proposal or pairing.

Reads only: contact details are shown on the pairing page, where the read is logged.
"""

from __future__ import annotations

from typing import Any

from django import template

from kinfolk.pairings.selectors import (
    pairing_active_get,
    pairing_counts,
    pairing_last_ended_get,
    partner_of,
    proposal_open_get,
)

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
def pairing_overview(programme: Any) -> dict[str, Any]:
    """The pairings card of the coordinator's programme overview."""
    return {"programme": programme, "counts": pairing_counts(programme=programme)}
