"""The spatial cells every scan reads: a disc's cells must hold everyone within it."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kinfolk.engine import candidates as cand
from kinfolk.engine import cells


def _people(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, ...]:
    """A side tuple with only what cells read: positions, and everyone free."""
    xyz = cand.unit_vectors(lat, lon)
    side = [xyz, lat, lon] + [None] * 11 + [np.ones(lat.size, bool)]
    return tuple(side)


@settings(max_examples=200, deadline=None)
@given(
    lat0=st.floats(-89.99, 89.99),
    lon0=st.floats(-180.0, 180.0),
    radius_km=st.one_of(st.floats(0.001, 5.0), st.floats(5.0, 500.0), st.floats(500.0, 9000.0)),
    seed=st.integers(0, 2**31),
)
def test_a_discs_cells_hold_everyone_within_its_radius(
    lat0: float, lon0: float, radius_km: float, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    # People crowd the disc's rim (where rounding could lose someone),
    # around its centre, and anywhere on the globe.
    reach = radius_km * np.concatenate(
        [rng.uniform(0.999, 1.001, 1000), rng.uniform(0, 1.5, 1000), np.full(1000, np.nan)]
    )
    bearing = rng.uniform(0, 2 * math.pi, reach.size)
    angle = reach / 6371.0088
    p0, l0 = math.radians(lat0), math.radians(lon0)
    lat = np.arcsin(np.sin(p0) * np.cos(angle) + np.cos(p0) * np.sin(angle) * np.cos(bearing))
    lon = l0 + np.arctan2(
        np.sin(bearing) * np.sin(angle) * math.cos(p0), np.cos(angle) - math.sin(p0) * np.sin(lat)
    )
    far = np.isnan(reach)
    lat[far] = np.arcsin(rng.uniform(-1, 1, far.sum()))
    lon[far] = rng.uniform(-math.pi, math.pi, far.sum())
    lat, lon = np.degrees(lat), (np.degrees(lon) + 540.0) % 360.0 - 180.0
    people = _people(lat, lon)
    grid = cells.Cells.build(people)
    centre = _people(np.array([lat0]), np.array([lon0]))
    ranges = cells._ranges(centre, 0, radius_km, grid.grid(), np.empty((4, 2), np.int64))
    inside = np.zeros(lat.size, bool)
    for start, end in ranges:
        inside[grid.members[start:end]] = True
    chord = np.linalg.norm(people[0] - centre[0][0], axis=1)
    missed = np.flatnonzero((chord <= _limit(radius_km)) & ~inside)
    assert missed.size == 0, f"{missed.size} people within the disc are outside its cells"


def _limit(km: float) -> float:
    """The chord up to which the scans count a person within ``km``, margin included."""
    return 2.0 * math.sin(min(km / 6371.0088, math.pi) / 2.0) * (1 + 1e-9) + 1e-9


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 7), st.integers(0, 3)), max_size=40),
    st.lists(st.booleans(), min_size=6, max_size=6),
    st.integers(0, 2**32 - 1),
)
def test_joined_rows_are_each_rows_old_then_new_edges_sorted_stably_by_km_then_household(
    edges: list[tuple[int, int, int]], sorted_rows: list[bool], seed: int
) -> None:
    # Few distinct km and households, so that ties (even repeated pairs) are common; some
    # old rows come out of order, as a caller may build them.
    rng = np.random.default_rng(seed)
    n = 6
    row = np.array([e[0] for e in edges], dtype=np.int64)
    col = np.array([e[1] for e in edges], dtype=np.int64)
    km = np.array([e[2] for e in edges], dtype=np.float32) / 2
    cost = rng.integers(0, 100, row.size)
    new = rng.random(row.size) < 0.3
    old = np.flatnonzero(~new)
    old = old[np.lexsort((rng.random(old.size), col[old], km[old], row[old]))]
    old = np.concatenate(  # each old row sorted, or shuffled when sorted_rows says so
        [
            o if sorted_rows[r] else rng.permutation(o)
            for r in range(n)
            for o in [old[row[old] == r]]
        ]
    ).astype(np.int64)
    indptr = np.searchsorted(row[old], np.arange(n + 1)).astype(np.int64)
    add = rng.permutation(np.flatnonzero(new))
    out = cells.joined_rows(
        indptr, col[old].astype(np.int32), km[old], cost[old], row[add], col[add], km[add],
        cost[add],
    )  # fmt: skip
    out_ptr, narrow, wide, out_km, out_cost, out_rows, order = out
    source = np.concatenate([old, add])  # the place of each edge among old then new
    expected = [
        t
        for r in range(n)
        for t in sorted(
            np.flatnonzero(row[source] == r), key=lambda t: (km[source[t]], col[source[t]])
        )
    ]
    assert order.tolist() == expected
    assert out_ptr.tolist() == np.searchsorted(row[source[order]], np.arange(n + 1)).tolist()
    assert out_rows.tolist() == row[source[order]].tolist()
    assert (
        narrow.dtype == np.int32 and narrow.tolist() == wide.tolist() == col[source[order]].tolist()
    )
    assert out_km.tolist() == km[source[order]].tolist()
    assert out_cost.tolist() == cost[source[order]].tolist()


@settings(max_examples=100, deadline=None)
@given(size=st.integers(0, 3000), block=st.integers(1, 300), threads=st.integers(1, 2))
def test_people_dealt_to_the_threads_are_everyone_once_in_blocks_of_neighbours_taken_in_turn(
    size: int, block: int, threads: int
) -> None:
    import numba

    threads = min(threads, numba.config.NUMBA_NUM_THREADS)  # a one-core machine has one
    order = np.random.default_rng(size).permutation(size).astype(np.int64)
    before = numba.get_num_threads()
    numba.set_num_threads(threads)
    try:
        out = cells.dealt(order, block)
    finally:
        numba.set_num_threads(before)
    assert sorted(out.tolist()) == sorted(order.tolist())
    blocks = [order[b : b + block] for b in range(0, size, block)]
    if threads == 1 or len(blocks) <= threads:
        assert np.array_equal(out, order)
        return
    # Thread t's equal share of a prange holds blocks t, t + threads, ... in order.
    expected = [blocks[b] for t in range(threads) for b in range(t, len(blocks), threads)]
    assert np.array_equal(out, np.concatenate(expected))
