"""Why a pair was made, and the next-best alternatives.

Every explanation is computed from the same candidate graph and integer
costs the solver used, so it always agrees with the result: the cost of a
pair, its rank among each side's candidates (1 = cheapest), and the
cheapest other candidates of each side.  For a coordinator's manual lock it
also says what the lock costs against the optimum without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from kinfolk.engine import assign as asg
from kinfolk.engine import candidates as cand
from kinfolk.engine import costs as cm
from kinfolk.engine import dictionary as dd
from kinfolk.engine import solvers

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

        change = ""
        if self.lock_cost_change is not None:
            change = f"{self.lock_cost_change:+d}"
            if self.lock_pairs_change:
                change += f" ({self.lock_pairs_change:+d} pairs)"
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
            "lock_cost_change": change,
            "warnings": " | ".join(self.warnings),
        }


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
        many manual locks (each needs a re-solve of the affected component).

    Returns
    -------
    list of Explanation
        One per pair, in the order of ``result``.

    Notes
    -----
    Ranks and alternatives come from sorting each side's candidate edges by
    cost: O(E log E) once.  A lock's cost change re-solves, exactly, the
    connected components of the graph that the freed pair joins, with every
    compatible pair of the freed volunteer and household added; the pairs
    with the lock are the result's own (optimal on its graph), so each lock
    costs one solve of its components.
    """
    problem = result.problem
    if problem is None:
        raise ValueError("the result carries no problem to explain")
    p = problem
    tables = _RankTables(p)
    changes = _lock_changes(result, max_lock_changes)
    warnings_by_pair: dict[tuple[str, str], list[str]] = {}
    for message in result.warnings:
        words = message.split(" ")  # "locked pair V + H ..."
        warnings_by_pair.setdefault((words[2], words[4]), []).append(message)
    vol, hh = result.volunteer, result.household
    edges = asg.edge_index(p, vol, hh)
    in_graph = np.flatnonzero(edges >= 0)
    v_rank = np.zeros(vol.size, dtype=np.int64)
    h_rank = np.zeros(vol.size, dtype=np.int64)
    v_rank[in_graph] = tables.v_position[edges[in_graph]] + 1
    h_rank[in_graph] = tables.h_position[edges[in_graph]] + 1
    languages = cand.shared_languages(p.volunteers, p.households)
    # The volunteer's own tags that the household can talk in (``en`` with ``en-GB`` too).
    both = (p.v.speaks_conv[vol] & p.h.talk[hh]).tolist()
    v_learns = (p.v.learning[vol] & p.h.talk[hh]).tolist()
    h_learns = (p.h.learning[hh] & p.v.talk[vol]).tolist()
    slots = (p.v.availability[vol] & p.h.availability[hh]).tolist()
    out = []
    for at, (i, j) in enumerate(zip(vol.tolist(), hh.tolist(), strict=True)):
        vid, hid = str(p.volunteers.id[i]), str(p.households.id[j])
        change = changes.get(at, (None, None))
        exchange = [f"volunteer learns {tag}" for tag in _tags(v_learns[at], languages)]
        exchange += [f"household learns {tag}" for tag in _tags(h_learns[at], languages)]
        out.append(
            Explanation(
                volunteer_id=vid,
                household_id=hid,
                locked=bool(result.locked[at]),
                distance_km=float(result.distance_km[at]),
                shared_languages=tuple(sorted(_tags(both[at], languages))),
                exchange_languages=tuple(exchange),
                common_slots=tuple(_tags(slots[at], dd.SLOTS)),
                cost=int(result.cost[at]),
                volunteer_rank=int(v_rank[at]) or None,
                household_rank=int(h_rank[at]) or None,
                volunteer_alternatives=tables.volunteer_alternatives(i, j, alternatives),
                household_alternatives=tables.household_alternatives(i, j, alternatives),
                lock_cost_change=change[0],
                lock_pairs_change=change[1],
                warnings=tuple(warnings_by_pair.get((vid, hid), ())),
            )
        )
    return out


def _tags(mask: int, names: tuple[str, ...]) -> list[str]:
    return [name for bit, name in enumerate(names) if mask >> bit & 1]


class _RankTables:
    """Each side's candidate edges sorted by cost (ties by the other side's index)."""

    def __init__(self, problem: asg.Problem) -> None:
        self.p = problem
        graph = problem.graph
        rows, cols, cost = problem.rows, graph.indices.astype(np.int64), problem.cost
        self.v_order = np.lexsort((cols, cost, rows))
        self.v_start = graph.indptr
        self.h_order = np.lexsort((rows, cost, cols))
        counts = np.bincount(cols, minlength=graph.n_households)
        self.h_start = np.concatenate([[0], np.cumsum(counts)])
        self.rows, self.cols, self.cost = rows, cols, cost
        # Position of each edge among its volunteer's (household's) edges, by cost.
        self.v_position = np.empty(rows.size, dtype=np.int64)
        self.v_position[self.v_order] = np.arange(rows.size) - self.v_start[rows[self.v_order]]
        self.h_position = np.empty(rows.size, dtype=np.int64)
        self.h_position[self.h_order] = np.arange(rows.size) - self.h_start[cols[self.h_order]]

    def _edges_of_v(self, i: int) -> npt.NDArray[np.int64]:
        return self.v_order[self.v_start[i] : self.v_start[i + 1]]

    def _edges_of_h(self, j: int) -> npt.NDArray[np.int64]:
        return self.h_order[self.h_start[j] : self.h_start[j + 1]]

    def volunteer_alternatives(self, i: int, j: int, count: int) -> tuple[tuple[str, int], ...]:
        edges = self._edges_of_v(i)
        edges = edges[self.cols[edges] != j][:count]
        ids = self.p.households.id
        return tuple((str(ids[self.cols[e]]), int(self.cost[e])) for e in edges.tolist())

    def household_alternatives(self, i: int, j: int, count: int) -> tuple[tuple[str, int], ...]:
        edges = self._edges_of_h(j)
        edges = edges[self.rows[edges] != i][:count]
        ids = self.p.volunteers.id
        return tuple((str(ids[self.rows[e]]), int(self.cost[e])) for e in edges.tolist())


def _lock_changes(result: asg.MatchResult, limit: int) -> dict[int, tuple[int | None, int | None]]:
    """For manual locks: (optimum with the lock − optimum without, change in pairs).

    The result is optimal on its graph, so within any connected component of
    the graph its pairs are that component's optimum with the lock: only the
    optimum without it needs solving, on the components the freed pair joins.
    """
    import scipy as sp

    p = result.problem
    assert p is not None
    out: dict[int, tuple[int | None, int | None]] = {}
    manual = np.flatnonzero(p.lock_manual)[:limit]
    if manual.size == 0:
        return out
    n, m = p.graph.n_volunteers, p.graph.n_households
    adjacency = sp.sparse.coo_matrix(
        (np.ones(p.rows.size, np.int8), (p.rows, n + p.graph.indices.astype(np.int64))),
        shape=(n + m, n + m),
    )
    _, label = sp.sparse.csgraph.connected_components(adjacency, directed=False)
    free = ~result.locked
    for lock in manual.tolist():
        i, j = int(p.lock_v[lock]), int(p.lock_h[lock])
        extra_r, extra_c, extra_w = _freed_edges(p, i, j)
        touched = np.unique(np.concatenate([label[extra_r], label[n + extra_c]]))
        base = np.isin(label[p.rows], touched)
        rows = np.concatenate([p.rows[base], extra_r])
        cols = np.concatenate([p.graph.indices[base].astype(np.int64), extra_c])
        cost = np.concatenate([p.cost[base], extra_w])
        unique, first = np.unique(rows * max(m, 1) + cols, return_index=True)
        rows, cols, cost = rows[first], cols[first], cost[first]
        mate = solvers.optimal_matching(n, m, rows, cols, cost)
        free_total, free_pairs = _total(mate, rows, cols, cost, m)
        mine = free & np.isin(label[result.volunteer], touched)
        lock_total = int(result.cost[mine].sum()) + int(result.cost[lock])
        out[lock] = (lock_total - free_total, int(mine.sum()) + 1 - free_pairs)
    return out


def _total(
    mate: npt.NDArray[np.int64],
    rows: npt.NDArray[np.int64],
    cols: npt.NDArray[np.int64],
    cost: npt.NDArray[np.int64],
    m: int,
) -> tuple[int, int]:
    chosen = mate[rows] == cols
    return int(cost[chosen].sum()), int(chosen.sum())


def _freed_edges(
    p: asg.Problem, i: int, j: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
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
    return r, c, cost
