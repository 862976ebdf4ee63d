"""Exact over all compatible pairs, not only over the candidates.

The candidate graph keeps each person's ``k`` nearest compatible partners,
which is what makes a national programme solvable in seconds; but the
optimum over the candidates need not be the optimum over everyone who could
be paired.  This module closes that gap:

* **optimal mode** — the solver returns, with its matching, a dual
  certificate (:class:`kinfolk.engine.solvers.Certificate`).  One compiled scan
  (:func:`kinfolk.engine.cells.violations`) then prices every compatible pair
  outside the graph; a pair whose reduced cost is negative could improve the
  result, so it joins the graph and the solver repairs its optimum from where
  it was (:func:`kinfolk.engine.solvers.optimal_warm`).  Every scan also adds
  the pairs that are nearly improving (reduced cost under :data:`SLACK`): they
  break no price, so they cost the next solve nothing, and every pair left out
  then has that much room.  So the next scan only covers the people whose
  price fell by more than half of it since their own last scan (110,000 a
  side: 10,000 people in the second round instead of 67,000), and the check
  ends when a scan finds nothing that improves the result.  Scans run from the
  side with the shorter travel limits, whose discs hold fewer people.  When it
  ends, the certificate holds for *all* compatible pairs: the result is the
  maximum number of pairs, at the least total cost, over everyone.
* **stable mode, volunteers proposing** — one run of deferred acceptance in
  which each volunteer's list grows as it goes: before proposing past what the
  scans around it have seen, it scans further
  (:func:`kinfolk.engine.cells.stable_extending`, :func:`stable_by_volunteers`),
  household by travel-limit band (:func:`kinfolk.engine.cells.by_reach`), and
  leaves out households already holding an offer they prefer.
* **stable mode, households proposing** — deferred acceptance (compiled, a few
  passes over the edges) runs on the graph, then :func:`kinfolk.engine.cells.blocking` looks for
  compatible pairs outside it that both prefer to their partners; they join the
  graph and it runs again, until no pair anywhere blocks the result.  After the
  first scan of everyone, only the people whose partner got worse are scanned,
  from their own side (:func:`kinfolk.engine.cells.blocking_by_households` for
  households).

Each round adds at most :data:`PER_PERSON` pairs per person, and at most
:data:`MAX_ROUNDS` rounds run (:data:`STABLE_ROUNDS` in stable mode, whose rounds
are cheap and whose new pairs move partners, so that it needs more of them);
when that cap is reached the summary says so (``Summary.all_pairs_checked`` is
False) and the result is exact on the candidates it has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numba
import numpy as np
import numpy.typing as npt

from kinfolk.engine import cells
from kinfolk.engine import costs as cm
from kinfolk.engine.solvers import (
    Certificate,
    WarmStart,
    optimal_warm,
    sort_within,
)

if TYPE_CHECKING:
    from kinfolk.engine.assign import Problem

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Keys = tuple[IntArray, IntArray]  # per edge: the volunteer's and the household's stable key
MAX_ROUNDS = 24  # crowds at town centres need 13; the late rounds take tenths of a second
STABLE_ROUNDS = 64
PER_PERSON = 32
START_KM = 2.0  # the first scan of a volunteer whose list ran out
AHEAD = 8  # a scan reaches the row entry this many places on
# A long-reach person's own pricing scan costs about as much as this many short-reach
# people's scans that price only the marked (110k programme: ~250 µs against ~12 µs).
FAR_SCAN = 20
# Every scan also adds the pairs that are nearly improving: reduced cost below this, in
# cost units (1 km-equivalent).  They break no price, so they free no one when they join;
# and every pair left outside the graph then has this much room when it is priced, so a
# person whose price falls by less than half of it since their last scan need not be
# scanned again (110k programme: 10,000 people marked in the second round instead of
# 67,000).  A wider margin marks fewer but prunes the scans less.
SLACK = 1000.0


def optimal(problem: Problem) -> tuple[Problem, IntArray, int, bool]:
    """The optimum over all compatible pairs: (problem with its final graph, mate, rounds, done).

    ``done`` is False when :data:`MAX_ROUNDS` ran out before the check passed.

    Notes
    -----
    Incremental: the solver keeps its matching and prices between rounds and only
    repairs what the new pairs break (:func:`kinfolk.engine.solvers.optimal_warm`), and
    after the first round's scan of everyone only the people whose price fell far
    enough (:func:`_marked`), or whose finds were cut at :data:`PER_PERSON`, are
    scanned again.
    """
    p = problem
    n, m = p.graph.n_volunteers, p.graph.n_households
    if n == 0 or m == 0:
        return p, np.full(n, -1, dtype=np.int64), 0, True
    bound = cost_bound(p)
    numbers = _Numbering.of(p)
    state: WarmStart | None = None
    marks: tuple[BoolArray, BoolArray] | None = None  # None: everyone
    high = (np.zeros(n), np.zeros(m))  # each person's highest price since they were marked
    cols = p.graph.indices.astype(np.int64)  # the solver's dtype; each join returns it anew
    for round_ in range(1, MAX_ROUNDS + 1):
        best, state = numbers.solve(p, cols, bound, state)
        marks, high = _marked(best, marks, high)
        rows, new_cols, chords, capped = _violations(p, best, marks)
        km = cells.kilometres(np.ascontiguousarray(chords, dtype=np.float64))
        cost = _costs(p, rows, new_cols, km)
        if not _improving(best, rows, new_cols, cost):
            # Nearly improving pairs need not join: the prices hold for them, and for any
            # that PER_PERSON cut, which are no better than the worst kept.
            return p, best.mate, round_, True
        p, _, cols = _grown(p, rows, new_cols, km, cost)
        marks = capped
    best, _ = numbers.solve(p, cols, bound, state)
    return p, best.mate, MAX_ROUNDS, False


@dataclass(frozen=True)
class _Numbering:
    """The people as the solver numbers them: each side in its cells' order.

    Neighbours get near numbers, so the solver's bids and searches read prices and
    partners next to the ones they have just read, instead of anywhere in memory: at
    110,000 a side the cold solve takes half the CPU it takes in the order of the files
    (3.0 -> 1.5 s; 330,000 a side: 15.0 -> 6.9 s), for the same optimum.
    """

    v: IntArray  # each volunteer's number
    h: IntArray
    v_ids: IntArray  # the volunteer of each number
    h_ids: IntArray

    @classmethod
    def of(cls, p: Problem) -> _Numbering:
        v_ids, h_ids = p.v_cells.members, p.h_cells.members
        v, h = np.empty_like(v_ids), np.empty_like(h_ids)
        v[v_ids] = np.arange(v_ids.size)
        h[h_ids] = np.arange(h_ids.size)
        return cls(v, h, v_ids, h_ids)

    def solve(
        self, p: Problem, cols: IntArray, bound: int, state: WarmStart | None
    ) -> tuple[Certificate, WarmStart]:
        """:func:`kinfolk.engine.solvers.optimal_warm` on the graph in these numbers; the
        certificate back in the people's own indices (the state stays in the numbers)."""
        n, m = p.graph.n_volunteers, p.graph.n_households
        best, state = optimal_warm(
            n, m, self.v[p.rows], self.h[cols], p.cost, cost_bound=bound, start=state
        )
        partner = best.mate[self.v]
        mate = np.where(partner >= 0, self.h_ids[np.maximum(partner, 0)], -1)
        return replace(
            best, mate=mate, row_dual=best.row_dual[self.v], col_dual=best.col_dual[self.h]
        ), state


def _marked(
    best: Certificate, capped: tuple[BoolArray, BoolArray] | None,
    high: tuple[FloatArray, FloatArray],
) -> tuple[tuple[BoolArray, BoolArray] | None, tuple[FloatArray, FloatArray]]:  # fmt: skip
    """Who the next scan must cover, and each person's highest price since their last scan.

    A pair outside the graph had a reduced cost of at least :data:`SLACK` when it was
    last priced (the scan that priced it added every pair below that), at prices no
    higher than its people's highest since their last scan.  While neither price has
    fallen more than half the slack below that highest, the pair cannot improve the
    result, so only the people whose price fell further are marked, with those whose
    finds were cut at :data:`PER_PERSON` (``capped``; None: the first scan, of everyone).
    """
    prices = (best.row_dual, best.col_dual)
    if capped is None:
        return None, (prices[0].copy(), prices[1].copy())
    marks = [capped[side] | (prices[side] < high[side] - SLACK / 2) for side in (0, 1)]
    kept = [
        np.where(marks[side], prices[side], np.maximum(high[side], prices[side])) for side in (0, 1)
    ]
    return (marks[0], marks[1]), (kept[0], kept[1])


def _improving(best: Certificate, rows: IntArray, cols: IntArray, cost: IntArray) -> bool:
    """Whether any of these pairs (outside the graph) would improve the result: a negative
    reduced cost."""
    reduced = best.row_dual[rows] + best.col_dual[cols] + cost - best.big
    return bool((reduced < 0).any())


def stable(
    problem: Problem, solve: Callable[[Problem, Keys], IntArray]
) -> tuple[Problem, IntArray, int, bool]:
    """A matching stable over all compatible pairs: (problem, mate, rounds, done).

    ``solve(problem, keys)`` is deferred acceptance on the problem's graph, given its
    edges' :func:`kinfolk.engine.assign.stable_keys`.

    Notes
    -----
    Each round adds the blocking pairs found outside the graph and solves again.  The
    first scan looks at everyone; later ones only at the people whose partner got
    worse (or whose list of blocking pairs was cut at :data:`PER_PERSON`): a pair
    that did not block before can only block now if one of its two people lost out.
    Deferred acceptance restarts each round (resuming it from the last matching is
    unsound), but the edges' keys are kept: only the new pairs' are computed.
    """
    from kinfolk.engine.assign import stable_keys

    p = problem
    keys = stable_keys(p, p.rows, p.graph.indices.astype(np.int64), p.graph.distance_km)
    mate = solve(p, keys)
    n, m = p.graph.n_volunteers, p.graph.n_households
    if n == 0 or m == 0:
        return p, mate, 0, True
    scan: tuple[BoolArray, BoolArray] = (np.ones(n, bool), np.zeros(m, bool))
    before = _mate_keys(p, mate, keys)
    for round_ in range(1, STABLE_ROUNDS + 1):
        rows, cols, chords, capped = _blocking(p, before, scan)
        if rows.size == 0:
            return p, mate, round_, True
        p, order, km = _joined(p, rows, cols, chords)
        new = stable_keys(p, rows, cols, km)
        keys = (
            np.concatenate([keys[0], new[0]])[order],
            np.concatenate([keys[1], new[1]])[order],
        )
        mate = solve(p, keys)
        after = _mate_keys(p, mate, keys)
        scan = (
            (after.v_key > before.v_key) | capped[0],
            (after.h_key > before.h_key) | capped[1],
        )
        before = after
    return p, mate, STABLE_ROUNDS, False


def stable_by_volunteers(problem: Problem, listed: int = 0) -> tuple[Problem, IntArray, int, bool]:
    """The volunteer-optimal matching stable over all compatible pairs: (problem, mate, 1, True).

    One run of deferred acceptance whose volunteers extend their lists as they go
    (:func:`kinfolk.engine.cells.stable_extending`), instead of :func:`stable`'s rounds of
    solving and scanning.  ``listed`` > 0 promises that each volunteer's graph row holds
    its ``listed`` nearest compatible households (as :func:`kinfolk.engine.candidates.build`
    does with ``k``), which spares most volunteers any scan; 0 promises nothing.  The
    pairs made outside the graph join the returned problem's graph, so that the result
    can be costed and explained like any other.
    """
    from kinfolk.engine.assign import id_ranks, stable_keys

    p = problem
    n, m = p.graph.n_volunteers, p.graph.n_households
    if n == 0 or m == 0:
        return p, np.full(n, -1, dtype=np.int64), 0, True
    g = p.graph
    cols = g.indices.astype(np.int64)
    v_key, h_key = stable_keys(p, p.rows, cols, g.distance_km)
    indptr = np.ascontiguousarray(g.indptr, dtype=np.int64)
    order = sort_within(indptr, v_key)  # each row best first, by the volunteer's own key
    h_side, grid = cells.by_reach(p.h_side, p.h_cells)
    km = g.distance_km[order]
    mate = cells.stable_extending(
        p.v_side, h_side, grid, indptr, cols[order], km, v_key[order], h_key[order],
        p.excluded, m, id_ranks(p.volunteers.id), id_ranks(p.households.id)[grid[3]],
        _complete_below(indptr, km, listed), START_KM, AHEAD, p.v_cells.members,
        numba.get_num_threads(),
    )  # fmt: skip
    paired = np.flatnonzero(mate >= 0)
    outside = paired[cells.row_positions(indptr, cols, paired, mate[paired]) < 0]
    if outside.size:
        v_xyz, h_xyz = p.v_side[0][outside], p.h_side[0][mate[outside]]
        # The kernels' chord, to the bit: the same three squares summed in the same order.
        d = v_xyz - h_xyz
        chords = np.sqrt(d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1] + d[:, 2] * d[:, 2])
        p = with_edges(p, outside, mate[outside], chords)
    return p, mate, 1, True


def _complete_below(indptr: IntArray, km: npt.NDArray[np.float32], listed: int) -> FloatArray:
    """Per volunteer, a distance up to which its row holds every compatible household.

    A row that holds the ``listed`` nearest holds everyone strictly nearer than the
    ``listed``-th (a household at the same distance may have lost the tie-break), and a
    shorter row holds everyone its volunteer can reach.  Without a promise: -1.
    """
    if listed <= 0:
        return np.full(indptr.size - 1, -1.0)
    complete = np.full(indptr.size - 1, np.inf)
    long = np.flatnonzero(np.diff(indptr) >= listed)
    kth = km[indptr[long] + listed - 1]
    complete[long] = np.nextafter(kth, np.float32(-np.inf)).astype(np.float64)
    return complete


def cost_bound(p: Problem) -> int:
    """The largest cost any compatible pair can have (it is within both travel limits)."""
    w = p.weights
    reach = min(float(p.v.max_travel_km.max(initial=0)), float(p.h.max_travel_km.max(initial=0)))
    km = (
        w.distance * reach * float(cm.TRAVEL_EFFORT.max())
        + 2 * w.language_exchange
        + 127 * w.language_variant
        + cm.SLOT_CAP * w.common_slots
        + 2 * cm.WAIT_CAP_MONTHS * w.waiting
    )
    return int(km * cm.UNITS_PER_KM) + 2


def _violations(
    p: Problem, best: Certificate, only: tuple[BoolArray, BoolArray] | None
) -> tuple[IntArray, IntArray, FloatArray, tuple[BoolArray, BoolArray]]:
    """Compatible pairs outside the graph that could improve the optimum.

    ``only`` limits the scan to pairs with a volunteer or a household it marks (None:
    everyone).  Returns (volunteers, households, chords, capped): ``capped`` marks the
    people whose pairs were cut at :data:`PER_PERSON`, who must be scanned again.

    Notes
    -----
    Scans run from the side with the shorter travel limits, whose discs hold fewer
    people: its marked people price everyone in reach, and its other people price only
    the other side's marked people (the pricing bound of the unmarked is infinite, so
    their cells are skipped unread).  Scanning the long-reach side's marked people from
    their own discs read ten times as many people per person (110k programme: a
    volunteer reached some 9,000 households, a household some 1,300 volunteers), which
    only pays when they are few (:data:`FAR_SCAN`).  Every scan also keeps the pairs
    that are nearly improving (reduced cost below :data:`SLACK`; see :func:`_marked`).
    """
    n, m = p.graph.n_volunteers, p.graph.n_households
    from_volunteers = float(np.mean(p.v.max_travel_km)) <= float(np.mean(p.h.max_travel_km))
    if only is None:
        only = (np.ones(n, bool), np.ones(m, bool))
    marked, others = (only[0], only[1]) if from_volunteers else (only[1], only[0])
    parts = [_scan(p, best, from_volunteers, marked, None)] if marked.any() else []
    far = not from_volunteers
    if others.any() and not marked.all():
        if int(others.sum()) * FAR_SCAN < int((~marked).sum()):
            parts.append(_scan(p, best, far, others, None))  # a few: from their own discs
        else:
            parts.append(_scan(p, best, from_volunteers, ~marked, others))
    return _merged(n, m, parts)


def _merged(
    n: int, m: int, parts: list[tuple[IntArray, IntArray, FloatArray, bool]]
) -> tuple[IntArray, IntArray, FloatArray, tuple[BoolArray, BoolArray]]:
    """The scans' finds as one list (a pair found from both sides once), and who was capped.

    Each part is (volunteers, households, chords, whether the volunteers scanned).
    """
    capped = (np.zeros(n, bool), np.zeros(m, bool))
    for rows, cols, _, from_volunteers in parts:
        owner = rows if from_volunteers else cols
        size = n if from_volunteers else m
        capped[0 if from_volunteers else 1][np.bincount(owner, minlength=size) >= PER_PERSON] = True
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0), capped
    rows = np.concatenate([part[0] for part in parts])
    cols = np.concatenate([part[1] for part in parts])
    chords = np.concatenate([part[2] for part in parts])
    _, first = np.unique(rows * m + cols, return_index=True)
    return rows[first], cols[first], chords[first], capped


def _scan(
    p: Problem,
    best: Certificate,
    from_volunteers: bool,
    mask: BoolArray,
    others: BoolArray | None,
) -> tuple[IntArray, IntArray, FloatArray, bool]:
    """One compiled pricing scan from the people of one side that ``mask`` marks.

    They price the people of the other side that ``others`` marks (None: everyone), and
    keep the pairs whose reduced cost is below :data:`SLACK`.
    """
    m = p.graph.n_households
    g = p.graph  # the kernel asks the volunteers' rows, and only of improving pairs
    vj, vk, vd = cells.variant_arrays(p.v.variants)
    w = cells.weights_tuple(p.weights)
    if from_volunteers:
        a_side, a_cells, dual_a = p.v_side, p.v_cells, best.row_dual
        b_side, b_cells, dual_b, b_months, b = p.h_side, p.h_cells, best.col_dual, p.h_months, p.h
    else:
        a_side, a_cells, dual_a = p.h_side, p.h_cells, best.col_dual
        b_side, b_cells, dual_b, b_months, b = p.v_side, p.v_cells, best.row_dual, p.v_months, p.v
    bound, b_cells = cells.pruning_bound(b_cells, dual_b, b_months, p.weights, b, others)
    mine, theirs, chords = cells.violations(
        a_side, cells.in_cell_order(b_side, b_cells), b_cells.grid(), g.indptr, g.indices,
        p.excluded, from_volunteers, m, dual_a, dual_b[b_cells.members], best.big, w, vj, vk,
        vd, cm.TRAVEL_EFFORT, PER_PERSON, bound, _to_scan(a_cells, a_side, mask), SLACK,
    )  # fmt: skip
    if from_volunteers:
        return mine, theirs, chords, True
    return theirs, mine, chords, False


@dataclass(frozen=True)
class _MateKeys:
    """How each person ranks their partner, in the stable preferences (larger: worse)."""

    v_km: npt.NDArray[np.float32]  # inf when unpaired
    v_common: IntArray
    v_mate_rank: IntArray
    v_key: IntArray  # the three above as one key; the largest int64 when unpaired
    h_key: IntArray  # the largest int64 when unpaired
    v_rank: IntArray
    h_rank: IntArray


def _mate_keys(p: Problem, mate: IntArray, keys: Keys | None = None) -> _MateKeys:
    """The keys of :func:`kinfolk.engine.assign.stable_matching` for each person's partner.

    ``keys`` are the graph edges' stable keys when the caller has them (else the
    partners' pairs are keyed here).
    """
    from kinfolk.engine.assign import id_ranks, stable_keys

    n, m = p.graph.n_volunteers, p.graph.n_households
    v_rank, h_rank = id_ranks(p.volunteers.id), id_ranks(p.households.id)
    paired = np.flatnonzero(mate >= 0)
    hh = mate[paired]
    # A compiled walk of each row: the graph's rows grow with the added pairs, and a
    # vectorised lookup would build a (pairs x longest row) table every round.
    edge = cells.row_positions(p.graph.indptr, p.graph.indices, paired, hh)
    if keys is None:
        v_pref, h_pref = stable_keys(p, paired, hh, p.graph.distance_km[edge])
    else:
        v_pref, h_pref = keys[0][edge], keys[1][edge]
    biggest = np.iinfo(np.int64).max
    v_key = np.full(n, biggest, dtype=np.int64)
    v_key[paired] = v_pref
    h_key = np.full(m, biggest, dtype=np.int64)
    h_key[hh] = h_pref
    # Unpack the volunteer's key (see stable_keys): distance bits, missing slots, rank.
    v_km = np.full(n, np.inf, dtype=np.float32)
    v_km[paired] = (v_pref >> 32).astype(np.int32).view(np.float32)
    v_common = np.zeros(n, dtype=np.int64)
    v_common[paired] = 21 - ((v_pref >> 27) & 31)
    v_mate_rank = np.zeros(n, dtype=np.int64)
    v_mate_rank[paired] = v_pref & ((1 << 27) - 1)
    return _MateKeys(v_km, v_common, v_mate_rank, v_key, h_key, v_rank, h_rank)


def _blocking(
    p: Problem, k: _MateKeys, scan: tuple[BoolArray, BoolArray]
) -> tuple[IntArray, IntArray, FloatArray, tuple[BoolArray, BoolArray]]:
    """Compatible pairs outside the graph that block the stable matching.

    Only pairs with a volunteer or a household ``scan`` marks are looked at.  Returns
    (volunteers, households, chords, capped): ``capped`` marks the people whose pairs
    were cut at :data:`PER_PERSON`, who must be scanned again.
    """
    n, m = p.graph.n_volunteers, p.graph.n_households
    return _rescan(n, m, scan, lambda from_volunteers, mask: _block(p, k, from_volunteers, mask))


def _block(
    p: Problem, k: _MateKeys, from_volunteers: bool, mask: BoolArray
) -> tuple[IntArray, IntArray, FloatArray]:
    """One compiled blocking-pair scan from the people of one side that ``mask`` marks."""
    m = p.graph.n_households
    indptr, indices = p.graph.indptr, p.graph.indices  # both scans ask the volunteer rows
    if from_volunteers:
        members = p.h_cells.members
        rows, found, chords = cells.blocking(
            p.v_side, cells.in_cell_order(p.h_side, p.h_cells), p.h_cells.grid(), indptr,
            indices, p.excluded, m, k.v_km, k.v_common, k.v_mate_rank, k.h_key[members],
            k.v_rank, k.h_rank[members], PER_PERSON, _to_scan(p.v_cells, p.v_side, mask),
        )  # fmt: skip
        return rows, found, chords
    members = p.v_cells.members
    rows, found, chords = cells.blocking_by_households(
        p.h_side, cells.in_cell_order(p.v_side, p.v_cells), p.v_cells.grid(), indptr,
        indices, p.excluded, m, k.v_km[members], k.v_common[members],
        k.v_mate_rank[members], k.h_key, k.v_rank[members], k.h_rank, PER_PERSON,
        _to_scan(p.h_cells, p.h_side, mask),
    )  # fmt: skip
    return rows, found, chords


def _rescan(
    n: int, m: int, only: tuple[BoolArray, BoolArray],
    scan: Callable[[bool, BoolArray], tuple[IntArray, IntArray, FloatArray]],
) -> tuple[IntArray, IntArray, FloatArray, tuple[BoolArray, BoolArray]]:  # fmt: skip
    """Run ``scan(from_volunteers, mask)`` from each side's marked people; merge the finds.

    Returns (volunteers, households, chords, capped): a pair found from both sides is kept
    once, and ``capped`` marks the people whose finds were cut at :data:`PER_PERSON`, who
    must be scanned again.
    """
    parts = []
    for from_volunteers, mask in ((True, only[0]), (False, only[1])):
        if mask.any():
            parts.append((*scan(from_volunteers, mask), from_volunteers))
    return _merged(n, m, parts)


def _to_scan(c: cells.Cells, s: cells.Side, marked: BoolArray) -> IntArray:
    """The free people ``marked`` of one side, in their cell order (for locality), dealt
    to the threads (:func:`kinfolk.engine.cells.dealt`)."""
    return cells.dealt(c.members[(s[14] & marked)[c.members]])


def with_edges(
    p: Problem, rows: IntArray, cols: IntArray, chords: npt.NDArray[np.float64]
) -> Problem:
    """The problem with pairs added to its graph (and their costs)."""
    return _joined(p, rows, cols, chords)[0]


def _joined(
    p: Problem, rows: IntArray, cols: IntArray, chords: npt.NDArray[np.float64]
) -> tuple[Problem, IntArray, npt.NDArray[np.float32]]:
    """:func:`with_edges`, with the new pairs' km and the permutation it applied.

    The permutation orders the old edges followed by the new ones as the new graph
    holds them, so that a caller's per-edge arrays can follow without recomputing.
    """
    km = cells.kilometres(np.ascontiguousarray(chords, dtype=np.float64))
    grown, order, _ = _grown(p, rows, cols, km, _costs(p, rows, cols, km))
    return grown, order, km


def _grown(
    p: Problem, rows: IntArray, cols: IntArray, km: npt.NDArray[np.float32], cost: IntArray
) -> tuple[Problem, IntArray, IntArray]:
    """The problem with priced pairs added to its graph: (problem, permutation, households).

    The permutation is :func:`_joined`'s; the households are the new graph's, as int64.
    Each row stays ordered by km, then household (:func:`kinfolk.engine.cells.joined_rows`).
    """
    g = p.graph
    indptr, indices, wide, all_km, all_cost, all_rows, order = cells.joined_rows(
        g.indptr, g.indices, g.distance_km, p.cost, np.ascontiguousarray(rows, dtype=np.int64),
        np.ascontiguousarray(cols, dtype=np.int64), km, np.ascontiguousarray(cost, np.int64),
    )  # fmt: skip
    graph = replace(g, indptr=indptr, indices=indices, distance_km=all_km)
    return replace(p, graph=graph, rows=all_rows, cost=all_cost), order, wide


def _costs(p: Problem, rows: IntArray, cols: IntArray, km: npt.NDArray[np.float32]) -> IntArray:
    """The cost of each pair (volunteer, household, km), as the graph holds it."""
    vj, vk, vd = cells.variant_arrays(p.v.variants)
    return cells.graph_costs(  # type: ignore[no-any-return]
        rows, cols, km, p.v_side, p.h_side, cells.weights_tuple(p.weights), vj, vk, vd,
        cm.TRAVEL_EFFORT,
    )  # fmt: skip
