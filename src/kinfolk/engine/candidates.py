"""k-nearest compatible candidates: which households each volunteer may be paired with.

The matching problem is sparse by nature: nobody travels across the
country for a visit.  This module turns two populations into a sparse
bipartite graph that holds, for each volunteer, its ``k`` nearest households
that meet every hard constraint.  Visits are reciprocal (the cadence plan of
:mod:`kinfolk.engine.schedule`): the two sides take turns to host, or meet at
public places when the household chose ``public``, so each side travels on
some visits and both sides' rules apply:

* distance within the volunteer's ``max_travel_km`` *and* the household's
  (the household travels to the volunteer's turn, or to a public place);
* a shared language at ``conversational`` or better, compared by base
  language (``en`` and ``en-GB`` match; see :func:`dictionary.language_distance`);
* at least one common weekly slot;
* every yes/no condition met both ways (``offers`` ⊆ the other's ``accepts``),
  and visit places that fit: ``home`` and ``public`` do not meet (one side
  hosts only at home, the other meets only in public); ``either`` fits both;
* not excluded.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import numpy.typing as npt

from kinfolk.engine import dictionary as dd
from kinfolk.engine.population import MAX_LANGUAGES, Population

EARTH_RADIUS_KM = 6371.0088
#: Why a person has no candidate, in the order the constraints are checked.
REASONS: tuple[str, ...] = (
    "paired",
    "no candidate within distance",
    "no shared language",
    "no common slot",
    "no condition met",
    "lost to a better pair",
    "excluded",
    "locked",
)
PAIRED, NO_DISTANCE, NO_LANGUAGE, NO_SLOT, NO_CONDITION, LOST, EXCLUDED, LOCKED = range(8)
_EITHER = dd.VISIT_PLACES.index("either")
_CHUNK = 32768

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Traits:
    """The matching-relevant fields of one side, on a language index shared by both sides.

    ``reach_chord`` is the chord length of the person's own ``max_travel_km``.
    ``talk`` has bit ``j`` set when the person can talk with a speaker of
    language ``j`` at ``conversational`` or better (their own languages and
    close variants of them); ``learn_reach`` likewise for ``learning``.
    ``variants`` lists the close pairs of different tags in the language index,
    as ``(j, k, langcodes distance)``.
    """

    xyz: npt.NDArray[np.float64]
    max_travel_km: npt.NDArray[np.float32]
    reach_chord: npt.NDArray[np.float64]
    visit_places: npt.NDArray[np.int8]
    travel_mode: npt.NDArray[np.int8]
    speaks_conv: npt.NDArray[np.uint64]
    speaks_any: npt.NDArray[np.uint64]
    talk: npt.NDArray[np.uint64]
    learning: npt.NDArray[np.uint64]
    learn_reach: npt.NDArray[np.uint64]
    availability: npt.NDArray[np.uint32]
    offers: npt.NDArray[np.uint32]
    accepts: npt.NDArray[np.uint32]
    variants: tuple[tuple[int, int, int], ...] = ()

    def take(self, index: npt.NDArray[np.intp]) -> Traits:
        """The traits of the people ``index``, in that order."""
        arrays = {
            f.name: getattr(self, f.name)[index] for f in fields(self) if f.name != "variants"
        }
        return Traits(**arrays, variants=self.variants)


@dataclass(frozen=True)
class CandidateGraph:
    """Sparse bipartite graph of compatible pairs, rows = volunteers (CSR).

    Attributes
    ----------
    indptr : ndarray of int64, shape (n_volunteers + 1,)
    indices : ndarray of int32, shape (n_edges,)
        Household index of each edge; within a row, nearest first.
    distance_km : ndarray of float32, shape (n_edges,)
        Great-circle distance of each edge.
    volunteer_reason, household_reason : ndarray of int8
        For a person with no edge, the first constraint that ruled out
        everyone near them (an index into :data:`REASONS`), else ``PAIRED``.
    """

    n_volunteers: int
    n_households: int
    indptr: npt.NDArray[np.int64]
    indices: npt.NDArray[np.int32]
    distance_km: npt.NDArray[np.float32]
    volunteer_reason: npt.NDArray[np.int8]
    household_reason: npt.NDArray[np.int8]

    @property
    def n_edges(self) -> int:
        return int(self.indices.shape[0])

    def rows(self) -> npt.NDArray[np.int32]:
        """Volunteer index of each edge, shape (n_edges,)."""
        counts = np.diff(self.indptr)
        return np.repeat(np.arange(self.n_volunteers, dtype=np.int32), counts)


def unit_vectors(lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Points on the unit sphere, shape (n, 3), from WGS84 degrees."""
    phi, lam = np.radians(lat), np.radians(lon)
    cos_phi = np.cos(phi)
    return np.column_stack((cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)))


def chord_to_km(chord: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Great-circle distance in km from the chord length between unit vectors."""
    return np.asarray(
        2.0 * EARTH_RADIUS_KM * np.arcsin(np.minimum(np.asarray(chord) / 2.0, 1.0)),
        dtype=np.float64,
    )


def km_to_chord(km: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Chord length between unit vectors for a great-circle distance in km."""
    angle = np.minimum(np.asarray(km, dtype=np.float64) / EARTH_RADIUS_KM, math.pi)
    return np.asarray(2.0 * np.sin(angle / 2.0), dtype=np.float64)


def shared_languages(volunteers: Population, households: Population) -> tuple[str, ...]:
    """The union of both sides' language indexes, volunteers' languages first."""
    languages = tuple(dict.fromkeys(volunteers.languages + households.languages))
    if len(languages) > MAX_LANGUAGES:
        raise ValueError(
            f"the two files use {len(languages)} languages; one run supports {MAX_LANGUAGES}"
        )
    return languages


def close_variants(languages: tuple[str, ...]) -> tuple[tuple[int, int, int], ...]:
    """Pairs ``(j, k, distance)`` of different tags in ``languages`` that count as shared."""
    out = []
    for j, a in enumerate(languages):
        for k, b in enumerate(languages):
            distance = dd.language_distance(a, b) if j != k else None
            if distance is not None:
                out.append((j, k, distance))
    return tuple(out)


def _widen(
    mask: npt.NDArray[np.uint64], variants: tuple[tuple[int, int, int], ...]
) -> npt.NDArray[np.uint64]:
    """``mask`` with the close variants of each language it holds added."""
    out = mask.copy()
    for j, k, _ in variants:
        has = (mask >> np.uint64(j)) & np.uint64(1)
        out |= has << np.uint64(k)
    return out


def traits(people: Population, languages: tuple[str, ...]) -> Traits:
    """Gather one side's matching fields, with language masks over ``languages``."""
    masks = people.language_masks(languages)
    variants = close_variants(languages)
    # A tiny margin so that a pair at exactly the limit is not lost to rounding.
    reach = km_to_chord(people.max_travel_km.astype(np.float64) * (1 + 1e-9) + 1e-9)
    return Traits(
        xyz=unit_vectors(people.lat, people.lon),
        max_travel_km=people.max_travel_km,
        reach_chord=reach,
        visit_places=people.visit_places,
        travel_mode=people.travel_mode,
        speaks_conv=masks["speaks_conv"],
        speaks_any=masks["speaks_any"],
        talk=_widen(masks["speaks_conv"], variants),
        learning=masks["learning"],
        learn_reach=_widen(masks["learning"], variants),
        availability=people.availability,
        offers=people.offers,
        accepts=people.accepts,
        variants=variants,
    )


def places_fit(
    v_places: npt.NDArray[np.int8], h_places: npt.NDArray[np.int8]
) -> npt.NDArray[np.bool_]:
    """Whether both sides' visit places allow the reciprocal visits (see the module notes)."""
    return np.asarray((v_places == h_places) | (v_places == _EITHER) | (h_places == _EITHER))


def compatible_stage(
    v: Traits,
    h: Traits,
    rows: npt.NDArray[np.intp],
    cols: npt.NDArray[np.intp],
    chord: npt.NDArray[np.floating],
) -> npt.NDArray[np.int8]:
    """For each pair, the first hard constraint it breaks, or ``PAIRED`` if none.

    Parameters
    ----------
    v, h : Traits
        Volunteers and households.
    rows, cols : ndarray of int
        Volunteer and household index of each pair; any broadcastable shapes,
        e.g. (c, 1) and (c, k) for c volunteers and k households each.
    chord : ndarray of float
        Chord length between the pair's unit vectors (see :func:`km_to_chord`),
        of the broadcast shape.

    Returns
    -------
    ndarray of int8
        ``PAIRED``, ``NO_DISTANCE``, ``NO_LANGUAGE``, ``NO_SLOT`` or ``NO_CONDITION``
        (which covers visit places too).

    Notes
    -----
    O(p) vectorised bit operations for p pairs.
    """
    near = (chord <= v.reach_chord[rows]) & (chord <= h.reach_chord[cols])
    talk = (v.talk[rows] & h.speaks_conv[cols]) != 0
    slot = (v.availability[rows] & h.availability[cols]) != 0
    cond = ((v.offers[rows] & ~h.accepts[cols]) | (h.offers[cols] & ~v.accepts[rows])) == 0
    cond &= places_fit(v.visit_places[rows], h.visit_places[cols])
    stage = np.where(cond, PAIRED, NO_CONDITION).astype(np.int8)
    stage[~slot] = NO_SLOT
    stage[~talk] = NO_LANGUAGE
    stage[~near] = NO_DISTANCE
    return stage


def morton_order(lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.intp]:
    """Order that visits points along a Z-order curve, so that neighbours sit together."""
    y = ((np.asarray(lat) + 90.0) * (65535 / 180.0)).astype(np.uint64)
    x = ((np.asarray(lon) + 180.0) * (65535 / 360.0)).astype(np.uint64)
    return np.argsort(_spread_bits(x) | (_spread_bits(y) << np.uint64(1)), kind="stable")


def _spread_bits(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    for shift, mask in ((8, 0x00FF00FF), (4, 0x0F0F0F0F), (2, 0x33333333), (1, 0x55555555)):
        x = (x | (x << np.uint64(shift))) & np.uint64(mask)
    return x


def build(
    v: Traits,
    h: Traits,
    *,
    k: int = 32,
    volunteer_free: npt.NDArray[np.bool_] | None = None,
    household_free: npt.NDArray[np.bool_] | None = None,
    excluded: npt.NDArray[np.int64] | None = None,
    progress: Progress | None = None,
) -> CandidateGraph:
    """Build the graph of each volunteer's ``k`` nearest compatible households.

    Parameters
    ----------
    v, h : Traits
        Volunteers (n) and households (m) on a shared language index.
    k : int
        Candidates kept per volunteer.
    volunteer_free, household_free : ndarray of bool, shape (n,) and (m,), optional
        People to consider (locked people are not free); default everyone.
    excluded : ndarray of int64, optional
        Sorted keys ``volunteer * m + household`` of pairs never to propose.
    progress : callable, optional
        ``progress("candidates", done, total)`` after each chunk of volunteers.

    Returns
    -------
    CandidateGraph

    Notes
    -----
    Points become 3-D unit vectors in a ``scipy.spatial.cKDTree`` of the free
    households, so Euclidean (chord) order is great-circle order.  Both
    sides are first put in Z-order so that a chunk of volunteers and the
    households it finds sit close in memory.  Each chunk asks for its ``2k``
    nearest households within its largest travel limit, filters them with
    vectorised bit tests and keeps the first ``k`` that pass; a volunteer
    that found fewer than ``k`` although every neighbour returned was within
    its limit asks again with four times as many.  Time O(n k log m) for
    the queries (on every core) plus O(n k) filtering; memory O(chunk × k)
    beyond the O(n k) result.
    """
    import scipy.spatial

    n, m = v.xyz.shape[0], h.xyz.shape[0]
    v_free = np.ones(n, bool) if volunteer_free is None else volunteer_free
    h_free = np.ones(m, bool) if household_free is None else household_free
    h_map = _free_in_z_order(h, h_free)
    v_map = _free_in_z_order(v, v_free)
    space = _Space(v.take(v_map), h.take(h_map), v_map, h_map, m, excluded)
    v_reason = np.where(v_free, NO_DISTANCE, LOCKED).astype(np.int8)
    parts = []
    if h_map.size:
        tree = scipy.spatial.cKDTree(space.h.xyz, leafsize=32)
        for start in range(0, v_map.size, _CHUNK):
            chunk = np.arange(start, min(start + _CHUNK, v_map.size))
            parts.append(_chunk_candidates(space, tree, chunk, k, v_reason))
            if progress is not None:
                progress("candidates", int(chunk[-1]) + 1, v_map.size)
    rows, cols, chord = (
        (np.concatenate(p) for p in zip(*parts, strict=True))
        if parts
        else (np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0))
    )
    rows, cols = v_map[rows], h_map[cols]
    order = np.argsort(rows, kind="stable")
    counts = np.bincount(rows, minlength=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    v_reason[counts > 0] = PAIRED
    graph_cols = cols[order].astype(np.int32)
    h_reason = np.where(h_free, PAIRED, LOCKED).astype(np.int8)
    lonely = h_free & (np.bincount(graph_cols, minlength=m) == 0)
    h_reason[lonely] = _household_reasons(v, h, np.flatnonzero(lonely), v_free, excluded)
    if progress is not None:
        progress("candidates", v_map.size, v_map.size)
    return CandidateGraph(
        n_volunteers=n,
        n_households=m,
        indptr=indptr,
        indices=graph_cols,
        distance_km=chord_to_km(chord[order]).astype(np.float32),
        volunteer_reason=v_reason,
        household_reason=h_reason,
    )


def _free_in_z_order(t: Traits, free: npt.NDArray[np.bool_]) -> npt.NDArray[np.intp]:
    index = np.flatnonzero(free)
    lat = np.degrees(np.arcsin(np.clip(t.xyz[index, 2], -1, 1)))
    lon = np.degrees(np.arctan2(t.xyz[index, 1], t.xyz[index, 0]))
    return index[morton_order(lat, lon)]


@dataclass(frozen=True)
class _Space:
    """Both sides in Z-order, with maps back to the callers' indexes."""

    v: Traits
    h: Traits
    v_map: npt.NDArray[np.intp]
    h_map: npt.NDArray[np.intp]
    n_households: int
    excluded: npt.NDArray[np.int64] | None
    #: Households speaking each language (by bit), with their tree; filled on demand.
    by_language: dict[int, tuple[npt.NDArray[np.intp], Any, Any]] = field(default_factory=dict)


def _chunk_candidates(
    space: _Space,
    tree: Any,
    chunk: npt.NDArray[np.intp],
    k: int,
    v_reason: npt.NDArray[np.int8],
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.float64]]:
    parts: list[tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.float64]]] = []
    n_h = space.h_map.size
    queue = [(chunk, min(3 * k, n_h))]
    rare: list[npt.NDArray[np.intp]] = []
    while queue:
        who, ask = queue.pop()
        if ask > _ASK_LIMIT:
            rare.append(who)
            continue
        cols, chord, stage = _neighbours(space, tree, who, ask)
        again, found = _collect(space, who, cols, chord, stage, k, ask < n_h, parts, v_reason)
        # Ask again for as many as the share found so far suggests (2, 4 or
        # 8 times as many), so that few ask for far more than they need.
        need = ask * k * 1.25 / np.maximum(found, 1)
        tier = np.minimum(np.ceil(np.log2(np.maximum(need / ask, 2.0))), 3).astype(int)
        for level in (1, 2, 3):
            group = who[again & (tier == level)]
            if group.size:
                queue.append((group, min(ask << level, n_h)))
    if rare:
        # Few compatible households among thousands of neighbours: nearly
        # always a shared language is what is rare, so search the households
        # that speak each of the volunteer's languages instead.
        _by_language(space, np.sort(np.concatenate(rare)), k, parts, v_reason)
    rows_, cols_, chord_ = (np.concatenate(p) for p in zip(*parts, strict=True))
    return rows_, cols_, chord_


#: Past this many neighbours, search households by language instead.
_ASK_LIMIT = 2048


def _collect(
    space: _Space,
    chunk: npt.NDArray[np.intp],
    cols: npt.NDArray[np.intp],
    chord: npt.NDArray[np.float64],
    stage: npt.NDArray[np.int8],
    k: int,
    may_grow: bool,
    parts: list[tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.float64]]],
    v_reason: npt.NDArray[np.int8],
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
    """Keep the first ``k`` compatible neighbours of each finished volunteer.

    Returns which volunteers of ``chunk`` should search further (those with
    fewer than ``k`` whose every neighbour was within their own limit), and
    how many compatible neighbours each found.
    """
    ok = stage == PAIRED
    taken = np.cumsum(ok, axis=1)
    found = taken[:, -1]
    in_range = (stage[:, -1] != _OUT_OF_RANGE) & (chord[:, -1] <= space.v.reach_chord[chunk])
    again = (found < k) & in_range & may_grow
    done = ~again
    keep = ok & (taken <= k) & done[:, None]
    rows = np.broadcast_to(chunk[:, None], keep.shape)
    parts.append((rows[keep], cols[keep], chord[keep]))
    v_reason[space.v_map[chunk[done]]] = _reason(stage[done], if_compatible=PAIRED)
    return np.asarray(again, dtype=bool), np.asarray(found, dtype=np.int64)


def _by_language(
    space: _Space,
    chunk: npt.NDArray[np.intp],
    k: int,
    parts: list[tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.float64]]],
    v_reason: npt.NDArray[np.int8],
) -> None:
    import scipy.spatial

    found: list[tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.float64]]] = []
    spoken = int(np.bitwise_or.reduce(space.v.talk[chunk]))
    for j in range(64):
        if not spoken >> j & 1:
            continue
        bit = np.uint64(1 << j)
        if j not in space.by_language:
            speakers = np.flatnonzero(space.h.speaks_conv & bit)
            tree = (
                scipy.spatial.cKDTree(space.h.xyz[speakers], leafsize=32) if speakers.size else None
            )
            sub = _Space(space.v, space.h.take(speakers), space.v_map, space.h_map[speakers],
                         space.n_households, space.excluded)  # fmt: skip
            space.by_language[j] = (speakers, tree, sub)
        speakers, tree, sub = space.by_language[j]
        who = chunk[(space.v.talk[chunk] & bit) != 0]
        if tree is None:
            continue
        ask = min(3 * k, speakers.size)
        while who.size:
            cols, chord, stage = _neighbours(sub, tree, who, ask)
            ok = stage == PAIRED
            found.append((np.broadcast_to(who[:, None], ok.shape)[ok], speakers[cols[ok]],
                          chord[ok]))  # fmt: skip
            taken = ok.sum(axis=1)
            in_range = (stage[:, -1] != _OUT_OF_RANGE) & (chord[:, -1] <= sub.v.reach_chord[who])
            who = who[(taken < k) & in_range & (ask < speakers.size)]
            ask = min(ask * 4, speakers.size)
    rows, cols, chord = (
        (np.concatenate(p) for p in zip(*found, strict=True))
        if found
        else (np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0))
    )
    # One household may be found through two languages: keep it once, nearest first.
    key = rows.astype(np.int64) * space.h_map.size + cols
    key, first = np.unique(key, return_index=True)
    rows, cols, chord = rows[first], cols[first], chord[first]
    order = np.lexsort((cols, chord, rows))
    rows, cols, chord = rows[order], cols[order], chord[order]
    start = np.searchsorted(rows, rows, side="left")
    keep = np.arange(rows.size) - start < k
    parts.append((rows[keep], cols[keep], chord[keep]))
    has = np.isin(chunk, rows)
    v_reason[space.v_map[chunk[has]]] = PAIRED
    v_reason[space.v_map[chunk[~has]]] = NO_CONDITION


#: Stage of a neighbour slot the tree left empty (out of range or too few points).
_OUT_OF_RANGE = np.int8(-1)
#: How far a pair got through the checks, for choosing a person's reason.
_PROGRESS = {_OUT_OF_RANGE: 0, NO_DISTANCE: 0, NO_LANGUAGE: 1, NO_SLOT: 2, NO_CONDITION: 3,
             EXCLUDED: 4, PAIRED: 5}  # fmt: skip
_BY_PROGRESS = np.array([NO_DISTANCE, NO_LANGUAGE, NO_SLOT, NO_CONDITION, EXCLUDED, PAIRED])


def _reason(stage: npt.NDArray[np.int8], *, if_compatible: int) -> npt.NDArray[np.int8]:
    """The reason for each row: the furthest any of its pairs got through the checks."""
    progress = np.zeros(stage.shape, dtype=np.int8)
    for code, value in _PROGRESS.items():
        progress[stage == code] = value
    reason = _BY_PROGRESS[progress.max(axis=1, initial=0)].astype(np.int8)
    reason[reason == PAIRED] = if_compatible
    return np.asarray(reason, dtype=np.int8)


def _neighbours(
    space: _Space, tree: Any, chunk: npt.NDArray[np.intp], ask: int
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64], npt.NDArray[np.int8]]:
    """The ``ask`` nearest households of each volunteer in ``chunk`` (Z-order indexes).

    Returns household indexes, chords and check stages, all of shape
    (len(chunk), ask); empty slots get stage ``_OUT_OF_RANGE``.
    """
    bound = float(space.v.reach_chord[chunk].max())
    chord, where = tree.query(space.v.xyz[chunk], k=ask, distance_upper_bound=bound, workers=2)
    chord, where = chord.reshape(chunk.size, ask), where.reshape(chunk.size, ask)
    empty = where >= space.h_map.size
    cols = np.where(empty, 0, where)
    chord = np.where(empty, 0.0, chord)
    stage = compatible_stage(space.v, space.h, chunk[:, None], cols, chord)
    if space.excluded is not None and space.excluded.size:
        keys = space.v_map[chunk][:, None] * space.n_households + space.h_map[cols]
        hit = np.isin(keys, space.excluded)
        stage[hit & (stage == PAIRED)] = EXCLUDED
    stage[empty] = _OUT_OF_RANGE
    return cols, chord, stage


def _household_reasons(
    v: Traits,
    h: Traits,
    lonely: npt.NDArray[np.intp],
    v_free: npt.NDArray[np.bool_],
    excluded: npt.NDArray[np.int64] | None,
) -> npt.NDArray[np.int8]:
    """Reasons for households no volunteer listed, looking from the household's side."""
    import scipy.spatial

    free_v = np.flatnonzero(v_free)
    if lonely.size == 0 or free_v.size == 0:
        return np.full(lonely.size, NO_DISTANCE, dtype=np.int8)
    tree = scipy.spatial.cKDTree(v.xyz[free_v])
    ask = min(64, free_v.size)
    bound = float(v.reach_chord[free_v].max())
    chord, where = tree.query(h.xyz[lonely], k=ask, distance_upper_bound=bound, workers=2)
    chord, where = chord.reshape(lonely.size, ask), where.reshape(lonely.size, ask)
    empty = where >= free_v.size
    rows = free_v[np.where(empty, 0, where)]
    stage = compatible_stage(v, h, rows, lonely[:, None], np.where(empty, 0.0, chord))
    if excluded is not None and excluded.size:
        hit = np.isin(rows.astype(np.int64) * h.xyz.shape[0] + lonely[:, None], excluded)
        stage[hit & (stage == PAIRED)] = EXCLUDED
    stage[empty] = _OUT_OF_RANGE
    # A compatible volunteer nearby listed nearer households instead.
    return _reason(stage, if_compatible=LOST)
