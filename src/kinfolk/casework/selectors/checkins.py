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

from django.core.paginator import Page, Paginator
from django.db.models import Exists, Max, Min, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from kinfolk.casework.models import CaseNote, CheckInSignal
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


@dataclass(frozen=True)
class Signal:
    pairing_id: int
    reason: str
    window_start: dt.date
    arose_on: dt.date
    rating: int | None = None


def check_in_signals_compute(*, programme: Programme, today: dt.date) -> list[Signal]:
    """Every signal of the programme's active pairs today, answered or not (the refresh's input).

    A signal arises at the end of its window (a first visit due, at its
    window's start).  Costly on a large programme: the hourly tick stores it.
    """
    signalled = visit_selectors.check_in_pairing_ids(programme=programme, today=today)
    first_due = _first_visit_due(programme, today)
    ids = sorted(set(signalled) | set(first_due))
    ends = _window_ends(ids)
    found: list[Signal] = []
    seen: set[int] = set()
    for entry in visit_selectors.check_in_entries(
        programme=programme, today=today, pairing_ids=ids
    ):
        pairing_id = entry.pairing.pk
        seen.add(pairing_id)
        for (_text, day), (kind, rating) in zip(entry.facts, entry.kinds, strict=True):
            arose = ends.get((pairing_id, day), day)
            found.append(Signal(pairing_id, kind, day, arose, rating))
    # A first visit due matters only when nothing else brings the pair to the list.
    for pairing_id, day in first_due.items():
        if pairing_id not in seen:
            found.append(Signal(pairing_id, CheckInSignal.Reason.FIRST_VISIT, day, day))
    return found


# --- reading the stored signals ------------------------------------------------------------


def _open_signals(programme: Programme) -> QuerySet[CheckInSignal]:
    """Stored signals of active pairs that no check-in on or after their day has answered."""
    answered = CaseNote.objects.filter(
        pairing_id=OuterRef("pairing_id"),
        kind=CaseNote.Kind.CHECK_IN,
        written_at__date__gte=OuterRef("arose_on"),
    )
    return CheckInSignal.objects.filter(
        programme=programme, pairing__state=Pairing.State.ACTIVE
    ).exclude(Exists(answered))


def _pairs(programme: Programme) -> QuerySet[CheckInSignal]:
    """One row per pair on the list, its longest-waiting signal first."""
    return (
        _open_signals(programme)
        .values("pairing_id")
        .annotate(latest=Max("arose_on"))
        .order_by("latest", "pairing_id")
    )


def _reason_words(signal: CheckInSignal) -> str:
    if signal.reason == CheckInSignal.Reason.LOW_RATING and signal.rating is not None:
        return _("a visit rated %(rating)s of 5, window from") % {"rating": signal.rating}
    return str(signal.get_reason_display())


def _entries(programme: Programme, rows: list[dict[str, object]]) -> list[CheckInDue]:
    """The pairs of ``rows`` with their reasons and last check-in, in four queries."""
    ids = [int(row["pairing_id"]) for row in rows]  # type: ignore[call-overload]
    pairings = Pairing.objects.filter(pk__in=ids).select_related("volunteer", "household")
    entries = {p.pk: CheckInDue(p) for p in pairings}
    for signal in _open_signals(programme).filter(pairing_id__in=ids).order_by("window_start"):
        entry = entries[signal.pairing_id]
        entry.reasons.append((_reason_words(signal), signal.window_start))
        entry.signal_on = max(entry.signal_on, signal.arose_on)
    for pairing_id, last in _last_check_ins(ids).items():
        entries[pairing_id].last_check_in = last
    return [entries[i] for i in ids if i in entries]


def check_in_due_page(*, programme: Programme, number: object, size: int = 50) -> Page[object]:
    """One page of the check-in list; its ``object_list`` holds ``CheckInDue`` entries."""
    page = Paginator(_pairs(programme), size).get_page(number)
    page.object_list = _entries(programme, list(page.object_list))
    return page


def check_in_due_first(*, programme: Programme, n: int) -> tuple[list[CheckInDue], int]:
    """The ``n`` longest-waiting pairs to check in with, and how many there are in all."""
    pairs = _pairs(programme)
    first = list(pairs[:n])
    return _entries(programme, first), pairs.count() if len(first) == n else len(first)


def check_in_due_for(*, programme: Programme, pairing: Pairing) -> CheckInDue | None:
    """Why this pair is on the list now, or None if nothing waits for a check-in."""
    entries = _entries(programme, [{"pairing_id": pairing.pk}])
    return entries[0] if entries and entries[0].reasons else None
