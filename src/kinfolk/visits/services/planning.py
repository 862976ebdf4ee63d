"""Visit windows: planned when a pairing starts, rolled forward, cancelled by pauses and endings.

How a pause works.  A pause has no end date: it lasts from the day someone
pauses until the day they resume (or until both have, when both paused).
Pausing cancels every window not yet closed, agreed visits included, so
that the other side, who is told only "paused for now", sees each one as
cancelled and nobody turns up at a door.  Resuming gives back what lies
after the pause: a visit agreed for a time after the resume stands again
as agreed, and a window that starts after the resume day is planned again;
planning then continues with any period the plan lacks.  So once the pause
is over, exactly the windows inside the pause period stay cancelled, each
marked with why and when.  A cancelled visit is never deleted: a link to it
in an earlier message keeps saying what happened to it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kinfolk.pairings import notify
from kinfolk.pairings.models import Pairing
from kinfolk.programmes.models import Programme
from kinfolk.visits.models import TimeProposal, Visit
from kinfolk.visits.schedule_adapter import windows_plan, windows_write
from kinfolk.visits.services._common import Person, today_in

#: Pairings planned per engine call: bounds memory for a 110,000-pairing programme.
_CHUNK = 20000
_LIVE = (Visit.State.PLANNED, Visit.State.AGREED)


def visits_plan_for_pairing(*, pairing: Pairing, today: dt.date | None = None) -> int:
    """Plan the pairing's next 12 months of windows; returns how many were added."""
    today = today or today_in(pairing.programme)
    return windows_write(windows_plan([pairing], today=today))


def plannable_pairings(*, programme: Programme) -> QuerySet[Pairing]:
    """Active pairings whose two sides both take part (a pause plans nothing)."""
    return programme.pairings.filter(
        state=Pairing.State.ACTIVE, volunteer__state="active", household__state="active"
    ).order_by("pk")


def visits_plan_programme(
    *, programme: Programme, today: dt.date | None = None, batch_size: int = 5000
) -> int:
    """Extend every plannable pairing's plan to 12 months ahead, in bulk; returns windows added.

    Running it again adds only what is missing, so it is the roll-forward too.
    """
    today = today or today_in(programme)
    ids = list(plannable_pairings(programme=programme).values_list("pk", flat=True))
    added = 0
    for start in range(0, len(ids), _CHUNK):
        chunk = Pairing.objects.filter(pk__in=ids[start : start + _CHUNK]).order_by("pk")
        added += windows_write(windows_plan(chunk, today=today), batch_size=batch_size)
    return added


def visits_roll_forward(*, now: dt.datetime | None = None) -> int:
    """Keep every programme's plans 12 months ahead (the daily tick)."""
    now = now or timezone.now()
    with_pairings = Programme.objects.filter(pairings__state="active").distinct()
    return sum(visits_plan_programme(programme=p, today=today_in(p, now)) for p in with_pairings)


def _cancel(visits: QuerySet[Visit], because: str) -> int:
    now = timezone.now()
    TimeProposal.objects.filter(visit__in=visits, state=TimeProposal.State.OPEN).update(
        state=TimeProposal.State.SUPERSEDED, answered_at=now
    )
    return visits.update(state=Visit.State.CANCELLED, cancelled_because=because, cancelled_at=now)


def visits_cancel_future(*, pairing: Pairing, today: dt.date | None = None) -> int:
    """The pairing ended: cancel every window not yet closed; closed windows keep their record."""
    today = today or today_in(pairing.programme)
    future = pairing.visits.filter(window_end__gte=today)
    # Visits a pause had cancelled will not come back now: say that the pairing ended.
    future.filter(
        state=Visit.State.CANCELLED, cancelled_because=Visit.CancelledBecause.PAUSED
    ).update(cancelled_because=Visit.CancelledBecause.ENDED, cancelled_at=timezone.now())
    return _cancel(future.filter(state__in=_LIVE), Visit.CancelledBecause.ENDED)


def _active_pairings(person: Person) -> QuerySet[Pairing]:
    return Pairing.objects.filter(state="active", **{person.side: person}).select_related(
        "programme", "volunteer__user", "household"
    )


def visits_pause(*, person: Person, today: dt.date | None = None) -> int:
    """Cancel every window not yet closed (open-ended); the partner hears "paused for now"."""
    cancelled = 0
    for pairing in _active_pairings(person):
        day = today or today_in(pairing.programme)
        live = pairing.visits.filter(state__in=_LIVE, window_end__gte=day)
        cancelled += _cancel(live, Visit.CancelledBecause.PAUSED)
        other = pairing.household if person.side == "volunteer" else pairing.volunteer
        notify.send(other, lambda other=other: _paused_message(other), purpose="visits_paused")
    return cancelled


def _paused_message(person: Any) -> tuple[str, str]:
    body = _(
        "Your visits are paused for now. Nothing needs doing: we will tell you when they "
        "are planned again.\n\n%(link)s"
    ) % {"link": notify.home_link(person)}
    return _("Your visits are paused for now"), body


def visits_resume(*, person: Person, now: dt.datetime | None = None) -> int:
    """Once both sides take part: give back what lies after the pause, plan the rest.

    Returns the windows planned or given back.  The other side is told that
    visits are planned again: the pause notice promised it.
    """
    now = now or timezone.now()
    added = 0
    for pairing in _active_pairings(person):
        if pairing.volunteer.state != "active" or pairing.household.state != "active":
            continue
        day = today_in(pairing.programme, now)
        added += _restore(pairing, now, day)
        added += visits_plan_for_pairing(pairing=pairing, today=day)
        other = pairing.household if person.side == "volunteer" else pairing.volunteer
        notify.send(other, lambda other=other: _resumed_message(other), purpose="visits_resumed")
    return added


def _restore(pairing: Pairing, now: dt.datetime, day: dt.date) -> int:
    """What a pause cancelled but lies after it: agreed times still to come, windows to start."""
    paused = pairing.visits.filter(
        state=Visit.State.CANCELLED, cancelled_because=Visit.CancelledBecause.PAUSED
    )
    cleared = {"cancelled_because": Visit.CancelledBecause.NONE, "cancelled_at": None}
    agreed = paused.filter(agreed_at__gt=now).update(state=Visit.State.AGREED, **cleared)
    planned = paused.filter(agreed_at__isnull=True, window_start__gt=day).update(
        state=Visit.State.PLANNED, **cleared
    )
    return agreed + planned


def _resumed_message(person: Any) -> tuple[str, str]:
    body = _(
        "Your visits are planned again. Your page shows the next visit window; agree a "
        "time together as before.\n\n%(link)s"
    ) % {"link": notify.home_link(person)}
    return _("Your visits are planned again"), body
