"""Template filters for claims: amounts in minor units shown with their currency."""

from __future__ import annotations

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
