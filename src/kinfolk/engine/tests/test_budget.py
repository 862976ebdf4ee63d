"""The budget engine against hand-computed figures and a plain Python loop."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinfolk.engine.budget import (
    KINDS,
    PlannedVisits,
    RateCards,
    Trips,
    forecast,
    resize,
    visit_costs,
)


def cards(*rows: dict) -> RateCards:
    """Rate cards from dictionaries; anything not given is 0 (detour 1)."""
    names = ("allowance", "per_diem", "per_pairing", "per_year")
    return RateCards(
        effective_from=np.array([r["from"] for r in rows], dtype="datetime64[D]"),
        per_km=np.array([r.get("per_km", (0, 0, 0)) for r in rows]),
        detour=np.array([r.get("detour", 1.0) for r in rows]),
        per_diem_from_km=np.array([r.get("per_diem_from_km", 0.0) for r in rows]),
        **{name: np.array([r.get(name, 0) for r in rows]) for name in names},
    )


def reference_forecast(visits, trips, rates, *, start, months=12):
    """Month by month, visit by visit, in plain Python: what the engine must agree with."""
    table = [[0] * len(KINDS) for _ in range(months)]
    first = start.year * 12 + start.month - 1

    def card_on(day):
        found = None
        for i, when in enumerate(rates.effective_from.tolist()):
            if when <= day:
                found = i
        return found

    for p, day, host in zip(
        visits.pairing.tolist(), visits.day.tolist(), visits.host.tolist(), strict=True
    ):
        k = day.year * 12 + day.month - 1 - first
        c = card_on(day)
        if not 0 <= k < months or c is None:
            continue
        km = float(trips.km[p])
        detour = float(rates.detour[c])
        v = int(rates.per_km[c][trips.volunteer_mode[p]])
        h = int(rates.per_km[c][trips.household_mode[p]])
        rate = {0: h, 1: v, 2: (v + h) / 2}[host]
        table[k][0] += math.floor(2 * detour * km * rate + 0.5 + 1e-9)
        table[k][1] += int(rates.allowance[c])
        longest = detour * km * (0.5 if host == 2 else 1.0)
        if rates.per_diem[c] > 0 and longest >= rates.per_diem_from_km[c]:
            table[k][2] += int(rates.per_diem[c])
    for since in trips.since.tolist():
        k = since.year * 12 + since.month - 1 - first
        c = card_on(since)
        if 0 <= k < months and c is not None:
            table[k][3] += int(rates.per_pairing[c])
    for k in range(months):
        month = first + k
        c = card_on(dt.date(month // 12, month % 12 + 1, 1))
        if c is not None:
            y, m = int(rates.per_year[c]), month % 12
            table[k][4] += y * (m + 1) // 12 - y * m // 12
    return table


def _small():
    """Two pairings in 2027: one 5 km apart (car / bus), one 2 km apart (on foot / car)."""
    trips = Trips(
        km=np.array([5.0, 2.0]),
        volunteer_mode=np.array([0, 2]),  # car, walk
        household_mode=np.array([1, 0]),  # public, car
        since=np.array(["2026-06-01", "2027-02-10"], dtype="datetime64[D]"),
    )
    visits = PlannedVisits(
        pairing=np.array([0, 0, 1, 1]),
        day=np.array(["2027-01-04", "2027-03-01", "2027-02-15", "2027-04-12"], "datetime64[D]"),
        host=np.array([1, 0, 1, 2]),
    )
    return trips, visits


def test_a_small_programme_against_hand_computed_totals():
    trips, visits = _small()
    rates = cards(
        {
            "from": "2026-01-01",
            "per_km": (45, 30, 0),
            "detour": 1.3,
            "allowance": 500,
            "per_pairing": 12000,
            "per_year": 120000,
        }
    )
    result = forecast(visits, trips, rates, start=dt.date(2027, 1, 15), months=12)
    # Visit 1: the volunteer drives 2 x 1.3 x 5 km = 13 km at 45 = 585, plus 500.
    # Visit 2: the household takes the bus 13 km at 30 = 390, plus 500.
    # Visit 3: the volunteer walks 2 x 1.3 x 2 = 5.2 km at 0 = 0, plus 500.
    # Visit 4: a public place, each half: 5.2 km at (0 + 45) / 2 = 117, plus 500.
    assert visit_costs(visits, trips, rates).total.tolist() == [1085, 890, 500, 617]
    assert result.month_starts[0] == dt.date(2027, 1, 1)
    assert result.months[:4, :4].tolist() == [
        [585, 500, 0, 0],
        [0, 500, 0, 12000],  # pairing 2 starts in February
        [390, 500, 0, 0],
        [117, 500, 0, 0],
    ]
    assert result.months[:, 4].tolist() == [10000] * 12
    assert result.total == 1085 + 890 + 500 + 617 + 12000 + 120000
    assert result.visits.tolist()[:4] == [1, 1, 1, 1]
    assert result.pairings == 2
    assert result.per_visit == (1085 + 890 + 500 + 617) // 4  # 773, exactly
    assert result.per_pairing == (result.total + 1) // 2


def test_past_figures_keep_the_rates_of_their_time():
    trips, visits = _small()
    rates = cards(
        {"from": "2026-01-01", "per_km": (45, 30, 0), "detour": 1.0},
        {"from": "2027-03-01", "per_km": (90, 60, 0), "detour": 1.0},
    )
    # Visit 1 (January) at 45: 2 x 5 x 45; visit 2 (1 March) at the new 60: 2 x 5 x 60.
    assert visit_costs(visits, trips, rates).travel.tolist() == [450, 600, 0, 180]


def test_a_day_before_the_first_card_costs_nothing():
    trips, visits = _small()
    rates = cards({"from": "2027-03-01", "per_km": (45, 30, 0), "allowance": 100})
    assert visit_costs(visits, trips, rates).total.tolist() == [0, 400, 0, 190]
    assert visit_costs(visits, trips, cards()).total.tolist() == [0, 0, 0, 0]


def test_each_visit_is_rounded_once_half_up():
    trips = Trips(km=[0.25], volunteer_mode=[0], household_mode=[0], since=["2020-01-01"])
    visits = PlannedVisits(pairing=[0, 0], day=["2027-01-04", "2027-01-05"], host=[1, 2])
    # 2 x 0.25 km x 5 = 2.5 -> 3 (half up, once); a public place: 2 x 0.25 x 5 = 2.5 -> 3.
    rates = cards({"from": "2020-01-01", "per_km": (5, 0, 0), "allowance": 1})
    costs = visit_costs(visits, trips, rates)
    assert costs.travel.tolist() == [3, 3]
    assert costs.total.tolist() == [4, 4]


def test_a_per_diem_is_paid_from_its_distance():
    trips = Trips(km=[10.0, 30.0], volunteer_mode=[1, 1], household_mode=[1, 1],
                  since=["2020-01-01"] * 2)  # fmt: skip
    visits = PlannedVisits(pairing=[0, 1, 1], day=["2027-01-04"] * 3, host=[1, 1, 2])
    rates = cards({"from": "2020-01-01", "per_diem": 2500, "per_diem_from_km": 20})
    # 10 km: none; 30 km: one; 30 km met halfway (15 km each): none.
    assert visit_costs(visits, trips, rates).per_diem.tolist() == [0, 2500, 0]


def test_staff_costs_spread_over_twelve_months_add_up_to_the_year():
    rates = cards({"from": "2020-01-01", "per_year": 100_001})
    empty = PlannedVisits(pairing=[], day=[], host=[])
    none = Trips(km=[], volunteer_mode=[], household_mode=[], since=[])
    result = forecast(empty, none, rates, start=dt.date(2027, 5, 3))
    assert result.months[:, 4].sum() == 100_001
    assert set(result.months[:, 4].tolist()) == {8333, 8334}
    assert result.per_visit == 0 and result.per_pairing == 0


def test_breakdowns_add_up_to_the_pairings_costs():
    trips, visits = _small()
    rates = cards({"from": "2026-01-01", "per_km": (45, 30, 0), "allowance": 500, "detour": 1.3,
                   "per_pairing": 12000, "per_year": 5})  # fmt: skip
    result = forecast(
        visits,
        trips,
        rates,
        start=dt.date(2027, 1, 1),
        groups={"town": (np.array([1, 0]), 3)},
    )
    town = result.groups["town"]
    assert town.totals.tolist() == [500 + 617 + 12000, 1085 + 890, 0]
    assert town.visits.tolist() == [2, 2, 0]
    assert town.pairings.tolist() == [1, 1, 0]
    assert town.totals.sum() == result.total - result.kind_totals["staff"]


def test_resize_repeats_or_cuts_the_pairings():
    assert resize(4, 2).tolist() == [0, 1]
    assert resize(2, 5).tolist() == [0, 1, 0, 1, 0]
    with pytest.raises(ValueError, match="none"):
        resize(0, 3)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"per_km": [[-1, 0, 0]]}, "per_km must not be negative"),
        ({"allowance": [-5]}, "allowance must not be negative"),
        ({"detour": [0.9]}, "detour must be at least 1"),
        ({"per_year": [1, 2]}, "per_year has shape"),
    ],
)
def test_bad_rate_cards_are_refused_naming_the_field(change, message):
    good = {
        "effective_from": np.array(["2027-01-01"], dtype="datetime64[D]"),
        "per_km": [[1, 1, 0]],
        "detour": [1.2],
        "allowance": [0],
        "per_diem": [0],
        "per_diem_from_km": [0.0],
        "per_pairing": [0],
        "per_year": [0],
    }
    with pytest.raises(ValueError, match=message):
        RateCards(**{**good, **change})


def test_cards_must_take_effect_in_order():
    with pytest.raises(ValueError, match="strictly increasing"):
        cards({"from": "2027-02-01"}, {"from": "2027-01-01"})


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 30),
    m=st.integers(0, 120),
    two_cards=st.booleans(),
)
def test_the_engine_agrees_with_the_plain_loop_and_everything_adds_up(seed, n, m, two_cards):
    rng = np.random.default_rng(seed)
    trips = Trips(
        km=np.round(rng.uniform(0, 40, n), 3),
        volunteer_mode=rng.integers(0, 3, n),
        household_mode=rng.integers(0, 3, n),
        since=np.datetime64("2026-06-01") + rng.integers(0, 500, n).astype("timedelta64[D]"),
    )
    visits = PlannedVisits(
        pairing=rng.integers(0, n, m),
        day=np.datetime64("2026-12-01") + rng.integers(0, 420, m).astype("timedelta64[D]"),
        host=rng.integers(0, 3, m),
    )
    rows = [{"from": "2026-01-01", "per_km": tuple(rng.integers(0, 60, 3)), "detour": 1.3,
             "allowance": 250, "per_diem": 1500, "per_diem_from_km": 25,
             "per_pairing": 9999, "per_year": int(rng.integers(0, 10**7))}]  # fmt: skip
    if two_cards:
        rows.append({**rows[0], "from": "2027-04-15", "per_km": (33, 21, 1), "detour": 1.15})
    rates = cards(*rows)
    start = dt.date(2027, 1, 1)
    groups = {"g": (rng.integers(0, 4, n), 4)}
    result = forecast(visits, trips, rates, start=start, groups=groups)
    assert result.months.tolist() == reference_forecast(visits, trips, rates, start=start)
    assert result.total == result.month_totals.sum() == sum(result.kind_totals.values())
    breakdown = result.groups["g"]
    assert breakdown.totals.sum() == result.total - result.kind_totals["staff"]
    assert breakdown.visits.sum() == result.visits.sum()
