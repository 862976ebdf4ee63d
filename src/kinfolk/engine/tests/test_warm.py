"""The warm-started exact solver: a graph grown by new edges, solved again from the old optimum."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinfolk.engine.solvers import optimal_warm

from .test_assign import _ortools_reference, _score, adversarial_graphs


def _check(best, n, m, rows, cols, cost):  # type: ignore[no-untyped-def]
    """One-to-one on the graph, and the certificate holds: >= 0, tight on pairs, 0 if unpaired."""
    assert (best.row_dual >= 0).all() and (best.col_dual >= 0).all()
    mate = best.mate
    used = mate[mate >= 0]
    assert used.size == np.unique(used).size
    assert np.isin(np.flatnonzero(mate >= 0) * m + used, rows * m + cols).all()
    reduced = best.row_dual[rows] + best.col_dual[cols] + cost - best.big
    assert (reduced >= 0).all() and (reduced[mate[rows] == cols] == 0).all()
    paired_h = np.zeros(m, bool)
    paired_h[used] = True
    assert (best.row_dual[mate < 0] == 0).all() and (best.col_dual[~paired_h] == 0).all()


@settings(max_examples=200, deadline=None)
@given(graph=adversarial_graphs(), batches=st.integers(2, 4), seed=st.integers(0, 2**32 - 1))
def test_adding_edges_then_warm_solving_equals_a_cold_solve_and_ortools(
    graph, batches: int, seed: int
) -> None:  # type: ignore[no-untyped-def]
    n, m, rows, cols, cost = graph
    cost = cost - min(int(cost.min(initial=0)), 0)  # the engine's costs are never negative
    batch = np.random.default_rng(seed).integers(0, batches, rows.size)
    bound = int(cost.max(initial=0))
    state = None
    for upto in range(batches):
        sel = batch <= upto
        r, c, w = rows[sel], cols[sel], cost[sel]
        warm, state = optimal_warm(n, m, r, c, w, cost_bound=bound, start=state, warm_limit=1.0)
        cold, _ = optimal_warm(n, m, r, c, w, cost_bound=bound)
        expected = _ortools_reference(n, m, r, c, w)
        assert _score(warm.mate, r, c, w) == _score(cold.mate, r, c, w) == expected
        _check(warm, n, m, r, c, w)


def test_many_freed_nodes_fall_back_to_a_cold_solve_with_the_same_optimum() -> None:
    rng = np.random.default_rng(5)
    n, m = 60, 50
    keys = np.flatnonzero(rng.random(n * m) < 0.2)
    rows, cols = keys // m, keys % m
    cost = rng.integers(0, 1000, keys.size)
    first = rng.random(keys.size) < 0.3
    _, state = optimal_warm(n, m, rows[first], cols[first], cost[first], cost_bound=999)
    best, _ = optimal_warm(n, m, rows, cols, cost, cost_bound=999, start=state, warm_limit=0.0)
    assert _score(best.mate, rows, cols, cost) == _ortools_reference(n, m, rows, cols, cost)
    _check(best, n, m, rows, cols, cost)


def test_a_warm_start_from_an_empty_graph_finds_every_pair() -> None:
    empty = np.zeros(0, dtype=np.int64)
    none, state = optimal_warm(3, 2, empty, empty, empty, cost_bound=10)
    assert (none.mate == -1).all()
    rows, cols, cost = np.array([0, 1, 2]), np.array([0, 0, 1]), np.array([5, 1, 3])
    best, _ = optimal_warm(3, 2, rows, cols, cost, cost_bound=10, start=state, warm_limit=1.0)
    assert best.mate.tolist() == [-1, 0, 1]


def test_negative_costs_are_refused() -> None:
    one = np.array([0])
    with pytest.raises(ValueError, match="non-negative"):
        optimal_warm(1, 1, one, one, np.array([-1]), cost_bound=0)


def test_a_warm_repair_may_leave_someone_unpaired_when_a_cheaper_pair_takes_their_partner() -> None:
    # Row 0 holds the only column; a cheaper edge from row 1 arrives.  The repair's search
    # from row 1 ends where row 0's price falls to zero: row 0 gives up its pair.
    one = np.array([0])
    _, state = optimal_warm(2, 1, one, one, np.array([5]), cost_bound=9)
    rows, cols, cost = np.array([0, 1]), np.array([0, 0]), np.array([5, 1])
    best, _ = optimal_warm(2, 1, rows, cols, cost, cost_bound=9, start=state, warm_limit=1.0)
    assert best.mate.tolist() == [-1, 0]
    _check(best, 2, 1, rows, cols, cost)
