"""Template filters for claims: amounts in minor units shown with their currency."""

from __future__ import annotations

from typing import Any

from django import template

from kinfolk.budget.claim_amounts import minor_to_text

register = template.Library()


@register.filter
def money(minor: int, currency: str) -> str:
    """``{{ claim.total_minor|money:claim.currency }}`` → ``12.50 GBP``."""
    return f"{minor_to_text(int(minor), currency)} {currency}"


@register.filter
def km(metres: int) -> str:
    return f"{int(metres) / 1000:.1f}"


@register.inclusion_tag("budget/claims/_home.html")
def claims_card(person: Any, kind: str) -> dict[str, Any]:
    """The home page's card: a link to the person's claims, where they may claim at all."""
    from kinfolk.budget.claim_selectors import claimable_visits, own_claim_list
    from kinfolk.budget.claims import claim_settings_get

    may_claim = (
        kind == "volunteer" or claim_settings_get(programme=person.programme).households_may_claim
    )
    has_claims = may_claim or own_claim_list(person=person).exists()
    return {
        "show": has_claims,
        "person": person,
        "kind": kind,
        "waiting": len(claimable_visits(person=person, limit=50)) if may_claim else 0,
    }
