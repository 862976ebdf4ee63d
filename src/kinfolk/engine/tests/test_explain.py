import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinfolk.engine.assign import match
from kinfolk.engine.explain import COLUMNS, explain
from kinfolk.engine.synth import generate

from . import TODAY, make_person, people


def test_explanations_agree_with_the_costs_and_ranks() -> None:
    programme = generate(300, 300, seed=4, today=TODAY)
    result = match(programme.volunteers, programme.households, today=TODAY)
    explanations = explain(result)
    assert len(explanations) == result.summary.pairs
    assert sum(e.cost for e in explanations) == result.summary.total_cost
    for item in explanations:
        assert item.volunteer_rank is not None and item.household_rank is not None
        cheaper = [cost for _, cost in item.volunteer_alternatives if cost < item.cost]
        assert len(cheaper) <= item.volunteer_rank - 1
        assert item.shared_languages  # every pair can talk
        assert item.common_slots
        costs = [cost for _, cost in item.volunteer_alternatives]
        assert costs == sorted(costs)


def test_exchange_languages_and_slots_are_named() -> None:
    volunteers = people("volunteers", make_person(id="V1", learning="ar"))
    households = people(
        "households",
        make_person(id="H1", speaks="ar:fluent;en:conversational", availability="sat-am;sun-pm"),
    )
    (item,) = explain(match(volunteers, households, today=TODAY))
    assert item.exchange_languages == ("volunteer learns ar",)
    assert item.shared_languages == ("en",)
    assert item.common_slots == ("sat-am",)
    record = item.to_record()
    assert list(record) == list(COLUMNS)


def test_manual_lock_says_what_it_costs_against_the_optimum() -> None:
    volunteers = people("volunteers", make_person(id="V1"), make_person(id="V2", lon="-1.2"))
    households = people("households", make_person(id="H1"), make_person(id="H2", lon="-1.2"))
    free = match(volunteers, households, today=TODAY)
    assert sorted(free.pair_ids()) == [("V1", "H1"), ("V2", "H2")]
    locked = match(volunteers, households, locks=[("V1", "H2")], today=TODAY)
    by_pair = {(e.volunteer_id, e.household_id): e for e in explain(locked)}
    change = by_pair[("V1", "H2")].lock_cost_change
    assert change == locked.summary.total_cost - free.summary.total_cost > 0
    assert by_pair[("V1", "H2")].lock_pairs_change == 0


def test_lock_beyond_distance_carries_its_warning() -> None:
    volunteers = people("volunteers", make_person(id="V1"))
    households = people("households", make_person(id="H1", lat="51.5", lon="-0.1"))
    (item,) = explain(match(volunteers, households, locks=[("V1", "H1")], today=TODAY))
    assert item.locked and item.volunteer_rank is None
    assert "beyond a travel limit" in item.warnings[0]
    assert np.isclose(item.distance_km, 281, atol=2)


@pytest.mark.parametrize(("seed", "mode"), [(1, "optimal"), (2, "optimal"), (3, "stable")])
def test_a_lock_costs_what_solving_again_without_it_says(seed: int, mode: str) -> None:
    import importlib

    ex = importlib.import_module("kinfolk.engine.explain")  # the package names a function so

    programme = generate(400, 380, seed=seed, today=TODAY)
    free = match(programme.volunteers, programme.households, today=TODAY)
    rng = np.random.default_rng(seed)
    # Manual locks: some of the optimum's own pairs, and some pairs it would not make.
    pairs = free.pair_ids()
    locks = [pairs[k] for k in rng.choice(len(pairs), size=12, replace=False)]
    graph = free.problem.graph if free.problem else None
    assert graph is not None
    taken = {who for pair in locks for who in pair}
    v_ids, h_ids = programme.volunteers.id, programme.households.id
    for edge in rng.permutation(graph.indices.size)[:400].tolist():
        i = int(np.searchsorted(graph.indptr, edge, side="right") - 1)
        pair = (str(v_ids[i]), str(h_ids[graph.indices[edge]]))
        if len(locks) < 24 and pair not in pairs and not taken & set(pair):
            locks.append(pair)
            taken |= set(pair)
    result = match(programme.volunteers, programme.households, locks=locks, today=TODAY, mode=mode)
    p = result.problem
    assert p is not None
    fast = ex._lock_changes(result, 100, ex._by_household(p))
    assert len(fast) == len(locks)
    mate_v, mate_h, pair_cost_h = ex._free_optimum(result)
    base = (int(pair_cost_h[mate_h >= 0].sum()), int(np.count_nonzero(mate_h >= 0)))
    for lock, change in fast.items():
        i, j = int(p.lock_v[lock]), int(p.lock_h[lock])
        solved = ex._lock_change_by_solving(
            p, base, int(result.cost[lock]), *ex._freed_edges(p, i, j)
        )
        assert change == solved


def test_the_columns_say_what_the_records_say() -> None:
    from kinfolk.engine.explain import explain_columns

    programme = generate(300, 280, seed=5, today=TODAY)
    locks = match(programme.volunteers, programme.households, today=TODAY).pair_ids()[:5]
    result = match(programme.volunteers, programme.households, locks=locks, today=TODAY)
    columns = explain_columns(result)
    records = [item.to_record() for item in explain(result)]
    assert list(columns) == list(COLUMNS)
    assert [
        dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)
    ] == records
    assert sum(1 for cell in columns["lock_cost_change"] if cell) == 5


def test_ranks_and_alternatives_follow_each_sides_candidates_by_cost() -> None:
    programme = generate(200, 200, seed=6, today=TODAY)
    result = match(programme.volunteers, programme.households, today=TODAY)
    p = result.problem
    assert p is not None
    cols = p.graph.indices.tolist()
    by_v: dict[str, list[tuple[int, int, str]]] = {}
    by_h: dict[str, list[tuple[int, int, str]]] = {}
    for e, (i, j) in enumerate(zip(p.rows.tolist(), cols, strict=True)):
        vid, hid = str(p.volunteers.id[i]), str(p.households.id[j])
        by_v.setdefault(vid, []).append((int(p.cost[e]), j, hid))
        by_h.setdefault(hid, []).append((int(p.cost[e]), i, vid))
    for item in explain(result):
        mine = sorted(by_v[item.volunteer_id])
        at = [hid for _, _, hid in mine].index(item.household_id)
        assert item.volunteer_rank == at + 1
        others = [(hid, cost) for cost, _, hid in mine if hid != item.household_id]
        assert item.volunteer_alternatives == tuple(others[:3])
        theirs = sorted(by_h[item.household_id])
        assert item.household_rank == [vid for _, _, vid in theirs].index(item.volunteer_id) + 1
        others = [(vid, cost) for cost, _, vid in theirs if vid != item.volunteer_id]
        assert item.household_alternatives == tuple(others[:3])


@given(
    st.lists(
        st.lists(st.tuples(st.integers(-3, 3), st.integers(0, 5)), max_size=8),
        min_size=1,
        max_size=6,
    ),
    st.data(),
)
def test_ranks_and_alternatives_match_a_sort_of_each_owners_edges(
    segments: list[list[tuple[int, int]]], data: st.DataObject
) -> None:
    from kinfolk.engine.explain import _ranks_and_alternatives

    ptr = np.cumsum([0, *map(len, segments)]).astype(np.int64)
    edges = [edge for segment in segments for edge in segment]
    cost = np.array([c for c, _ in edges], dtype=np.int64)
    other = np.array([o for _, o in edges], dtype=np.int64)
    # Each owner's partner is one of its edges, or none (-1).
    partners = [data.draw(st.sampled_from([None, *segment])) for segment in segments]
    partner = np.array([-1 if edge is None else edge[1] for edge in partners], dtype=np.int64)
    partner_cost = np.array([0 if edge is None else edge[0] for edge in partners], dtype=np.int64)
    rank, alt, alt_cost = _ranks_and_alternatives(ptr, other, cost, partner, partner_cost, 3)
    for owner, segment in enumerate(segments):
        mine = partners[owner]
        others = sorted(set(segment) - {mine})
        expected_rank = 1 + sum(edge < mine for edge in segment) if mine else 0
        assert rank[owner] == expected_rank
        got = [(int(c), int(o)) for c, o in zip(alt_cost[owner], alt[owner], strict=True) if o >= 0]
        assert got == others[:3]
