"""Pair volunteers with households: optimal, stable or greedy assignment.

:func:`match` runs the whole pipeline on two populations: locks and
exclusions, the candidate graph (:mod:`kinfolk.engine.candidates`), integer
costs (:mod:`kinfolk.engine.costs`), one of three assignment modes, and the
summary figures.  The solvers themselves work on plain edge arrays and live
in :mod:`kinfolk.engine.solvers`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from kinfolk.engine import candidates as cand
from kinfolk.engine import cells, exact
from kinfolk.engine import costs as cm
from kinfolk.engine.population import Population
from kinfolk.engine.solvers import deferred_acceptance, greedy_matching, optimal_matching_ortools

Mode = Literal["optimal", "stable", "greedy"]
Solver = Literal["kinfolk", "ortools"]
Side = Literal["volunteers", "households"]
IntArray = npt.NDArray[np.int64]


class PairError(ValueError):
    """A lock or exclusion that cannot be honoured, naming the pair."""

    def __init__(self, volunteer_id: str, household_id: str, message: str) -> None:
        super().__init__(f"pair {volunteer_id} + {household_id}: {message}")
        self.volunteer_id = volunteer_id
        self.household_id = household_id
        self.message = message


@dataclass(frozen=True)
class Lock:
    """A pair that must stay: an active pairing, or a coordinator's manual pair."""

    volunteer_id: str
    household_id: str
    manual: bool = True


@dataclass(frozen=True)
class Summary:
    """Headline figures of a matching run."""

    pairs: int
    unpaired_volunteers: int
    unpaired_households: int
    mean_km: float
    p95_km: float
    exchange_share: float
    total_cost: int
    #: True when the result was checked against every compatible pair (not only the
    #: candidates); False when the check's cap was reached first.
    all_pairs_checked: bool = True
    #: Rounds of that check (each adds the pairs that could improve the result).
    check_rounds: int = 0


@dataclass(frozen=True)
class Problem:
    """Everything the solvers and the explanations need about one run."""

    volunteers: Population
    households: Population
    v: cand.Traits
    h: cand.Traits
    graph: cand.CandidateGraph
    rows: IntArray
    cost: IntArray
    weights: cm.Weights
    v_months: npt.NDArray[np.float64]
    h_months: npt.NDArray[np.float64]
    lock_v: IntArray
    lock_h: IntArray
    lock_manual: npt.NDArray[np.bool_]
    #: Sorted keys ``volunteer * m + household`` of excluded pairs.
    excluded: IntArray
    #: Both sides as the compiled scans take them, and in spatial cells.
    v_side: cells.Side
    h_side: cells.Side
    v_cells: cells.Cells
    h_cells: cells.Cells


@dataclass(frozen=True)
class MatchResult:
    """The pairs, the unpaired with their reasons, and the summary.

    Attributes
    ----------
    volunteer, household : ndarray of int64, shape (p,)
        Row indexes of each pair in the two populations (locked pairs first).
    locked : ndarray of bool, shape (p,)
    cost : ndarray of int64, shape (p,)
        Cost of each pair in cost units (see :mod:`kinfolk.engine.costs`).
    distance_km : ndarray of float64, shape (p,)
    exchange, common_slots : ndarray of int8, shape (p,)
    volunteer_reason, household_reason : ndarray of int8, shape (n,) and (m,)
        Index into :data:`kinfolk.engine.candidates.REASONS`; ``0`` = paired.
    warnings : list of str
        Locks that go beyond a travel limit or share no slot.
    """

    mode: str
    volunteer: IntArray
    household: IntArray
    locked: npt.NDArray[np.bool_]
    cost: IntArray
    distance_km: npt.NDArray[np.float64]
    exchange: npt.NDArray[np.int8]
    common_slots: npt.NDArray[np.int8]
    volunteer_reason: npt.NDArray[np.int8]
    household_reason: npt.NDArray[np.int8]
    summary: Summary
    warnings: list[str] = field(default_factory=list)
    problem: Problem | None = field(default=None, repr=False)

    def pair_ids(self) -> list[tuple[str, str]]:
        """The pairs as (volunteer id, household id)."""
        assert self.problem is not None
        v_ids = self.problem.volunteers.id[self.volunteer].tolist()
        h_ids = self.problem.households.id[self.household].tolist()
        return list(zip(v_ids, h_ids, strict=True))

    def unpaired(self, side: Side) -> list[tuple[str, str]]:
        """(id, reason) of everyone on ``side`` left without a partner."""
        assert self.problem is not None
        people = self.problem.volunteers if side == "volunteers" else self.problem.households
        reasons = self.volunteer_reason if side == "volunteers" else self.household_reason
        who = np.flatnonzero(reasons != cand.PAIRED)
        return [(str(people.id[i]), cand.REASONS[reasons[i]]) for i in who.tolist()]


def _noop(stage: str, done: int, total: int) -> None:
    return None


def match(
    volunteers: Population,
    households: Population,
    *,
    mode: Mode = "optimal",
    weights: cm.Weights | None = None,
    locks: Iterable[Lock | tuple[str, str]] = (),
    exclusions: Iterable[tuple[str, str]] = (),
    k: int = cand.K,
    proposing: Side = "volunteers",
    today: dt.date | None = None,
    progress: cand.Progress | None = None,
    memory_limit: int | None = None,
    solver: Solver = "kinfolk",
) -> MatchResult:
    """Pair volunteers with households one-to-one.

    Parameters
    ----------
    volunteers, households : Population
        The two sides (n and m people).
    mode : {"optimal", "stable", "greedy"}
        ``optimal``: as many pairs as possible, then the least total cost,
        exactly.  ``stable``: deferred acceptance, each side ranking its
        candidates by its own criteria.  ``greedy``: cheapest pair first (a
        baseline for comparison only).
    weights : Weights, optional
        The programme's cost weights.
    locks : iterable of Lock or (volunteer id, household id)
        Pairs that must stay.  A lock may exceed a travel limit or share no
        slot (a warning); one that shares no language or breaks a yes/no
        condition raises :class:`PairError`.
    exclusions : iterable of (volunteer id, household id)
        Pairs never to propose.
    k : int
        Candidate households kept per volunteer.
    proposing : {"volunteers", "households"}
        The proposing side in ``stable`` mode.
    today : datetime.date, optional
        Reference date for waiting times (default: today).
    progress : callable, optional
        Called as ``progress(stage, done, total)``; stages are
        ``candidates``, ``costs``, ``solve`` and ``summary``.
    memory_limit : int, optional
        Bytes the run may use (default: what the system has available); a
        larger estimate is refused before anything is built.
    solver : {"kinfolk", "ortools"}
        ``ortools`` solves the final graph of ``optimal`` mode again with
        OR-Tools' min-cost flow, for cross-checking (same pairs count and cost).

    Returns
    -------
    MatchResult

    Raises
    ------
    PairError
        A lock breaking a language or condition, a person locked twice, a
        pair both locked and excluded, or an unknown id.
    MemoryEstimateError
        The run would need more memory than ``memory_limit``.

    Notes
    -----
    Candidates: each side lists its ``k`` nearest compatible partners
    (:func:`kinfolk.engine.candidates.build`).  ``optimal`` is exact over
    *all* compatible pairs, not only the candidates, and ``stable`` is stable
    over all of them (see :mod:`kinfolk.engine.exact`); ``greedy`` is a
    baseline on the candidates.

    Examples
    --------
    >>> from kinfolk.engine.synth import generate
    >>> programme = generate(50, 50, seed=1, today=dt.date(2026, 11, 1))
    >>> result = match(programme.volunteers, programme.households, today=dt.date(2026, 11, 1))
    >>> result.summary.pairs == len(result.pair_ids()) > 0
    True
    """
    report = progress or _noop
    problem, warnings = prepare(
        volunteers,
        households,
        weights=weights or cm.Weights(),
        locks=locks,
        exclusions=exclusions,
        k=k,
        today=today or dt.date.today(),
        progress=report,
        memory_limit=memory_limit,
    )
    report("solve", 0, 1)
    n, m = len(volunteers), len(households)
    rounds, checked = 0, True
    if mode == "optimal":
        problem, mate, rounds, checked = exact.optimal(problem)
        if solver == "ortools":
            cols = problem.graph.indices.astype(np.int64)
            mate = optimal_matching_ortools(n, m, problem.rows, cols, problem.cost)
    elif mode == "greedy":
        cols = problem.graph.indices.astype(np.int64)
        mate = greedy_matching(n, m, problem.rows, cols, problem.cost)
    elif mode == "stable" and proposing == "volunteers":
        problem, mate, rounds, checked = exact.stable_by_volunteers(problem, listed=k)
    elif mode == "stable":
        problem, mate, rounds, checked = exact.stable(
            problem, lambda p, keys: stable_matching(p, proposing=proposing, keys=keys)
        )
    else:
        raise ValueError(f"mode must be optimal, stable or greedy, not {mode!r}")
    if not checked:
        warnings.append(
            f"the check against all compatible pairs stopped after {rounds} rounds (its cap); "
            "the result is exact on the candidates it reached, and a few more pairs may be "
            "possible"
        )
    report("solve", 1, 1)
    report("summary", 0, 1)
    result = _result(problem, mode, mate, warnings, rounds=rounds, checked=checked)
    report("summary", 1, 1)
    return result


def prepare(
    volunteers: Population,
    households: Population,
    *,
    weights: cm.Weights,
    locks: Iterable[Lock | tuple[str, str]],
    exclusions: Iterable[tuple[str, str]],
    k: int,
    today: dt.date,
    progress: cand.Progress,
    memory_limit: int | None = None,
) -> tuple[Problem, list[str]]:
    """Check locks and exclusions, build the candidate graph and its costs."""
    languages = cand.shared_languages(volunteers, households)
    v = cand.traits(volunteers, languages)
    h = cand.traits(households, languages)
    lock_v, lock_h, lock_manual = _lock_indexes(volunteers, households, locks)
    excluded = _exclusion_keys(volunteers, households, exclusions)
    m = len(households)
    both = np.isin(lock_v * m + lock_h, excluded)
    if both.any():
        i = int(np.flatnonzero(both)[0])
        raise PairError(
            volunteers.id[lock_v[i]], households.id[lock_h[i]], "is both locked and excluded"
        )
    warnings = _check_locks(volunteers, households, v, h, lock_v, lock_h)
    memory_check(len(volunteers), len(households), k=k, limit_bytes=memory_limit)
    v_free = np.ones(len(volunteers), bool)
    v_free[lock_v] = False
    h_free = np.ones(m, bool)
    h_free[lock_h] = False
    v_months = cm.months_waited(volunteers.waiting_since, today)
    h_months = cm.months_waited(households.waiting_since, today)
    v_side, h_side = cells.side(v, v_months, v_free), cells.side(h, h_months, h_free)
    # Costs come out of the candidate pass itself; the stage is reported for the callers.
    graph, cost = cand.priced(
        v_side, h_side, v.variants, weights, k=k, excluded=excluded, progress=progress
    )
    progress("costs", 0, 1)
    rows = graph.rows().astype(np.int64)
    progress("costs", 1, 1)
    problem = Problem(
        volunteers, households, v, h, graph, rows, cost, weights, v_months, h_months,
        lock_v, lock_h, lock_manual, excluded, v_side, h_side, cells.Cells.build(v_side),
        cells.Cells.build(h_side),
    )  # fmt: skip
    return problem, warnings


#: Bytes per candidate edge over a whole run: the graph, its costs and features, the
#: solver's arrays and the explanations' sort orders (measured at 110,000, rounded up).
BYTES_PER_EDGE = 160
#: Bytes per person: traits, results, reasons and the solver's per-node arrays.
BYTES_PER_PERSON = 400


class MemoryEstimateError(ValueError):
    """A run whose candidate graph would not fit in memory; refused before it is built."""


def available_memory() -> int | None:
    """Bytes of memory the system can still give this process, or None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def memory_check(n: int, m: int, *, k: int, limit_bytes: int | None = None) -> int:
    """Estimate a run's peak memory and refuse it, before anything is built, if too large.

    Parameters
    ----------
    n, m : int
        Volunteers and households.
    k : int
        Candidates per person (each side lists its own ``k``).
    limit_bytes : int, optional
        The most the run may use; default: the memory the system has available.

    Returns
    -------
    int
        The estimate in bytes.

    Raises
    ------
    MemoryEstimateError
        Naming the estimate and the limit.
    """
    estimate = (n + m) * k * BYTES_PER_EDGE + (n + m) * BYTES_PER_PERSON
    limit = available_memory() if limit_bytes is None else limit_bytes
    if limit is not None and estimate > limit:
        gib = 1024**3
        raise MemoryEstimateError(
            f"pairing {n:,} volunteers with {m:,} households (k = {k}) needs about "
            f"{estimate / gib:.1f} GiB of memory, more than the {limit / gib:.1f} GiB available; "
            "match a region or an organisation at a time"
        )
    return estimate


def _positions(ids: npt.NDArray[np.str_], wanted: list[str]) -> IntArray:
    """Row of each wanted id in ``ids``, or -1 (vectorised: a sort and a binary search)."""
    if not wanted:
        return np.zeros(0, dtype=np.int64)
    sorter = np.argsort(ids, kind="stable")
    sorted_ids = ids[sorter]
    target = np.array(wanted, dtype=str)
    at = np.minimum(np.searchsorted(sorted_ids, target), max(ids.size - 1, 0))
    found = sorted_ids[at] == target if ids.size else np.zeros(target.size, bool)
    return np.where(found, sorter[at] if ids.size else -1, -1).astype(np.int64)


def _lock_indexes(
    volunteers: Population, households: Population, locks: Iterable[Lock | tuple[str, str]]
) -> tuple[IntArray, IntArray, npt.NDArray[np.bool_]]:
    items = [lock if isinstance(lock, Lock) else Lock(*lock) for lock in locks]
    vids = [item.volunteer_id for item in items]
    hids = [item.household_id for item in items]
    rows, cols = _positions(volunteers.id, vids), _positions(households.id, hids)
    for at in np.flatnonzero((rows < 0) | (cols < 0)).tolist()[:1]:
        missing = vids[at] if rows[at] < 0 else hids[at]
        raise PairError(vids[at], hids[at], f"is locked but {missing} is not in the files")
    for index, other in ((rows, hids), (cols, vids)):
        order = np.argsort(index, kind="stable")
        repeated = np.flatnonzero(index[order][1:] == index[order][:-1])
        for first, second in zip(
            order[repeated].tolist(), order[repeated + 1].tolist(), strict=True
        ):
            raise PairError(
                vids[second], hids[second], f"is locked, but so is a pair with {other[first]}"
            )
    return rows, cols, np.array([item.manual for item in items], dtype=bool)


def _exclusion_keys(
    volunteers: Population, households: Population, exclusions: Iterable[tuple[str, str]]
) -> IntArray:
    pairs = list(exclusions)
    rows = _positions(volunteers.id, [vid for vid, _ in pairs])
    cols = _positions(households.id, [hid for _, hid in pairs])
    known = (rows >= 0) & (cols >= 0)  # excluding an absent person is harmless
    return np.unique(rows[known] * len(households) + cols[known])


def _check_locks(
    volunteers: Population,
    households: Population,
    v: cand.Traits,
    h: cand.Traits,
    lock_v: IntArray,
    lock_h: IntArray,
) -> list[str]:
    if lock_v.size == 0:
        return []
    chord = np.linalg.norm(v.xyz[lock_v] - h.xyz[lock_h], axis=1)
    km = cand.chord_to_km(chord)
    stage = cand.compatible_stage(v, h, lock_v, lock_h, chord)
    # A lock may go beyond distance or share no slot, but never break a
    # language or a condition; compatible_stage stops at the first failure,
    # so check these two on their own.
    talk = (v.talk[lock_v] & h.speaks_conv[lock_h]) != 0
    cond = ((v.offers[lock_v] & ~h.accepts[lock_h]) | (h.offers[lock_h] & ~v.accepts[lock_v])) == 0
    for at in np.flatnonzero(~(talk & cond)).tolist()[:1]:
        message = (
            "is locked but shares no language at conversational or better"
            if not talk[at]
            else "is locked but breaks a yes/no condition"
        )
        raise PairError(volunteers.id[lock_v[at]], households.id[lock_h[at]], message)
    warnings = []
    slot = (v.availability[lock_v] & h.availability[lock_h]) != 0
    near = stage != cand.NO_DISTANCE
    places = cand.places_fit(v.visit_places[lock_v], h.visit_places[lock_h])
    for at in np.flatnonzero(~near | ~slot | ~places).tolist():
        problems = [
            what
            for what, broken in (
                ("goes beyond a travel limit", not near[at]),
                ("shares no weekly slot", not slot[at]),
                ("has visit places that do not fit", not places[at]),
            )
            if broken
        ]
        pair = f"{volunteers.id[lock_v[at]]} + {households.id[lock_h[at]]}"
        warnings.append(f"locked pair {pair} {' and '.join(problems)} ({km[at]:.1f} km)")
    return warnings


def edge_index(problem: Problem, vol: IntArray, hh: IntArray) -> IntArray:
    """Index of each pair's edge in the candidate graph, or -1 when it has none."""
    graph = problem.graph
    return np.asarray(
        cells.row_positions(
            graph.indptr, graph.indices, np.asarray(vol, np.int64), np.asarray(hh, np.int64)
        ),
        dtype=np.int64,
    )


def pair_km(problem: Problem, vol: IntArray, hh: IntArray) -> npt.NDArray[np.float64]:
    """Distance of each pair as the costs saw it (the graph's, else computed)."""
    p = problem
    km = cand.chord_to_km(np.linalg.norm(p.v.xyz[vol] - p.h.xyz[hh], axis=1))
    edge = edge_index(problem, vol, hh)
    km[edge >= 0] = p.graph.distance_km[edge[edge >= 0]]
    return km


def _result(
    problem: Problem, mode: str, mate: IntArray, warnings: list[str], *, rounds: int,
    checked: bool,
) -> MatchResult:  # fmt: skip
    p = problem
    free_v = np.flatnonzero(mate >= 0)
    vol = np.concatenate([p.lock_v, free_v])
    hh = np.concatenate([p.lock_h, mate[free_v]])
    km = pair_km(p, vol, hh)
    features = cm.pair_features(p.v, p.h, vol, hh, km, p.v_months, p.h_months)
    cost = cm.edge_costs(features, p.weights)
    # Pairs on the graph cost what the solver saw (computed by the compiled kernel).
    edge = edge_index(p, vol, hh)
    cost[edge >= 0] = p.cost[edge[edge >= 0]]
    v_reason = p.graph.volunteer_reason.copy()
    h_reason = p.graph.household_reason.copy()
    v_reason[v_reason == cand.PAIRED] = cand.LOST
    h_reason[h_reason == cand.PAIRED] = cand.LOST
    v_reason[vol] = cand.PAIRED
    h_reason[hh] = cand.PAIRED
    summary = Summary(
        pairs=int(vol.size),
        unpaired_volunteers=int(np.count_nonzero(v_reason)),
        unpaired_households=int(np.count_nonzero(h_reason)),
        mean_km=float(km.mean()) if km.size else 0.0,
        p95_km=float(np.percentile(km, 95)) if km.size else 0.0,
        exchange_share=float(np.mean(features.exchange > 0)) if km.size else 0.0,
        total_cost=int(cost.sum()),
        all_pairs_checked=checked,
        check_rounds=rounds,
    )
    return MatchResult(
        mode=mode,
        volunteer=vol,
        household=hh,
        locked=np.arange(vol.size) < p.lock_v.size,
        cost=cost,
        distance_km=km,
        exchange=features.exchange,
        common_slots=features.common_slots,
        volunteer_reason=v_reason,
        household_reason=h_reason,
        summary=summary,
        warnings=warnings,
        problem=problem,
    )


def stable_matching(
    problem: Problem,
    *,
    proposing: Side = "volunteers",
    keys: tuple[IntArray, IntArray] | None = None,
) -> IntArray:
    """Deferred acceptance on the candidate graph, each side with its own ranking.

    Volunteers rank households by distance, then more common slots, then
    id; households rank volunteers by language exchange (more first), then
    more common slots, then id.  Returns the household of each volunteer,
    or -1 (shape (n,), int64).  ``keys`` are :func:`stable_keys` of the graph's
    edges, when the caller keeps them between solves.

    Notes
    -----
    Gale–Shapley, compiled, one proposal at a time
    (:func:`kinfolk.engine.solvers.deferred_acceptance`): a free proposer proposes
    to its next choice, the acceptor keeps the better of that offer and the one it
    holds, and whoever is refused proposes next.  The result is the
    proposer-optimal stable matching, whatever the order of the proposals
    (McVitie–Wilson).
    """
    p = problem
    n, m = len(p.volunteers), len(p.households)
    rows, cols = p.rows, p.graph.indices.astype(np.int64)
    if keys is None:
        keys = stable_keys(p, rows, cols, p.graph.distance_km)
    v_pref, h_key = keys
    if proposing == "volunteers":
        return deferred_acceptance(n, m, rows, cols, v_pref, h_key)
    mate_h = deferred_acceptance(m, n, cols, rows, h_key, v_pref)
    mate = np.full(n, -1, dtype=np.int64)
    mate[mate_h[mate_h >= 0]] = np.flatnonzero(mate_h >= 0)
    return mate


def stable_keys(
    problem: Problem, rows: IntArray, cols: IntArray, km: npt.NDArray[np.float32]
) -> tuple[IntArray, IntArray]:
    """How each pair ranks in the stable preferences: (volunteer's key, household's key).

    Smaller is preferred.  A volunteer's key packs the distance (the float32 bits in
    the high 32), then 21 minus the common slots (5 bits from bit 27), then the
    household's id rank (27 bits); a household's is ``((2 - exchange) * 32 + (21 -
    common)) * n + the volunteer's id rank``.
    """
    p = problem
    n = len(p.volunteers)
    features = cm.pair_features(p.v, p.h, rows, cols, km, p.v_months, p.h_months)
    v_rank, h_rank = id_ranks(p.volunteers.id), id_ranks(p.households.id)
    common = features.common_slots.astype(np.int64)
    # The bits of a non-negative float32 sort like the float, so one int64 holds
    # distance (compared at float32, as stored), then fewer-missing slots, then rank.
    distance_bits = np.asarray(km, dtype=np.float32).view(np.int32).astype(np.int64)
    v_pref = (distance_bits << 32) | ((21 - common) << 27) | h_rank[cols]
    h_key = ((2 - features.exchange.astype(np.int64)) * 32 + (21 - common)) * n + v_rank[rows]
    return v_pref, h_key


def id_ranks(ids: npt.NDArray[np.str_]) -> IntArray:
    """Rank of each id in sorted order (the tie-break of the stable preferences)."""
    rank = np.empty(ids.size, dtype=np.int64)
    rank[np.argsort(ids, kind="stable")] = np.arange(ids.size)
    return rank
