"""k-nearest compatible candidates: which households each volunteer may be paired with.

The matching problem is sparse by nature: nobody travels across the
country for a visit.  This module turns two populations into a sparse
bipartite graph that holds, for each volunteer, its ``k`` nearest households
that meet every hard constraint:

* distance within the volunteer's ``max_travel_km`` and, where the household
  chose ``public`` places, within the household's own limit;
* a shared language at ``conversational`` or better;
* at least one common weekly slot;
* every yes/no condition met both ways (``offers`` ⊆ the other's ``accepts``);
* not excluded.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any
from dataclasses import dataclass

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
_PUBLIC = dd.VISIT_PLACES.index("public")
_CHUNK = 32768

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Traits:
    """The matching-relevant fields of one side, on a language index shared by both sides."""

    xyz: npt.NDArray[np.float64]
    max_travel_km: npt.NDArray[np.float32]
    public_only: npt.NDArray[np.bool_]
    speaks_conv: npt.NDArray[np.uint64]
    speaks_any: npt.NDArray[np.uint64]
    learning: npt.NDArray[np.uint64]
    availability: npt.NDArray[np.uint32]
    offers: npt.NDArray[np.uint32]
    accepts: npt.NDArray[np.uint32]


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


def traits(people: Population, languages: tuple[str, ...]) -> Traits:
    """Gather one side's matching fields, with language masks over ``languages``."""
    masks = people.language_masks(languages)
    return Traits(
        xyz=unit_vectors(people.lat, people.lon),
        max_travel_km=people.max_travel_km,
        public_only=people.visit_places == _PUBLIC,
        speaks_conv=masks["speaks_conv"],
        speaks_any=masks["speaks_any"],
        learning=masks["learning"],
        availability=people.availability,
        offers=people.offers,
        accepts=people.accepts,
    )


def compatible_stage(
    v: Traits,
    h: Traits,
    rows: npt.NDArray[np.intp],
    cols: npt.NDArray[np.intp],
    km: npt.NDArray[np.floating],
) -> npt.NDArray[np.int8]:
    """For each pair, the first hard constraint it breaks, or ``PAIRED`` if none.

    Parameters
    ----------
    v, h : Traits
        Volunteers and households.
    rows, cols : ndarray of int, shape (p,)
        Volunteer and household index of each pair.
    km : ndarray of float, shape (p,)
        Distance of each pair.

    Returns
    -------
    ndarray of int8, shape (p,)
        ``PAIRED``, ``NO_DISTANCE``, ``NO_LANGUAGE``, ``NO_SLOT`` or ``NO_CONDITION``.

    Notes
    -----
    O(p) vectorised bit operations.
    """
    near = km <= v.max_travel_km[rows]
    near &= ~h.public_only[cols] | (km <= h.max_travel_km[cols])
    talk = (v.speaks_conv[rows] & h.speaks_conv[cols]) != 0
    slot = (v.availability[rows] & h.availability[cols]) != 0
    cond = ((v.offers[rows] & ~h.accepts[cols]) | (h.offers[cols] & ~v.accepts[rows])) == 0
    stage = np.full(rows.shape, PAIRED, dtype=np.int8)
    stage[~cond] = NO_CONDITION
    stage[~slot] = NO_SLOT
    stage[~talk] = NO_LANGUAGE
    stage[~near] = NO_DISTANCE
    return stage


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
    households, so Euclidean (chord) order is great-circle order.  Each chunk
    of volunteers asks for its ``2k`` nearest households within its largest
    travel limit, filters them with vectorised bit tests and keeps the first
    ``k`` that pass; a volunteer that found fewer than ``k`` while every
    returned neighbour was in range asks again with four times as many.
    Time O(n k log m) for the queries (on every core) plus O(n k) filtering;
    memory O(chunk × k) beyond the O(n k) result.
    """
    import scipy.spatial

    n, m = v.xyz.shape[0], h.xyz.shape[0]
    v_free = np.ones(n, bool) if volunteer_free is None else volunteer_free
    h_free = np.ones(m, bool) if household_free is None else household_free
    free_h = np.flatnonzero(h_free)
    tree = scipy.spatial.cKDTree(h.xyz[free_h]) if free_h.size else None
    todo = np.flatnonzero(v_free)
    lists: list[tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.float32]]] = []
    v_reason = np.where(v_free, NO_DISTANCE, LOCKED).astype(np.int8)
    for start in range(0, todo.size, _CHUNK):
        chunk = todo[start : start + _CHUNK]
        if tree is not None:
            lists.append(_chunk_candidates(v, h, tree, free_h, chunk, k, excluded, v_reason))
        if progress is not None:
            progress("candidates", min(start + _CHUNK, todo.size), todo.size)
    rows, cols, km = (
        (np.concatenate(parts) for parts in zip(*lists, strict=True))
        if lists
        else (np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0, np.float32))
    )
    order = np.argsort(rows, kind="stable")
    counts = np.bincount(rows, minlength=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    v_reason[counts > 0] = PAIRED
    graph_cols = cols[order].astype(np.int32)
    h_reason = np.where(h_free, PAIRED, LOCKED).astype(np.int8)
    lonely = h_free & (np.bincount(graph_cols, minlength=m) == 0)
    h_reason[lonely] = _household_reasons(v, h, np.flatnonzero(lonely), v_free, excluded)
    return CandidateGraph(
        n_volunteers=n,
        n_households=m,
        indptr=indptr,
        indices=graph_cols,
        distance_km=km[order].astype(np.float32),
        volunteer_reason=v_reason,
        household_reason=h_reason,
    )


def _chunk_candidates(
    v: Traits,
    h: Traits,
    tree: Any,
    free_h: npt.NDArray[np.intp],
    chunk: npt.NDArray[np.intp],
    k: int,
    excluded: npt.NDArray[np.int64] | None,
    v_reason: npt.NDArray[np.int8],
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.float32]]:
    parts = []
    ask = min(2 * k, free_h.size)
    while chunk.size:
        cols, km, stage = _neighbours(v, h, tree, free_h, chunk, ask, excluded, volunteers=True)
        ok = stage == PAIRED
        taken = np.cumsum(ok, axis=1)
        found = taken[:, -1]
        # A volunteer whose every returned neighbour was in range may have
        # more compatible households further out: ask again with more.
        in_range = (stage[:, -1] != _OUT_OF_RANGE) & (km[:, -1] <= v.max_travel_km[chunk])
        again = (found < k) & in_range & (ask < free_h.size)
        done = ~again
        keep = ok & (taken <= k) & done[:, None]
        rows = np.broadcast_to(chunk[:, None], keep.shape)
        parts.append((rows[keep], cols[keep], km[keep].astype(np.float32)))
        v_reason[chunk[done]] = _reason(stage[done], if_compatible=PAIRED)
        chunk = chunk[again]
        ask = min(ask * 4, free_h.size)
    rows_, cols_, km_ = (np.concatenate(p) for p in zip(*parts, strict=True))
    return rows_, cols_, km_


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
    return reason


def _neighbours(
    a: Traits,
    b: Traits,
    tree: Any,
    free_b: npt.NDArray[np.intp],
    chunk: npt.NDArray[np.intp],
    ask: int,
    excluded: npt.NDArray[np.int64] | None,
    *,
    volunteers: bool,
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64], npt.NDArray[np.int8]]:
    """The ``ask`` nearest free people of side ``b`` to each of ``chunk`` on side ``a``.

    Returns their indices, distances in km and check stages, all of shape
    (len(chunk), ask); empty slots get stage ``_OUT_OF_RANGE``.
    """
    limit = float(a.max_travel_km[chunk].max()) if volunteers else float(b.max_travel_km.max())
    bound = float(km_to_chord(limit * 1.0001 + 1e-6))
    chord, where = tree.query(a.xyz[chunk], k=ask, distance_upper_bound=bound, workers=2)
    chord, where = chord.reshape(chunk.size, ask), where.reshape(chunk.size, ask)
    empty = where >= free_b.size
    cols = free_b[np.where(empty, 0, where)]
    km = chord_to_km(np.where(empty, 0.0, chord))
    rows = np.broadcast_to(chunk[:, None], cols.shape)
    if volunteers:
        stage = compatible_stage(a, b, rows.ravel(), cols.ravel(), km.ravel())
    else:
        stage = compatible_stage(b, a, cols.ravel(), rows.ravel(), km.ravel())
    stage = stage.reshape(cols.shape)
    if excluded is not None and excluded.size:
        v_idx, h_idx = (rows, cols) if volunteers else (cols, rows)
        n_h = b.xyz.shape[0] if volunteers else a.xyz.shape[0]
        hit = np.isin(v_idx.astype(np.int64) * n_h + h_idx, excluded)
        stage[hit & (stage == PAIRED)] = EXCLUDED
    stage[empty] = _OUT_OF_RANGE
    return cols, km, stage


def _household_reasons(
    v: Traits,
    h: Traits,
    lonely: npt.NDArray[np.intp],
    v_free: npt.NDArray[np.bool_],
    excluded: npt.NDArray[np.int64] | None,
) -> npt.NDArray[np.int8]:
    """Reasons for households no volunteer listed: look from the household's side."""
    import scipy.spatial

    free_v = np.flatnonzero(v_free)
    if lonely.size == 0 or free_v.size == 0:
        return np.full(lonely.size, NO_DISTANCE, dtype=np.int8)
    tree = scipy.spatial.cKDTree(v.xyz[free_v])
    ask = min(64, free_v.size)
    reasons = []
    for start in range(0, lonely.size, _CHUNK):
        chunk = lonely[start : start + _CHUNK]
        _, _, stage = _neighbours(h, v, tree, free_v, chunk, ask, excluded, volunteers=False)
        # A compatible volunteer nearby listed nearer households instead.
        reasons.append(_reason(stage, if_compatible=LOST))
    return np.concatenate(reasons)
