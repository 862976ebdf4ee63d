"""What a visit plan costs: dated rate cards, visit costs, a monthly forecast.

Money is integer *minor units* of one currency (pence, cents).  Each visit's
cost is rounded once, half up, after its travel, allowance and per-diem are
added; every total is a sum of integers, so the months, the towns and the
organisations always add up to the same total.

A *rate card* holds every rate and takes effect on a date; a visit (or a
pairing's start, or a month of staff time) is costed with the card in effect
on its day, so figures of the past keep the rates of their time.  A day
before the first card costs nothing.

Who travels: when the household hosts, the volunteer travels there and back;
when the volunteer hosts, the household does; at a public place each travels
half the distance between their homes, there and back.  The straight-line
distance times the card's detour factor gives the travelled distance.

>>> rates = RateCards(
...     effective_from=np.array(["2027-01-01"], dtype="datetime64[D]"),
...     per_km=np.array([[30, 20, 0]]),  # car, public transport, on foot
...     detour=np.array([1.25]),
...     allowance=np.array([500]),
...     per_diem=np.array([0]),
...     per_diem_from_km=np.array([0.0]),
...     per_pairing=np.array([0]),
...     per_year=np.array([0]),
... )
>>> trips = Trips(
...     km=np.array([4.0]),
...     volunteer_mode=np.array([0]),
...     household_mode=np.array([1]),
...     since=np.array(["2026-01-01"], dtype="datetime64[D]"),
... )
>>> visits = PlannedVisits(
...     pairing=np.array([0, 0, 0]),
...     day=np.array(["2027-01-04", "2027-03-01", "2027-04-26"], dtype="datetime64[D]"),
...     host=np.array([1, 0, 2]),
... )
>>> visit_costs(visits, trips, rates).total.tolist()  # 2*5 km by car, by bus, half each
[800, 700, 750]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from kinfolk.engine import dictionary as dd

#: Columns of ``RateCards.per_km``, in ``dictionary.TRAVEL_MODES`` order.
MODES: tuple[str, ...] = dd.TRAVEL_MODES
#: Columns of ``Forecast.months`` and ``Breakdown.costs``.
KINDS: tuple[str, ...] = ("travel", "allowance", "per_diem", "per_pairing", "staff")
#: Kinds that belong to a pairing (staff costs belong to the whole programme).
PAIRING_KINDS: tuple[str, ...] = KINDS[:4]
#: Host codes, as in ``kinfolk.engine.schedule``.
HOST_VOLUNTEER, HOST_HOUSEHOLD, HOST_PUBLIC = 0, 1, 2

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
DayArray = npt.NDArray[np.datetime64]
#: Exact integers a float64 sum can hold; bincount beyond it would lose pennies.
_EXACT = 2**53


@dataclass(frozen=True, eq=False)
class RateCards:
    """Rate cards, one element per card, sorted by the day each takes effect.

    Attributes
    ----------
    effective_from : ndarray of datetime64[D], shape (r,)
        Strictly increasing.
    per_km : ndarray of int64, shape (r, 3)
        Minor units per travelled kilometre, by mode (car, public, walk).
    detour : ndarray of float64, shape (r,)
        Travelled distance over straight-line distance, at least 1.
    allowance : ndarray of int64, shape (r,)
        A gift or meal per visit.
    per_diem : ndarray of int64, shape (r,)
        Paid per visit whose one-way travelled distance of the longest
        journey reaches ``per_diem_from_km``; 0 for none.
    per_diem_from_km : ndarray of float64, shape (r,)
    per_pairing : ndarray of int64, shape (r,)
        One-off cost of a pairing (vetting, training), on the day it starts.
    per_year : ndarray of int64, shape (r,)
        Fixed yearly costs (staff), spread over the months.
    """

    effective_from: DayArray
    per_km: IntArray
    detour: FloatArray
    allowance: IntArray
    per_diem: IntArray
    per_diem_from_km: FloatArray
    per_pairing: IntArray
    per_year: IntArray

    def __post_init__(self) -> None:
        days = np.asarray(self.effective_from, dtype="datetime64[D]")
        r = days.shape[0]
        object.__setattr__(self, "effective_from", days)
        per_km = np.asarray(self.per_km, dtype=np.int64).reshape(r, len(MODES))
        object.__setattr__(self, "per_km", per_km)
        for name, dtype in _CARD_DTYPES.items():
            array = np.asarray(getattr(self, name), dtype=dtype)
            if array.shape != (r,):
                raise ValueError(f"{name} has shape {array.shape}; expected ({r},)")
            object.__setattr__(self, name, array)
        if np.isnat(days).any() or (np.diff(days.astype(np.int64)) <= 0).any():
            raise ValueError("effective_from must be given and strictly increasing")
        for name in ("per_km", *_CARD_DTYPES):
            if (getattr(self, name) < 0).any():
                raise ValueError(f"{name} must not be negative")
        if (self.detour < 1).any():
            raise ValueError("detour must be at least 1")

    def __len__(self) -> int:
        return int(self.effective_from.shape[0])

    def at(self, days: DayArray) -> IntArray:
        """Index of the card in effect on each day; -1 before the first card."""
        found: IntArray = (
            np.searchsorted(self.effective_from, np.asarray(days, "datetime64[D]"), side="right")
            - 1
        ).astype(np.int64)
        return found


_CARD_DTYPES: dict[str, Any] = {
    "detour": np.float64,
    "allowance": np.int64,
    "per_diem": np.int64,
    "per_diem_from_km": np.float64,
    "per_pairing": np.int64,
    "per_year": np.int64,
}


@dataclass(frozen=True, eq=False)
class Trips:
    """How each pairing travels, one element per pairing.

    Attributes
    ----------
    km : ndarray of float64, shape (n,)
        Straight-line distance between the two homes.
    volunteer_mode, household_mode : ndarray of int8, shape (n,)
        Index into :data:`MODES`.
    since : ndarray of datetime64[D], shape (n,)
        The day the pairing starts (its one-off cost falls on it).
    """

    km: FloatArray
    volunteer_mode: npt.NDArray[np.int8]
    household_mode: npt.NDArray[np.int8]
    since: DayArray

    def __post_init__(self) -> None:
        dtypes: dict[str, Any] = {
            "km": np.float64,
            "volunteer_mode": np.int8,
            "household_mode": np.int8,
            "since": "datetime64[D]",
        }
        n = len(np.asarray(self.km))
        for name, dtype in dtypes.items():
            array = np.asarray(getattr(self, name), dtype=dtype)
            if array.shape != (n,):
                raise ValueError(f"{name} has shape {array.shape}; expected ({n},) like km")
            object.__setattr__(self, name, array)
        if not (np.isfinite(self.km) & (self.km >= 0)).all():
            raise ValueError("km must be a non-negative number for every pairing")
        for name in ("volunteer_mode", "household_mode"):
            if not np.isin(getattr(self, name), range(len(MODES))).all():
                raise ValueError(f"{name} must index {MODES}")

    def __len__(self) -> int:
        return int(self.km.shape[0])

    def take(self, index: IntArray) -> Trips:
        """The pairings at ``index`` (positions may repeat)."""
        return Trips(
            self.km[index],
            self.volunteer_mode[index],
            self.household_mode[index],
            self.since[index],
        )


@dataclass(frozen=True, eq=False)
class PlannedVisits:
    """Visits to cost, one element per visit (a window of the plan).

    Attributes
    ----------
    pairing : ndarray of int64, shape (m,)
        Index into :class:`Trips`.
    day : ndarray of datetime64[D], shape (m,)
        The window's first day: it picks the rate card and the month.
    host : ndarray of int8, shape (m,)
        0 the volunteer's home, 1 the household's, 2 a public place.
    """

    pairing: IntArray
    day: DayArray
    host: npt.NDArray[np.int8]

    def __post_init__(self) -> None:
        n = len(np.asarray(self.pairing))
        for name, dtype in (("pairing", np.int64), ("day", "datetime64[D]"), ("host", np.int8)):
            array = np.asarray(getattr(self, name), dtype=dtype)
            if array.shape != (n,):
                raise ValueError(f"{name} has shape {array.shape}; expected ({n},) like pairing")
            object.__setattr__(self, name, array)
        if not np.isin(self.host, (HOST_VOLUNTEER, HOST_HOUSEHOLD, HOST_PUBLIC)).all():
            raise ValueError("host must be 0 (volunteer), 1 (household) or 2 (public)")

    def __len__(self) -> int:
        return int(self.pairing.shape[0])


@dataclass(frozen=True, eq=False)
class VisitCosts:
    """Each visit's cost in minor units; ``total`` is the one rounded figure per visit."""

    travel: IntArray
    allowance: IntArray
    per_diem: IntArray

    @property
    def total(self) -> IntArray:
        total: IntArray = self.travel + self.allowance + self.per_diem
        return total


def straight_km(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> FloatArray:
    """Great-circle distance (haversine) between two arrays of WGS84 points, in km.

    >>> round(float(straight_km(53.79648, -1.54785, 51.45523, -2.59665)), 1)
    269.8
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.subtract(lon2, lon1))
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    km: FloatArray = 2 * _EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
    return km


_EARTH_RADIUS_KM = 6371.0088


def visit_costs(visits: PlannedVisits, trips: Trips, rates: RateCards) -> VisitCosts:
    """Cost each visit with the rate card in effect on its day.

    Parameters
    ----------
    visits : PlannedVisits
        ``m`` visits.
    trips : Trips
        ``n`` pairings, indexed by ``visits.pairing``.
    rates : RateCards
        The programme's cards.

    Returns
    -------
    VisitCosts
        Integer minor units per visit.  Travel is
        ``round(2 × detour × km × rate)`` for the side that travels (each
        side's half at a public place), rounded half up once; the allowance
        and per-diem are whole amounts already.  O(m log r).
    """
    m = len(visits)
    card = rates.at(visits.day)
    has = card >= 0
    card = np.maximum(card, 0)
    if len(rates) == 0:
        zeros = np.zeros(m, dtype=np.int64)
        return VisitCosts(zeros, zeros.copy(), zeros.copy())
    km = trips.km[visits.pairing]
    road = 2.0 * rates.detour[card] * km  # there and back
    v_rate = rates.per_km[card, trips.volunteer_mode[visits.pairing]]
    h_rate = rates.per_km[card, trips.household_mode[visits.pairing]]
    host = visits.host
    rate = np.where(
        host == HOST_HOUSEHOLD,
        v_rate,
        np.where(host == HOST_VOLUNTEER, h_rate, 0.5 * (v_rate + h_rate)),
    )
    # Half up, once; the tiny epsilon keeps 2.5000000000000004-style float noise from
    # deciding a penny either way for amounts a person would compute by hand.
    travel = np.floor(road * rate + 0.5 + 1e-9).astype(np.int64)
    longest = np.where(host == HOST_PUBLIC, 0.5, 1.0) * rates.detour[card] * km
    per_diem_due = (rates.per_diem[card] > 0) & (longest >= rates.per_diem_from_km[card])
    allowance = rates.allowance[card]
    per_diem = np.where(per_diem_due, rates.per_diem[card], 0)
    zero = np.int64(0)
    return VisitCosts(
        travel=np.where(has, travel, zero),
        allowance=np.where(has, allowance, zero),
        per_diem=np.where(has, per_diem, zero),
    )


@dataclass(frozen=True, eq=False)
class Breakdown:
    """Costs by group (a town, an organisation), one row per group code.

    ``costs`` has shape (g, 4): the :data:`PAIRING_KINDS` columns;
    ``visits`` and ``pairings`` count each group's visits and pairings.
    """

    costs: IntArray
    visits: IntArray
    pairings: IntArray

    @property
    def totals(self) -> IntArray:
        totals: IntArray = self.costs.sum(axis=1)
        return totals


@dataclass(frozen=True, eq=False)
class Forecast:
    """Costs over consecutive calendar months.

    Attributes
    ----------
    month_starts : list of datetime.date
        The first day of each month.
    months : ndarray of int64, shape (k, 5)
        Minor units per month and :data:`KINDS` column.
    visits : ndarray of int64, shape (k,)
        Visits per month.
    pairings : int
        Pairings costed (those with a visit or a start in the period).
    groups : dict of str to Breakdown
        One breakdown per grouping asked for.
    """

    month_starts: list[dt.date]
    months: IntArray
    visits: IntArray
    pairings: int
    groups: dict[str, Breakdown] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return int(self.months.sum())

    @property
    def month_totals(self) -> IntArray:
        totals: IntArray = self.months.sum(axis=1)
        return totals

    @property
    def kind_totals(self) -> dict[str, int]:
        return {kind: int(v) for kind, v in zip(KINDS, self.months.sum(axis=0), strict=True)}

    @property
    def visit_count(self) -> int:
        return int(self.visits.sum())

    @property
    def per_visit(self) -> int:
        """Visit costs (travel, allowance, per-diem) per visit, rounded half up."""
        n = int(self.visits.sum())
        return _div_half_up(int(self.months[:, :3].sum()), n) if n else 0

    @property
    def per_pairing(self) -> int:
        """Every cost of the period per costed pairing, rounded half up."""
        return _div_half_up(self.total, self.pairings) if self.pairings else 0


def forecast(
    visits: PlannedVisits,
    trips: Trips,
    rates: RateCards,
    *,
    start: dt.date,
    months: int = 12,
    groups: Mapping[str, tuple[IntArray, int]] | None = None,
) -> Forecast:
    """Add up the costs of the visits and pairings in ``months`` calendar months.

    Parameters
    ----------
    visits, trips, rates
        As for :func:`visit_costs`; visits outside the period are ignored.
    start : datetime.date
        Any day of the first month.
    months : int
        How many calendar months.
    groups : mapping of name to (codes, g), optional
        For each grouping, an int array of shape (n,) giving each pairing's
        group in ``range(g)``.

    Returns
    -------
    Forecast
        Costs per month and kind; staff costs are the card's ``per_year``
        spread so that twelve months of one card add up to it exactly.
    """
    if months < 1:
        raise ValueError(f"months must be at least 1, not {months}")
    first_month = np.datetime64(start, "M")
    month_of = (visits.day.astype("datetime64[M]") - first_month).astype(np.int64)
    inside = (month_of >= 0) & (month_of < months)
    kept = PlannedVisits(visits.pairing[inside], visits.day[inside], visits.host[inside])
    costs = visit_costs(kept, trips, rates)
    slot = month_of[inside]
    table = np.zeros((months, len(KINDS)), dtype=np.int64)
    table[:, 0] = _sum_by(slot, costs.travel, months)
    table[:, 1] = _sum_by(slot, costs.allowance, months)
    table[:, 2] = _sum_by(slot, costs.per_diem, months)
    # One-off pairing costs, on the day each pairing starts.
    start_month = (trips.since.astype("datetime64[M]") - first_month).astype(np.int64)
    starting = (start_month >= 0) & (start_month < months)
    card = rates.at(trips.since) if len(rates) else np.full(len(trips), -1, dtype=np.int64)
    one_off = np.where(starting & (card >= 0), rates.per_pairing[np.maximum(card, 0)]
                       if len(rates) else 0, 0).astype(np.int64)  # fmt: skip
    table[:, 3] = _sum_by(np.clip(start_month, 0, months - 1), one_off, months)
    table[:, 4] = _staff(rates, first_month, months)
    month_starts = [
        (first_month + np.timedelta64(k, "M")).astype("datetime64[D]").item() for k in range(months)
    ]
    visits_per_month = np.bincount(slot, minlength=months).astype(np.int64)
    costed = np.zeros(len(trips), dtype=bool)
    costed[kept.pairing] = True
    costed |= starting
    breakdowns = {
        name: _breakdown(codes, g, kept, costs, one_off, costed)
        for name, (codes, g) in (groups or {}).items()
    }
    return Forecast(month_starts, table, visits_per_month, int(costed.sum()), breakdowns)


def resize(n: int, target: int) -> IntArray:
    """Positions of ``target`` pairings drawn from ``n``: the first ``target``, or all repeated.

    A what-if with more pairs assumes the new ones travel like the existing
    ones (pairing ``i`` stands for the new pairing ``n + i``, and so on).

    >>> resize(3, 7).tolist()
    [0, 1, 2, 0, 1, 2, 0]
    """
    if target < 0:
        raise ValueError(f"target must not be negative, not {target}")
    if n == 0:
        if target:
            raise ValueError("cannot make pairings out of none")
        return np.zeros(0, dtype=np.int64)
    return np.arange(target, dtype=np.int64) % n


def _sum_by(slot: IntArray, values: npt.ArrayLike, size: int) -> IntArray:
    """Integer sums of ``values`` per ``slot`` (exact: bincount adds in float64)."""
    values = np.asarray(values, dtype=np.int64)
    if values.size and int(np.abs(values).sum()) >= _EXACT:
        out = np.zeros(size, dtype=np.int64)
        np.add.at(out, slot, values)
        return out
    return np.rint(np.bincount(slot, weights=values, minlength=size)).astype(np.int64)


def _staff(rates: RateCards, first_month: np.datetime64, months: int) -> IntArray:
    """Each month's share of the yearly costs of the card in effect on its first day."""
    if len(rates) == 0:
        return np.zeros(months, dtype=np.int64)
    starts = (first_month + np.arange(months)).astype("datetime64[D]")
    card = rates.at(starts)
    per_year = np.where(card >= 0, rates.per_year[np.maximum(card, 0)], 0).astype(np.int64)
    # Month k of a year gets floor(y (k+1)/12) - floor(y k/12): twelve add up to y exactly.
    k = (starts.astype("datetime64[M]").astype(np.int64)) % 12
    share: IntArray = per_year * (k + 1) // 12 - per_year * k // 12
    return share


def _breakdown(
    codes: IntArray,
    g: int,
    visits: PlannedVisits,
    costs: VisitCosts,
    one_off: IntArray,
    costed: npt.NDArray[np.bool_],
) -> Breakdown:
    codes = np.asarray(codes, dtype=np.int64)
    if codes.shape != one_off.shape or (codes.size and (codes.min() < 0 or codes.max() >= g)):
        raise ValueError(f"group codes must have shape {one_off.shape} and lie in range({g})")
    of_visit = codes[visits.pairing]
    table = np.zeros((g, len(PAIRING_KINDS)), dtype=np.int64)
    table[:, 0] = _sum_by(of_visit, costs.travel, g)
    table[:, 1] = _sum_by(of_visit, costs.allowance, g)
    table[:, 2] = _sum_by(of_visit, costs.per_diem, g)
    table[:, 3] = _sum_by(codes, one_off, g)
    return Breakdown(
        costs=table,
        visits=np.bincount(of_visit, minlength=g).astype(np.int64),
        pairings=np.bincount(codes[costed], minlength=g).astype(np.int64),
    )


def _div_half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)
