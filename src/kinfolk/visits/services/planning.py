"""Visit windows: planned when a pairing starts, rolled forward, cancelled by pauses and endings."""

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


def _cancel(visits: QuerySet[Visit]) -> int:
    now = timezone.now()
    TimeProposal.objects.filter(visit__in=visits, state=TimeProposal.State.OPEN).update(
        state=TimeProposal.State.SUPERSEDED, answered_at=now
    )
    return visits.update(state=Visit.State.CANCELLED)


def visits_cancel_future(*, pairing: Pairing, today: dt.date | None = None) -> int:
    """Cancel every window not yet closed; closed windows keep their record."""
    today = today or today_in(pairing.programme)
    return _cancel(pairing.visits.filter(state__in=_LIVE, window_end__gte=today))


def _active_pairings(person: Person) -> QuerySet[Pairing]:
    return Pairing.objects.filter(state="active", **{person.side: person}).select_related(
        "programme", "volunteer__user", "household"
    )


def visits_pause(*, person: Person, today: dt.date | None = None) -> int:
    """Cancel the windows overlapping the pause (open-ended); the partner hears "paused for now"."""
    cancelled = 0
    for pairing in _active_pairings(person):
        cancelled += visits_cancel_future(pairing=pairing, today=today)
        other = pairing.household if person.side == "volunteer" else pairing.volunteer
        notify.send(other, lambda other=other: _paused_message(other), purpose="visits_paused")
    return cancelled


def _paused_message(person: Any) -> tuple[str, str]:
    body = _(
        "Your visits are paused for now. Nothing needs doing: we will tell you when they "
        "are planned again.\n\n%(link)s"
    ) % {"link": notify.home_link(person)}
    return _("Your visits are paused for now"), body


def visits_resume(*, person: Person, today: dt.date | None = None) -> int:
    """Plan again from the next period, once both sides take part; returns windows added.

    The other side is told that visits are planned again: the pause notice promised it.
    """
    added = 0
    for pairing in _active_pairings(person):
        if pairing.volunteer.state != "active" or pairing.household.state != "active":
            continue
        day = today or today_in(pairing.programme)
        # Windows the pause cancelled that have not begun go, so that planning
        # continues from the period after today instead of after them.
        pairing.visits.filter(state=Visit.State.CANCELLED, window_start__gt=day).delete()
        added += visits_plan_for_pairing(pairing=pairing, today=day)
        other = pairing.household if person.side == "volunteer" else pairing.volunteer
        notify.send(other, lambda other=other: _resumed_message(other), purpose="visits_resumed")
    return added


def _resumed_message(person: Any) -> tuple[str, str]:
    body = _(
        "Your visits are planned again. Your page shows the next visit window; agree a "
        "time together as before.\n\n%(link)s"
    ) % {"link": notify.home_link(person)}
    return _("Your visits are planned again"), body
