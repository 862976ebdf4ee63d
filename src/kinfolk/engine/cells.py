"""Spatial cells and the compiled scans over them: nearest candidates, pricing, blocking pairs.

People of one side are sorted into cells of a latitude/longitude grid, so
that everyone within ``r`` km of a point is found by one binary search per
grid row that the disc crosses.  Three scans run on these cells, each one
compiled pass that streams its findings into preallocated arrays:

* :func:`nearest` — each person's ``k`` nearest compatible people on the
  other side, distance ties broken by a hash of the pair (so that a crowd at
  one point does not all list the same few), and why a person has none;
* :func:`violations` — compatible pairs outside the graph that would improve
  the optimum, judged by the solver's dual prices (the final check of
  :func:`kinfolk.engine.assign.match` against all compatible pairs);
* :func:`blocking` — compatible pairs outside the graph that block a stable
  matching.

A side is passed to the kernels as the tuple :data:`Side` returned by
:func:`side`; the cost of a pair is computed here too, identically to
:func:`kinfolk.engine.costs.edge_costs`, so the scans and the solver agree
to the unit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numba
import numpy as np
import numpy.typing as npt

from kinfolk.engine import candidates as cand
from kinfolk.engine import costs as cm
from kinfolk.engine.compiled import jit, jit_parallel
from kinfolk.engine.solvers import group_by, offer

#: Side tuple: xyz, lat, lon, reach chord, reach km, places, talk, conv, learn reach,
#: availability, offers, accepts, travel mode, months waited, free.
Side = tuple[Any, ...]
_KM_PER_DEGREE = math.radians(1.0) * cand.EARTH_RADIUS_KM
_EITHER = 2
_INF = np.inf
_PROGRESS = np.array([5, 0, 1, 2, 3, 0, 4, 0], dtype=np.int8)  # by REASONS code
_BY_PROGRESS = np.array(
    [cand.NO_DISTANCE, cand.NO_LANGUAGE, cand.NO_SLOT, cand.NO_CONDITION, cand.EXCLUDED,
     cand.PAIRED], dtype=np.int8,
)  # fmt: skip


def side(t: cand.Traits, months: npt.NDArray[np.float64], free: npt.NDArray[np.bool_]) -> Side:
    """Pack one side's traits as the kernels take them."""
    lat = np.degrees(np.arcsin(np.clip(t.xyz[:, 2], -1.0, 1.0)))
    lon = np.degrees(np.arctan2(t.xyz[:, 1], t.xyz[:, 0]))
    return (
        np.ascontiguousarray(t.xyz), lat, lon, t.reach_chord,
        t.max_travel_km.astype(np.float64) * (1 + 1e-9) + 1e-9,
        t.visit_places.astype(np.int8), t.talk, t.speaks_conv, t.learn_reach,
        t.availability, t.offers, t.accepts, t.travel_mode.astype(np.int8),
        months.astype(np.float64), free.astype(np.bool_),
    )  # fmt: skip


@dataclass(frozen=True)
class Cells:
    """One side sorted into grid cells: ``members[start:end]`` of a key range are neighbours."""

    step: float
    n_lon: int
    keys: npt.NDArray[np.int64]
    members: npt.NDArray[np.int64]

    @classmethod
    def build(cls, s: Side, step_km: float = 1.0, *, free_only: bool = False) -> Cells:
        """Cells of about ``step_km`` (north–south) for the people of side ``s``.

        With ``free_only`` the cells hold only the side's free people: a re-pairing run
        whose active pairs are locked then never reads the locked, who are most people.
        """
        step = step_km / _KM_PER_DEGREE
        n_lon = int(360.0 / step) + 2
        who = np.flatnonzero(s[14]) if free_only else np.arange(s[1].size)
        keys = _keys(s[1][who], s[2][who], step, n_lon)
        order = np.argsort(keys, kind="stable")
        return cls(step, n_lon, keys[order], who[order].astype(np.int64))

    def grid(self) -> tuple[float, int, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        return self.step, self.n_lon, self.keys, self.members


def _keys(lat: Any, lon: Any, step: float, n_lon: int) -> npt.NDArray[np.int64]:
    row = np.floor((np.asarray(lat) + 90.0) / step).astype(np.int64)
    col = np.floor((np.asarray(lon) + 180.0) / step).astype(np.int64)
    return np.asarray(row * n_lon + col, dtype=np.int64)


def weights_tuple(w: cm.Weights) -> tuple[float, float, float, float, float]:
    """The cost weights in the order the kernels take them."""
    return (w.distance, w.language_exchange, w.language_variant, w.common_slots, w.waiting)


def variant_arrays(
    variants: tuple[tuple[int, int, int], ...],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Close language variants as three arrays (j, k, distance), for the kernels."""
    if not variants:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    table = np.array(variants, dtype=np.int64)
    return table[:, 0].copy(), table[:, 1].copy(), table[:, 2].copy()


# --- compiled helpers ------------------------------------------------------------------------


@jit
def _popcount(x: int) -> int:
    x = x - ((x >> 1) & 0x55555555)
    x = (x & 0x33333333) + ((x >> 2) & 0x33333333)
    x = (x + (x >> 4)) & 0x0F0F0F0F
    return ((x * 0x01010101) & 0xFFFFFFFF) >> 24


@jit
def _mix(v: int, h: int, salt: int) -> np.uint64:
    """A well-spread 64-bit hash of a pair (splitmix64), for fair tie-breaking."""
    z = np.uint64(v) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(h) + np.uint64(salt)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@jit
def stage(v: int, h: int, chord: float, V: Side, H: Side) -> int:
    """The first hard constraint pair (v, h) breaks, or PAIRED (0); see candidates.py."""
    if chord > V[3][v] or chord > H[3][h]:
        return 1  # NO_DISTANCE
    if (V[6][v] & H[7][h]) == 0:
        return 2  # NO_LANGUAGE
    if (V[9][v] & H[9][h]) == 0:
        return 3  # NO_SLOT
    if (V[10][v] & ~H[11][h]) != 0 or (H[10][h] & ~V[11][v]) != 0:
        return 4  # NO_CONDITION
    pv, ph = V[5][v], H[5][h]
    if pv != ph and pv != _EITHER and ph != _EITHER:
        return 4
    return 0


@jit
def pair_km(chord: float) -> np.float32:
    """Great-circle kilometres of a chord, rounded to float32 as the graph stores them."""
    return np.float32(2.0 * 6371.0088 * math.asin(min(chord / 2.0, 1.0)))


@jit
def edge_cost(
    v: int, h: int, km: np.float32, V: Side, H: Side, w: Any, vj: Any, vk: Any, vd: Any,
    effort: Any,
) -> int:  # fmt: skip
    """Integer cost of pair (v, h), exactly as :func:`costs.edge_costs` computes it."""
    # The fields are read here and passed on as scalars: a call that takes the two
    # side tuples themselves copies them (15 arrays each) when it is not inlined.
    return _price(
        km, V[7][v], V[8][v], V[9][v], V[12][v], V[13][v], H[7][h], H[8][h], H[9][h],
        H[12][h], H[13][h], w, vj, vk, vd, effort,
    )  # fmt: skip


@jit
def _price(
    km: np.float32, v_conv: Any, v_learn: Any, v_slots: Any, v_mode: int, v_months: float,
    h_conv: Any, h_learn: Any, h_slots: Any, h_mode: int, h_months: float, w: Any, vj: Any,
    vk: Any, vd: Any, effort: Any,
) -> int:  # fmt: skip
    gap = 0
    if (v_conv & h_conv) == 0:
        best = 127
        for t in range(vj.size):
            if (v_conv >> np.uint64(vj[t])) & (h_conv >> np.uint64(vk[t])) & np.uint64(1):
                best = min(best, vd[t])
        gap = 0 if best == 127 else best
    km_equivalent = _km_equivalent(
        np.float64(km), v_conv, v_learn, v_slots, v_mode, v_months, h_conv, h_learn, h_slots,
        h_mode, h_months, w, effort, gap,
    )  # fmt: skip
    return int(np.rint(km_equivalent * 1000.0))


@jit
def _km_equivalent(
    km: float, v_conv: Any, v_learn: Any, v_slots: Any, v_mode: int, v_months: float,
    h_conv: Any, h_learn: Any, h_slots: Any, h_mode: int, h_months: float, w: Any,
    effort: Any, gap: int,
) -> float:  # fmt: skip
    """A pair's cost in km-equivalents before rounding, given its language-variant gap."""
    exchange = 0
    if (v_learn & h_conv) != 0:
        exchange += 1
    if (h_learn & v_conv) != 0:
        exchange += 1
    slots = min(_popcount(int(v_slots & h_slots)), 4)
    travel = (effort[v_mode] + effort[h_mode]) / 2
    months = v_months + h_months
    return float(
        w[0] * km * travel
        + w[1] * (2 - exchange)
        + w[2] * gap
        + w[3] * (4 - slots)
        + w[4] * (36.0 - months)
    )


@jit
def _row_ranges(
    lat0: float, lon0: float, radius_km: float, step: float, n_lon: int
) -> tuple[int, int, float, float, bool]:
    """Grid rows a disc crosses, and its longitude half-width in degrees (or the whole row)."""
    dlat = radius_km / 111.19508372419142 + 1e-7
    row_lo = int(math.floor((max(lat0 - dlat, -90.0) + 90.0) / step))
    row_hi = int(math.floor((min(lat0 + dlat, 90.0) + 90.0) / step))
    polar = min(abs(lat0) + dlat, 90.0)
    angle = math.radians(dlat)
    cos_polar = math.cos(math.radians(polar))
    whole = polar >= 89.9 or math.sin(angle) >= cos_polar
    dlon = 180.0 if whole else math.degrees(math.asin(math.sin(angle) / cos_polar)) + 1e-7
    return row_lo, row_hi, lon0, dlon, whole or dlon >= 180.0


@jit
def _segments(lon0: float, dlon: float, whole: bool) -> tuple[float, float, float, float]:
    """Up to two longitude segments [a, b], [c, d] covering lon0 ± dlon (empty: a > b)."""
    if whole:
        return -180.0, 180.0, 1.0, 0.0
    lo, hi = lon0 - dlon, lon0 + dlon
    if lo < -180.0:
        return -180.0, hi, lo + 360.0, 180.0
    if hi > 180.0:
        return lo, 180.0, -180.0, hi - 360.0
    return lo, hi, 1.0, 0.0


@jit
def _disc(
    lat0: float, lon0: float, radius_km: float, step: float, n_lon: int, keys: Any, out: Any
) -> int:
    """Fill ``out`` with (start, end) member ranges of cells crossing a disc; return how many."""
    row_lo, row_hi, lon0, dlon, whole = _row_ranges(lat0, lon0, radius_km, step, n_lon)
    a, b, c, d = _segments(lon0, dlon, whole)
    count = end = 0
    for row in range(row_lo, row_hi + 1):
        for lo, hi in ((a, b), (c, d)):
            if lo > hi:
                continue
            first = row * n_lon + int(math.floor((lo + 180.0) / step))
            last = row * n_lon + int(math.floor((hi + 180.0) / step))
            count, end = _add_range(keys, first, last, end, out, count)
            if count < 0:
                return -1
    return count


@jit
def _add_range(keys: Any, first: int, last: int, end: int, out: Any, count: int) -> tuple[int, int]:
    """Add to ``out`` the range of ``keys`` from key ``first`` to ``last``, if not empty.

    Returns the new count (-1 when ``out`` is full) and the range's end.  Ranges mostly
    come in key order, so the search goes on from the last range's ``end``.
    """
    after = end if end > 0 and keys[end - 1] < first else 0
    start = _gallop(keys, after, first, False)
    end = _gallop(keys, start, last, True)
    if end > start:
        if count == out.shape[0]:
            return -1, end
        out[count, 0] = start
        out[count, 1] = end
        count += 1
    return count, end


@jit
def _gallop(keys: Any, lo: int, key: int, right: bool) -> int:
    """``np.searchsorted(keys, key, side)`` for a ``key`` known not below ``keys[lo - 1]``.

    Steps of doubling length from ``lo`` find the bracket, then a binary search within
    it: the next range of a disc is a few cells on, so this reads a handful of keys
    where a search of the whole array would miss the cache on most of its 17 steps.
    """
    n = keys.size
    stride, hi = 1, lo
    while hi < n and (keys[hi] <= key if right else keys[hi] < key):
        lo = hi + 1
        hi = lo + stride
        stride *= 2
    hi = min(hi, n)
    while lo < hi:
        mid = (lo + hi) >> 1
        if keys[mid] <= key if right else keys[mid] < key:
            lo = mid + 1
        else:
            hi = mid
    return lo


@jit
def _excluded(excluded: Any, key: int) -> bool:
    if excluded.size == 0:
        return False
    at = np.searchsorted(excluded, key)
    return bool(at < excluded.size and excluded[at] == key)


@jit
def _chord(A: Side, a: int, B: Side, b: int) -> float:
    dx = A[0][a, 0] - B[0][b, 0]
    dy = A[0][a, 1] - B[0][b, 1]
    dz = A[0][a, 2] - B[0][b, 2]
    return math.sqrt(dx * dx + dy * dy + dz * dz)


@jit
def _ranges(A: Side, a: int, radius: float, grid: Any, buffer: Any) -> Any:
    step, n_lon, keys, _ = grid
    count = _disc(A[1][a], A[2][a], radius, step, n_lon, keys, buffer)
    while count < 0:
        buffer = np.empty((buffer.shape[0] * 2, 2), dtype=np.int64)
        count = _disc(A[1][a], A[2][a], radius, step, n_lon, keys, buffer)
    return buffer[:count]


# --- the k nearest compatible ----------------------------------------------------------------


@jit
def _greater(c1: float, h1: Any, c2: float, h2: Any) -> bool:
    return c1 > c2 or (c1 == c2 and h1 > h2)


@jit
def _heap_push(
    chords: Any, hashes: Any, who: Any, size: int, k: int, c: float, hsh: Any, b: int
) -> int:
    """Keep the k smallest (chord, hash) in a max-heap; return the new size."""
    if size < k:
        at = size
        while at > 0:
            parent = (at - 1) // 2
            if not _greater(c, hsh, chords[parent], hashes[parent]):
                break
            chords[at], hashes[at], who[at] = chords[parent], hashes[parent], who[parent]
            at = parent
        chords[at], hashes[at], who[at] = c, hsh, b
        return size + 1
    if not _greater(chords[0], hashes[0], c, hsh):
        return size
    at = 0  # the new item replaces the largest, then sinks
    while True:
        big, bc, bh = at, c, hsh
        for child in (2 * at + 1, 2 * at + 2):
            if child < k and _greater(chords[child], hashes[child], bc, bh):
                big, bc, bh = child, chords[child], hashes[child]
        if big == at:
            break
        chords[at], hashes[at], who[at] = chords[big], hashes[big], who[big]
        at = big
    chords[at], hashes[at], who[at] = c, hsh, b
    return size


@jit
def _column(lon: float, step: float) -> int:
    return int(math.floor((lon + 180.0) / step))


@jit
def _ring(
    lat0: float, lon0: float, inner_km: float, outer_km: float, step: float, n_lon: int,
    keys: Any, out: Any,
) -> int:  # fmt: skip
    """Fill ``out`` with the ranges of ``keys`` in cells of the outer disc's rectangle of
    cells but not of the inner disc's (none for ``inner_km`` 0); return how many, or -1
    when ``out`` is too short.

    A disc's rectangle of cells grows with its radius, so the rings of growing radii
    read each person once.
    """
    o_lo, o_hi, _, o_dlon, o_whole = _row_ranges(lat0, lon0, outer_km, step, n_lon)
    a, b, c, d = _segments(lon0, o_dlon, o_whole)
    i_lo, i_hi = 1, 0
    x1 = y1 = x2 = y2 = 0
    if inner_km > 0.0:
        i_lo, i_hi, _, i_dlon, i_whole = _row_ranges(lat0, lon0, inner_km, step, n_lon)
        e, f, g, h = _segments(lon0, i_dlon, i_whole)
        # The inner columns of a row, as up to two cut-outs in ascending order.
        x1, y1 = (_column(e, step), _column(f, step)) if e <= f else (1, 0)
        x2, y2 = (_column(g, step), _column(h, step)) if g <= h else (1, 0)
        if x2 <= y2 and (x1 > y1 or x2 < x1):
            x1, y1, x2, y2 = x2, y2, x1, y1
    count = end = 0
    for row in range(o_lo, o_hi + 1):
        inside = i_lo <= row <= i_hi
        base = row * n_lon
        for lo, hi in ((a, b), (c, d)):
            if lo > hi:
                continue
            first, last = _column(lo, step), _column(hi, step)
            for piece in range(3):
                p, q = first, last
                if inside:
                    p, q, first = _piece(piece, first, last, x1, y1, x2, y2)
                elif piece > 0:
                    break
                if p > q:
                    continue
                count, end = _add_range(keys, base + p, base + q, end, out, count)
                if count < 0:
                    return -1
    return count


@jit
def _piece(
    piece: int, first: int, last: int, x1: int, y1: int, x2: int, y2: int
) -> tuple[int, int, int]:
    """The ``piece``-th part of columns [first, last] outside the cut-outs [x1, y1], [x2, y2].

    ``first`` is where the previous part left off; returns ``(p, q, first)`` with the
    part [p, q] (empty when p > q) and where the next part starts.
    """
    if piece == 0:
        x, y = x1, y1
    elif piece == 1:
        x, y = x2, y2
    else:
        return first, last, last + 1
    if x > y:
        return 1, 0, first
    return first, min(x - 1, last), max(first, y + 1)


@jit
def _nearest_one(
    a: int, k: int, A: Side, B: Side, grid: Any, excluded: Any, a_is_volunteer: bool, m: int,
    salt: int, start_km: float, chords: Any, who: Any, hashes: Any, buffer: Any,
) -> tuple[int, int, Any]:  # fmt: skip
    """Fill the heap ``(chords, hashes, who)`` with a's k nearest; return (size, progress,
    buffer).

    ``who`` receives positions in B's order.  B comes in bands of travel limit (see
    :func:`by_reach`), and each band is read only out to its own limit: beyond it its
    people could not be paired.  Each wider disc reads only the ring of cells the
    narrower one did not, and every person read is tried, inside the disc or not: the
    search stops once the heap is full of people within the disc, whose every person
    has then been read, so the heap holds what one scan of the final disc would give.
    Once the heap is full, a pair further than its largest chord is dropped before any
    other test.
    """
    step, n_lon, keys, members, band_start, band_km = grid
    n_bands = band_km.size
    if n_bands == 0:
        return 0, 0, buffer
    reach = min(A[4][a], band_km[n_bands - 1])
    radius = min(start_km, reach)
    size, progress, inner = 0, 0, 0.0
    while True:
        for band in range(n_bands):
            outer_b, inner_b = min(radius, band_km[band]), min(inner, band_km[band])
            if outer_b <= inner_b:
                continue
            lo, hi = band_start[band], band_start[band + 1]
            band_keys = keys[lo:hi]
            count = _ring(A[1][a], A[2][a], inner_b, outer_b, step, n_lon, band_keys, buffer)
            while count < 0:
                buffer = np.empty((buffer.shape[0] * 2, 2), dtype=np.int64)
                count = _ring(A[1][a], A[2][a], inner_b, outer_b, step, n_lon, band_keys,
                              buffer)  # fmt: skip
            for r in range(count):
                for at in range(lo + buffer[r, 0], lo + buffer[r, 1]):
                    if not B[14][at]:
                        continue
                    c = _chord(A, a, B, at)
                    if size == k and c > chords[0]:
                        continue
                    s = stage(a, at, c, A, B)
                    b = members[at]
                    v, h = (a, b) if a_is_volunteer else (b, a)
                    if s == 0 and _excluded(excluded, v * m + h):
                        s = 6
                    progress = max(progress, _PROGRESS[s])
                    if s == 0:
                        size = _heap_push(chords, hashes, who, size, k, c, _mix(v, h, salt), at)
        limit = 2.0 * math.sin(min(radius / 6371.0088, math.pi) / 2.0) * (1 + 1e-9) + 1e-9
        if (size == k and chords[0] <= limit) or radius >= reach:
            return size, progress, buffer
        inner = radius
        radius = min(radius * 2.0, reach)


@jit_parallel
def nearest(
    k: int, A: Side, B: Side, grid: Any, excluded: Any, a_is_volunteer: bool, m: int, salt: int,
    start_km: float, a_order: Any, w: Any, vj: Any, vk: Any, vd: Any, effort: Any,
) -> tuple[Any, Any, Any, Any, Any]:  # fmt: skip
    """Each free person of side A: its ``k`` nearest compatible free people of side B.

    Returns ``(who, chord, cost, count, reason)``: shapes (nA, k) for the first three,
    (nA,) for the others; row ``a`` holds its ``count[a]`` people in no particular order,
    with the cost of each pair (:func:`edge_cost`).  Ties in distance go by a hash of the
    pair, so they are broken fairly.  A person with no candidate gets the furthest stage
    any pair within reach got to.

    Side B comes in bands of travel limit, each in its cell order, with ``grid`` the
    :data:`BandGrid` of :func:`by_reach` (position ``at`` is person ``grid[3][at]``; the
    cells may hold only B's free people), and A's people are taken in ``a_order`` (their own
    cell order; people it leaves out get no list), as in :func:`violations`:
    neighbours then sit together in memory, which is what makes pricing each pair here,
    while its people are in cache, cheaper than a second pass over the graph.
    """
    n_a = A[0].shape[0]
    who = np.full((n_a, k), -1, dtype=np.int64)
    chords = np.zeros((n_a, k), dtype=np.float64)
    cost = np.zeros((n_a, k), dtype=np.int64)
    count = np.zeros(n_a, dtype=np.int64)
    reason = np.full(n_a, 7, dtype=np.int8)  # LOCKED
    members = grid[3]
    for turn in numba.prange(a_order.size):
        a = a_order[turn]
        if not A[14][a]:
            continue
        buffer = np.empty((64, 2), dtype=np.int64)
        hashes = np.zeros(k, dtype=np.uint64)
        size, progress, buffer = _nearest_one(
            a, k, A, B, grid, excluded, a_is_volunteer, m, salt, start_km, chords[a], who[a],
            hashes, buffer,
        )  # fmt: skip
        for t in range(size):
            at = who[a, t]
            km = pair_km(chords[a, t])
            if a_is_volunteer:
                cost[a, t] = edge_cost(a, at, km, A, B, w, vj, vk, vd, effort)
            else:
                cost[a, t] = edge_cost(at, a, km, B, A, w, vj, vk, vd, effort)
            who[a, t] = members[at]
        _insertion_sort(who[a], chords[a], cost[a], 0, size)  # lists_csr merges sorted runs
        count[a] = size
        reason[a] = _BY_PROGRESS[progress]
    return who, chords, cost, count, reason


# --- the final checks ------------------------------------------------------------------------


@jit
def _listed(indices: Any, start: int, end: int, b: int) -> bool:
    """Whether the slice ``indices[start:end]`` holds ``b``, in any order.

    The scans ask this of the graph's own rows, which are ordered by distance and short,
    and only for pairs that block or improve: a linear pass there is cheaper than keeping
    a column-sorted copy of the graph (and its transpose) between rounds.
    """
    t = start
    while t < end and indices[t] != b:
        t += 1
    return t < end


@jit
def row_positions(indptr: Any, indices: Any, owners: Any, others: Any) -> Any:
    """Where each pair ``(owners[t], others[t])`` sits in a CSR, or -1 (rows in any order)."""
    out = np.full(owners.size, -1, dtype=np.int64)
    for t in range(owners.size):
        start, end = indptr[owners[t]], indptr[owners[t] + 1]
        at = start
        while at < end and indices[at] != others[t]:
            at += 1
        if at < end:
            out[t] = at
    return out


@jit_parallel
def violations(
    A: Side, B: Side, grid: Any, indptr: Any, indices: Any, excluded: Any, a_is_volunteer: bool,
    m: int, dual_a: Any, dual_b: Any, big: int, w: Any, vj: Any, vk: Any, vd: Any, effort: Any,
    limit: int, bound: Any, scan: Any, slack: float,
) -> tuple[Any, Any, Any]:  # fmt: skip
    """Compatible pairs outside the graph whose reduced cost is below ``slack`` (usually 0).

    Side B, ``dual_b`` and ``g`` come in B's cell order (position ``at`` is person
    ``members[at]``), and only A's people in ``scan`` are scanned, in that order (their
    own cell order): a neighbourhood's people then sit together in memory and stay in
    cache while its people scan it, instead of each pair costing a few cache misses.

    The graph's pairs of each volunteer ``v`` are ``indices[indptr[v]:indptr[v+1]]`` (in
    any order).  With the solver's duals (``dual_a + dual_b + cost >= big`` on every
    graph pair), a pair breaking that inequality could improve the optimum; since every
    graph pair meets it, the graph is only asked about the rare pairs that break it.
    Returns ``(a, b, chord)`` of at most ``limit`` such pairs per person, the most
    negative first.

    ``bound`` = (cell keys, cell starts, each person's cell, g, effort floor): a pair's
    cost is at least ``1000 * (distance * km * effort + waiting * (36 - months_a -
    months_b))`` plus the exchange and slot terms each side forces on its own (see
    :func:`pruning_bound`, which folds b's into ``g_b``), so a person whose ``g`` plus
    the distance term of their cell reaches the scanning person's budget makes no
    violation; each cell's people come by increasing ``g``, so the cell's rest is
    skipped unread.
    """
    n_s = scan.size
    out_b = np.full((n_s, limit), -1, dtype=np.int64)
    out_c = np.zeros((n_s, limit), dtype=np.float64)
    out_rc = np.zeros((n_s, limit), dtype=np.float64)
    found = np.zeros(n_s, dtype=np.int64)
    cell_keys, cell_start, cell_of, g, effort_floor = bound
    step, n_lon, _, members = grid
    margin = 2.0 + 1e-12 * big + slack
    for turn in numba.prange(n_s):
        a = scan[turn]
        if not A[14][a]:
            continue
        buffer = np.empty((64, 2), dtype=np.int64)
        hashes = np.zeros(limit, dtype=np.uint64)
        size = 0
        budget = float(big - dual_a[a]) - 1000.0 * w[4] * (36.0 - A[13][a]) + margin
        if A[8][a] == 0:  # learns nothing: the exchange direction towards it is lost
            budget -= 1000.0 * w[1]
        slope = 1000.0 * w[0] * (effort[A[12][a]] + effort_floor) / 2.0  # per km
        ranges = _ranges(A, a, A[4][a], grid, buffer)
        cap = float(big - dual_a[a]) + margin
        for r in range(ranges.shape[0]):
            # A range lies in one row of cells: its north-south gap is the same for all.
            row = cell_keys[cell_of[ranges[r, 0]]] // n_lon
            dlat, shrink = _row_gap(A[1][a], row, step)
            for cell in range(cell_of[ranges[r, 0]], cell_of[ranges[r, 1] - 1] + 1):
                col = cell_keys[cell] - row * n_lon
                near = slope * _gap_km(A[2][a], col, step, dlat, shrink)
                for at in range(cell_start[cell], cell_start[cell + 1]):
                    if g[at] + near >= budget:
                        break  # and so would everyone after it: the cell comes by g
                    if not B[14][at]:
                        continue
                    c = _chord(A, a, B, at)
                    if g[at] + slope * c * 6371.0088 >= budget:
                        continue
                    if stage(a, at, c, A, B) != 0:
                        continue
                    # The pair's own least cost (no arcsine, no variant search) rules out
                    # most of the compatible pairs priced here before the exact cost.
                    if a_is_volunteer:
                        least = _least_cost(c, a, at, A, B, w, effort)
                    else:
                        least = _least_cost(c, at, a, B, A, w, effort)
                    if dual_b[at] + least >= cap:
                        continue
                    km = pair_km(c)
                    if a_is_volunteer:
                        cost = edge_cost(a, at, km, A, B, w, vj, vk, vd, effort)
                    else:
                        cost = edge_cost(at, a, km, B, A, w, vj, vk, vd, effort)
                    reduced = dual_a[a] + dual_b[at] + cost - big
                    if reduced >= slack:
                        continue
                    b = members[at]
                    v, h = (a, b) if a_is_volunteer else (b, a)
                    if _listed(indices, indptr[v], indptr[v + 1], h):
                        continue
                    if _excluded(excluded, v * m + h):
                        continue
                    # Keep the most negative: a max-heap on the reduced cost.
                    size = _heap_push(out_rc[turn], hashes, out_b[turn], size, limit,
                                      float(reduced), np.uint64(b), at)  # fmt: skip
        found[turn] = size
        for t in range(size):
            at = out_b[turn, t]
            out_c[turn, t] = _chord(A, a, B, at)
            out_b[turn, t] = members[at]
    return _gathered(scan, found, out_b, out_c)


@jit
def _row_gap(lat: float, row: int, step: float) -> tuple[float, float]:
    """From latitude ``lat`` to grid row ``row``: the north-south gap in degrees, and the
    cosine that shrinks an east-west gap in degrees (taken at the row's or the point's
    latitude nearer a pole, so that it never overstates)."""
    south = row * step - 90.0
    north = south + step
    dlat = max(south - lat, lat - north, 0.0)
    polar = min(max(abs(lat), abs(south), abs(north)), 90.0)
    return dlat, math.cos(math.radians(polar))


@jit
def _gap_km(lon: float, col: int, step: float, dlat: float, shrink: float) -> float:
    """A lower bound of the km from a point to any point of the cell in column ``col`` of
    a row that :func:`_row_gap` measured."""
    west = col * step - 180.0
    east = west + step
    dlon = max(west - lon, lon - east, 0.0)
    dlon = min(dlon, 360.0 - dlon) if dlon > 0.0 else 0.0
    return 0.999 * 111.19508372419142 * max(dlat, dlon * shrink)


@jit
def _least_cost(c: float, v: int, h: int, V: Side, H: Side, w: Any, effort: Any) -> float:
    """A lower bound of :func:`edge_cost` for the pair (v, h) at chord ``c``, in cost units.

    The chord's km (never more than the arc's) and no language-variant gap: the rest of
    the cost is exact, before rounding (which :func:`violations`' margin covers).
    """
    return 1000.0 * _km_equivalent(
        c * 6371.0088, V[7][v], V[8][v], V[9][v], V[12][v], V[13][v], H[7][h], H[8][h],
        H[9][h], H[12][h], H[13][h], w, effort, 0,
    )  # fmt: skip


@jit
def _blocks(v: int, h: int, c: float, V: Side, H: Side, mates: Any, n_people: int) -> bool:
    """Whether ``v`` and ``h``, a compatible pair, both prefer each other to their partners.

    ``mates`` is ``(v_mate_km, v_mate_common, v_mate_rank, h_mate_key, v_rank, h_rank)``,
    as :func:`blocking` takes them.  The scans test :func:`stage` themselves first:
    most pairs they meet fail it, and called with them this test cost ten times the
    whole scan (measured at 110k: 6.4 s against 0.8 s of CPU).
    """
    v_mate_km, v_mate_common, v_mate_rank, h_mate_key, v_rank, h_rank = mates
    km = pair_km(c)
    if km > v_mate_km[v]:
        return False
    common = _popcount(int(V[9][v] & H[9][h]))
    if km == v_mate_km[v] and (
        common < v_mate_common[v] or (common == v_mate_common[v] and h_rank[h] >= v_mate_rank[v])
    ):
        return False
    return _household_key(v, h, common, V, H, v_rank[v], n_people) < h_mate_key[h]  # type: ignore[no-any-return]


@jit
def _household_key(v: int, h: int, common: int, V: Side, H: Side, rank: int, n_people: int) -> int:
    """How household ``h`` ranks volunteer ``v`` (of id rank ``rank``): see ``stable_keys``."""
    exchange = 0
    if (V[8][v] & H[7][h]) != 0:
        exchange += 1
    if (H[8][h] & V[7][v]) != 0:
        exchange += 1
    return ((2 - exchange) * 32 + (21 - common)) * n_people + rank


@jit
def _gathered(people: Any, found: Any, out_other: Any, out_c: Any) -> tuple[Any, Any, Any]:
    """The rows kept per scanned person as flat arrays: ``(person, other side, chord)``.

    Row ``t`` of the buffers belongs to ``people[t]``.
    """
    n = found.shape[0]
    owner = np.repeat(people, found).astype(np.int64)
    other = np.empty(owner.size, dtype=np.int64)
    chord = np.empty(owner.size, dtype=np.float64)
    at = 0
    for p in range(n):
        for t in range(found[p]):
            other[at] = out_other[p, t]
            chord[at] = out_c[p, t]
            at += 1
    return owner, other, chord


@jit_parallel
def blocking(
    V: Side, H: Side, grid: Any, indptr: Any, indices: Any, excluded: Any, m: int,
    v_mate_km: Any, v_mate_common: Any, v_mate_rank: Any, h_mate_key: Any, v_rank: Any,
    h_rank: Any, limit: int, v_list: Any,
) -> tuple[Any, Any, Any]:  # fmt: skip
    """Compatible pairs outside the graph that block the current stable matching, from ``v_list``.

    A volunteer prefers nearer households (then more common slots, then id), a
    household prefers more language exchange (then more common slots, then id),
    with the keys of :func:`kinfolk.engine.assign.stable_matching`.  A volunteer's
    partner is given by its distance (float32, inf when unpaired), common slots and
    id rank; a household's by its key (the largest int64 when unpaired).  Only
    households no further than a volunteer's partner are scanned.  Returns
    ``(v, h, chord)``, at most ``limit`` per volunteer, nearest first.

    As in :func:`violations`, side H, ``h_mate_key`` and ``h_rank`` come in H's cell
    order, for locality, and ``v_list`` holds the volunteers to scan in V's cell order:
    the buffers are sized by it, not by everyone (a later round scans a few hundred).
    The graph's pairs of
    each volunteer ``v`` are ``indices[indptr[v]:indptr[v + 1]]`` (the graph's own CSR,
    in any order).
    """
    n_people = V[0].shape[0]
    n = v_list.size
    out_h = np.full((n, limit), -1, dtype=np.int64)
    out_c = np.zeros((n, limit), dtype=np.float64)
    found = np.zeros(n, dtype=np.int64)
    members = grid[3]
    mates = (v_mate_km, v_mate_common, v_mate_rank, h_mate_key, v_rank, h_rank)
    # No household accepts a pair beyond its own limit: volunteers who travel further
    # than any household would need not scan the difference (often most of their disc).
    h_reach = 0.0
    for at in range(H[4].size):
        h_reach = max(h_reach, H[4][at])
    for turn in numba.prange(n):
        v = v_list[turn]
        if not V[14][v]:
            continue
        buffer = np.empty((64, 2), dtype=np.int64)
        hashes = np.zeros(limit, dtype=np.uint64)
        size = 0
        radius = min(V[4][v], h_reach, np.float64(v_mate_km[v]) * (1 + 1e-6) + 1e-6)
        ranges = _ranges(V, v, radius, grid, buffer)
        for r in range(ranges.shape[0]):
            for at in range(ranges[r, 0], ranges[r, 1]):
                if not H[14][at]:
                    continue
                c = _chord(V, v, H, at)
                if stage(v, at, c, V, H) != 0 or not _blocks(v, at, c, V, H, mates, n_people):
                    continue
                h = members[at]
                if _listed(indices, indptr[v], indptr[v + 1], h) or _excluded(excluded, v * m + h):
                    continue
                size = _heap_push(out_c[turn], hashes, out_h[turn], size, limit, c, np.uint64(h), h)
        found[turn] = size
    return _gathered(v_list, found, out_h, out_c)


@jit_parallel
def blocking_by_households(
    H: Side, V: Side, grid: Any, indptr: Any, indices: Any, excluded: Any, m: int,
    v_mate_km: Any, v_mate_common: Any, v_mate_rank: Any, h_mate_key: Any, v_rank: Any,
    h_rank: Any, limit: int, h_list: Any,
) -> tuple[Any, Any, Any]:  # fmt: skip
    """:func:`blocking`, scanned from the households of ``h_list`` (in their cell order).

    For the households whose partner got worse: only their new blocking pairs need
    looking for, and a volunteer-side scan would have to visit every volunteer in
    reach of them.  Side V and ``v_mate_*``, ``v_rank`` come in V's cell order, ``grid``
    is V's; ``indptr``/``indices`` are the graph's volunteer rows, as for
    :func:`blocking`.  Returns ``(v, h, chord)``, at most ``limit`` per household,
    nearest first.
    """
    n_h = h_list.size
    n_people = V[0].shape[0]
    out_v = np.full((n_h, limit), -1, dtype=np.int64)
    out_c = np.zeros((n_h, limit), dtype=np.float64)
    found = np.zeros(n_h, dtype=np.int64)
    members = grid[3]
    mates = (v_mate_km, v_mate_common, v_mate_rank, h_mate_key, v_rank, h_rank)
    for turn in numba.prange(n_h):
        h = h_list[turn]
        if not H[14][h]:
            continue
        buffer = np.empty((64, 2), dtype=np.int64)
        hashes = np.zeros(limit, dtype=np.uint64)
        size = 0
        ranges = _ranges(H, h, H[4][h], grid, buffer)
        for r in range(ranges.shape[0]):
            for at in range(ranges[r, 0], ranges[r, 1]):
                if not V[14][at]:
                    continue
                c = _chord(V, at, H, h)
                if stage(at, h, c, V, H) != 0 or not _blocks(at, h, c, V, H, mates, n_people):
                    continue
                v = members[at]
                if _listed(indices, indptr[v], indptr[v + 1], h) or _excluded(excluded, v * m + h):
                    continue
                size = _heap_push(out_c[turn], hashes, out_v[turn], size, limit, c, np.uint64(v), v)
        found[turn] = size
    cols, rows, chord = _gathered(h_list, found, out_v, out_c)
    return rows, cols, chord


# --- stable mode: deferred acceptance whose lists grow on demand -------------------------------


@jit_parallel
def stable_extending(
    V: Side, H: Side, grid: Any, indptr: Any, indices: Any, row_km: Any, row_vkey: Any,
    row_hkey: Any, excluded: Any, m: int, v_rank: Any, h_rank: Any, complete: Any,
    start_km: float, ahead: int, v_order: Any, threads: int,
) -> Any:  # fmt: skip
    """The volunteer-optimal stable matching over *all* compatible pairs, in one run.

    Deferred acceptance with volunteers proposing, each down the merge of two lists
    ordered by its key (:func:`kinfolk.engine.assign.stable_keys`): its graph row
    ``indices[indptr[v]:indptr[v + 1]]`` (sorted by ``row_vkey``, with ``row_km`` and
    the households' keys ``row_hkey``) and the compatible households found by scanning
    the cells around it.  ``complete[v]`` is the distance up to which the row and the
    scans hold every compatible household (-1: none known; updated in place); a row
    entry beyond it is not proposed to before a scan reaches it (up to the row entry
    ``ahead`` places on), and an exhausted list scans twice as far, until the
    volunteer's reach.  So each volunteer proposes in exactly its order over all
    compatible households, and since a proposer only ever moves down its own order,
    extending the lists as it goes is the same run as on the complete lists: the
    result is stable over all pairs.

    The run goes in waves (:func:`_proposals`): the free volunteers propose until each
    is held, has nobody left, or must scan; then the scans of that wave run at once on
    all threads, and the volunteers who scanned go on in the next wave.  Deferred
    acceptance ends at the same matching in whatever order the volunteers propose, and
    the scans, three quarters of the run's time, need not wait for each other.

    Side H and ``h_rank`` come in the order of ``grid``, a :data:`BandGrid` of H
    (:func:`by_reach`); ``v_order`` is every volunteer in their cells' order, which
    each wave's scans follow, dealt to ``threads`` threads (:func:`dealt`).  Returns the
    household of each volunteer, or -1.
    """
    n = V[0].shape[0]
    members = grid[3]
    # Households are known by their place in the grid's order throughout, so that the
    # scans read the offers they hold from memory near their other fields.
    place = np.empty(m, dtype=np.int64)
    place[members] = np.arange(m)
    row_h = place[indices]
    held = np.zeros(m, dtype=np.int64)
    owner = np.full(m, -1, dtype=np.int64)
    mate = np.full(n, -1, dtype=np.int64)
    row_at = indptr[:-1].copy()
    pool = np.empty((3, 1024), dtype=np.int64)  # household, its key for v, v's key for it
    used = 0
    b_at = np.zeros(n, dtype=np.int64)
    b_end = np.zeros(n, dtype=np.int64)
    h_reach = 0.0  # no household accepts a pair beyond its own limit
    for at in range(H[4].size):
        h_reach = max(h_reach, H[4][at])
    wanted = np.zeros(n, dtype=np.float64)  # how far a volunteer's next scan reaches
    position = np.empty(n, dtype=np.int64)
    position[v_order] = np.arange(n)
    queue = v_order[V[14][v_order]]
    while queue.size:
        state = (indptr, row_km, row_vkey, row_hkey, row_h, complete, row_at, b_at, b_end)
        queue = _proposals(queue, state, pool, held, owner, mate, V[4], h_reach, start_km,
                           ahead, wanted)  # fmt: skip
        # In cell order for the cache, dealt to the threads (see dealt).
        queue = _deal(queue[np.argsort(position[queue])], DEAL_BLOCK, threads)
        counts = np.zeros(queue.size, dtype=np.int64)
        found = np.empty((queue.size, 3, _WAVE_ROOM), dtype=np.int64)
        for t in numba.prange(queue.size):
            v = queue[t]
            more = _households_between(
                V, H, grid, v, complete[v], wanted[v], min(V[4][v], h_reach), indptr, row_h,
                excluded, m, h_rank, v_rank[v], held, owner,
            )  # fmt: skip
            counts[t] = more.shape[1]
            if more.shape[1] <= _WAVE_ROOM:
                found[t, :, : more.shape[1]] = more
        for t in range(queue.size):
            v = queue[t]
            if counts[t] <= _WAVE_ROOM:
                more = found[t, :, : counts[t]]
            else:  # rare: scanned again alone, at no risk of running out of room
                more = _households_between(
                    V, H, grid, v, complete[v], wanted[v], min(V[4][v], h_reach), indptr,
                    row_h, excluded, m, h_rank, v_rank[v], held, owner,
                )  # fmt: skip
            pool = _room(pool, used + more.shape[1])
            pool[:, used : used + more.shape[1]] = more
            b_at[v], b_end[v] = used, used + more.shape[1]
            used += more.shape[1]
            complete[v] = wanted[v]
    for v in range(n):
        if mate[v] >= 0:
            mate[v] = members[mate[v]]
    return mate


#: Households a wave's scan keeps per volunteer in its shared buffer; more are found again.
_WAVE_ROOM = 32


@jit
def _proposals(
    queue: Any, state: Any, pool: Any, held: Any, owner: Any, mate: Any, v_reach: Any,
    h_reach: float, start_km: float, ahead: int, wanted: Any,
) -> Any:  # fmt: skip
    """One wave of :func:`stable_extending`: the volunteers of ``queue`` propose in turn.

    Each goes down its list (and anyone it displaces down theirs) until it is held, has
    proposed to every compatible household, or must scan further first.  Returns those
    who must scan, with how far in ``wanted``.
    """
    indptr, row_km, row_vkey, row_hkey, row_h, complete, row_at, b_at, b_end = state
    stalled = np.empty(queue.size, dtype=np.int64)
    count = 0
    for first in queue:
        proposer = first
        while proposer >= 0:
            v, target, key = proposer, -1, 0
            r, b, end = row_at[v], b_at[v], indptr[v + 1]
            if b < b_end[v] and (r >= end or pool[1, b] < row_vkey[r]):
                target, key, b_at[v] = pool[0, b], pool[2, b], b + 1
            elif r < end and row_km[r] <= complete[v]:
                target, key, row_at[v] = row_h[r], row_hkey[r], r + 1
            elif complete[v] < _INF:  # a scan first
                if r < end:
                    hi = float(row_km[min(r + ahead, end - 1)])
                else:
                    hi = max(2.0 * complete[v], start_km)
                if hi >= min(v_reach[v], h_reach):
                    hi = _INF
                wanted[v] = hi
                stalled[count] = v
                count += 1
            if target < 0:
                break  # held nowhere: every household tried, or waiting for its scan
            proposer = offer(held, owner, mate, target, key, v)
    return stalled[:count]


@jit
def _room(pool: Any, size: int) -> Any:
    """``pool`` with room for ``size`` columns (doubled when short)."""
    if size <= pool.shape[1]:
        return pool
    grown = np.empty((pool.shape[0], max(size, 2 * pool.shape[1])), dtype=pool.dtype)
    grown[:, : pool.shape[1]] = pool
    return grown


@jit
def _households_between(
    V: Side, H: Side, grid: Any, v: int, lo: float, hi: float, reach: float, indptr: Any,
    indices: Any, excluded: Any, m: int, h_rank: Any, rank: int, held: Any, owner: Any,
) -> Any:  # fmt: skip
    """Compatible free households of ``v`` at ``lo < km <= hi``, outside its graph row.

    Households are known by their place in ``grid``'s order (``indices``, the graph's
    rows, too).  Returns a (3, found) array of (household, its key for v, v's key for
    it) sorted by v's key, the keys of :func:`kinfolk.engine.assign.stable_keys`.  A
    household that already holds an offer it prefers to ``v``'s (``held``/``owner``, as
    deferred acceptance keeps them) is left out: the offer it holds only ever gets
    better, so it would refuse ``v`` whenever ``v`` came to it.  ``grid`` is a
    :data:`BandGrid`: each band of households is scanned over a disc no wider than its
    own travel limit, which is as far as any of them accepts a pair.  Each disc is a
    little wider than ``hi`` (or the limits): the float32 km of a pair may round down
    into it.
    """
    step, n_lon, keys, members, band_start, band_km = grid
    buffer = np.empty((64, 2), dtype=np.int64)
    out = np.empty((3, 16), dtype=np.int64)
    bits = np.empty(1, dtype=np.float32)  # the km's float32 bits, as stable_keys packs them
    n_people = V[0].shape[0]
    # The fields the loop reads of every household, as locals: the side tuples
    # themselves are copied whole into a call that is not inlined.
    h_xyz, h_chord, h_free = H[0], H[3], H[14]
    vx, vy, vz, v_chord = V[0][v, 0], V[0][v, 1], V[0][v, 2], V[3][v]
    # Chords well inside lo: their km rounds to lo or less, so asin need not say so.
    inner = 2.0 * math.sin(max(lo, 0.0) / (2.0 * 6371.0088)) * (1 - 1e-6)
    count = 0
    for band in range(band_km.size):
        first, last = band_start[band], band_start[band + 1]
        radius = min(hi, reach, band_km[band]) * (1 + 1e-6) + 1e-6
        if first == last or radius * (1 + 1e-6) < lo:
            continue  # nobody in this band can be paired beyond lo
        band_keys = keys[first:last]
        found = _disc(V[1][v], V[2][v], radius, step, n_lon, band_keys, buffer)
        while found < 0:
            buffer = np.empty((buffer.shape[0] * 2, 2), dtype=np.int64)
            found = _disc(V[1][v], V[2][v], radius, step, n_lon, band_keys, buffer)
        for r in range(found):
            for at in range(first + buffer[r, 0], first + buffer[r, 1]):
                if not h_free[at]:
                    continue
                # The three squares summed in _chord's order: the same chord to the bit.
                dx, dy, dz = vx - h_xyz[at, 0], vy - h_xyz[at, 1], vz - h_xyz[at, 2]
                c = math.sqrt(dx * dx + dy * dy + dz * dz)
                if c < inner or c > v_chord or c > h_chord[at]:
                    continue
                km = pair_km(c)
                if km <= lo or km > hi or stage(v, at, c, V, H) != 0:
                    continue
                common = _popcount(int(V[9][v] & H[9][at]))
                h_key = _household_key(v, at, common, V, H, rank, n_people)
                if owner[at] >= 0 and h_key >= held[at]:
                    continue  # refused now, and so whenever v would propose
                if _listed(indices, indptr[v], indptr[v + 1], at) or _excluded(
                    excluded, v * m + members[at]
                ):
                    continue
                out = _room(out, count + 1)
                bits[0] = km
                out[0, count] = at
                out[1, count] = (np.int64(bits.view(np.int32)[0]) << 32) | ((21 - common) << 27)
                out[1, count] |= h_rank[at]
                out[2, count] = h_key
                count += 1
    order = np.argsort(out[1, :count])
    return out[:, order]


@jit
def kilometres(chords: Any) -> Any:
    """Great-circle km of each chord, as float32 (one rounding shared by every caller)."""
    out = np.empty(chords.size, dtype=np.float32)
    for t in range(chords.size):
        out[t] = pair_km(chords[t])
    return out


@jit
def graph_costs(
    rows: Any, cols: Any, km: Any, V: Side, H: Side, w: Any, vj: Any, vk: Any, vd: Any,
    effort: Any,
) -> Any:  # fmt: skip
    """Integer cost of each edge (see :func:`edge_cost`)."""
    out = np.empty(rows.size, dtype=np.int64)
    for t in range(rows.size):
        out[t] = edge_cost(rows[t], cols[t], km[t], V, H, w, vj, vk, vd, effort)
    return out


#: People per block that :func:`dealt` deals to the threads.
DEAL_BLOCK = 256


def dealt(order: npt.NDArray[np.int64], block: int = DEAL_BLOCK) -> npt.NDArray[np.int64]:
    """People in ``order`` (their cells' order) rearranged for a parallel scan over them.

    numba splits a ``prange`` into one equal run of turns per thread, so a thread whose
    run covers the cities scans far more than one covering the countryside (110k: the
    first pricing scan kept two cores busy for 1.1 s of CPU over 0.77 s).  Dealing blocks
    of ``block`` consecutive people to the threads in turn gives each thread's run every
    so many blocks, a fair mix of dense and sparse places, while neighbours stay together
    within a block for the cache (the same scan: 0.54 s).  A scan's results do not depend
    on the order of its people.
    """
    return _deal(order, block, numba.get_num_threads())  # type: ignore[no-any-return]


@jit
def _deal(order: Any, block: int, threads: int) -> Any:
    """:func:`dealt` for ``threads`` threads, callable from the kernels too."""
    n_blocks = (order.size + block - 1) // block
    if threads <= 1 or n_blocks <= threads:
        return order
    out = np.empty_like(order)
    at = 0
    for t in range(threads):
        for b in range(t, n_blocks, threads):
            first, last = b * block, min((b + 1) * block, order.size)
            out[at : at + last - first] = order[first:last]
            at += last - first
    return out


def in_cell_order(s: Side, c: Cells) -> Side:
    """Side ``s`` with its people in the order of its cells (see :func:`violations`)."""
    return tuple(np.ascontiguousarray(field[c.members]) for field in s)


#: A grid split by travel limit: (step, n_lon, keys, members, band_start, band_km).
BandGrid = tuple[
    float, int, npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64],
    npt.NDArray[np.float64],
]  # fmt: skip
MAX_BANDS = 8


def by_reach(s: Side, c: Cells, max_bands: int = MAX_BANDS) -> tuple[Side, BandGrid]:
    """Side ``s`` sorted into bands of travel limit, each band in the order of its cells.

    Band ``b`` holds ``members[band_start[b]:band_start[b + 1]]``, sorted by their cell
    ``keys``, and nobody in it travels further than ``band_km[b]`` (the side's padded
    limit, field 4): a scan around a point needs each band only out to its own limit, so
    the people of short limits are not visited where they could not be paired.  Up to
    ``max_bands`` bands, split at distinct limits so that they hold about as many people.
    """
    reach = np.asarray(s[4], dtype=np.float64)
    step, n_lon = c.step, c.n_lon
    key_of = np.empty(reach.size, dtype=np.int64)
    key_of[c.members] = c.keys
    limits = np.unique(reach)
    if limits.size > max_bands:
        # Band tops at the limits that split the people into about equal shares.
        cuts = np.quantile(reach, np.arange(1, max_bands) / max_bands, method="higher")
        limits = np.unique(np.concatenate([cuts, limits[-1:]]))
    band = np.searchsorted(limits, reach, side="left")
    members = np.lexsort((key_of, band)).astype(np.int64)
    band_start = np.zeros(limits.size + 1, dtype=np.int64)
    np.cumsum(np.bincount(band, minlength=limits.size), out=band_start[1:])
    grid = (step, n_lon, key_of[members], members, band_start, limits.astype(np.float64))
    return tuple(np.ascontiguousarray(field[members]) for field in s), grid


def pruning_bound(
    cells_b: Cells, dual_b: npt.NDArray[Any], months_b: npt.NDArray[np.float64],
    w: cm.Weights, traits_b: cand.Traits, only: npt.NDArray[np.bool_] | None = None,
) -> tuple[tuple[Any, ...], Cells]:  # fmt: skip
    """``g_b`` for :func:`violations` to skip people unread, and side b's cells sorted by it.

    ``g_b`` holds every part of a pair's least cost that depends on ``b`` alone: its
    waiting, the exchange direction it cannot give when it learns no language, and the
    slots it cannot share when it has fewer than ``SLOT_CAP``.  People that ``only``
    leaves out (when given) get an infinite ``g_b``: no scan prices them.  Each cell's
    people come in increasing ``g_b``, so that a scan stops reading a cell at the first
    person whose ``g_b`` and the cell's distance already rule out a violation: the rest
    of the cell is ruled out too (110k programme: 43% of the people the first scan
    read).  Returns ``(bound, cells)``: bound = (cell keys, cell starts, each person's
    cell, ``g_b`` in cell order, effort floor), and the cells, whose order
    :func:`violations` reads side b in.
    """
    slots = np.bitwise_count(traits_b.availability).astype(np.float64)
    g = (
        dual_b.astype(np.float64)
        - 1000.0 * w.waiting * months_b
        + 1000.0 * w.language_exchange * (traits_b.learn_reach == 0)
        + 1000.0 * w.common_slots * (cm.SLOT_CAP - np.minimum(slots, cm.SLOT_CAP))
    )
    if only is not None:
        g[~only] = np.inf
    keys = cells_b.keys
    floor = float(cm.TRAVEL_EFFORT.min())
    members = cells_b.members[np.lexsort((g[cells_b.members], keys))]
    unique, start, sizes = np.unique(keys, return_index=True, return_counts=True)
    starts = np.append(start, keys.size).astype(np.int64)
    cell_of = np.repeat(np.arange(unique.size, dtype=np.int64), sizes)
    bound = (unique, starts, cell_of, np.ascontiguousarray(g[members]), floor)
    return bound, replace(cells_b, members=members)


@jit_parallel
def lists_csr(
    n: int, own_who: Any, own_chord: Any, own_cost: Any, own_count: Any, their_who: Any,
    their_chord: Any, their_cost: Any, their_count: Any,
) -> tuple[Any, Any, Any, Any]:  # fmt: skip
    """Volunteer rows (CSR) from both sides' lists of :func:`nearest`, each pair once.

    ``own_*`` are the volunteers' lists (rows by volunteer, each sorted by (chord,
    household) as :func:`nearest` leaves them), ``their_*`` the households' (rows by
    household, naming volunteers).  Each row comes out ordered by (chord, column), as
    the rest of the engine expects.  Returns ``(indptr, indices, chord, cost)``.

    One counting pass places every listed pair in its row after the volunteer's own
    sorted list; each row then sorts only the households' part (about k/2 pairs) and
    merges the two runs, rows in parallel.  No edge list of the whole graph is built,
    sorted or copied through numpy first.
    """
    counts = np.zeros(n + 1, dtype=np.int64)
    for v in range(n):
        counts[v + 1] = own_count[v]
    for hh in range(their_count.size):
        for t in range(their_count[hh]):
            counts[their_who[hh, t] + 1] += 1
    start = np.cumsum(counts)
    fill = start[:-1].copy()
    cols = np.empty(start[n], dtype=np.int64)
    chords = np.empty(start[n], dtype=np.float64)
    cost = np.empty(start[n], dtype=np.int64)
    for v in range(n):
        for t in range(own_count[v]):
            at = fill[v]
            cols[at], chords[at], cost[at] = own_who[v, t], own_chord[v, t], own_cost[v, t]
            fill[v] = at + 1
    for hh in range(their_count.size):
        for t in range(their_count[hh]):
            v = their_who[hh, t]
            at = fill[v]
            cols[at], chords[at], cost[at] = hh, their_chord[hh, t], their_cost[hh, t]
            fill[v] = at + 1
    kept = np.zeros(n + 1, dtype=np.int64)
    for v in numba.prange(n):
        lo, mid, hi = start[v], start[v] + own_count[v], start[v + 1]
        _insertion_sort(cols, chords, cost, mid, hi)
        kept[v + 1] = _merge_runs(cols, chords, cost, lo, mid, hi)
    indptr = np.cumsum(kept)
    out_cols = np.empty(indptr[n], dtype=np.int32)
    out_chords = np.empty(indptr[n], dtype=np.float64)
    out_cost = np.empty(indptr[n], dtype=np.int64)
    for v in numba.prange(n):
        lo, at = start[v], indptr[v]
        for t in range(indptr[v + 1] - at):
            out_cols[at + t] = cols[lo + t]
            out_chords[at + t] = chords[lo + t]
            out_cost[at + t] = cost[lo + t]
    return indptr, out_cols, out_chords, out_cost


@jit
def _insertion_sort(cols: Any, chords: Any, cost: Any, lo: int, hi: int) -> None:
    """Sort ``[lo, hi)`` of the three arrays by (chord, column): rows are short."""
    for t in range(lo + 1, hi):
        c, b, p = chords[t], cols[t], cost[t]
        u = t - 1
        while u >= lo and (chords[u] > c or (chords[u] == c and cols[u] > b)):
            chords[u + 1], cols[u + 1], cost[u + 1] = chords[u], cols[u], cost[u]
            u -= 1
        chords[u + 1], cols[u + 1], cost[u + 1] = c, b, p


@jit
def _merge_runs(cols: Any, chords: Any, cost: Any, lo: int, mid: int, hi: int) -> int:
    """Merge the sorted runs ``[lo, mid)`` and ``[mid, hi)`` in place, a repeated pair once.

    A pair both sides listed appears once in each run, with the same chord and cost.
    Returns how many pairs the merged run ``[lo, lo + count)`` holds.
    """
    a_cols, a_chords, a_cost = cols[lo:mid].copy(), chords[lo:mid].copy(), cost[lo:mid].copy()
    i, j, out, n_a = 0, mid, lo, mid - lo
    while i < n_a or j < hi:
        take_a = j == hi or (
            i < n_a
            and (a_chords[i] < chords[j] or (a_chords[i] == chords[j] and a_cols[i] <= cols[j]))
        )
        if take_a:
            if j < hi and a_chords[i] == chords[j] and a_cols[i] == cols[j]:
                j += 1  # listed by both sides
            cols[out], chords[out], cost[out] = a_cols[i], a_chords[i], a_cost[i]
            i += 1
        else:
            cols[out], chords[out], cost[out] = cols[j], chords[j], cost[j]
            j += 1
        out += 1
    return out - lo


def joined_rows(
    indptr: Any, cols: Any, km: Any, cost: Any, add_rows: Any, add_cols: Any, add_km: Any,
    add_cost: Any,
) -> tuple[Any, Any, Any, Any, Any, Any, Any]:  # fmt: skip
    """A graph's rows with edges added, each row ordered by km, then household.

    ``indptr``/``cols``/``km``/``cost`` are the graph (CSR) and ``add_*`` the new edges,
    in any order.  Returns (indptr, households as int32 and as int64, km, cost, volunteer
    of each edge, order): ``order[t]`` is the t-th edge's place among the old edges
    followed by the new ones (``cols.size + j`` for the j-th new edge).

    Each row is the stable sort of its old edges followed by its new ones, by (km,
    household).  Its old edges are in that order already (unless a caller built them
    otherwise: then the row is sorted), so the few new ones are sorted and merged in:
    O(E) for the whole graph, instead of a counting sort and a check of every row.
    """
    size = cols.size
    # The big arrays are numpy's: it asks the kernel for huge pages, and filling an array
    # numba allocated ran twice as long (110k programme, 3.9M edges: page faults).
    order = np.empty(size + add_rows.size, dtype=np.int64)
    added, add_ptr = group_by(add_rows, indptr.size - 1)
    out_ptr = _merged_order(indptr, cols, km, add_ptr, added, add_cols, add_km, order)
    wide = _taken(order, size, cols, add_cols, np.empty(order.size, dtype=np.int64))
    out_km = _taken(order, size, km, add_km, np.empty(order.size, dtype=np.float32))
    out_cost = _taken(order, size, cost, add_cost, np.empty(order.size, dtype=np.int64))
    out_rows = np.repeat(np.arange(indptr.size - 1, dtype=np.int64), np.diff(out_ptr))
    return out_ptr, wide.astype(np.int32), wide, out_km, out_cost, out_rows, order


@jit
def _merged_order(
    indptr: Any, cols: Any, km: Any, add_ptr: Any, added: Any, add_cols: Any, add_km: Any,
    order: Any,
) -> Any:  # fmt: skip
    """Fill ``order`` as :func:`joined_rows` returns it; return the new graph's indptr.

    Row ``r``'s new edges are ``added[add_ptr[r]:add_ptr[r + 1]]`` (sorted here, in place).
    """
    n, size = indptr.size - 1, cols.size
    out_ptr = indptr + add_ptr
    for r in range(n):
        a, b, c, d = indptr[r], indptr[r + 1], add_ptr[r], add_ptr[r + 1]
        if _row_in_order(km, cols, a, b):
            _sort_added(added, add_km, add_cols, c, d)
            _merge_row(km, cols, add_km, add_cols, added, a, b, c, d, order, out_ptr[r], size)
        else:
            _sort_row(km, cols, add_km, add_cols, added, a, b, c, d, order, out_ptr[r], size)
    return out_ptr


@jit
def _before(km_a: Any, col_a: Any, km_b: Any, col_b: Any) -> bool:
    """Whether edge a comes strictly before edge b in a row: by km, then household."""
    return bool(km_a < km_b or (km_a == km_b and col_a < col_b))


@jit
def _row_in_order(km: Any, cols: Any, a: int, b: int) -> bool:
    """Whether the edges ``[a, b)`` are strictly in (km, household) order."""
    t = a + 1
    while t < b and _before(km[t - 1], cols[t - 1], km[t], cols[t]):
        t += 1
    return t >= b


@jit
def _sort_added(added: Any, add_km: Any, add_cols: Any, c: int, d: int) -> None:
    """Sort the new edges ``added[c:d]`` of one row by (km, household), stably: they are few."""
    for t in range(c + 1, d):
        e = added[t]
        u = t - 1
        while u >= c and _before(add_km[e], add_cols[e], add_km[added[u]], add_cols[added[u]]):
            added[u + 1] = added[u]
            u -= 1
        added[u + 1] = e


@jit
def _merge_row(
    km: Any, cols: Any, add_km: Any, add_cols: Any, added: Any, a: int, b: int, c: int, d: int,
    order: Any, out: int, size: int,
) -> None:  # fmt: skip
    """Merge one row's old edges ``[a, b)`` with its sorted new ones ``added[c:d]``.

    On a tie the old edge comes first, as in a stable sort of the old followed by the new.
    """
    i, j = a, c
    while i < b or j < d:
        if j < d and (i == b or _before(add_km[added[j]], add_cols[added[j]], km[i], cols[i])):
            order[out] = size + added[j]
            j += 1
        else:
            order[out] = i
            i += 1
        out += 1


@jit
def _sort_row(
    km: Any, cols: Any, add_km: Any, add_cols: Any, added: Any, a: int, b: int, c: int, d: int,
    order: Any, out: int, size: int,
) -> None:  # fmt: skip
    """One row whose old edges are out of order: the stable sort of all its edges."""
    count = b - a + d - c
    keys = np.empty(count, dtype=np.float64)
    households = np.empty(count, dtype=np.int64)
    edges = np.empty(count, dtype=np.int64)
    for t in range(b - a):
        keys[t], households[t], edges[t] = km[a + t], cols[a + t], a + t
    for t in range(d - c):
        e = added[c + t]
        keys[b - a + t], households[b - a + t], edges[b - a + t] = add_km[e], add_cols[e], size + e
    by_col = np.argsort(households, kind="mergesort")
    by_key = by_col[np.argsort(keys[by_col], kind="mergesort")]
    order[out : out + count] = edges[by_key]


@jit
def _taken(order: Any, size: int, old: Any, new: Any, out: Any) -> Any:
    """``out[t]``: ``old[order[t]]``, or ``new[order[t] - size]`` past the old edges."""
    for t in range(order.size):
        e = order[t]
        if e < size:
            out[t] = old[e]
        else:
            out[t] = new[e - size]
    return out
