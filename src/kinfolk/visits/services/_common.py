"""Helpers the visit services share: sides, today, locking a person's own visit."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils.translation import gettext as _

from kinfolk.people.models import Household, Volunteer
from kinfolk.programmes.models import Programme
from kinfolk.visits.models import Visit
from kinfolk.visits.services import VisitError

Person = Volunteer | Household


def other_side(side: str) -> str:
    return "household" if side == "volunteer" else "volunteer"


def zone(programme: Programme) -> ZoneInfo:
    return programme.zone


def today_in(programme: Programme, now: dt.datetime | None = None) -> dt.date:
    return programme.today(now)


def own_visit_lock(visit_id: int, person: Person) -> Visit:
    """The person's visit, locked for a write; someone else's visit is refused."""
    found = (
        Visit.objects.select_for_update()
        .filter(pk=visit_id)
        .filter(Q(**{f"pairing__{person.side}": person}))
        .first()
    )
    if found is None:
        raise VisitError(_("This is not one of your visits; nothing was changed."))
    return Visit.objects.select_related(
        "pairing__programme", "pairing__volunteer__user", "pairing__household"
    ).get(pk=found.pk)


def partner(visit: Visit, side: str) -> Person:
    return visit.pairing.household if side == "volunteer" else visit.pairing.volunteer


def pairing_live_check(visit: Visit) -> None:
    """Times are settled only while the pairing stands and both sides take part."""
    pairing = visit.pairing
    if pairing.state != "active":
        raise VisitError(_("This pairing has ended; nothing was changed."))
    for person in (pairing.volunteer, pairing.household):
        person.refresh_from_db(fields=["state"])
        if person.state != "active":
            raise VisitError(_("Visits are paused for now: one of you is not taking part."))
