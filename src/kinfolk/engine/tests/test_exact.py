"""Exact over all compatible pairs: the optimum, stability and reasons, against brute force."""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinfolk.engine import candidates as cand
from kinfolk.engine import cells, exact
from kinfolk.engine import costs as cm
from kinfolk.engine.assign import match
from kinfolk.engine.solvers import deferred_acceptance, optimal_matching_ortools
from kinfolk.engine.synth import generate

from . import TODAY, make_person, people


def _all_pairs(volunteers, households, excluded=()):  # type: ignore[no-untyped-def]
    """Every compatible pair by brute force, with the engine's costs."""
    languages = cand.shared_languages(volunteers, households)
    v, h = cand.traits(volunteers, languages), cand.traits(households, languages)
    n, m = len(volunteers), len(households)
    rows, cols = np.repeat(np.arange(n), m), np.tile(np.arange(m), n)
    chord = np.linalg.norm(v.xyz[rows] - h.xyz[cols], axis=1)
    stage = cand.compatible_stage(v, h, rows, cols, chord)
    ids = {(str(volunteers.id[a]), str(households.id[b])) for a, b in excluded}
    ok = stage == cand.PAIRED
    if ids:
        ok &= ~np.array(
            [(volunteers.id[a], households.id[b]) in ids for a, b in zip(rows, cols, strict=True)]
        )
    rows, cols = rows[ok].astype(np.int64), cols[ok].astype(np.int64)
    km = cells.kilometres(np.ascontiguousarray(chord[ok]))
    v_months = cm.months_waited(volunteers.waiting_since, TODAY)
    h_months = cm.months_waited(households.waiting_since, TODAY)
    cost = cm.edge_costs(cm.pair_features(v, h, rows, cols, km, v_months, h_months), cm.Weights())
    return rows, cols, cost, stage


def _optimum(volunteers, households):  # type: ignore[no-untyped-def]
    rows, cols, cost, _ = _all_pairs(volunteers, households)
    mate = optimal_matching_ortools(len(volunteers), len(households), rows, cols, cost)
    chosen = mate[rows] == cols
    return int(chosen.sum()), int(cost[chosen].sum())


def _crowded(programme, share: float, seed: int):  # type: ignore[no-untyped-def]
    """Put a share of people at their town's first person's point (a postcode centroid)."""
    rng = np.random.default_rng(seed)

    def move(pop):  # type: ignore[no-untyped-def]
        lat, lon = pop.lat.copy(), pop.lon.copy()
        moved = rng.random(len(pop)) < share
        lat[moved], lon[moved] = np.round(lat[moved], 1), np.round(lon[moved], 1)
        return replace(pop, lat=lat, lon=lon)

    return move(programme.volunteers), move(programme.households)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    k=st.sampled_from([1, 2, 4]),
    crowd=st.sampled_from([0.0, 0.5, 1.0]),
    sizes=st.tuples(st.integers(20, 90), st.integers(20, 90)),
)
def test_optimal_equals_the_optimum_over_all_compatible_pairs(
    seed: int, k: int, crowd: float, sizes: tuple[int, int]
) -> None:
    programme = generate(*sizes, seed=seed, today=TODAY)
    volunteers, households = _crowded(programme, crowd, seed)
    result = match(volunteers, households, k=k, today=TODAY)
    assert result.summary.all_pairs_checked
    assert (result.summary.pairs, result.summary.total_cost) == _optimum(volunteers, households)


def test_a_crowd_at_one_point_is_paired_in_full_even_with_a_short_list() -> None:
    same = {"lat": "53.96", "lon": "-1.08"}
    volunteers = people("volunteers", *[make_person(id=f"V{i}", **same) for i in range(300)])
    households = people("households", *[make_person(id=f"H{i}", **same) for i in range(300)])
    assert match(volunteers, households, k=2, today=TODAY).summary.pairs == 300


def _trap():  # type: ignore[no-untyped-def]
    """80 volunteers at A; 40 households at A and 40 at B, 5 km away.

    Every volunteer's 32 nearest households are at A, yet all 80 can be paired.
    """
    volunteers = people("volunteers", *[make_person(id=f"V{i}") for i in range(80)])
    households = people(
        "households",
        *[make_person(id=f"H{i}", lat="53.96" if i < 40 else "54.005") for i in range(80)],
    )
    return volunteers, households


def test_the_k_nearest_trap_is_escaped() -> None:
    volunteers, households = _trap()
    assert match(volunteers, households, k=32, today=TODAY).summary.pairs == 80


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.sampled_from([1, 3]), proposing=st.booleans())
def test_stable_has_no_blocking_pair_among_all_compatible_pairs(
    seed: int, k: int, proposing: bool
) -> None:
    programme = generate(400, 350, seed=seed, today=TODAY)
    volunteers, households = _crowded(programme, 0.5, seed)
    side = "households" if proposing else "volunteers"
    result = match(volunteers, households, mode="stable", k=k, proposing=side, today=TODAY)  # type: ignore[arg-type]
    assert result.summary.all_pairs_checked
    assert _blocking_pairs(result, volunteers, households) == 0


def _stable_keys_of_all_pairs(volunteers, households, excluded=()):  # type: ignore[no-untyped-def]
    """Every compatible pair with its stable keys (volunteer's, household's), by brute force."""
    rows, cols, _, _ = _all_pairs(volunteers, households, excluded)
    v, h = (cand.traits(pop, cand.shared_languages(volunteers, households))
            for pop in (volunteers, households))  # fmt: skip
    km = cells.kilometres(np.linalg.norm(v.xyz[rows] - h.xyz[cols], axis=1))
    months = (cm.months_waited(pop.waiting_since, TODAY) for pop in (volunteers, households))
    f = cm.pair_features(v, h, rows, cols, km, *months)
    v_rank = np.argsort(np.argsort(volunteers.id, kind="stable"), kind="stable")
    h_rank = np.argsort(np.argsort(households.id, kind="stable"), kind="stable")
    common = f.common_slots.astype(np.int64)
    v_key = km.view(np.int32).astype(np.int64) << 32 | (21 - common) << 27 | h_rank[cols]
    h_key = ((2 - f.exchange.astype(np.int64)) * 32 + (21 - common)) * len(volunteers)
    return rows, cols, v_key, h_key + v_rank[rows]


def _blocking_pairs(result, volunteers, households) -> int:  # type: ignore[no-untyped-def]
    """How many compatible pairs both prefer each other to their partners in ``result``."""
    rows, cols, v_key, h_key = _stable_keys_of_all_pairs(volunteers, households)
    key_of = {(a, b): (x, y) for a, b, x, y in zip(rows, cols, v_key, h_key, strict=True)}
    top = np.iinfo(np.int64).max
    mate_v, mate_h = np.full(len(volunteers), top), np.full(len(households), top)
    for a, b in zip(result.volunteer.tolist(), result.household.tolist(), strict=True):
        mate_v[a], mate_h[b] = key_of[(a, b)]
    return int(((v_key < mate_v[rows]) & (h_key < mate_h[cols])).sum())


def _volunteer_optimal(volunteers, households, excluded=()):  # type: ignore[no-untyped-def]
    """Textbook deferred acceptance over every compatible pair: each volunteer's household."""
    rows, cols, v_key, h_key = _stable_keys_of_all_pairs(volunteers, households, excluded)
    return deferred_acceptance(len(volunteers), len(households), rows, cols, v_key, h_key)


def _mates(result, n: int):  # type: ignore[no-untyped-def]
    mate = np.full(n, -1, dtype=np.int64)
    mate[result.volunteer] = result.household
    return mate


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    k=st.sampled_from([1, 2, 4]),
    crowd=st.sampled_from([0.0, 0.5, 1.0]),
    sizes=st.tuples(st.integers(20, 90), st.integers(20, 90)),
    n_excluded=st.integers(0, 30),
)
def test_volunteer_proposing_stable_equals_deferred_acceptance_over_all_compatible_pairs(
    seed: int, k: int, crowd: float, sizes: tuple[int, int], n_excluded: int
) -> None:
    programme = generate(*sizes, seed=seed, today=TODAY)
    volunteers, households = _crowded(programme, crowd, seed)
    rows, cols, _, _ = _all_pairs(volunteers, households)
    picked = np.random.default_rng(seed).permutation(rows.size)[:n_excluded]
    excluded = list(zip(rows[picked].tolist(), cols[picked].tolist(), strict=True))
    ids = [(volunteers.id[a], households.id[b]) for a, b in excluded]
    result = match(volunteers, households, mode="stable", k=k, exclusions=ids, today=TODAY)
    assert result.summary.all_pairs_checked
    expected = _volunteer_optimal(volunteers, households, excluded)
    assert np.array_equal(_mates(result, len(volunteers)), expected)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.sampled_from([1, 3]))
def test_no_volunteer_fares_worse_than_in_the_rounds_methods_stable_matching(
    seed: int, k: int
) -> None:
    # Both are stable over all pairs, but the rounds method is volunteer-optimal only on
    # the graph it grew (at 110k two volunteers swap households in it that both like
    # less), so the one-run result must be at least as good for every volunteer.
    from kinfolk.engine.assign import prepare, stable_matching

    programme = generate(120, 110, seed=seed, today=TODAY)
    volunteers, households = _crowded(programme, 0.5, seed)
    problem, _ = prepare(
        volunteers, households, weights=cm.Weights(), locks=(), exclusions=(), k=k,
        today=TODAY, progress=lambda *_: None,
    )  # fmt: skip
    _, by_rounds, _, done = exact.stable(problem, lambda p, keys: stable_matching(p, keys=keys))
    p, in_one_run, rounds, _ = exact.stable_by_volunteers(problem)
    assert done and rounds == 1
    assert (_volunteer_keys(p, in_one_run) <= _volunteer_keys(p, by_rounds)).all()


def _volunteer_keys(p, mate):  # type: ignore[no-untyped-def]
    """How each volunteer ranks its household in the stable preferences (unpaired: largest)."""
    from kinfolk.engine.assign import stable_keys

    paired = np.flatnonzero(mate >= 0)
    km = cells.kilometres(np.linalg.norm(p.v.xyz[paired] - p.h.xyz[mate[paired]], axis=1))
    key = np.full(mate.size, np.iinfo(np.int64).max)
    key[paired] = stable_keys(p, paired, mate[paired], km)[0]
    return key


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.sampled_from([1, 2, 5]), crowd=st.sampled_from([0.0, 1.0]))
def test_each_volunteers_row_holds_everyone_nearer_than_its_kth_candidate(
    seed: int, k: int, crowd: float
) -> None:
    # What stable_by_volunteers(listed=k) relies on to skip scanning the row's distances.
    from kinfolk.engine.assign import prepare

    programme = generate(60, 70, seed=seed, today=TODAY)
    volunteers, households = _crowded(programme, crowd, seed)
    problem, _ = prepare(
        volunteers, households, weights=cm.Weights(), locks=(), exclusions=(), k=k,
        today=TODAY, progress=lambda *_: None,
    )  # fmt: skip
    rows, cols, _, _ = _all_pairs(volunteers, households)
    g = problem.graph
    complete = exact._complete_below(g.indptr, g.distance_km, k)  # rows are nearest first
    for v in range(len(volunteers)):
        theirs = cols[rows == v]
        d = np.linalg.norm(problem.v.xyz[v] - problem.h.xyz[theirs], axis=1)
        nearer = set(theirs[cells.kilometres(d) <= complete[v]].tolist())
        assert nearer <= set(g.indices[g.indptr[v] : g.indptr[v + 1]].tolist())
    assert np.isinf(complete[np.diff(g.indptr) < k]).all()


def test_a_crowd_at_one_point_is_stably_paired_in_full_even_with_a_short_list() -> None:
    same = {"lat": "53.96", "lon": "-1.08"}
    volunteers = people("volunteers", *[make_person(id=f"V{i}", **same) for i in range(300)])
    households = people("households", *[make_person(id=f"H{i}", **same) for i in range(300)])
    result = match(volunteers, households, mode="stable", k=2, today=TODAY)
    assert result.summary.pairs == 300
    assert _blocking_pairs(result, volunteers, households) == 0


def test_the_k_nearest_trap_is_escaped_in_stable_mode() -> None:
    volunteers, households = _trap()
    result = match(volunteers, households, mode="stable", k=32, today=TODAY)
    assert result.summary.pairs == 80
    assert _blocking_pairs(result, volunteers, households) == 0


def test_stable_pairs_made_outside_the_candidates_join_the_graph_with_their_costs() -> None:
    volunteers, households = _trap()
    result = match(volunteers, households, mode="stable", k=1, today=TODAY)
    rows, cols, cost, _ = _all_pairs(volunteers, households)
    cost_of = dict(zip(zip(rows.tolist(), cols.tolist(), strict=True), cost.tolist(), strict=True))
    pairs = zip(result.volunteer.tolist(), result.household.tolist(), strict=True)
    assert result.summary.total_cost == sum(cost_of[pair] for pair in pairs)


def test_locked_people_are_left_out_of_volunteer_proposing_stable_mode() -> None:
    volunteers = people("volunteers", *[make_person(id=f"V{i}") for i in range(30)])
    households = people("households", *[make_person(id=f"H{i}") for i in range(30)])
    result = match(volunteers, households, mode="stable", k=1, locks=[("V0", "H5")], today=TODAY)
    pairs = set(result.pair_ids())
    assert ("V0", "H5") in pairs and len(pairs) == 30
    assert sum(1 for v, h in pairs if h == "H5" or v == "V0") == 1


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.sampled_from([1, 3]))
def test_the_household_side_scan_finds_the_same_blocking_pairs(seed: int, k: int) -> None:
    programme = generate(400, 350, seed=seed, today=TODAY)
    volunteers, households = _crowded(programme, 0.5, seed)
    # The candidate graph alone, and half of a greedy matching: plenty of pairs block it.
    result = match(volunteers, households, mode="greedy", k=k, today=TODAY)
    p = result.problem
    n, m = len(volunteers), len(households)
    mate = np.full(n, -1, dtype=np.int64)
    mate[result.volunteer[::2]] = result.household[::2]
    keys = exact._mate_keys(p, mate)
    every, nobody = (np.ones(n, bool), np.ones(m, bool)), (np.zeros(n, bool), np.zeros(m, bool))
    by_v = exact._blocking(p, keys, (every[0], nobody[1]))
    by_h = exact._blocking(p, keys, (nobody[0], every[1]))
    uncapped = ~by_v[3][0][by_v[0]]
    found_v = set(zip(by_v[0][uncapped].tolist(), by_v[1][uncapped].tolist(), strict=True))
    found_h = set(zip(by_h[0].tolist(), by_h[1].tolist(), strict=True))
    assert found_v == {pair for pair in found_h if not by_v[3][0][pair[0]]}
    if not by_h[3][1].any():
        assert found_h >= found_v


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), mode=st.sampled_from(["optimal", "stable"]))
def test_every_unpaired_reason_is_true_of_all_compatible_pairs(seed: int, mode: str) -> None:
    programme = generate(60, 90, seed=seed, today=TODAY)
    volunteers, households = programme.volunteers, programme.households
    result = match(volunteers, households, mode=mode, k=2, today=TODAY)  # type: ignore[arg-type]
    _, _, _, stage = _all_pairs(volunteers, households)
    stage = stage.reshape(len(volunteers), len(households))
    progress = np.array([5, 0, 1, 2, 3, 0, 4, 0])[stage]  # how far each pair got
    order = [cand.NO_DISTANCE, cand.NO_LANGUAGE, cand.NO_SLOT, cand.NO_CONDITION, cand.EXCLUDED]
    for reasons, axis in ((result.volunteer_reason, 1), (result.household_reason, 0)):
        best = progress.max(axis=axis)
        for person in np.flatnonzero(reasons != cand.PAIRED):
            if best[person] == 5:  # has a compatible partner: lost to a better pair
                assert reasons[person] == cand.LOST
            else:
                assert reasons[person] == order[best[person]]


def test_the_summary_says_when_the_check_reached_its_cap(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    volunteers, households = _trap()
    monkeypatch.setattr(exact, "MAX_ROUNDS", 1)
    monkeypatch.setattr(exact, "PER_PERSON", 1)
    result = match(volunteers, households, k=1, today=TODAY)
    assert not result.summary.all_pairs_checked
    assert "stopped after 1 rounds" in result.warnings[-1]


@pytest.mark.parametrize("crowd", [0.0, 1.0])
def test_ortools_cross_check_gives_the_same_optimum(crowd: float) -> None:
    programme = generate(150, 140, seed=11, today=TODAY)
    volunteers, households = _crowded(programme, crowd, 11)
    ours = match(volunteers, households, k=3, today=TODAY)
    theirs = match(volunteers, households, k=3, today=TODAY, solver="ortools")
    assert (ours.summary.pairs, ours.summary.total_cost) == (
        theirs.summary.pairs,
        theirs.summary.total_cost,
    )


def test_a_household_whose_nearest_volunteers_all_fail_is_not_told_a_false_reason() -> None:
    # 70 volunteers next door offer smoking, which H1 does not accept; one compatible
    # volunteer 3 km away prefers the household beside it.  H1 has a compatible
    # partner, so "no condition met" would be false.
    smokers = [make_person(id=f"S{i}", offers="smoking") for i in range(70)]
    far = {"lat": "53.987"}
    volunteers = people("volunteers", *smokers, make_person(id="VF", **far))
    households = people("households", make_person(id="H1"), make_person(id="H2", **far))
    result = match(volunteers, households, k=1, today=TODAY)
    reasons = dict(result.unpaired("households"))
    assert reasons.get("H1", "paired") in ("paired", "lost to a better pair")


def test_the_stable_keys_kept_between_rounds_are_the_keys_of_each_rounds_graph() -> None:
    from kinfolk.engine.assign import prepare, stable_keys, stable_matching

    programme = generate(400, 400, seed=0, today=TODAY)  # four rounds: pairs join thrice
    volunteers, households = _crowded(programme, 0.5, 0)
    problem, _ = prepare(
        volunteers, households, weights=cm.Weights(), locks=(), exclusions=(), k=2,
        today=TODAY, progress=lambda *_: None,
    )  # fmt: skip
    graphs = []

    def solve(p, keys):  # type: ignore[no-untyped-def]
        fresh = stable_keys(p, p.rows, p.graph.indices.astype(np.int64), p.graph.distance_km)
        assert np.array_equal(keys[0], fresh[0]) and np.array_equal(keys[1], fresh[1])
        graphs.append(p.rows.size)
        return stable_matching(p, keys=keys)

    _, _, rounds, done = exact.stable(problem, solve)
    assert done and rounds >= 2 and graphs[-1] > graphs[0]  # pairs joined: keys were carried


def test_a_partners_key_read_from_the_kept_keys_equals_one_computed_afresh() -> None:
    programme = generate(70, 60, seed=5, today=TODAY)
    result = match(programme.volunteers, programme.households, mode="stable", k=2, today=TODAY)
    p = result.problem
    mate = np.full(len(programme.volunteers), -1, dtype=np.int64)
    mate[result.volunteer] = result.household
    from kinfolk.engine.assign import stable_keys

    kept = stable_keys(p, p.rows, p.graph.indices.astype(np.int64), p.graph.distance_km)
    a, b = exact._mate_keys(p, mate, kept), exact._mate_keys(p, mate)
    for field in ("v_km", "v_common", "v_mate_rank", "v_key", "h_key"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field
    assert np.isinf(a.v_km[mate < 0]).all() and (a.v_km[mate >= 0] < np.inf).all()


def test_row_positions_finds_each_pair_in_unsorted_rows_or_says_minus_one() -> None:
    indptr = np.array([0, 3, 3, 5], dtype=np.int64)
    indices = np.array([7, 2, 5, 4, 1], dtype=np.int32)
    owners = np.array([0, 0, 0, 1, 2, 2, 2], dtype=np.int64)
    others = np.array([5, 7, 4, 7, 1, 4, 2], dtype=np.int64)
    found = cells.row_positions(indptr, indices, owners, others)
    assert found.tolist() == [2, 0, -1, -1, 4, 3, -1]


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    k=st.sampled_from([1, 2, 4]),
    crowd=st.sampled_from([0.0, 0.5]),
    distinct=st.sampled_from([1, 3, 40]),
)
def test_volunteer_proposing_stable_is_exact_whatever_the_households_travel_limits(
    seed: int, k: int, crowd: float, distinct: int
) -> None:
    # Many distinct limits split the households into bands at quantiles; one limit
    # makes one band; zero-km limits pair nobody but the people at the same point.
    programme = generate(70, 60, seed=seed, today=TODAY)
    volunteers, households = _crowded(programme, crowd, seed)
    rng = np.random.default_rng(seed)
    limits = rng.choice(np.linspace(0.0, 30.0, distinct), size=len(households))
    households = replace(households, max_travel_km=limits.astype(np.float32))
    result = match(volunteers, households, mode="stable", k=k, today=TODAY)
    assert result.summary.all_pairs_checked
    expected = _volunteer_optimal(volunteers, households)
    assert np.array_equal(_mates(result, len(volunteers)), expected)


@pytest.mark.parametrize("distinct", [1, 5, 8, 9, 200])
def test_reach_bands_hold_everyone_once_in_cell_order_within_their_limit(distinct: int) -> None:
    programme = generate(10, 300, seed=distinct, today=TODAY)
    h = programme.households
    limits = np.random.default_rng(0).choice(np.arange(1, distinct + 1), size=len(h))
    h = replace(h, max_travel_km=limits.astype(np.float32))
    traits = cand.traits(h, cand.shared_languages(programme.volunteers, h))
    s = cells.side(traits, np.zeros(len(h)), np.ones(len(h), bool))
    c = cells.Cells.build(s)
    banded, (step, n_lon, keys, members, start, band_km) = cells.by_reach(s, c)
    assert np.array_equal(np.sort(members), np.arange(len(h)))
    assert band_km.size <= cells.MAX_BANDS and start[0] == 0 and start[-1] == len(h)
    assert np.array_equal(banded[4], s[4][members])
    for b in range(band_km.size):
        inside = slice(start[b], start[b + 1])
        assert (np.diff(keys[inside]) >= 0).all()
        assert (banded[4][inside] <= band_km[b]).all()
        assert b == 0 or (banded[4][inside] > band_km[b - 1]).all()
    key_of = np.empty(len(h), dtype=np.int64)
    key_of[c.members] = c.keys
    assert np.array_equal(keys, key_of[members])


def _prepared(seed: int, k: int):  # type: ignore[no-untyped-def]
    programme = generate(400, 350, seed=seed, today=TODAY)
    return _prepared_from(programme.volunteers, programme.households, k)


def _prepared_from(volunteers, households, k: int):  # type: ignore[no-untyped-def]
    from kinfolk.engine.assign import prepare

    problem, _ = prepare(
        volunteers, households, weights=cm.Weights(), locks=(), exclusions=(), k=k,
        today=TODAY, progress=lambda *_: None,
    )  # fmt: skip
    return problem


def _certificate(p):  # type: ignore[no-untyped-def]
    from kinfolk.engine.solvers import optimal_warm

    n, m = p.graph.n_volunteers, p.graph.n_households
    cols = p.graph.indices.astype(np.int64)
    return optimal_warm(n, m, p.rows, cols, p.cost, cost_bound=exact.cost_bound(p))[0]


@pytest.mark.parametrize("seed", [3, 8])
@pytest.mark.parametrize("far_scan", [0, 10**9])  # the long-reach side's own scan, or never
def test_a_pricing_scan_of_some_people_finds_what_a_scan_of_everyone_finds_for_them(
    seed: int, far_scan: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exact, "FAR_SCAN", far_scan)
    p = _prepared(seed, k=1)
    best = _certificate(p)
    n, m = p.graph.n_volunteers, p.graph.n_households
    found = {}
    for side in (0, 1):
        everyone = [np.zeros(n, bool), np.zeros(m, bool)]
        everyone[side][:] = True
        rows, cols, _, _ = exact._violations(p, best, (everyone[0], everyone[1]))
        some = [np.zeros(n, bool), np.zeros(m, bool)]
        some[side][::3] = True
        part, part_cols, _, _ = exact._violations(p, best, (some[0], some[1]))
        owner = rows if side == 0 else cols
        kept = some[side][owner]
        assert (part.tolist(), part_cols.tolist()) == (rows[kept].tolist(), cols[kept].tolist())
        found[side] = set(zip(rows.tolist(), cols.tolist(), strict=True))
    assert found[0] and found[0] == found[1]  # both sides' scans find the same pairs


@pytest.mark.parametrize(("seed", "crowd"), [(3, 0.0), (8, 0.0), (4, 1.0), (6, 1.0)])
def test_a_pricing_scan_finds_every_pair_outside_the_graph_below_the_margin(
    seed: int, crowd: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The scans skip people unread by bounds (a cell's distance and each person's own part
    # of the cost, a pair's cost without its arcsine): none may hide a pair it must find.
    monkeypatch.setattr(exact, "PER_PERSON", 400)  # more than anyone's pairs: no cap
    programme = generate(400, 350, seed=seed, today=TODAY)
    volunteers, households = _crowded(programme, crowd, seed)
    p = _prepared_from(volunteers, households, k=1)
    best = _certificate(p)
    n, m = p.graph.n_volunteers, p.graph.n_households
    rows, cols, cost, _ = _all_pairs(volunteers, households)
    reduced = best.row_dual[rows] + best.col_dual[cols] + cost - best.big
    graph = set(zip(p.rows.tolist(), p.graph.indices.tolist(), strict=True))
    below = {
        pair
        for pair in zip(
            rows[reduced < exact.SLACK].tolist(), cols[reduced < exact.SLACK].tolist(), strict=True
        )
        if pair not in graph
    }
    assert below  # the check has something to find
    for only in ((np.ones(n, bool), np.zeros(m, bool)), (np.zeros(n, bool), np.ones(m, bool))):
        found, found_cols, _, _ = exact._violations(p, best, only)
        assert set(zip(found.tolist(), found_cols.tolist(), strict=True)) == below


@pytest.mark.parametrize("seed", [2, 7])
def test_the_solve_in_cell_numbers_certifies_the_people_themselves(seed: int) -> None:
    # The solver numbers people in their cells' order; what it returns must be the
    # matching and the prices of the people as the problem indexes them.
    from kinfolk.engine.solvers import optimal_warm

    from .test_warm import _check

    p = _prepared(seed, k=3)
    n, m = p.graph.n_volunteers, p.graph.n_households
    cols = p.graph.indices.astype(np.int64)
    numbers = exact._Numbering.of(p)
    assert not (numbers.v == np.arange(n)).all()  # the numbering is not the identity
    best, _ = numbers.solve(p, cols, exact.cost_bound(p), None)
    _check(best, n, m, p.rows, cols, p.cost)
    plain, _ = optimal_warm(n, m, p.rows, cols, p.cost, cost_bound=exact.cost_bound(p))
    chosen, plain_chosen = best.mate[p.rows] == cols, plain.mate[p.rows] == cols
    assert (chosen.sum(), p.cost[chosen].sum()) == (plain_chosen.sum(), p.cost[plain_chosen].sum())


def test_a_pricing_scan_never_returns_a_graph_pair_even_when_every_pair_looks_improving() -> None:
    p = _prepared(5, k=4)
    best = _certificate(p)
    n, m = p.graph.n_volunteers, p.graph.n_households
    # Prices of zero against a huge ``big``: every compatible pair, in the graph or not, has
    # a negative reduced cost, so only the graph check keeps the graph's own pairs out.
    broken = replace(best, row_dual=np.zeros(n), col_dual=np.zeros(m), big=10**12)
    graph = set(zip(p.rows.tolist(), p.graph.indices.tolist(), strict=True))
    all_rows, all_cols, _, _ = _all_pairs(p.volunteers, p.households)
    outside = set(zip(all_rows.tolist(), all_cols.tolist(), strict=True)) - graph
    for only in ((np.ones(n, bool), np.zeros(m, bool)), (np.zeros(n, bool), np.ones(m, bool))):
        rows, cols, _, _ = exact._violations(p, broken, only)
        pairs = set(zip(rows.tolist(), cols.tolist(), strict=True))
        assert pairs and not pairs & graph
        assert pairs <= outside


def test_only_people_whose_price_fell_more_than_half_the_slack_are_marked_again() -> None:
    half = exact.SLACK / 2
    first = replace(_certificate(_prepared(3, k=1)), row_dual=np.array([5e3, 5e3, 5e3, 5e3]),
                    col_dual=np.array([5e3, 5e3]))  # fmt: skip
    marks, high = exact._marked(first, None, (np.zeros(4), np.zeros(2)))
    assert marks is None  # the first scan covers everyone
    # Row 0 rose, row 1 fell by just half the slack, row 2 by more, row 3 was capped.
    later = replace(first, row_dual=np.array([6e3, 5e3 - half, 5e3 - half - 1, 5e3]),
                    col_dual=np.array([5e3, 1e3]))  # fmt: skip
    capped = (np.array([False, False, False, True]), np.zeros(2, bool))
    marks, high = exact._marked(later, capped, high)
    assert marks is not None
    assert marks[0].tolist() == [False, False, True, True] and marks[1].tolist() == [False, True]
    # The highest price since the last mark is kept; a marked person starts again from now.
    assert high[0].tolist() == [6e3, 5e3, 5e3 - half - 1, 5e3] and high[1].tolist() == [5e3, 1e3]
    # Row 0 now falls from its highest (6,000) by more than half the slack: marked.
    again = replace(later, row_dual=np.array([6e3 - half - 1, 5e3 - half, 5e3 - half - 1, 5e3]))
    marks, _ = exact._marked(again, (np.zeros(4, bool), np.zeros(2, bool)), high)
    assert marks is not None and marks[0].tolist() == [True, False, False, False]


@pytest.mark.parametrize(("slack", "per_person"), [(0.0, 32), (1000.0, 32), (50_000.0, 2)])
def test_optimal_is_exact_whatever_the_scans_margin_and_cap(
    slack: float, per_person: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Town-centre crowds on one-candidate lists take several rounds, and their prices
    # fall far between scans: with the marks of a margin four times too wide (or with
    # no marks but the capped) seed 2 (or seeds 9-11) lose cost, which is how these
    # seeds were chosen.
    monkeypatch.setattr(exact, "SLACK", slack)
    monkeypatch.setattr(exact, "PER_PERSON", per_person)
    monkeypatch.setattr(exact, "MAX_ROUNDS", 200)
    for seed in (2, 9, 10, 11):
        programme = generate(120, 110, seed=seed, today=TODAY)
        volunteers, households = _crowded(programme, 1.0, seed)
        result = match(volunteers, households, k=1, today=TODAY)
        assert result.summary.all_pairs_checked
        assert (result.summary.pairs, result.summary.total_cost) == _optimum(volunteers, households)
