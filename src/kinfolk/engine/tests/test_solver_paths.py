"""The exact solver's shortcuts: grouping without sorting, counting-sorted greedy, long bidding,
the maximum matching's depth-first searches."""

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from kinfolk.engine.solvers import (
    _greedy_pass,
    _grouped,
    _maximum_matching,
    greedy_matching,
    group_by,
    optimal_warm,
    optimal_with_duals,
)

from .test_assign import _ortools_reference, _score
from .test_warm import _check


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 9), max_size=80), st.booleans())
def test_group_by_is_the_stable_order_by_owner_with_each_owners_start(
    owners: list[int], presorted: bool
) -> None:
    owner = np.array(sorted(owners) if presorted else owners, dtype=np.int64)
    order, start = group_by(owner, 10)
    assert order.tolist() == np.argsort(owner, kind="stable").tolist()
    assert start.tolist() == np.searchsorted(np.sort(owner), np.arange(11)).tolist()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), unique=True, max_size=40),
    st.sampled_from([3, 50, 10**9]),
    st.integers(-5, 5),
    st.integers(0, 2**32 - 1),
)
def test_greedy_takes_edges_in_the_stable_cost_order_whatever_the_cost_range(
    pairs: list[tuple[int, int]], spread: int, offset: int, seed: int
) -> None:
    rows = np.array([a for a, _ in pairs], dtype=np.int64)
    cols = np.array([b for _, b in pairs], dtype=np.int64)
    cost = np.random.default_rng(seed).integers(0, spread, rows.size) + offset
    expected = _greedy_pass(7, 7, rows, cols, np.argsort(cost, kind="stable"))
    assert greedy_matching(7, 7, rows, cols, cost).tolist() == expected.tolist()


def _crowded(
    seed: int, n: int, m: int, k: int, ties: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A geographic-like graph: each row's ``k`` nearest columns on a line, costs by distance.

    Rows crowd around the same columns, so the bidding runs long and displaces many.
    """
    rng = np.random.default_rng(seed)
    at_row, at_col = rng.random(n), rng.random(m)
    gap = np.abs(at_row[:, None] - at_col[None, :])
    cols = np.argsort(gap, axis=1, kind="stable")[:, :k]
    rows = np.repeat(np.arange(n), k)
    cost = (gap[rows, cols.ravel()] * (20 if ties else 10**6)).astype(np.int64)
    shuffle = rng.permutation(rows.size)  # edges not grouped by row
    return rows[shuffle], cols.ravel()[shuffle].astype(np.int64), cost[shuffle]


@settings(max_examples=25, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(20, 160),
    st.integers(20, 160),
    st.integers(1, 6),
    st.booleans(),
)
def test_long_bidding_on_crowded_graphs_still_gives_the_ortools_optimum(
    seed: int, n: int, m: int, k: int, ties: bool
) -> None:
    rows, cols, cost = _crowded(seed, n, m, k, ties)
    best = optimal_with_duals(n, m, rows, cols, cost, cost_bound=int(cost.max()), cost_floor=0)
    assert _score(best.mate, rows, cols, cost) == _ortools_reference(n, m, rows, cols, cost)
    certified = best.row_dual[rows] + best.col_dual[cols] + cost - best.big
    assert (certified >= 0).all()


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(20, 120), st.integers(20, 120), st.booleans())
def test_warm_solves_of_a_crowded_graph_growing_by_nearer_edges_equal_ortools(
    seed: int, n: int, m: int, ties: bool
) -> None:
    rows, cols, cost = _crowded(seed, n, m, 6, ties)
    bound = int(cost.max())
    state = None
    # Each round adds every row's next-nearest columns, as the pricing scans do.
    rank = np.zeros(rows.size, dtype=np.int64)
    for i in range(n):
        mine = np.flatnonzero(rows == i)
        rank[mine[np.argsort(cost[mine], kind="stable")]] = np.arange(mine.size)
    for upto in (1, 3, 6):
        sel = rank < upto
        r, c, w = rows[sel], cols[sel], cost[sel]
        warm, state = optimal_warm(n, m, r, c, w, cost_bound=bound, start=state, warm_limit=1.0)
        assert _score(warm.mate, r, c, w) == _ortools_reference(n, m, r, c, w)
        _check(warm, n, m, r, c, w)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 29), st.integers(0, 24)), unique=True, max_size=120),
    st.integers(0, 2**32 - 1),
)
# One phase pairs 5 of 6 here: a search finds the column it needs taken by an earlier one.
@example(
    [(0, 1), (0, 4), (1, 1), (1, 2), (1, 4), (1, 5), (2, 1), (2, 3), (3, 1), (3, 2), (4, 0),
     (4, 3), (4, 4), (5, 4)], 0,
)  # fmt: skip
def test_the_depth_first_searches_reach_a_maximum_matching_from_any_matching(
    pairs: list[tuple[int, int]], seed: int
) -> None:
    n, m = 30, 25
    rows = np.array([a for a, _ in pairs], dtype=np.int64)
    cols = np.array([b for _, b in pairs], dtype=np.int64)
    order, indptr = group_by(rows, n)
    rows, cols = rows[order], cols[order]
    # Start from a random matching (any one, maximal or not), as well as from none.
    start = _greedy_pass(n, m, rows, cols, np.random.default_rng(seed).permutation(rows.size))
    start[np.random.default_rng(seed + 1).random(n) < 0.5] = -1
    graph = csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n, m))
    best = int((maximum_bipartite_matching(graph, perm_type="column") >= 0).sum())
    for mate_r in (np.full(n, -1, dtype=np.int64), start):
        mate_c = np.full(m, -1, dtype=np.int64)
        mate_c[mate_r[mate_r >= 0]] = np.flatnonzero(mate_r >= 0)
        _maximum_matching(n, indptr, cols, mate_r, mate_c)
        paired = np.flatnonzero(mate_r >= 0)
        assert paired.size == best
        assert (mate_c[mate_r[paired]] == paired).all() and (mate_c >= 0).sum() == best
        edges = set(zip(rows.tolist(), cols.tolist(), strict=True))
        assert all((int(r), int(mate_r[r])) in edges for r in paired)


def test_edges_already_grouped_by_owner_are_passed_on_without_a_copy() -> None:
    owner = np.array([0, 0, 2, 2, 2], dtype=np.int64)
    cols, cost = np.array([4, 1, 3, 0, 2]), np.array([9, 8, 7, 6, 5])
    start, (by_owner_cols, by_owner_cost) = _grouped(owner, 3, cols, cost)
    assert start.tolist() == [0, 2, 2, 5]
    assert by_owner_cols is cols and by_owner_cost is cost
    shuffled = np.array([2, 0, 2, 0, 2], dtype=np.int64)
    start, (by_owner_cols, by_owner_cost) = _grouped(shuffled, 3, cols, cost)
    assert start.tolist() == [0, 2, 2, 5]
    assert by_owner_cols.tolist() == [1, 0, 4, 3, 2] and by_owner_cost.tolist() == [8, 6, 9, 7, 5]
