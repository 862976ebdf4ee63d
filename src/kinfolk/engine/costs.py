"""The cost model: what makes one compatible pair better than another.

Costs are integers so that every solver agrees on the optimum exactly.  One
cost unit is one metre of travel at the default weights: each term is first
expressed in "kilometre equivalents" and the sum is multiplied by
:data:`UNITS_PER_KM` and rounded.  Every term is a non-negative penalty, so
every edge costs at least 0 and a perfect pair costs only its distance:

``cost = round(1000 × (distance × km × travel effort
+ language_exchange × (2 − exchange directions)
+ language_variant × (langcodes distance of the closest shared language)
+ common_slots × (SLOT_CAP − min(common slots, SLOT_CAP))
+ waiting × (months not yet waited, for each side, out of WAIT_CAP_MONTHS)))``

The travel effort is the mean of the two sides' :data:`TRAVEL_EFFORT` (visits
alternate, so each side makes half the journeys): a kilometre by car counts 1,
by bus or train 1.5 and on foot 3, roughly the ratio of door-to-door minutes per
kilometre in town.  Two people who share only a regional variant (``en`` and
``en-GB``, distance 5) pay a little more than two who share the exact tag.

Because a maximum-cardinality matching pairs the same number of people
whatever it picks, a penalty for *not* having waited long makes the solver
prefer, among equally many pairs, those with the longest-waiting people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kinfolk.engine.candidates import Traits

UNITS_PER_KM = 1000
#: Effort of a kilometre by each of ``dictionary.TRAVEL_MODES`` (car, public, walk).
TRAVEL_EFFORT = np.array([1.0, 1.5, 3.0])
SLOT_CAP = 4
WAIT_CAP_MONTHS = 18.0
_DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True)
class Weights:
    """The weights a programme sets, in kilometres of travel they are worth.

    Attributes
    ----------
    distance : float
        Multiplier of the travel distance (1.0: a kilometre costs a kilometre).
    language_exchange : float
        Saved for each direction of exchange (the volunteer learns a language
        the household speaks, or the reverse).
    common_slots : float
        Saved for each common weekly slot, up to ``SLOT_CAP`` slots.
    waiting : float
        Saved for each month either side has waited, up to ``WAIT_CAP_MONTHS``.
    language_variant : float
        Paid per point of ``langcodes`` distance when the pair shares only a
        regional or script variant of a language (``en`` and ``en-GB``: 5 points).
    """

    distance: float = 1.0
    language_exchange: float = 3.0
    common_slots: float = 1.0
    waiting: float = 0.5
    language_variant: float = 0.2

    def __post_init__(self) -> None:
        for name in (
            "distance",
            "language_exchange",
            "common_slots",
            "waiting",
            "language_variant",
        ):
            value = getattr(self, name)
            if not 0 <= value <= 1000:
                raise ValueError(f"weight {name} must be within 0..1000, not {value}")


@dataclass(frozen=True)
class PairFeatures:
    """What a cost is made of, one element per pair (all shape (p,))."""

    distance_km: npt.NDArray[np.float64]
    exchange: npt.NDArray[np.int8]
    common_slots: npt.NDArray[np.int8]
    waiting_months: npt.NDArray[np.float64]
    travel_effort: npt.NDArray[np.float64]
    language_gap: npt.NDArray[np.int8]


def months_waited(
    waiting_since: npt.NDArray[np.datetime64], today: dt.date
) -> npt.NDArray[np.float64]:
    """Months since ``waiting_since`` (0 for ``NaT`` or a future date), capped."""
    days = (np.datetime64(today, "D") - waiting_since).astype("timedelta64[D]").astype(np.float64)
    days = np.where(np.isnat(waiting_since), 0.0, days)
    return np.asarray(np.clip(days / _DAYS_PER_MONTH, 0.0, WAIT_CAP_MONTHS), dtype=np.float64)


def pair_features(
    v: Traits,
    h: Traits,
    rows: npt.NDArray[np.integer],
    cols: npt.NDArray[np.integer],
    distance_km: npt.ArrayLike,
    v_months: npt.NDArray[np.float64],
    h_months: npt.NDArray[np.float64],
) -> PairFeatures:
    """Features of the pairs ``(rows[i], cols[i])``.

    Parameters
    ----------
    v, h : Traits
        Volunteers and households on a shared language index.
    rows, cols : ndarray of int, shape (p,)
        Volunteer and household index of each pair.
    distance_km : array_like of float, shape (p,)
    v_months, h_months : ndarray of float64, shape (n,) and (m,)
        Months each person has waited (see :func:`months_waited`).

    Returns
    -------
    PairFeatures

    Notes
    -----
    O(p) vectorised; an exchange direction counts when the learner's
    language (or a close variant) is spoken by the other at ``conversational``
    or better.
    """
    v_learns = (v.learn_reach[rows] & h.speaks_conv[cols]) != 0
    h_learns = (h.learn_reach[cols] & v.speaks_conv[rows]) != 0
    common = np.bitwise_count(v.availability[rows] & h.availability[cols])
    effort = (TRAVEL_EFFORT[v.travel_mode[rows]] + TRAVEL_EFFORT[h.travel_mode[cols]]) / 2
    return PairFeatures(
        distance_km=np.asarray(distance_km, dtype=np.float64),
        exchange=(v_learns.astype(np.int8) + h_learns.astype(np.int8)),
        common_slots=common.astype(np.int8),
        waiting_months=v_months[rows] + h_months[cols],
        travel_effort=effort,
        language_gap=language_gap(v, h, rows, cols),
    )


def language_gap(
    v: Traits, h: Traits, rows: npt.NDArray[np.integer], cols: npt.NDArray[np.integer]
) -> npt.NDArray[np.int8]:
    """``langcodes`` distance of each pair's closest shared language (0: an exact tag).

    Pairs that share no language at all (only a lock can make one) get 0 too.
    """
    gap = np.zeros(np.shape(rows), dtype=np.int8)
    if not v.variants:
        return gap
    v_conv, h_conv = v.speaks_conv[rows], h.speaks_conv[cols]
    loose = np.flatnonzero((v_conv & h_conv) == 0)
    if loose.size == 0:
        return gap
    best = np.full(loose.size, 127, dtype=np.int8)
    for j, k, distance in v.variants:
        hit = (
            (v_conv[loose] >> np.uint64(j)) & (h_conv[loose] >> np.uint64(k)) & np.uint64(1)
        ) != 0
        best = np.where(hit, np.minimum(best, distance), best).astype(np.int8)
    gap[loose] = np.where(best == 127, 0, best)
    return gap


def edge_costs(features: PairFeatures, weights: Weights) -> npt.NDArray[np.int64]:
    """Integer cost of each pair, in metres of travel (see the module notes).

    Parameters
    ----------
    features : PairFeatures
        Shape (p,) each.
    weights : Weights

    Returns
    -------
    ndarray of int64, shape (p,)
        Non-negative costs, at most about 3.1e9 per pair at the largest weights.
    """
    km_equivalent = (
        weights.distance * features.distance_km * features.travel_effort
        + weights.language_exchange * (2 - features.exchange)
        + weights.language_variant * features.language_gap
        + weights.common_slots * (SLOT_CAP - np.minimum(features.common_slots, SLOT_CAP))
        + weights.waiting * (2 * WAIT_CAP_MONTHS - features.waiting_months)
    )
    return np.asarray(np.rint(km_equivalent * UNITS_PER_KM), dtype=np.int64)
