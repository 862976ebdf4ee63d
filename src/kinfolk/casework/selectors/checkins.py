"""The pairs to check in with: why each is on the list, and when someone last checked in.

The signals are the visits app's (two windows in a row without a visit, an
unconfirmed visit, a low rating, a window left unrecorded) plus a new pair
whose first window has opened and who have not met yet.  A check-in recorded
after the latest signal takes the pair off the list until a newer one.
Declines and pauses are never signals (charter rule 2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Max, Min, Q
from django.utils.translation import gettext as _

from kinfolk.casework.models import CaseNote
from kinfolk.pairings.models import Pairing
from kinfolk.programmes.models import Programme
from kinfolk.visits import selectors as visit_selectors
from kinfolk.visits.models import Visit

#: A pair counts as new for this long after it started.
NEW_PAIR_DAYS = 183


@dataclass
class CheckInDue:
    pairing: Pairing
    #: (what we noticed, the day it refers to)
    reasons: list[tuple[str, dt.date]] = field(default_factory=list)
    signal_on: dt.date = dt.date.min
    last_check_in: dt.datetime | None = None


def _first_visit_due(programme: Programme, today: dt.date) -> dict[int, dt.date]:
    """{pairing id: first window's start} of new active pairs whose first window opened unmet."""
    rows = (
        Pairing.objects.filter(
            programme=programme,
            state=Pairing.State.ACTIVE,
            started_on__gte=today - dt.timedelta(days=NEW_PAIR_DAYS),
        )
        .exclude(visits__state=Visit.State.HAPPENED)
        .annotate(first=Min("visits__window_start", filter=~Q(visits__state=Visit.State.CANCELLED)))
        .filter(first__lte=today)
        .values_list("pk", "first")
    )
    return dict(rows)


def _last_check_ins(pairing_ids: list[int]) -> dict[int, dt.datetime]:
    rows = (
        CaseNote.objects.filter(pairing_id__in=pairing_ids, kind=CaseNote.Kind.CHECK_IN)
        .values("pairing_id")
        .annotate(last=Max("written_at"))
        .values_list("pairing_id", "last")
    )
    return dict(rows)


def _window_ends(pairing_ids: list[int]) -> dict[tuple[int, dt.date], dt.date]:
    rows = Visit.objects.filter(pairing_id__in=pairing_ids).values_list(
        "pairing_id", "window_start", "window_end"
    )
    return {(p, start): end for p, start, end in rows}


def check_in_due_list(*, programme: Programme, today: dt.date) -> list[CheckInDue]:
    """Every pair to check in with, the longest-waiting signal first.

    A signal counts from the end of its window (a visit first due, from the
    window's start); a check-in on or after that day answers it.
    """
    signalled = visit_selectors.check_in_pairing_ids(programme=programme, today=today)
    first_due = _first_visit_due(programme, today)
    ids = sorted(set(signalled) | set(first_due))
    entries = {
        e.pairing.pk: CheckInDue(e.pairing, list(e.facts))
        for e in visit_selectors.check_in_entries(programme=programme, today=today, pairing_ids=ids)
    }
    ends = _window_ends(ids)
    last = _last_check_ins(ids)
    missing = [i for i in first_due if i not in entries]
    for pairing in Pairing.objects.filter(pk__in=missing).select_related("volunteer", "household"):
        entries[pairing.pk] = CheckInDue(pairing)
    due = []
    for pairing_id, entry in entries.items():
        # (words, the window's start as shown, the day the signal arose)
        signals = [(text, day, ends.get((pairing_id, day), day)) for text, day in entry.reasons]
        # A first visit due matters only when nothing else brings the pair here.
        if pairing_id in first_due and not signals:
            day = first_due[pairing_id]
            signals.append((_("a new pair's first visit is due, window from"), day, day))
        checked = last.get(pairing_id)
        if checked is not None:
            checked_day = checked.astimezone(programme.zone).date()
            signals = [s for s in signals if s[2] > checked_day]
        if not signals:
            continue
        entry.reasons = [(text, day) for text, day, _arose in signals]
        entry.signal_on = max(arose for _text, _day, arose in signals)
        entry.last_check_in = checked
        due.append(entry)
    return sorted(due, key=lambda e: (e.signal_on, e.pairing.pk))
