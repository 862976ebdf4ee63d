import datetime as dt

import numpy as np
import pytest
import scipy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from kinfolk.engine import candidates as cand
from kinfolk.engine.assign import Lock, MemoryEstimateError, PairError, match, memory_check
from kinfolk.engine.solvers import (
    deferred_acceptance,
    greedy_matching,
    maximum_matching,
    optimal_matching,
    optimal_with_duals,
)
from kinfolk.engine.synth import generate

from . import TODAY, make_person, people


@st.composite
def bipartite_graphs(draw: st.DrawFn) -> tuple[int, int, np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.integers(1, 25))
    m = draw(st.integers(1, 25))
    density = draw(st.floats(0.0, 1.0))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    keys = np.flatnonzero(rng.random(n * m) < density)
    rows, cols = keys // m, keys % m
    cost = rng.integers(0, draw(st.sampled_from([3, 1000, 10**6])), keys.size)
    return n, m, rows.astype(np.int64), cols.astype(np.int64), cost.astype(np.int64)


def _ortools_reference(n, m, rows, cols, cost):  # type: ignore[no-untyped-def]
    from ortools.graph.python import min_cost_flow

    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = n + m, n + m + 1
    tails = np.concatenate([np.full(n, source), rows, n + np.arange(m)])
    heads = np.concatenate([np.arange(n), n + cols, np.full(m, sink)])
    costs = np.concatenate([np.zeros(n, np.int64), cost, np.zeros(m, np.int64)])
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, np.ones(tails.size, np.int64), costs)
    flow.set_node_supply(source, min(n, m))
    flow.set_node_supply(sink, -min(n, m))
    assert flow.solve_max_flow_with_min_cost() == flow.OPTIMAL
    return flow.maximum_flow(), flow.optimal_cost()


def _scipy_reference(n, m, rows, cols, cost):  # type: ignore[no-untyped-def]
    # Pad to a square problem that always has a perfect matching: each
    # volunteer may take its own dummy household and each household its own
    # dummy volunteer at a price above any real total; dummies pair freely.
    big = float(cost.sum() + 1) * 2
    r = np.concatenate([rows, np.arange(n), n + cols, n + np.arange(m)])
    c = np.concatenate([cols, m + np.arange(n), m + rows, np.arange(m)])
    w = np.concatenate([cost + 1.0, np.full(n, big), np.ones(rows.size), np.full(m, big)])
    matrix = sp.sparse.csr_matrix((w, (r, c)), shape=(n + m, n + m))
    row_mate = sp.sparse.csgraph.min_weight_full_bipartite_matching(matrix)[1]
    real = (np.arange(n) < n) & (row_mate[:n] < m)
    pairs = int(real.sum())
    lookup = dict(zip(zip(rows.tolist(), cols.tolist(), strict=True), cost.tolist(), strict=True))
    total = sum(lookup[(i, int(row_mate[i]))] for i in np.flatnonzero(real))
    return pairs, total


def _score(mate, rows, cols, cost):  # type: ignore[no-untyped-def]
    chosen = mate[rows] == cols
    return int(chosen.sum()), int(cost[chosen].sum())


@settings(max_examples=150, deadline=None)
@given(bipartite_graphs())
def test_optimal_is_maximum_cardinality_then_minimum_cost_like_ortools(graph) -> None:  # type: ignore[no-untyped-def]
    n, m, rows, cols, cost = graph
    mate = optimal_matching(n, m, rows, cols, cost)
    used = mate[mate >= 0]
    assert used.size == np.unique(used).size  # one-to-one
    assert np.isin(np.flatnonzero(mate >= 0) * m + used, rows * m + cols).all()
    assert _score(mate, rows, cols, cost) == _ortools_reference(n, m, rows, cols, cost)


@settings(max_examples=60, deadline=None)
@given(bipartite_graphs())
def test_optimal_agrees_with_scipy_min_weight_full_bipartite_matching(graph) -> None:  # type: ignore[no-untyped-def]
    n, m, rows, cols, cost = graph
    mate = optimal_matching(n, m, rows, cols, cost)
    assert _score(mate, rows, cols, cost) == _scipy_reference(n, m, rows, cols, cost)


@settings(max_examples=60, deadline=None)
@given(bipartite_graphs())
def test_greedy_is_one_to_one_and_never_beats_the_optimum(graph) -> None:  # type: ignore[no-untyped-def]
    n, m, rows, cols, cost = graph
    greedy = greedy_matching(n, m, rows, cols, cost)
    used = greedy[greedy >= 0]
    assert used.size == np.unique(used).size
    pairs, _ = _score(greedy, rows, cols, cost)
    best_pairs, _ = _score(optimal_matching(n, m, rows, cols, cost), rows, cols, cost)
    assert best_pairs >= pairs >= (best_pairs + 1) // 2  # greedy is maximal: at least half


def test_greedy_takes_the_cheapest_edge_first() -> None:
    rows, cols = np.array([0, 0, 1]), np.array([0, 1, 0])
    cost = np.array([1, 5, 2])
    assert greedy_matching(2, 2, rows, cols, cost).tolist() == [0, -1]
    assert optimal_matching(2, 2, rows, cols, cost).tolist() == [1, 0]


@settings(max_examples=80, deadline=None)
@given(bipartite_graphs())
def test_maximum_matching_size_matches_scipy(graph) -> None:  # type: ignore[no-untyped-def]
    n, m, rows, cols, _ = graph
    mate_v, mate_h = maximum_matching(n, m, rows, cols)
    adjacency = sp.sparse.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n, m))
    expected = sp.sparse.csgraph.maximum_bipartite_matching(adjacency, perm_type="column")
    assert (mate_v >= 0).sum() == (expected >= 0).sum()
    assert np.all(mate_h[mate_v[mate_v >= 0]] == np.flatnonzero(mate_v >= 0))


@settings(max_examples=80, deadline=None)
@given(bipartite_graphs())
def test_deferred_acceptance_leaves_no_blocking_pair(graph) -> None:  # type: ignore[no-untyped-def]
    n, m, rows, cols, cost = graph
    rng = np.random.default_rng(int(cost.sum()))
    prop_key = rng.permutation(rows.size)
    acc_key = rng.permutation(rows.size)
    mate = deferred_acceptance(n, m, rows, cols, prop_key, acc_key)
    mate_h = np.full(m, -1)
    mate_h[mate[mate >= 0]] = np.flatnonzero(mate >= 0)
    key_of = {(i, j): (p, a) for i, j, p, a in zip(rows, cols, prop_key, acc_key, strict=True)}
    for (i, j), (p, a) in key_of.items():
        v_prefers = mate[i] < 0 or p < key_of[(i, int(mate[i]))][0]
        h_prefers = mate_h[j] < 0 or a < key_of[(int(mate_h[j]), j)][1]
        assert not (v_prefers and h_prefers), f"blocking pair {(i, j)}"


def _gale_shapley(n, m, rows, cols, prop_key, acc_key):  # type: ignore[no-untyped-def]
    """The textbook algorithm, one proposal at a time in list order (the reference)."""
    lists = {
        i: sorted(
            (p, j, a) for r, j, p, a in zip(rows, cols, prop_key, acc_key, strict=True) if r == i
        )
        for i in range(n)
    }
    held: dict[int, tuple[int, int]] = {}  # acceptor -> (key, proposer)
    next_at = dict.fromkeys(range(n), 0)
    free = list(range(n))
    while free:
        i = free.pop()
        while next_at[i] < len(lists[i]):
            _, j, a = lists[i][next_at[i]]
            next_at[i] += 1
            if j not in held or a < held[j][0]:
                if j in held:
                    free.append(held[j][1])
                held[j] = (a, i)
                break
    mate = np.full(n, -1)
    for j, (_, i) in held.items():
        mate[i] = j
    return mate


@settings(max_examples=80, deadline=None)
@given(bipartite_graphs(), st.integers(0, 2**32 - 1))
def test_deferred_acceptance_equals_the_textbook_algorithm_as_edges_are_added(graph, seed) -> None:  # type: ignore[no-untyped-def]
    n, m, rows, cols, _ = graph
    rng = np.random.default_rng(seed)
    prop_key, acc_key = rng.permutation(rows.size), rng.permutation(rows.size)
    # Grow the graph in steps, as the check against all pairs does, and compare each step.
    order = rng.permutation(rows.size)
    for size in sorted({rows.size // 3, (2 * rows.size) // 3, rows.size}):
        e = np.sort(order[:size])
        mate = deferred_acceptance(n, m, rows[e], cols[e], prop_key[e], acc_key[e])
        expected = _gale_shapley(n, m, rows[e], cols[e], prop_key[e], acc_key[e])
        assert mate.tolist() == expected.tolist()


@pytest.fixture(scope="module")
def programme():  # type: ignore[no-untyped-def]
    return generate(600, 550, seed=3, today=TODAY)


@pytest.mark.parametrize("mode", ["optimal", "stable", "greedy"])
def test_match_pairs_only_compatible_people_once(programme, mode: str) -> None:  # type: ignore[no-untyped-def]
    result = match(programme.volunteers, programme.households, mode=mode, today=TODAY)  # type: ignore[arg-type]
    assert np.unique(result.volunteer).size == result.volunteer.size
    assert np.unique(result.household).size == result.household.size
    p = result.problem
    chord = np.linalg.norm(p.v.xyz[result.volunteer] - p.h.xyz[result.household], axis=1)
    stage = cand.compatible_stage(p.v, p.h, result.volunteer, result.household, chord)
    assert np.all(stage == cand.PAIRED)
    assert result.summary.pairs == result.volunteer.size
    assert result.summary.unpaired_volunteers == len(programme.volunteers) - result.volunteer.size


def test_optimal_pairs_as_many_as_the_maximum_matching_and_beats_greedy(programme) -> None:  # type: ignore[no-untyped-def]
    optimal = match(programme.volunteers, programme.households, today=TODAY)
    greedy = match(programme.volunteers, programme.households, mode="greedy", today=TODAY)
    p = optimal.problem
    mate_v, _ = maximum_matching(
        len(programme.volunteers),
        len(programme.households),
        p.rows,
        p.graph.indices.astype(np.int64),
    )
    assert optimal.summary.pairs == (mate_v >= 0).sum() >= greedy.summary.pairs
    if optimal.summary.pairs == greedy.summary.pairs:
        assert optimal.summary.total_cost <= greedy.summary.total_cost


def test_stable_mode_has_no_blocking_pair_among_candidates(programme) -> None:  # type: ignore[no-untyped-def]
    for proposing in ("volunteers", "households"):
        result = match(
            programme.volunteers, programme.households, mode="stable",
            proposing=proposing, today=TODAY,  # type: ignore[arg-type]
        )  # fmt: skip
        p = result.problem
        mate_v = np.full(len(programme.volunteers), -1)
        mate_v[result.volunteer] = result.household
        mate_h = np.full(len(programme.households), -1)
        mate_h[result.household] = result.volunteer
        rows, cols = p.rows, p.graph.indices.astype(np.int64)
        km = p.graph.distance_km
        from kinfolk.engine import costs as cm

        f = cm.pair_features(p.v, p.h, rows, cols, km, p.v_months, p.h_months)
        v_rank = np.argsort(np.argsort(programme.households.id))
        u_rank = np.argsort(np.argsort(programme.volunteers.id))
        v_key = {
            (i, j): (d, -c, v_rank[j])
            for i, j, d, c in zip(rows, cols, km, f.common_slots, strict=True)
        }
        h_key = {
            (i, j): (-e, -c, u_rank[i])
            for i, j, e, c in zip(rows, cols, f.exchange, f.common_slots, strict=True)
        }
        for i, j in v_key:
            v_prefers = mate_v[i] < 0 or v_key[(i, j)] < v_key[(i, int(mate_v[i]))]
            h_prefers = mate_h[j] < 0 or h_key[(i, j)] < h_key[(int(mate_h[j]), j)]
            assert not (v_prefers and h_prefers), (proposing, i, j)


def test_same_seed_same_pairs() -> None:
    first = generate(300, 300, seed=9, today=TODAY)
    second = generate(300, 300, seed=9, today=TODAY)
    a = match(first.volunteers, first.households, today=TODAY)
    b = match(second.volunteers, second.households, today=TODAY)
    assert a.pair_ids() == b.pair_ids()


def _pair(**household: str):  # type: ignore[no-untyped-def]
    volunteers = people("volunteers", make_person(id="V1"), make_person(id="V2"))
    households = people("households", make_person(id="H1", **household), make_person(id="H2"))
    return volunteers, households


def test_lock_is_kept_even_beyond_distance_with_a_warning() -> None:
    volunteers, households = _pair(lat="51.5", lon="-0.1", availability="mon-am")
    result = match(volunteers, households, locks=[("V1", "H1")], today=TODAY)
    assert result.pair_ids()[0] == ("V1", "H1")
    assert result.locked.tolist()[0]
    assert "V1 + H1 goes beyond a travel limit and shares no weekly slot" in result.warnings[0]


@pytest.mark.parametrize(
    ("household", "message"),
    [
        ({"speaks": "ti:fluent;en:basic"}, "shares no language"),
        ({"offers": "smoking"}, "breaks a yes/no condition"),
    ],
)
def test_lock_breaking_a_language_or_condition_is_an_error_naming_the_pair(
    household: dict[str, str], message: str
) -> None:
    volunteers, households = _pair(**household)
    with pytest.raises(PairError, match=f"pair V1 \\+ H1: is locked but {message}"):
        match(volunteers, households, locks=[Lock("V1", "H1")], today=TODAY)


def test_lock_and_exclusion_on_the_same_pair_is_an_error() -> None:
    volunteers, households = _pair()
    with pytest.raises(PairError, match="V1 \\+ H1: is both locked and excluded"):
        match(volunteers, households, locks=[("V1", "H1")], exclusions=[("V1", "H1")])


def test_person_locked_twice_or_unknown_is_an_error() -> None:
    volunteers, households = _pair()
    with pytest.raises(PairError, match="so is a pair with H1"):
        match(volunteers, households, locks=[("V1", "H1"), ("V1", "H2")])
    with pytest.raises(PairError, match="H9 is not in the files"):
        match(volunteers, households, locks=[("V1", "H9")])


def test_excluded_pair_is_never_proposed() -> None:
    volunteers, households = _pair()
    result = match(volunteers, households, exclusions=[("V1", "H1"), ("V2", "H1")], today=TODAY)
    assert result.pair_ids() == [("V1", "H2")] or result.pair_ids() == [("V2", "H2")]
    assert dict(result.unpaired("households")) == {"H1": "excluded"}


def test_progress_reports_every_stage() -> None:
    volunteers, households = _pair()
    seen: list[str] = []
    match(volunteers, households, progress=lambda stage, done, total: seen.append(stage))
    assert [s for i, s in enumerate(seen) if s not in seen[:i]] == [
        "candidates", "costs", "solve", "summary",
    ]  # fmt: skip


def test_waiting_longer_wins_when_only_one_can_be_paired() -> None:
    volunteers = people("volunteers", make_person(id="V1"))
    households = people(
        "households",
        make_person(id="H1", waiting_since="2026-10-01"),
        make_person(id="H2", waiting_since="2025-10-01"),
    )
    result = match(volunteers, households, today=dt.date(2026, 11, 1))
    assert result.pair_ids() == [("V1", "H2")]


@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    mode=st.sampled_from(["optimal", "stable", "greedy"]),
    n_locks=st.integers(0, 5),
    n_excluded=st.integers(0, 30),
)
def test_locks_kept_exclusions_respected_and_everyone_else_compatible(
    seed: int, mode: str, n_locks: int, n_excluded: int
) -> None:
    programme = generate(80, 70, seed=seed, today=TODAY)
    v, h = programme.volunteers, programme.households
    free = match(v, h, today=TODAY)
    rng = np.random.default_rng(seed)
    pairs = free.pair_ids()
    chosen = rng.permutation(len(pairs))
    # Lock some of the optimum's pairs the other way round, so locks bind.
    locks = [
        (pairs[a][0], pairs[b][1])
        for a, b in zip(chosen[:n_locks], chosen[1 : n_locks + 1], strict=False)
    ]
    p = free.problem
    edges = rng.choice(p.graph.n_edges, size=min(n_excluded, p.graph.n_edges), replace=False)
    excluded = [(str(v.id[p.rows[e]]), str(h.id[p.graph.indices[e]])) for e in edges.tolist()]
    excluded = [pair for pair in excluded if pair not in set(locks)]
    try:
        result = match(v, h, mode=mode, locks=locks, exclusions=excluded, today=TODAY)  # type: ignore[arg-type]
    except PairError as error:
        assert "is locked but" in error.message or "so is a pair" in error.message
        return
    made = result.pair_ids()
    assert set(locks) <= set(made)
    assert not set(excluded) & set(made)
    assert len({a for a, _ in made}) == len(made) == len({b for _, b in made})
    q = result.problem
    unlocked = ~result.locked
    vol, hh = result.volunteer[unlocked], result.household[unlocked]
    chord = np.linalg.norm(q.v.xyz[vol] - q.h.xyz[hh], axis=1)
    assert np.all(cand.compatible_stage(q.v, q.h, vol, hh, chord) == cand.PAIRED)


def test_match_total_is_the_exact_optimum_of_its_candidate_graph(programme) -> None:  # type: ignore[no-untyped-def]
    result = match(programme.volunteers, programme.households, today=TODAY)
    p = result.problem
    n, m = len(programme.volunteers), len(programme.households)
    expected = _ortools_reference(n, m, p.rows, p.graph.indices.astype(np.int64), p.cost)
    assert (result.summary.pairs, result.summary.total_cost) == expected


def test_a_run_too_large_for_memory_is_refused_before_anything_is_built() -> None:
    programme = generate(200, 200, seed=1, today=TODAY)
    seen: list[str] = []
    with pytest.raises(MemoryEstimateError, match=r"needs about 0\.0 GiB of memory, more than"):
        match(
            programme.volunteers, programme.households, today=TODAY, memory_limit=1000,
            progress=lambda stage, done, total: seen.append(stage),
        )  # fmt: skip
    assert seen == []
    assert memory_check(110_000, 110_000, k=32) < 16 * 1024**3


@st.composite
def adversarial_graphs(draw: st.DrawFn) -> tuple[int, int, np.ndarray, np.ndarray, np.ndarray]:
    """Chains, complete bipartite blocks, stars, with ties, zero and negative costs."""
    shape = draw(st.sampled_from(["chain", "blocks", "star", "random"]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n, m = draw(st.integers(1, 30)), draw(st.integers(1, 30))
    if shape == "chain":  # v0-h0-v1-h1-...: one long alternating path
        length = min(n, m)
        rows = np.concatenate([np.arange(length), np.arange(1, length)])
        cols = np.concatenate([np.arange(length), np.arange(length - 1)])
    elif shape == "blocks":  # complete bipartite blocks of uneven sides
        rows_list, cols_list = [], []
        v0 = h0 = 0
        while v0 < n and h0 < m:
            a, b = int(rng.integers(1, 6)), int(rng.integers(1, 6))
            block_v = np.arange(v0, min(n, v0 + a))
            block_h = np.arange(h0, min(m, h0 + b))
            rows_list.append(np.repeat(block_v, block_h.size))
            cols_list.append(np.tile(block_h, block_v.size))
            v0, h0 = v0 + a, h0 + b
        rows, cols = np.concatenate(rows_list), np.concatenate(cols_list)
    elif shape == "star":  # everyone wants the same few: no perfect matching
        hubs = min(m, 3)
        rows = np.repeat(np.arange(n), hubs)
        cols = np.tile(np.arange(hubs), n)
    else:
        keys = np.flatnonzero(rng.random(n * m) < draw(st.floats(0.05, 1.0)))
        rows, cols = keys // m, keys % m
    costs = draw(st.sampled_from(["ties", "zero", "negative", "wide"]))
    if costs == "ties":
        cost = rng.integers(0, 2, rows.size) * 5
    elif costs == "zero":
        cost = np.zeros(rows.size, dtype=np.int64)
    elif costs == "negative":
        cost = rng.integers(-1000, 1000, rows.size)
    else:
        cost = rng.integers(0, 10**9, rows.size)
    return n, m, rows.astype(np.int64), cols.astype(np.int64), cost.astype(np.int64)


@settings(max_examples=200, deadline=None)
@given(adversarial_graphs())
def test_compiled_solver_equals_ortools_and_scipy_on_adversarial_graphs(graph) -> None:  # type: ignore[no-untyped-def]
    n, m, rows, cols, cost = graph
    best = optimal_with_duals(n, m, rows, cols, cost)
    mate = best.mate
    used = mate[mate >= 0]
    assert used.size == np.unique(used).size
    expected = _ortools_reference(n, m, rows, cols, cost)
    assert _score(mate, rows, cols, cost) == expected
    # The scipy reference pads with prices above any total, so it needs costs >= 0: a
    # constant shift changes every maximum matching's total alike.
    low = min(int(cost.min(initial=0)), 0)
    pairs, total = _scipy_reference(n, m, rows, cols, cost - low)
    assert _score(mate, rows, cols, cost) == (pairs, total + pairs * low)
    # The certificate: non-negative reduced costs, tight on pairs, zero on the unpaired.
    reduced = best.row_dual[rows] + best.col_dual[cols] + cost - best.big
    assert (reduced >= 0).all() and (reduced[mate[rows] == cols] == 0).all()
    paired_h = np.zeros(m, bool)
    paired_h[used] = True
    assert (best.row_dual[mate < 0] == 0).all() and (best.col_dual[~paired_h] == 0).all()
