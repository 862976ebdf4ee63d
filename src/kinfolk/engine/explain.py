"""Why a pair was made, and the next-best alternatives.

Every explanation is computed from the same candidate graph and integer
costs the solver used, so it always agrees with the result: the cost of a
pair, its rank among each side's candidates (1 = cheapest), and the
cheapest other candidates of each side.  For a coordinator's manual lock it
also says what the lock costs against the optimum without it.

Everything is computed for all pairs at once: ranks and alternatives by a
few passes over the edge arrays, the words (languages, slots) once per
distinct bitmask.  :func:`explain_columns` gives the CSV columns that
``kinfolk match --explain`` writes; :func:`explain` gives one
:class:`Explanation` per pair for the app.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from kinfolk.engine import assign as asg
from kinfolk.engine import candidates as cand
from kinfolk.engine import costs as cm
from kinfolk.engine import dictionary as dd
from kinfolk.engine import solvers
from kinfolk.engine.compiled import jit

IntArray = npt.NDArray[np.int64]
T = TypeVar("T")

COLUMNS: tuple[str, ...] = (
    "volunteer_id",
    "household_id",
    "locked",
    "distance_km",
    "shared_languages",
    "exchange_languages",
    "common_slots",
    "cost",
    "volunteer_rank",
    "household_rank",
    "volunteer_alternatives",
    "household_alternatives",
    "lock_cost_change",
    "warnings",
)
_NONE = np.iinfo(np.int64).max


@dataclass(frozen=True)
class Explanation:
    """Why one pair was made.

    Ranks count from 1 (the cheapest candidate) among that side's
    candidates in the graph; ``None`` for a locked pair outside the graph.
    Alternatives are (other person's id, cost) of that side's cheapest
    other candidates.  ``lock_cost_change`` is, for a manual lock, the
    optimum total with the lock minus the optimum without it (cost units),
    and ``lock_pairs_change`` the same for the number of pairs.
    """

    volunteer_id: str
    household_id: str
    locked: bool
    distance_km: float
    shared_languages: tuple[str, ...]
    exchange_languages: tuple[str, ...]
    common_slots: tuple[str, ...]
    cost: int
    volunteer_rank: int | None
    household_rank: int | None
    volunteer_alternatives: tuple[tuple[str, int], ...]
    household_alternatives: tuple[tuple[str, int], ...]
    lock_cost_change: int | None = None
    lock_pairs_change: int | None = None
    warnings: tuple[str, ...] = field(default=())

    def to_record(self) -> dict[str, str]:
        """The explanation as CSV strings, keyed by :data:`COLUMNS`."""

        def alternatives(items: tuple[tuple[str, int], ...]) -> str:
            return ";".join(f"{who}:{cost}" for who, cost in items)

        return {
            "volunteer_id": self.volunteer_id,
            "household_id": self.household_id,
            "locked": "yes" if self.locked else "",
            "distance_km": f"{self.distance_km:.2f}",
            "shared_languages": dd.format_languages(self.shared_languages),
            "exchange_languages": ";".join(self.exchange_languages),
            "common_slots": ";".join(self.common_slots),
            "cost": str(self.cost),
            "volunteer_rank": "" if self.volunteer_rank is None else str(self.volunteer_rank),
            "household_rank": "" if self.household_rank is None else str(self.household_rank),
            "volunteer_alternatives": alternatives(self.volunteer_alternatives),
            "household_alternatives": alternatives(self.household_alternatives),
            "lock_cost_change": _change_text(self.lock_cost_change, self.lock_pairs_change),
            "warnings": " | ".join(self.warnings),
        }


@dataclass(frozen=True)
class _Facts:
    """The explanation of every pair of a result, as arrays (pair ``at`` is row ``at``)."""

    result: asg.MatchResult
    v_rank: IntArray
    h_rank: IntArray
    #: Other side's index of each pair's cheapest other candidates, -1 where fewer.
    v_alt: IntArray
    v_alt_cost: IntArray
    h_alt: IntArray
    h_alt_cost: IntArray
    shared: npt.NDArray[np.uint64]
    v_learns: npt.NDArray[np.uint64]
    h_learns: npt.NDArray[np.uint64]
    slots: npt.NDArray[np.uint32]
    languages: tuple[str, ...]
    changes: dict[int, tuple[int | None, int | None]]
    warnings: dict[tuple[str, str], list[str]]


def explain(
    result: asg.MatchResult, *, alternatives: int = 3, max_lock_changes: int = 20
) -> list[Explanation]:
    """Explain every pair of ``result``.

    Parameters
    ----------
    result : MatchResult
        From :func:`kinfolk.engine.assign.match`.
    alternatives : int
        How many next-best candidates to list for each side.
    max_lock_changes : int
        Compute what a manual lock costs against the optimum for at most this
        many manual locks.

    Returns
    -------
    list of Explanation
        One per pair, in the order of ``result``.

    Notes
    -----
    See :func:`explain_columns` for how each figure is found.
    """
    f = _facts(result, alternatives, max_lock_changes)
    p = _problem(result)
    v_ids, h_ids = p.volunteers.id, p.households.id
    vids = v_ids[result.volunteer].tolist()
    hids = h_ids[result.household].tolist()
    shared = _words(f.shared, lambda m: tuple(sorted(_tags(m, f.languages))))
    exchange = _exchange_words(f)
    slots = _words(f.slots, lambda m: tuple(_tags(m, dd.SLOTS)))

    def alts(
        index: IntArray, costs: IntArray, ids: npt.NDArray[np.str_]
    ) -> tuple[tuple[str, int], ...]:
        keep = index >= 0
        return tuple(zip(ids[index[keep]].tolist(), costs[keep].tolist(), strict=True))

    out = []
    for at, (vid, hid) in enumerate(zip(vids, hids, strict=True)):
        change = f.changes.get(at, (None, None))
        out.append(
            Explanation(
                volunteer_id=vid,
                household_id=hid,
                locked=bool(result.locked[at]),
                distance_km=float(result.distance_km[at]),
                shared_languages=shared[at],
                exchange_languages=exchange[at],
                common_slots=slots[at],
                cost=int(result.cost[at]),
                volunteer_rank=int(f.v_rank[at]) or None,
                household_rank=int(f.h_rank[at]) or None,
                volunteer_alternatives=alts(f.v_alt[at], f.v_alt_cost[at], h_ids),
                household_alternatives=alts(f.h_alt[at], f.h_alt_cost[at], v_ids),
                lock_cost_change=change[0],
                lock_pairs_change=change[1],
                warnings=tuple(f.warnings.get((vid, hid), ())),
            )
        )
    return out


def explain_columns(
    result: asg.MatchResult, *, alternatives: int = 3, max_lock_changes: int = 20
) -> dict[str, list[str]]:
    """The explanation of every pair as CSV columns, keyed by :data:`COLUMNS`.

    The same figures as :func:`explain`, with each cell as
    :meth:`Explanation.to_record` words it, built column by column.

    Notes
    -----
    * Ranks: an edge's key is ``cost × (size + 1) + other side's index``, so
      comparing keys compares (cost, index) as the ranks do; a pair's rank is
      one plus the count of its volunteer's (household's) edges with a
      smaller key: one comparison and one ``bincount`` over all edges.
    * Alternatives: the smallest key of every volunteer's (household's)
      edges other than its pair's, taken ``alternatives`` times by
      ``np.minimum.reduceat`` over the edges in CSR (CSC) order.
    * Words: each distinct language, exchange or slot bitmask is put into
      words once.
    * A manual lock's cost: see :func:`_lock_changes`.

    So 110,000 pairs take a fraction of a second besides the lock changes.
    """
    f = _facts(result, alternatives, max_lock_changes)
    p = _problem(result)
    v_ids, h_ids = p.volunteers.id, p.households.id
    vids = v_ids[result.volunteer].tolist()
    hids = h_ids[result.household].tolist()
    count = len(vids)
    changes = [""] * count
    for at, (cost, pairs) in f.changes.items():
        changes[at] = _change_text(cost, pairs)
    warnings = [""] * count
    if f.warnings:
        warnings = [" | ".join(f.warnings.get(pair, ())) for pair in zip(vids, hids, strict=True)]
    return {
        "volunteer_id": vids,
        "household_id": hids,
        "locked": np.where(result.locked, "yes", "").tolist(),
        "distance_km": [f"{km:.2f}" for km in result.distance_km.tolist()],
        "shared_languages": _words(f.shared, lambda m: dd.format_languages(_tags(m, f.languages))),
        "exchange_languages": [";".join(words) for words in _exchange_words(f)],
        "common_slots": _words(f.slots, lambda m: ";".join(_tags(m, dd.SLOTS))),
        "cost": list(map(str, result.cost.tolist())),
        "volunteer_rank": _optional_numbers(f.v_rank),
        "household_rank": _optional_numbers(f.h_rank),
        "volunteer_alternatives": _alternatives_text(f.v_alt, f.v_alt_cost, h_ids),
        "household_alternatives": _alternatives_text(f.h_alt, f.h_alt_cost, v_ids),
        "lock_cost_change": changes,
        "warnings": warnings,
    }


def _problem(result: asg.MatchResult) -> asg.Problem:
    if result.problem is None:
        raise ValueError("the result carries no problem to explain")
    return result.problem


def _facts(result: asg.MatchResult, alternatives: int, max_lock_changes: int) -> _Facts:
    p = _problem(result)
    vol, hh = result.volunteer, result.household
    n, m = p.graph.n_volunteers, p.graph.n_households
    cols = p.graph.indices.astype(np.int64)
    # A locked pair is outside the graph (locked people are), so it has no rank.
    on_graph = ~result.locked
    by_household = _by_household(p)
    v_partner = np.full(n, -1, dtype=np.int64)
    v_partner[vol[on_graph]] = hh[on_graph]
    h_partner = np.full(m, -1, dtype=np.int64)
    h_partner[hh[on_graph]] = vol[on_graph]
    v_cost = np.zeros(n, dtype=np.int64)
    v_cost[vol[on_graph]] = result.cost[on_graph]
    h_cost = np.zeros(m, dtype=np.int64)
    h_cost[hh[on_graph]] = result.cost[on_graph]
    v_rank, v_alt, v_alt_cost = _ranks_and_alternatives(
        p.graph.indptr, cols, p.cost, v_partner, v_cost, alternatives
    )
    h_ptr, h_rows, h_edge = by_household
    h_rank, h_alt, h_alt_cost = _ranks_and_alternatives(
        h_ptr, h_rows, p.cost[h_edge], h_partner, h_cost, alternatives
    )
    warnings: dict[tuple[str, str], list[str]] = {}
    for message in result.warnings:
        words = message.split(" ")  # "locked pair V + H ..."
        if words[:2] == ["locked", "pair"]:
            warnings.setdefault((words[2], words[4]), []).append(message)
    return _Facts(
        result=result,
        v_rank=v_rank[vol],
        h_rank=h_rank[hh],
        v_alt=v_alt[vol],
        v_alt_cost=v_alt_cost[vol],
        h_alt=h_alt[hh],
        h_alt_cost=h_alt_cost[hh],
        # The volunteer's own tags that the household can talk in (``en`` with ``en-GB`` too).
        shared=p.v.speaks_conv[vol] & p.h.talk[hh],
        v_learns=p.v.learning[vol] & p.h.talk[hh],
        h_learns=p.h.learning[hh] & p.v.talk[vol],
        slots=p.v.availability[vol] & p.h.availability[hh],
        languages=cand.shared_languages(p.volunteers, p.households),
        changes=_lock_changes(result, max_lock_changes, by_household),
        warnings=warnings,
    )


def _by_household(p: asg.Problem) -> tuple[IntArray, IntArray, IntArray]:
    """The graph in household order (CSC): (pointers, volunteer of each edge, edge index)."""
    import scipy as sp

    n, m = p.graph.n_volunteers, p.graph.n_households
    edges = np.arange(p.rows.size, dtype=np.int64)
    # A counting sort in C: O(E), stable, so each household's edges keep volunteer order.
    csc = sp.sparse.csr_matrix((edges, p.graph.indices, p.graph.indptr), shape=(n, m)).tocsc()
    return (
        csc.indptr.astype(np.int64),
        csc.indices.astype(np.int64),
        np.asarray(csc.data, dtype=np.int64),
    )


def _ranks_and_alternatives(
    ptr: IntArray,
    other: IntArray,
    cost: IntArray,
    partner: IntArray,
    partner_cost: IntArray,
    count: int,
) -> tuple[IntArray, IntArray, IntArray]:
    """For each owner of an edge segment: its partner's rank, and its ``count`` cheapest others.

    Returns (rank, other index, cost); rank 0 where the partner is not among the
    owner's edges, other index -1 where there are fewer alternatives.  Edges are
    ordered by (cost, other index); equal edges count as one alternative.  One
    compiled pass over the edges.
    """
    owners = ptr.size - 1
    rank = np.zeros(owners, dtype=np.int64)
    alt = np.full((owners, count), -1, dtype=np.int64)
    alt_cost = np.zeros((owners, count), dtype=np.int64)
    if owners and count > 0:
        _rank_and_cheapest(ptr, other, cost, partner, partner_cost, rank, alt, alt_cost)
    return rank, alt, alt_cost


@jit
def _rank_and_cheapest(
    ptr: IntArray,
    other: IntArray,
    cost: IntArray,
    partner: IntArray,
    partner_cost: IntArray,
    rank: IntArray,
    alt: IntArray,
    alt_cost: IntArray,
) -> None:  # pragma: no cover - compiled
    # One pass over each owner's edges: count the cheaper ones, and keep the ``count``
    # cheapest other (cost, index) pairs in order by insertion (count is 3).
    count = alt.shape[1]
    for owner in range(ptr.size - 1):
        mate, mate_cost = partner[owner], partner_cost[owner]
        cheaper, seen, kept = 0, False, 0
        for e in range(ptr[owner], ptr[owner + 1]):
            c, o = cost[e], other[e]
            if mate >= 0:
                if c == mate_cost and o == mate:
                    seen = True
                    continue
                if _before(c, o, mate_cost, mate):
                    cheaper += 1
            at = kept
            while at > 0 and _before(c, o, alt_cost[owner, at - 1], alt[owner, at - 1]):
                at -= 1
            if at >= count or (at > 0 and alt_cost[owner, at - 1] == c and alt[owner, at - 1] == o):
                continue  # not among the cheapest, or the same pair again
            for k in range(min(kept, count - 1), at, -1):
                alt[owner, k] = alt[owner, k - 1]
                alt_cost[owner, k] = alt_cost[owner, k - 1]
            alt[owner, at] = o
            alt_cost[owner, at] = c
            kept = min(kept + 1, count)
        rank[owner] = cheaper + 1 if seen else 0


@jit
def _before(cost: int, other: int, than_cost: int, than_other: int) -> bool:  # pragma: no cover
    return cost < than_cost or (cost == than_cost and other < than_other)


def _tags(mask: int, names: Sequence[str]) -> list[str]:
    return [name for bit, name in enumerate(names) if mask >> bit & 1]


def _words(masks: npt.NDArray[np.unsignedinteger], words: Callable[[int], T]) -> list[T]:
    """``words(mask)`` for each mask, computed once per distinct mask."""
    distinct, inverse = np.unique(masks, return_inverse=True)
    return _spread([words(mask) for mask in distinct.tolist()], inverse)


def _spread(table: list[T], inverse: IntArray) -> list[T]:
    """``table[i]`` for each ``i`` of ``inverse``, gathered by numpy rather than a loop."""
    cells = np.empty(len(table), dtype=object)
    cells[:] = table  # element by element, so that tuples stay whole
    return list(cells[inverse.reshape(-1)].tolist())


def _exchange_words(f: _Facts) -> list[tuple[str, ...]]:
    # Each side's masks are factorised alone, then the pairs of codes, which are small
    # integers: cheaper than np.unique over rows of two masks.
    v_masks, v_code = np.unique(f.v_learns, return_inverse=True)
    h_masks, h_code = np.unique(f.h_learns, return_inverse=True)
    width = max(h_masks.size, 1)
    distinct, inverse = np.unique(v_code * width + h_code, return_inverse=True)
    table = []
    for code in distinct.tolist():
        v_learns, h_learns = int(v_masks[code // width]), int(h_masks[code % width])
        words = [f"volunteer learns {tag}" for tag in _tags(v_learns, f.languages)]
        words += [f"household learns {tag}" for tag in _tags(h_learns, f.languages)]
        table.append(tuple(words))
    return _spread(table, inverse)


def _optional_numbers(values: IntArray) -> list[str]:
    return [str(v) if v else "" for v in values.tolist()]


def _alternatives_text(index: IntArray, costs: IntArray, ids: npt.NDArray[np.str_]) -> list[str]:
    """``id:cost;id:cost;…`` for each row of (index, costs); -1 marks no alternative."""
    rows = index.shape[0]
    parts = []
    for column in range(index.shape[1]):
        # Alternatives fill each row from the left, so every one but the first follows a ";".
        form = (";" if column else "") + "{}:{}"
        present = np.flatnonzero(index[:, column] >= 0)
        cells = np.full(rows, "", dtype=object)
        named = ids[index[present, column]].tolist(), costs[present, column].tolist()
        cells[present] = list(map(form.format, *named))
        parts.append(cells.tolist())
    return list(map("".join, zip(*parts, strict=True))) if parts else [""] * rows


def _change_text(cost: int | None, pairs: int | None) -> str:
    if cost is None:
        return ""
    text = f"{cost:+d}"
    return text + f" ({pairs:+d} pairs)" if pairs else text


# --- what a manual lock costs ----------------------------------------------------------------


def _lock_changes(
    result: asg.MatchResult, limit: int, by_household: tuple[IntArray, IntArray, IntArray]
) -> dict[int, tuple[int | None, int | None]]:
    """For manual locks: (optimum with the lock − optimum without, change in pairs).

    Notes
    -----
    The result's free pairs ``M`` are optimal (most pairs, then least cost) on
    the graph of the free people.  Freeing a lock's volunteer ``i`` adds one
    person to that graph: every alternating path or cycle of a better
    matching that does not start at ``i`` was already available, so the new
    optimum is ``M`` changed along the single best alternating path from
    ``i`` (an augmenting one if any, as it adds a pair; else the cheapest,
    if it saves cost).  Freeing the household ``j`` next is the same step
    from ``j``.  Each step is one shortest-path search from one person over
    the residual graph, which has no negative cycle because ``M`` is
    optimal: a queue-based Bellman–Ford (:func:`_best_path`), compiled, that
    visits only the part of the graph the person can reach by cheaper
    paths.  So a lock costs two searches instead of a re-solve.
    """
    p = _problem(result)
    out: dict[int, tuple[int | None, int | None]] = {}
    manual = np.flatnonzero(p.lock_manual)[:limit]
    if manual.size == 0:
        return out
    n, m = p.graph.n_volunteers, p.graph.n_households
    v_ptr, v_cols, v_cost = p.graph.indptr, p.graph.indices.astype(np.int64), p.cost
    h_ptr, h_rows, h_edge = by_household
    h_cost = p.cost[h_edge]
    mate_v, mate_h, pair_cost_h = _free_optimum(result)
    base = (int(pair_cost_h[mate_h >= 0].sum()), int(np.count_nonzero(mate_h >= 0)))
    no_edge = np.full(n, _NONE, dtype=np.int64)
    for lock in manual.tolist():
        i, j = int(p.lock_v[lock]), int(p.lock_h[lock])
        r, c, w = _freed_edges(p, i, j)
        from_i = (r == i) & (c != j)
        to_j = (c == j) & (r != i)
        both = (r == i) & (c == j)
        mv, mh, ch = mate_v.copy(), mate_h.copy(), pair_cost_h.copy()
        # Free i first (j is still locked, out of reach)...
        status, pairs_1, cost_1 = _best_path(
            v_ptr, v_cols, v_cost, c[from_i], w[from_i], no_edge, -1, i, mv, mh, ch
        )
        # ...then j, who may also be paired with i.
        to_i = np.full(m, _NONE, dtype=np.int64)
        to_i[c[from_i]] = w[from_i]
        j_others = np.concatenate([r[to_j], r[both]])
        j_costs = np.concatenate([w[to_j], w[both]])
        cv = np.where(mv >= 0, ch[np.maximum(mv, 0)], 0)
        status_2, pairs_2, cost_2 = _best_path(
            h_ptr, h_rows, h_cost, j_others, j_costs, to_i, i, j, mh, mv, cv
        )
        lock_cost = int(result.cost[lock])
        if status < 0 or status_2 < 0:  # never on an optimal matching; re-solve to be safe
            out[lock] = _lock_change_by_solving(p, base, lock_cost, r, c, w)
            continue
        out[lock] = (lock_cost - (cost_1 + cost_2), 1 - (pairs_1 + pairs_2))
    return out


def _free_optimum(result: asg.MatchResult) -> tuple[IntArray, IntArray, IntArray]:
    """The optimum on the free people's graph: (mate of each volunteer, of each household,
    cost of each household's pair).

    In optimal mode it is the result's own free pairs; other modes solve for it once.
    """
    p = _problem(result)
    n, m = p.graph.n_volunteers, p.graph.n_households
    mate_v = np.full(n, -1, dtype=np.int64)
    pair_cost_h = np.zeros(m, dtype=np.int64)
    if result.mode == "optimal":
        free = ~result.locked
        mate_v[result.volunteer[free]] = result.household[free]
        pair_cost_h[result.household[free]] = result.cost[free]
    elif p.rows.size:
        cols = p.graph.indices.astype(np.int64)
        mate_v = solvers.optimal_matching(n, m, p.rows, cols, p.cost)
        chosen = mate_v[p.rows] == cols
        pair_cost_h[cols[chosen]] = p.cost[chosen]
    mate_h = np.full(m, -1, dtype=np.int64)
    mate_h[mate_v[mate_v >= 0]] = np.flatnonzero(mate_v >= 0)
    return mate_v, mate_h, pair_cost_h


@jit
def _best_path(
    ptr: IntArray,
    nbr: IntArray,
    cost: IntArray,
    start_nbr: IntArray,
    start_cost: IntArray,
    to_x: IntArray,
    x: int,
    a0: int,
    mate_a: IntArray,
    mate_b: IntArray,
    pair_cost_b: IntArray,
) -> tuple[int, int, int]:
    """Change a matching along the best alternating path from the free node ``a0``.

    Side A's edges are ``nbr[ptr[a]:ptr[a+1]]`` (costs ``cost``), except
    ``a0``'s, which are ``start_nbr``; ``to_x[a]`` is the cost of an extra
    edge from ``a`` to the B node ``x`` (``_NONE`` for none; ``x`` -1 for no
    such node).  ``pair_cost_b[b]`` is the cost of ``b``'s matched edge.
    The best path is the cheapest augmenting one if any (one more pair), else
    the cheapest that ends by freeing a matched A node, if it saves cost.
    ``mate_a``, ``mate_b`` and ``pair_cost_b`` are updated in place.

    Returns (status, pairs gained, cost change); status -1 when the search
    ran too long (a negative cycle: the matching was not optimal), with
    nothing changed.
    """
    none = _NONE
    na, nb = ptr.size - 1, mate_b.size
    dist_a = np.full(na, none, dtype=np.int64)
    dist_b = np.full(nb, none, dtype=np.int64)
    pred_b = np.full(nb, -1, dtype=np.int64)
    into_b = np.zeros(nb, dtype=np.int64)
    queue = np.empty(na + 1, dtype=np.int64)
    queued = np.zeros(na, dtype=np.bool_)
    head, tail, size = 0, 0, na + 1
    dist_a[a0] = 0
    queue[tail] = a0
    tail = (tail + 1) % size
    queued[a0] = True
    budget = 50 * (na + nb) + 10_000
    while head != tail:
        a = queue[head]
        head = (head + 1) % size
        queued[a] = False
        budget -= 1
        if budget < 0:
            return -1, 0, 0
        base = dist_a[a]
        count = start_nbr.size if a == a0 else ptr[a + 1] - ptr[a]
        extra = 1 if x >= 0 and to_x[a] != none else 0
        for t in range(count + extra):
            if t == count:
                b, c = x, to_x[a]
            elif a == a0:
                b, c = start_nbr[t], start_cost[t]
            else:
                b, c = nbr[ptr[a] + t], cost[ptr[a] + t]
            if b == mate_a[a]:
                continue
            d = base + c
            if d < dist_b[b]:
                dist_b[b] = d
                pred_b[b] = a
                into_b[b] = c
                a2 = mate_b[b]
                if a2 >= 0:
                    d2 = d - pair_cost_b[b]
                    if d2 < dist_a[a2]:
                        dist_a[a2] = d2
                        if not queued[a2]:
                            queue[tail] = a2
                            tail = (tail + 1) % size
                            queued[a2] = True
    end_b, best = -1, none
    for b in range(nb):
        if mate_b[b] < 0 and dist_b[b] < best:
            end_b, best = b, dist_b[b]
    gained = 1
    if end_b < 0:
        gained = 0
        end_a, best = -1, 0
        for a in range(na):
            if a != a0 and dist_a[a] < best:
                end_a, best = a, dist_a[a]
        if end_a < 0:
            return 0, 0, 0
        end_b = mate_a[end_a]
        mate_a[end_a] = -1
    b = end_b
    while True:
        a = pred_b[b]
        previous = mate_a[a]
        mate_a[a] = b
        mate_b[b] = a
        pair_cost_b[b] = into_b[b]
        if a == a0:
            break
        b = previous
    return 0, gained, best


def _lock_change_by_solving(
    p: asg.Problem, base: tuple[int, int], lock_cost: int, r: IntArray, c: IntArray, w: IntArray
) -> tuple[int, int]:
    """A lock's change by solving the free graph again with the lock's two people freed."""
    n, m = p.graph.n_volunteers, p.graph.n_households
    rows = np.concatenate([p.rows, r])
    cols = np.concatenate([p.graph.indices.astype(np.int64), c])
    cost = np.concatenate([p.cost, w])
    _, first = np.unique(rows * max(m, 1) + cols, return_index=True)
    rows, cols, cost = rows[first], cols[first], cost[first]
    mate = solvers.optimal_matching(n, m, rows, cols, cost)
    chosen = mate[rows] == cols
    base_cost, base_pairs = base
    return (
        base_cost + lock_cost - int(cost[chosen].sum()),
        base_pairs + 1 - int(np.count_nonzero(chosen)),
    )


def _freed_edges(p: asg.Problem, i: int, j: int) -> tuple[IntArray, IntArray, IntArray]:
    """Every compatible pair of a locked volunteer ``i`` and household ``j`` if they were free.

    Pairs with the other free people (and with each other), never excluded ones;
    O(n + m) vectorised.
    """
    from kinfolk.engine import cells

    v_free = p.graph.volunteer_reason != cand.LOCKED
    h_free = p.graph.household_reason != cand.LOCKED
    v_free[i], h_free[j] = True, True
    households = np.flatnonzero(h_free)
    volunteers = np.flatnonzero(v_free & (np.arange(v_free.size) != i))
    r = np.concatenate([np.full(households.size, i), volunteers]).astype(np.int64)
    c = np.concatenate([households, np.full(volunteers.size, j)]).astype(np.int64)
    chord = np.linalg.norm(p.v.xyz[r] - p.h.xyz[c], axis=1)
    ok = cand.compatible_stage(p.v, p.h, r, c, chord) == cand.PAIRED
    ok &= ~np.isin(r * p.graph.n_households + c, p.excluded)
    r, c = r[ok], c[ok]
    km = cells.kilometres(np.ascontiguousarray(chord[ok]))
    vj, vk, vd = cells.variant_arrays(p.v.variants)
    cost = cells.graph_costs(
        r, c, km, p.v_side, p.h_side, cells.weights_tuple(p.weights), vj, vk, vd,
        cm.TRAVEL_EFFORT,
    )  # fmt: skip
    return r, c, np.asarray(cost, dtype=np.int64)
