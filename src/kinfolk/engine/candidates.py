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
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from kinfolk.engine import dictionary as dd
from kinfolk.engine.population import MAX_LANGUAGES, Population

if TYPE_CHECKING:
    from kinfolk.engine.costs import Weights

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

Progress = Callable[[str, int, int], None]

#: Candidates each person lists at the start.  Optimal and stable modes are exact over
#: every compatible pair whatever this is (their scans add what the lists miss), so it
#: only sets where the time goes: 110,000 a side, seed 0, the same optimum either way:
#: 32 took 4.3-5.1 s (candidates and exact solve), 16 took 3.5 s (3 rounds), 12 3.7-4.0 s
#: (4 rounds); stable mode 2.6-2.9 s at 32 and 2.0 s at 8 to 16.  330,000: 27.2 s at 32,
#: 23.6 s at 16.
K = 16


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
    k: int = K,
    volunteer_free: npt.NDArray[np.bool_] | None = None,
    household_free: npt.NDArray[np.bool_] | None = None,
    excluded: npt.NDArray[np.int64] | None = None,
    progress: Progress | None = None,
) -> CandidateGraph:
    """Build the graph of each person's ``k`` nearest compatible people on the other side.

    Parameters
    ----------
    v, h : Traits
        Volunteers (n) and households (m) on a shared language index.
    k : int
        Candidates each person lists: every volunteer lists its ``k`` nearest
        compatible households *and* every household its ``k`` nearest
        compatible volunteers; the graph holds both lists.
    volunteer_free, household_free : ndarray of bool, shape (n,) and (m,), optional
        People to consider (locked people are not free); default everyone.
    excluded : ndarray of int64, optional
        Sorted keys ``volunteer * m + household`` of pairs never to propose.
    progress : callable, optional
        ``progress("candidates", done, total)`` after each side.

    Returns
    -------
    CandidateGraph

    Notes
    -----
    One compiled pass per side over spatial cells (see
    :func:`kinfolk.engine.cells.nearest`): each person scans a disc that
    doubles until it holds ``k`` compatible people or reaches the person's
    travel limit.  Distance ties are broken by a hash of the pair, so a crowd
    at one point (people placed at a postcode centroid) spreads its lists
    instead of all naming the same ``k``.  A person with no candidate has
    scanned everyone within reach, so its reason is true of all compatible
    pairs.  Time O((n + m) · people per disc); memory O((n + m) k).
    """
    from kinfolk.engine import cells
    from kinfolk.engine.costs import Weights

    n, m = v.xyz.shape[0], h.xyz.shape[0]
    v_free = np.ones(n, bool) if volunteer_free is None else volunteer_free
    h_free = np.ones(m, bool) if household_free is None else household_free
    V = cells.side(v, np.zeros(n), v_free)
    H = cells.side(h, np.zeros(m), h_free)
    graph, _ = priced(V, H, v.variants, Weights(), k=k, excluded=excluded, progress=progress)
    return graph


#: Salt of the tie-breaking hash, and the radius of the first disc each person scans.
_SALT = 0x6B696E666F6C6B
_START_KM = 2.0
#: Bands of travel limit the searched side is split into.  One band still ends every
#: search at the side's longest limit; more bands read fewer people but search each
#: band's cells apart, which cost more than it saved (110k: 8 bands made ``nearest``
#: 4.8 s CPU, one band 4.2 s).
_BANDS = 1


def priced(
    V: tuple[Any, ...],
    H: tuple[Any, ...],
    variants: tuple[tuple[int, int, int], ...],
    weights: Weights,
    *,
    k: int = K,
    excluded: npt.NDArray[np.int64] | None = None,
    progress: Progress | None = None,
) -> tuple[CandidateGraph, npt.NDArray[np.int64]]:
    """:func:`build` on sides packed by :func:`kinfolk.engine.cells.side`, with each edge's cost.

    The cost of a pair (:func:`kinfolk.engine.cells.edge_cost`, on the months waited
    held by the sides) is computed in the same compiled pass that finds the pair, while
    both people are in cache, rather than by a second pass over the finished graph.

    Returns
    -------
    graph : CandidateGraph
    cost : ndarray of int64, shape (n_edges,)
    """
    from kinfolk.engine import cells
    from kinfolk.engine.costs import TRAVEL_EFFORT

    n, m = V[0].shape[0], H[0].shape[0]
    keys = np.zeros(0, np.int64) if excluded is None else np.asarray(excluded, np.int64)
    w = cells.weights_tuple(weights)
    vj, vk, vd = cells.variant_arrays(variants)
    v_cells, h_cells = cells.Cells.build(V, free_only=True), cells.Cells.build(H, free_only=True)
    report = progress or (lambda stage, done, total: None)
    report("candidates", 0, 2)
    # Each side's people in their cell order, dealt to the threads (cells.dealt).
    v_order, h_order = cells.dealt(v_cells.members), cells.dealt(h_cells.members)
    own = cells.nearest(
        k, V, *_banded(H, h_cells), keys, True, m, _SALT, _START_KM, v_order, w, vj, vk, vd,
        TRAVEL_EFFORT,
    )  # fmt: skip
    report("candidates", 1, 2)
    their = cells.nearest(
        k, H, *_banded(V, v_cells), keys, False, m, _SALT, _START_KM, h_order, w, vj, vk, vd,
        TRAVEL_EFFORT,
    )  # fmt: skip
    indptr, indices, chords, cost = cells.lists_csr(n, *own[:4], *their[:4])
    report("candidates", 2, 2)
    graph = CandidateGraph(
        n_volunteers=n,
        n_households=m,
        indptr=indptr,
        indices=indices,
        distance_km=cells.kilometres(chords),
        volunteer_reason=own[4],
        household_reason=their[4],
    )
    return graph, cost


def _banded(s: tuple[Any, ...], c: Any) -> tuple[tuple[Any, ...], Any]:
    """The people in cells ``c`` of side ``s``, in bands of travel limit, with their grid.

    :func:`kinfolk.engine.cells.by_reach` over the cells' people alone, with the grid's
    members naming people of the whole side.
    """
    from kinfolk.engine import cells

    inside = cells.in_cell_order(s, c)
    local = cells.Cells(c.step, c.n_lon, c.keys, np.arange(c.keys.size, dtype=np.int64))
    banded, grid = cells.by_reach(inside, local, _BANDS)
    return banded, (*grid[:3], c.members[grid[3]], *grid[4:])
