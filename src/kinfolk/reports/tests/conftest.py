"""A small programme built by hand, whose report is worked out on paper in the tests."""

from __future__ import annotations

import datetime as dt

import pytest

from kinfolk.testing import make_household, make_pairing, make_visit, make_volunteer

#: The report's "today": the programme is in its fourth quarter of 2026.
TODAY = dt.date(2026, 11, 30)


def pair(programme, *, town="Leeds", started_on, waited=(14, 28), organisation=None, **fields):
    """A pairing whose volunteer and household waited ``waited`` days for it."""
    volunteer = make_volunteer(
        programme,
        organisation=organisation,
        waiting_since=started_on - dt.timedelta(days=waited[0]),
    )
    household = make_household(
        programme, town=town, waiting_since=started_on - dt.timedelta(days=waited[1])
    )
    return make_pairing(volunteer, household, started_on=started_on, **fields)


@pytest.fixture
def small_programme(programme):
    """13 pairings: 6 formed in Q3 (5 of them ended in Q4), 7 formed in Q4; 4 in York.

    Q3's windows: 6, of which 4 met, rated 5,5,4,3 by volunteers and 4,4,2,5 by
    households.  Q4's closed windows: 3 (too few pairs to show).
    """
    ended_at = dt.datetime(2026, 11, 2, 12, tzinfo=dt.UTC)
    q3 = []
    for i in range(6):
        fields = {}
        if i < 5:
            fields = {"state": "ended", "ended_at": ended_at}
            fields["ended_by"] = "household" if i < 3 else "volunteer"
        q3.append(pair(programme, started_on=dt.date(2026, 7, 10), **fields))
    q4 = [
        pair(
            programme,
            town="York" if i < 4 else "Leeds",
            started_on=dt.date(2026, 10, 5),
            waited=(14, 14),
        )
        for i in range(7)
    ]
    ratings = [(5, 4), (5, 4), (4, 2), (3, 5)]
    for i, pairing in enumerate(q3):
        met = i < 4
        make_visit(
            pairing,
            window_start=dt.date(2026, 8, 14),
            state="happened" if met else "missed",
            volunteer_rating=ratings[i][0] if met else None,
            household_rating=ratings[i][1] if met else None,
        )
    for pairing in q4[:3]:
        make_visit(pairing, window_start=dt.date(2026, 11, 4), state="happened")
    # Neither a cancelled window nor one still open counts.
    make_visit(q4[3], window_start=dt.date(2026, 11, 4), state="cancelled")
    make_visit(q4[4], window_start=dt.date(2026, 11, 28), state="planned")
    return programme


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """Reports are cached by programme id, which a later test's database may reuse."""
    from django.core.cache import cache

    from kinfolk.testing import uses_database

    if not uses_database(request):
        yield
        return
    cache.clear()
    yield
    cache.clear()
