"""The candidate pass: rings of growing discs, bands of travel limit, and the lists' merge."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinfolk.engine import candidates as cand
from kinfolk.engine import cells
from kinfolk.engine.synth import generate

from . import TODAY


def _read(lat0: float, lon0: float, inner: float, outer: float, grid: cells.Cells) -> list[int]:
    """Positions (in cell order) of the people a ring reads, with repeats."""
    out = np.empty((2, 2), dtype=np.int64)
    count = cells._ring(lat0, lon0, inner, outer, grid.step, grid.n_lon, grid.keys, out)
    while count < 0:
        out = np.empty((out.shape[0] * 2, 2), dtype=np.int64)
        count = cells._ring(lat0, lon0, inner, outer, grid.step, grid.n_lon, grid.keys, out)
    return [at for start, end in out[:count] for at in range(start, end)]


@settings(max_examples=150, deadline=None)
@given(
    lat0=st.floats(-89.9, 89.9),
    lon0=st.floats(-180.0, 180.0),
    first_km=st.floats(0.05, 50.0),
    growth=st.lists(st.floats(1.01, 4.0), min_size=1, max_size=5),
    seed=st.integers(0, 2**31),
)
def test_rings_of_growing_radii_read_each_person_of_the_widest_disc_once(
    lat0: float, lon0: float, first_km: float, growth: list[float], seed: int
) -> None:
    rng = np.random.default_rng(seed)
    # People near the centre, whatever the poles and the antimeridian do to the cells.
    spread = first_km * float(np.prod(growth)) * 1.5 / 111.0
    lat = np.clip(lat0 + rng.uniform(-spread, spread, 2000), -90.0, 90.0)
    lon = (lon0 + rng.uniform(-3 * spread, 3 * spread, 2000) + 540.0) % 360.0 - 180.0
    xyz = cand.unit_vectors(lat, lon)
    side = (xyz, lat, lon) + (None,) * 11 + (np.ones(lat.size, bool),)
    grid = cells.Cells.build(side)
    radii = [first_km * float(np.prod(growth[:t])) for t in range(len(growth) + 1)]
    read = []
    for inner, outer in zip([0.0, *radii[:-1]], radii, strict=True):
        read += _read(lat0, lon0, inner, outer, grid)
    whole = _read(lat0, lon0, 0.0, radii[-1], grid)
    assert len(read) == len(set(read)), "a person was read twice"
    assert sorted(read) == sorted(whole)


@pytest.mark.parametrize("bands", [1, 3, 8])
@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.sampled_from([1, 4, 16]))
def test_lists_hold_the_k_nearest_when_travel_limits_are_all_different(
    bands: int, seed: int, k: int
) -> None:
    # More distinct limits than bands: the bands split at quantiles, not at each limit.
    cand._BANDS, kept = bands, cand._BANDS
    programme = generate(200, 200, seed=seed, today=TODAY)
    rng = np.random.default_rng(seed)
    v_pop, h_pop = programme.volunteers, programme.households
    v_pop.max_travel_km[:] = rng.uniform(0.5, 40.0, len(v_pop)).astype(np.float32)
    h_pop.max_travel_km[:] = rng.uniform(0.5, 12.0, len(h_pop)).astype(np.float32)
    languages = cand.shared_languages(v_pop, h_pop)
    v, h = cand.traits(v_pop, languages), cand.traits(h_pop, languages)
    try:
        graph = cand.build(v, h, k=k)
    finally:
        cand._BANDS = kept
    rows, cols = graph.rows(), graph.indices
    for i in range(graph.n_volunteers):
        expected = _nearest(v, h, i, k)
        row = set(cols[rows == i].tolist())
        assert set(expected) <= row
    for j in range(graph.n_households):
        expected = _nearest(h, v, j, k)
        listed = set(rows[cols == j].tolist())
        assert set(expected) <= listed


def _nearest(a: cand.Traits, b: cand.Traits, i: int, k: int) -> list[int]:
    """Person ``i``'s k nearest compatible, by brute force (ties left out: either may win)."""
    others = np.arange(b.xyz.shape[0])
    chord = np.linalg.norm(b.xyz - a.xyz[i], axis=1)
    ok = cand.compatible_stage(a, b, np.full(others.size, i), others, chord) == cand.PAIRED
    order = np.argsort(chord[ok], kind="stable")
    picked, chords = others[ok][order], chord[ok][order]
    if picked.size > k:
        keep = chords < chords[k - 1]
        return picked[keep].tolist()
    return picked.tolist()


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**31), k=st.integers(1, 6), n=st.integers(1, 12))
def test_merged_rows_hold_each_listed_pair_once_by_chord_then_household(
    seed: int, k: int, n: int
) -> None:
    rng = np.random.default_rng(seed)
    m = int(rng.integers(1, 12))
    # Chords from a few values, so that ties are common; a pair's chord is fixed.
    chord_of = rng.integers(0, 4, (n, m)).astype(np.float64) / 4
    cost_of = rng.integers(0, 1000, (n, m))
    own = _lists(rng, chord_of, cost_of, k)
    their = _lists(rng, chord_of.T, cost_of.T, k)
    indptr, cols, chords, cost = cells.lists_csr(n, *own, *their)
    pairs = {(v, int(h)) for v in range(n) for h in own[0][v, : own[3][v]]}
    pairs |= {(int(v), h) for h in range(m) for v in their[0][h, : their[3][h]]}
    expected = sorted(pairs, key=lambda p: (p[0], chord_of[p], p[1]))
    got = [(v, int(cols[t])) for v in range(n) for t in range(indptr[v], indptr[v + 1])]
    assert got == expected
    rows = np.repeat(np.arange(n), np.diff(indptr))
    assert np.array_equal(chords, chord_of[rows, cols])
    assert np.array_equal(cost, cost_of[rows, cols])


def _lists(
    rng: np.random.Generator, chord_of: np.ndarray, cost_of: np.ndarray, k: int
) -> tuple[np.ndarray, ...]:
    """Random lists as :func:`cells.nearest` leaves them: rows sorted by (chord, other)."""
    n, m = chord_of.shape
    who = np.full((n, k), -1, dtype=np.int64)
    chords = np.zeros((n, k))
    cost = np.zeros((n, k), dtype=np.int64)
    count = np.zeros(n, dtype=np.int64)
    for a in range(n):
        picked = rng.permutation(m)[: int(rng.integers(0, min(k, m) + 1))]
        picked = picked[np.lexsort((picked, chord_of[a, picked]))]
        count[a] = picked.size
        who[a, : picked.size] = picked
        chords[a, : picked.size] = chord_of[a, picked]
        cost[a, : picked.size] = cost_of[a, picked]
    return who, chords, cost, count
