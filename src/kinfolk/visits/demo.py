"""Visits under way for the demo: some happened, some agreed, one overdue.

``kinfolk demo`` calls :func:`visits_demo_seed` once its pairings exist;
nothing else uses this module.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from kinfolk.programmes.models import Programme
from kinfolk.visits.models import Visit
from kinfolk.visits.services._common import today_in, zone
from kinfolk.visits.services.planning import visits_plan_programme


def visits_demo_seed(
    *, programme: Programme, today: dt.date | None = None, seed: int = 0
) -> dict[str, int]:
    """Plan from 20 weeks ago, then give the past windows outcomes and this month's times."""
    today = today or today_in(programme)
    visits_plan_programme(programme=programme, today=today - dt.timedelta(weeks=20))
    rng = np.random.default_rng(seed)
    past = list(
        Visit.objects.filter(pairing__programme=programme, window_end__lt=today)
        .order_by("window_end", "pk")
        .values_list("pk", flat=True)
    )
    overdue, rest = past[-1:], np.array(past[:-1], dtype=np.int64)
    draw = rng.random(rest.size)
    happened = rest[draw < 0.8].tolist()
    missed = rest[draw >= 0.8].tolist()
    Visit.objects.filter(pk__in=happened).update(
        state="happened", volunteer_outcome="happened", household_outcome="happened"
    )
    Visit.objects.filter(pk__in=missed).update(
        state="missed", volunteer_outcome="missed", household_outcome="missed"
    )
    soon = Visit.objects.filter(
        pairing__programme=programme,
        state="planned",
        window_end__gt=today,
        window_start__lt=today + dt.timedelta(weeks=programme.cadence_weeks),
    ).values_list("pk", "window_start", "window_end")
    agreed = 0
    for pk, start, end in list(soon)[::2]:
        day = min(max(start, today + dt.timedelta(days=1)), end)
        moment = dt.datetime.combine(day, dt.time(15), zone(programme))
        agreed += Visit.objects.filter(pk=pk).update(state="agreed", agreed_at=moment)
    return {
        "happened": len(happened),
        "missed": len(missed),
        "agreed": agreed,
        "overdue": len(overdue),
    }
