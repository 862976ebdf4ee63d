"""The cost model: what makes one compatible pair better than another.

Costs are integers so that every solver agrees on the optimum exactly.  One
cost unit is one metre of travel at the default weights: each term is first
expressed in "kilometre equivalents" and the sum is multiplied by
:data:`UNITS_PER_KM` and rounded.  Every term is a non-negative penalty, so
every edge costs at least 0 and a perfect pair costs only its distance:

``cost = round(1000 × (distance × km
+ language_exchange × (2 − exchange directions)
+ common_slots × (SLOT_CAP − min(common slots, SLOT_CAP))
+ waiting × (months not yet waited, for each side, out of WAIT_CAP_MONTHS)))``

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
    """

    distance: float = 1.0
    language_exchange: float = 3.0
    common_slots: float = 1.0
    waiting: float = 0.5

    def __post_init__(self) -> None:
        for name in ("distance", "language_exchange", "common_slots", "waiting"):
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
    language is spoken by the other at ``conversational`` or better.
    """
    v_learns = (v.learning[rows] & h.speaks_conv[cols]) != 0
    h_learns = (h.learning[cols] & v.speaks_conv[rows]) != 0
    common = np.bitwise_count(v.availability[rows] & h.availability[cols])
    return PairFeatures(
        distance_km=np.asarray(distance_km, dtype=np.float64),
        exchange=(v_learns.astype(np.int8) + h_learns.astype(np.int8)),
        common_slots=common.astype(np.int8),
        waiting_months=v_months[rows] + h_months[cols],
    )


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
        Non-negative costs, at most about 1.1e9 per pair at the largest weights.
    """
    km_equivalent = (
        weights.distance * features.distance_km
        + weights.language_exchange * (2 - features.exchange)
        + weights.common_slots * (SLOT_CAP - np.minimum(features.common_slots, SLOT_CAP))
        + weights.waiting * (2 * WAIT_CAP_MONTHS - features.waiting_months)
    )
    return np.rint(km_equivalent * UNITS_PER_KM).astype(np.int64)
