"""Check expiry on the coordinator's person pages: the checks table and the flag."""

from __future__ import annotations

from typing import Any

from django import template

from kinfolk.pairings.selectors import pairing_active_get
from kinfolk.people.models import Volunteer
from kinfolk.vetting.selectors import volunteer_check_rows, volunteer_checks_expired

register = template.Library()


@register.simple_tag
def check_rows(volunteer: Volunteer) -> list[Any]:
    return volunteer_check_rows(volunteer=volunteer)


@register.simple_tag
def check_flag(person: Any) -> dict[str, Any]:
    """The volunteer (this one, or the household's partner) whose check has expired, if any.

    An expired check never ends a pairing: it is flagged, for the coordinator to act on.
    """
    pairing = pairing_active_get(person=person)
    volunteer = person if isinstance(person, Volunteer) else pairing.volunteer if pairing else None
    if volunteer is None:
        return {}
    expired = volunteer_checks_expired(volunteer=volunteer)
    return {"volunteer": volunteer, "expired": expired, "paired": pairing} if expired else {}


@register.simple_tag
def checks_due(person: Any) -> list[Any]:
    """A volunteer's own checks that expire within 30 days or have expired, for their home page."""
    if not isinstance(person, Volunteer) or person.state not in ("approved", "active", "paused"):
        return []
    return [r for r in volunteer_check_rows(volunteer=person) if r.state in ("expiring", "expired")]
