"""The report kept in the cache until the outcomes behind it change.

A report of a large programme reads every pairing and every visit window, so
it is built once and kept.  Its key carries a fingerprint of what it counts:
the newest change to the programme's pairings, visits, volunteers and
households (each read from an index, newest first, one row) and the number of
pairings, so recording a visit, ending a pairing, a new pairing or a person
moving town makes a new key and the next reader gets fresh figures.  The
cache holds only counts, never a person; erasure clears every cache anyway.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import get_language

from kinfolk.pairings.models import Pairing
from kinfolk.people.models import Household, Volunteer
from kinfolk.programmes.models import Programme
from kinfolk.reports.build import Report, report_build
from kinfolk.staff.scope import organisation_limit, region_limit
from kinfolk.visits.models import Visit

#: A backstop for what the fingerprint cannot see (an organisation renamed).
TIMEOUT_S = 15 * 60


def _newest(qs: QuerySet[Any]) -> str:
    """The latest ``updated_at`` of the rows, read newest first so an index answers."""
    row = qs.order_by("-updated_at").values_list("updated_at", flat=True).first()
    return row.isoformat() if row else "-"


def outcomes_fingerprint(programme: Programme) -> str:
    """Changes when any figure of the programme's report could change."""
    parts = [
        _newest(Pairing.objects.filter(programme=programme)),
        str(Pairing.objects.filter(programme=programme).count()),
        _newest(Visit.objects.filter(pairing__programme=programme)),
        _newest(Volunteer.objects.filter(programme=programme)),
        _newest(Household.objects.filter(programme=programme)),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def report_cached(*, programme: Programme, today: dt.date | None = None) -> Report:
    """The programme's report as its viewer may see it, from the cache while still true."""
    today = today or programme.today()
    # One entry per scope: a limited coordinator must never read a wider report from the cache.
    scope = "/".join(
        "all" if limit is None else ",".join(map(str, sorted(limit)))
        for limit in (organisation_limit(programme), region_limit(programme))
    )
    key = ":".join(
        [
            "reports",
            str(programme.pk),
            scope,
            today.isoformat(),
            get_language() or "-",
            outcomes_fingerprint(programme),
        ]
    )
    found = cache.get(key)
    if found is None:
        found = report_build(programme=programme, today=today)
        cache.set(key, found, TIMEOUT_S)
    return found
