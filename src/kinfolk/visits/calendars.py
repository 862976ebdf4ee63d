"""iCalendar feeds and single-visit downloads (``icalendar`` package).

Events carry first names, times and "at your home" / "at their home" / the
public place, never an address (charter rule 5).  Agreed visits are timed
events; windows still to settle are all-day spans, so a subscriber sees when
the next visit is due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kinfolk.visits.models import Visit
from kinfolk.visits.wording import place_words

_PRODID = "-//Kinfolk//Visits//EN"


def visit_event(visit: Visit, side: str) -> Any:
    import icalendar

    pairing = visit.pairing
    partner = pairing.household if side == "volunteer" else pairing.volunteer
    event = icalendar.Event()
    event.add("uid", f"visit-{visit.pk}-{side}@kinfolk")
    event.add("dtstamp", timezone.now())
    event.add("summary", _("Visit with %(name)s") % {"name": partner.first_name})
    event.add("location", place_words(visit, side))
    if visit.agreed_at is not None and visit.state == Visit.State.AGREED:
        minutes = pairing.programme.visit_minutes
        event.add("dtstart", visit.agreed_at.astimezone(dt.UTC))
        event.add("dtend", (visit.agreed_at + dt.timedelta(minutes=minutes)).astimezone(dt.UTC))
        event.add("status", "CONFIRMED")
    else:
        event.add("dtstart", visit.window_start)
        event.add("dtend", visit.window_end + dt.timedelta(days=1))
        event.add("status", "TENTATIVE")
        event.add("description", _("Window for your visit: agree a time together."))
    return event


def calendar_bytes(visits: Iterable[Visit], side: str, *, name: str) -> bytes:
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", _PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-published-ttl", "PT6H")
    for visit in visits:
        calendar.add_component(visit_event(visit, side))
    return bytes(calendar.to_ical())
