"""Template helpers for visits: where, when (in the programme's time zone), the home card."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.translation import gettext as _

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
    glance = selectors.visit_glance(person=person, today=today)
    return {"show": glance.any, "next": glance.next, "overdue": glance.overdue}


@register.simple_tag
def waiting_for(person: Any) -> dict[str, Any]:
    """What the person's visits wait for: a time to answer, or a new one after a decline.

    Their proposal, if any, is on the home page's state card.
    """
    if person.state != "active":
        return {}
    waits = selectors.time_waits(person=person, today=today_in(person.programme))
    return {"times": waits, "any": bool(waits)}


@register.simple_tag
def partner_name(visit: Visit, side: str) -> str:
    pairing = visit.pairing
    return str(
        pairing.household.first_name if side == "volunteer" else pairing.volunteer.first_name
    )
