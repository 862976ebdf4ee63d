"""The programme overview's counts, kept in the shared cache while they are still true.

At national scale each count of the overview reads 100,000 rows or more, and
the overview is the page coordinators open most, so the counts are computed
once and shared by every coordinator of the same scope.  The counts are kept
with a fingerprint of what is counted, each part answered by an index in well
under a millisecond: the newest change to the programme's volunteers,
households and pairings, and the newest and the open proposals.  A new person,
an approval, a pairing formed or ended, a proposal sent or answered change the
fingerprint, so the next reader counts again.  What the fingerprint cannot see
(a region's towns edited, an organisation renamed) is caught by a short
timeout.  One reader counts at a time; the others see the last counts, with the
time they were made.  The cache holds counts and region names, never a person.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Max, QuerySet
from django.utils import timezone

from kinfolk.pairings.models import Pairing, Proposal
from kinfolk.pairings.selectors import pairing_counts
from kinfolk.people.models import Household, Volunteer
from kinfolk.people.selectors import state_counts, town_counts
from kinfolk.programmes.models import Programme
from kinfolk.regions.models import Region
from kinfolk.regions.selectors import RegionRow, region_breakdown
from kinfolk.staff.scope import organisation_limit, region_limit

#: A backstop for what the fingerprint cannot see.
TIMEOUT_S = 60
#: How long the last counts are kept to show while new ones are made.
KEEP_S = 24 * 3600
#: The longest a count may take before another reader may start one.
COUNTING_S = 120
#: How long a reader with no counts to show waits for another's before counting itself.
WAIT_S = 10


@dataclass(frozen=True)
class OverviewFigures:
    """What the overview counts, as of ``counted_at``."""

    states: dict[str, dict[str, int]]
    towns: list[dict[str, Any]]
    breakdown: list[RegionRow]
    pairings: dict[str, Any]
    counted_at: datetime


def _newest(qs: QuerySet[Any]) -> str:
    """The latest ``updated_at`` of the rows, read newest first so an index answers."""
    row = qs.order_by("-updated_at").values_list("updated_at", flat=True).first()
    return row.isoformat() if row else "-"


def figures_fingerprint(programme: Programme) -> str:
    """Changes when a count of the overview could change."""
    proposals = Proposal.objects.filter(programme=programme)
    parts = [
        _newest(Volunteer.objects.filter(programme=programme)),
        _newest(Household.objects.filter(programme=programme)),
        _newest(Pairing.objects.filter(programme=programme)),
        str(proposals.aggregate(m=Max("id"))["m"]),
        str(proposals.filter(state="open").count()),
        str(Region.objects.filter(programme=programme).count()),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def _scope(programme: Programme) -> str:
    """One entry per scope: a limited coordinator must never read wider counts."""
    return "/".join(
        "all" if limit is None else ",".join(map(str, sorted(limit)))
        for limit in (organisation_limit(programme), region_limit(programme))
    )


def overview_figures(*, programme: Programme) -> OverviewFigures:
    """The overview's counts for the viewer's scope, from the cache while still true.

    When they are no longer true, one reader counts again; coordinators who open
    the overview meanwhile see the last counts, which say when they were made.
    Without that, every overview opened during a count of 110,000 rows started
    a count of its own, and once a minute the pages of everyone else waited.
    """
    key = ":".join(["overview", str(programme.pk), _scope(programme)])
    fingerprint = figures_fingerprint(programme)
    kept: tuple[str, OverviewFigures] | None = cache.get(key)
    if kept is not None:
        fresh = timezone.now() - kept[1].counted_at < timedelta(seconds=TIMEOUT_S)
        if kept[0] == fingerprint and fresh:
            return kept[1]
    if not cache.add(f"{key}:counting", True, COUNTING_S):
        # Another reader is counting: show the last counts, or wait for theirs.
        kept = kept or _awaited(key)
        if kept is not None:
            return kept[1]
    try:
        found = OverviewFigures(
            states=state_counts(programme=programme),
            towns=town_counts(programme=programme),
            breakdown=region_breakdown(programme=programme),
            pairings=pairing_counts(programme=programme),
            counted_at=timezone.now(),
        )
        cache.set(key, (fingerprint, found), KEEP_S)
    finally:
        cache.delete(f"{key}:counting")
    return found


def _awaited(key: str) -> tuple[str, OverviewFigures] | None:
    """The counts another reader is making, once kept (None if they take too long)."""
    for _ in range(int(WAIT_S / 0.1)):
        time.sleep(0.1)
        kept: tuple[str, OverviewFigures] | None = cache.get(key)
        if kept is not None:
            return kept
    return None
