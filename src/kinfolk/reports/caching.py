"""The fingerprint of what a report counts: it changes whenever a figure could.

A report of a large programme reads every pairing and every visit window, so
it is built in the background and kept (``keeping``).  The fingerprint says
when a kept report is out of date: the newest change to the programme's
pairings, visits, volunteers and households (each read from an index, newest
first, one row), the number of pairings, and the names of its organisations
and the towns of its regions (a handful of rows), so recording a visit,
ending a pairing, a new pairing, a person moving town, a renamed organisation
or a town moved to another region all make a new fingerprint.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db.models import QuerySet

from kinfolk.pairings.models import Pairing
from kinfolk.people.models import Household, Volunteer
from kinfolk.programmes.models import Organisation, Programme
from kinfolk.visits.models import Visit


def _newest(qs: QuerySet[Any]) -> str:
    """The latest ``updated_at`` of the rows, read newest first so an index answers."""
    row = qs.order_by("-updated_at").values_list("updated_at", flat=True).first()
    return row.isoformat() if row else "-"


def outcomes_fingerprint(programme: Programme) -> str:
    """Changes when any figure of the programme's report could change."""
    from kinfolk.regions.models import Region, RegionTown

    parts = [
        _newest(Pairing.objects.filter(programme=programme)),
        str(Pairing.objects.filter(programme=programme).count()),
        _newest(Visit.objects.filter(pairing__programme=programme)),
        _newest(Volunteer.objects.filter(programme=programme)),
        _newest(Household.objects.filter(programme=programme)),
        repr(list(Organisation.objects.filter(programme=programme).values_list("pk", "name"))),
        repr(list(Region.objects.filter(programme=programme).values_list("pk", "name"))),
        repr(
            list(
                RegionTown.objects.filter(programme=programme)
                .order_by("town")
                .values_list("town", "region_id")
            )
        ),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]
