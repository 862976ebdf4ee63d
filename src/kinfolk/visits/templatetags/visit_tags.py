"""Template helpers for visits: where, when (in the programme's time zone), the home card."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.translation import gettext as _

from kinfolk.pairings.selectors import partner_of, proposal_open_get
from kinfolk.visits import selectors
from kinfolk.visits.models import Visit
from kinfolk.visits.services._common import today_in
from kinfolk.visits.wording import local_time_words, place_words
from kinfolk.web.bidi import isolated

register = template.Library()


@register.simple_tag
def place(visit: Visit, side: str) -> str:
    if visit.host == Visit.Host.PUBLIC and visit.place_note:
        # The place is typed by a person: isolated, like every name on a page.
        return isolated(_("at %(place)s"), place=visit.place_note)
    return place_words(visit, side)


@register.simple_tag
def local_time(visit: Visit, moment: dt.datetime) -> str:
    return local_time_words(visit, moment)


@register.simple_tag
def visits_status(person: Any, kind: str) -> dict[str, Any]:
    """The next visit and the person's overdue windows, for their home page."""
    if person.state not in ("active", "paused"):
        return {"show": False}
    today = today_in(person.programme)
    visits = selectors.visit_list(person=person, today=today, coming=1)
    overdue = [v for v in visits.to_record if selectors.is_overdue(v, today)]
    return {
        "show": bool(visits.coming or visits.to_record or visits.past),
        "next": visits.coming[0] if visits.coming else None,
        "overdue": overdue,
    }


@register.simple_tag
def waiting_for(person: Any) -> dict[str, Any]:
    """What waits for the person: their proposal's answers and their visits' times."""
    if person.state != "active":
        return {}
    proposal = proposal_open_get(person=person)
    side = person.side
    waits = selectors.time_waits(person=person, today=today_in(person.programme))
    return {
        "proposal": proposal,
        "my_answer": getattr(proposal, f"{side}_answer") if proposal else "",
        "partner": partner_of(person=person, pair=proposal) if proposal else None,
        "times": waits,
        "any": bool(proposal or waits),
    }


@register.simple_tag
def partner_name(visit: Visit, side: str) -> str:
    pairing = visit.pairing
    return str(
        pairing.household.first_name if side == "volunteer" else pairing.volunteer.first_name
    )
