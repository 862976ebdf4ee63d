"""Benchmark the matching engine against reference solvers on the same candidate graph.

Run alone::

    python bench/matching.py --sizes 10000,110000

Each measurement runs in a fresh subprocess so that its peak memory (the
process's maximum resident set) is its own; the synthetic programme and,
for solver-only rows, the candidate graph are built before the clock
starts.  Every solver works on Kinfolk's candidate graph (k = 32 nearest
compatible households per volunteer).  Solvers that need a perfect matching
get the standard padding: a dummy partner per person at a price above any
real total, and zero-cost dummy-to-dummy arcs mirroring the real ones.

The reference pipeline is cKDTree candidates (one k-nearest query, then
vectorised filters) followed by OR-Tools ``LinearSumAssignment`` on the
padded graph.  Rows whose solver exceeds ``--timeout`` say so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

TODAY = dt.date(2026, 11, 1)
K = 32
Row = dict[str, Any]


def _programme(size: int, seed: int) -> Any:
    from kinfolk.engine.synth import generate

    return generate(size, size, seed=seed, today=TODAY)


def _problem(programme: Any) -> Any:
    from kinfolk.engine import assign, costs

    problem, _ = assign.prepare(
        programme.volunteers, programme.households, weights=costs.Weights(), locks=(),
        exclusions=(), k=K, today=TODAY, progress=assign._noop,
    )  # fmt: skip
    return problem


def _edges(problem: Any) -> tuple[int, int, Any, Any, Any]:
    return (
        problem.graph.n_volunteers,
        problem.graph.n_households,
        problem.rows,
        problem.graph.indices.astype(np.int64),
        problem.cost,
    )


def _score(mate: Any, rows: Any, cols: Any, cost: Any) -> tuple[int, int]:
    chosen = mate[rows] == cols
    return int(chosen.sum()), int(cost[chosen].sum())


def _padded(n: int, m: int, rows: Any, cols: Any, cost: Any) -> tuple[Any, Any, Any, int]:
    """Square padded problem: (left, right, cost, big)."""
    big = int(cost.max(initial=0)) * 8 + 1_000_000
    left = np.concatenate([rows, np.arange(n), n + cols, n + np.arange(m)])
    right = np.concatenate([cols, m + np.arange(n), m + rows, np.arange(m)])
    weight = np.concatenate([cost, np.full(n, big), np.zeros(rows.size, np.int64), np.full(m, big)])
    return left, right, weight, big


# --- one measurement per subprocess ---------------------------------------------------------


def run_kinfolk(size: int, seed: int, mode: str) -> Row:
    from kinfolk.engine.assign import match

    programme = _programme(size, seed)
    ends: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        ends[stage] = time.perf_counter()

    start = time.perf_counter()
    result = match(
        programme.volunteers,
        programme.households,
        mode=mode,
        today=TODAY,
        progress=progress,  # type: ignore[arg-type]
    )
    seconds = time.perf_counter() - start
    stages, previous = {}, start
    for stage, end in ends.items():
        stages[stage] = round(end - previous, 2)
        previous = end
    summary = result.summary
    return {
        "seconds": seconds, "pairs": summary.pairs, "objective": summary.total_cost,
        "stages": stages,
    }  # fmt: skip


def run_reference_candidates(size: int, seed: int) -> Row:
    import scipy.spatial

    from kinfolk.engine import candidates as cand

    programme = _programme(size, seed)
    start = time.perf_counter()
    languages = cand.shared_languages(programme.volunteers, programme.households)
    v = cand.traits(programme.volunteers, languages)
    h = cand.traits(programme.households, languages)
    tree = scipy.spatial.cKDTree(h.xyz)
    edges = 0
    for lo in range(0, size, 20000):
        rows = np.arange(lo, min(lo + 20000, size))
        chord, cols = tree.query(v.xyz[rows], k=4 * K, workers=-1)
        ok = cand.compatible_stage(v, h, rows[:, None], np.minimum(cols, size - 1), chord)
        keep = (ok == cand.PAIRED) & (np.cumsum(ok == cand.PAIRED, axis=1) <= K)
        edges += int(keep.sum())
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "pairs": None, "objective": None, "edges": edges}


def run_solver(size: int, seed: int, solver: str) -> Row:
    from kinfolk.engine import assign

    problem = _problem(_programme(size, seed))
    n, m, rows, cols, cost = _edges(problem)
    start = time.perf_counter()
    if solver == "kinfolk optimal (solve only)":
        # As match() runs it: people renumbered along a Z-order curve first.
        mate = assign._optimal_in_z_order(problem)
    else:
        mate = SOLVERS[solver](n, m, rows, cols, cost)
    seconds = time.perf_counter() - start
    pairs, objective = _score(mate, rows, cols, cost)
    return {"seconds": seconds, "pairs": pairs, "objective": objective}


def _ortools_lsa(n: int, m: int, rows: Any, cols: Any, cost: Any) -> Any:
    from ortools.graph.python import linear_sum_assignment

    left, right, weight, _ = _padded(n, m, rows, cols, cost)
    solver = linear_sum_assignment.SimpleLinearSumAssignment()
    solver.add_arcs_with_cost(left, right, weight)
    assert solver.solve() == solver.OPTIMAL
    mate = np.fromiter((solver.right_mate(i) for i in range(n)), np.int64, count=n)
    return np.where(mate < m, mate, -1)


def _ortools_mcf(n: int, m: int, rows: Any, cols: Any, cost: Any) -> Any:
    from ortools.graph.python import min_cost_flow

    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = n + m, n + m + 1
    tails = np.concatenate([np.full(n, source), rows, n + np.arange(m)])
    heads = np.concatenate([np.arange(n), n + cols, np.full(m, sink)])
    unit = np.concatenate([np.zeros(n, np.int64), cost, np.zeros(m, np.int64)])
    ones = np.ones(tails.size, np.int64)
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, ones, unit)
    flow.set_node_supply(source, min(n, m))
    flow.set_node_supply(sink, -min(n, m))
    assert flow.solve_max_flow_with_min_cost() == flow.OPTIMAL
    used = flow.flows(arcs[n : n + rows.size]) > 0
    mate = np.full(n, -1, np.int64)
    mate[rows[used]] = cols[used]
    return mate


def _scipy(n: int, m: int, rows: Any, cols: Any, cost: Any) -> Any:
    import scipy as sp

    left, right, weight, _ = _padded(n, m, rows, cols, cost)
    # scipy drops explicit zeros from a sparse matrix: shift every weight by one
    # (a constant per pair of a perfect matching, so the argmin is unchanged).
    matrix = sp.sparse.csr_matrix((weight + 1.0, (left, right)), shape=(n + m, n + m))
    row_mate = sp.sparse.csgraph.min_weight_full_bipartite_matching(matrix)[1][:n]
    return np.where(row_mate < m, row_mate, -1)


def _lapmod(n: int, m: int, rows: Any, cols: Any, cost: Any) -> Any:
    import lap
    import scipy as sp

    left, right, weight, _ = _padded(n, m, rows, cols, cost)
    # lapmod refuses costs of 1e6 or more, so its dummy price is capped there.
    weight = np.where(weight >= 1_000_000, 999_999, weight).astype(np.float64)
    matrix = sp.sparse.csr_matrix((weight, (left, right)), shape=(n + m, n + m))
    matrix.sort_indices()
    _, x, _ = lap.lapmod(n + m, matrix.data, matrix.indptr, matrix.indices)
    return np.where(x[:n] < m, x[:n], -1)


def _greedy(n: int, m: int, rows: Any, cols: Any, cost: Any) -> Any:
    from kinfolk.engine.solvers import greedy_matching

    return greedy_matching(n, m, rows, cols, cost)


def _kinfolk_solve(n: int, m: int, rows: Any, cols: Any, cost: Any) -> Any:
    from kinfolk.engine.solvers import optimal_matching

    return optimal_matching(n, m, rows, cols, cost)


SOLVERS: dict[str, Callable[..., Any]] = {
    "kinfolk optimal (solve only)": _kinfolk_solve,
    "ortools LinearSumAssignment": _ortools_lsa,
    "ortools SimpleMinCostFlow": _ortools_mcf,
    "scipy min_weight_full_bipartite": _scipy,
    "lap.lapmod": _lapmod,
    "greedy": _greedy,
}


def run_matching_package(size: int, seed: int) -> Row:
    # This script is called matching.py too: keep its folder off the path.
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != here]
    from matching.games import HospitalResident

    from kinfolk.engine import assign

    problem = _problem(_programme(size, seed))
    # The same rankings as Kinfolk's stable mode, handed over as lists.
    v_lists, h_lists = _stable_preferences(problem)
    out: dict[str, Any] = {}

    def solve() -> None:
        start = time.perf_counter()
        game = HospitalResident.create_from_dictionaries(
            v_lists, h_lists, {h: 1 for h in h_lists}, clean=True
        )
        solution = game.solve(optimal="resident")
        out["seconds"] = time.perf_counter() - start
        out["pairs"] = sorted((r.name, hs.name) for hs, rs in solution.items() for r in rs)

    # The package recurses deeply (copying linked players): give it room.
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(1 << 30)
    worker = threading.Thread(target=solve)
    worker.start()
    worker.join()
    seconds, theirs = out["seconds"], out["pairs"]
    ours = assign.stable_matching(problem)
    v_ids, h_ids = problem.volunteers.id, problem.households.id
    mine = sorted((str(v_ids[i]), str(h_ids[j])) for i, j in enumerate(ours.tolist()) if j >= 0)
    return {"seconds": seconds, "pairs": len(theirs), "objective": None, "same": theirs == mine}


def _stable_preferences(problem: Any) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    from kinfolk.engine import costs

    rows, cols = problem.rows, problem.graph.indices.astype(np.int64)
    f = costs.pair_features(
        problem.v, problem.h, rows, cols, problem.graph.distance_km, problem.v_months,
        problem.h_months,
    )  # fmt: skip
    v_ids, h_ids = problem.volunteers.id, problem.households.id
    common = f.common_slots.astype(np.int64)
    v_order = np.lexsort((h_ids[cols], -common, problem.graph.distance_km, rows))
    h_order = np.lexsort((v_ids[rows], -common, -f.exchange.astype(np.int64), cols))
    v_lists: dict[str, list[str]] = {}
    for e in v_order.tolist():
        v_lists.setdefault(str(v_ids[rows[e]]), []).append(str(h_ids[cols[e]]))
    h_lists: dict[str, list[str]] = {}
    for e in h_order.tolist():
        h_lists.setdefault(str(h_ids[cols[e]]), []).append(str(v_ids[rows[e]]))
    return v_lists, h_lists


def run_repair(size: int, seed: int, newcomers: int) -> Row:
    """Re-pair ``newcomers`` per side into a programme whose active pairings are all locked."""
    from kinfolk.engine.assign import Lock, match
    from kinfolk.engine.solvers import optimal_matching

    programme = _programme(size, seed)
    problem = _problem(programme)
    n, m, rows, cols, cost = _edges(problem)
    old_v, old_h = rows < n - newcomers, cols < m - newcomers
    keep = old_v & old_h
    mate = optimal_matching(n, m, rows[keep], cols[keep], cost[keep])
    v_ids, h_ids = programme.volunteers.id, programme.households.id
    locks = [Lock(str(v_ids[i]), str(h_ids[j]), manual=False) for i, j in enumerate(mate) if j >= 0]
    start = time.perf_counter()
    result = match(programme.volunteers, programme.households, locks=locks, today=TODAY)
    seconds = time.perf_counter() - start
    new_pairs = result.summary.pairs - len(locks)
    return {"seconds": seconds, "pairs": new_pairs, "objective": None, "locks": len(locks)}


def _child(task: dict[str, Any]) -> None:
    kind, size, seed = task["kind"], task["size"], task["seed"]
    if kind == "kinfolk":
        row = run_kinfolk(size, seed, task["mode"])
    elif kind == "reference-candidates":
        row = run_reference_candidates(size, seed)
    elif kind == "solver":
        row = run_solver(size, seed, task["solver"])
    elif kind == "matching":
        row = run_matching_package(size, seed)
    else:
        row = run_repair(size, seed, task["newcomers"])
    row["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(row))


def _measure(task: dict[str, Any], timeout: float) -> Row:
    command = [sys.executable, __file__, "--child", json.dumps(task)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"skipped": f"over the {timeout:.0f} s limit"}
    if done.returncode != 0:
        return {"skipped": "failed: " + (done.stderr.strip().splitlines() or ["?"])[-1][:60]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# --- the table ------------------------------------------------------------------------------


def bench(sizes: list[int], seed: int, timeout: float, matching_max: int) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Matching benchmark (k = {K}, seed {seed}, solver limit {timeout:.0f} s)")
    for column in ("size", "method", "time s", "peak MiB", "pairs", "objective", "time / ref",
                   "= optimum"):  # fmt: skip
        table.add_column(column, justify="right" if column != "method" else "left")
    console = Console(width=170)
    stage_notes: dict[tuple[int, str], dict[str, float]] = {}
    for size in sizes:
        rows: list[tuple[str, Row]] = []

        def add(
            name: str, task: dict[str, Any], limit: float = timeout, size: int = size,
            rows: list[tuple[str, Row]] = rows,
        ) -> Row:  # fmt: skip
            console.log(f"{size:,}: {name}")
            row = _measure({"size": size, "seed": seed, **task}, limit)
            rows.append((name, row))
            if "stages" in row:
                stage_notes[(size, name)] = row["stages"]
            return row

        kin = add("kinfolk optimal, end to end", {"kind": "kinfolk", "mode": "optimal"})
        ref_cand = add("reference candidates (cKDTree)", {"kind": "reference-candidates"})
        for solver in SOLVERS:
            add(solver, {"kind": "solver", "solver": solver})
        add("kinfolk stable, end to end", {"kind": "kinfolk", "mode": "stable"})
        if size <= matching_max:
            # The package is slow; give it room beyond the solver limit.
            add("matching package (stable)", {"kind": "matching"}, max(timeout, 900))
        add("kinfolk re-pair 1,000 newcomers", {"kind": "repair", "newcomers": 1000})
        lsa = dict(rows)["ortools LinearSumAssignment"]
        reference: Row = {"skipped": "LinearSumAssignment skipped"}
        bound = None  # when LSA ran out of time, the reference took at least this long
        if "seconds" not in lsa and "seconds" in ref_cand and "limit" in lsa.get("skipped", ""):
            bound = ref_cand["seconds"] + timeout
            reference = {"skipped": f"over {bound:.0f} s (candidates + LSA limit)"}
        if "seconds" in lsa and "seconds" in ref_cand:
            reference = {
                "seconds": ref_cand["seconds"] + lsa["seconds"],
                "peak_mib": max(ref_cand["peak_mib"], lsa["peak_mib"]),
                "pairs": lsa["pairs"],
                "objective": lsa["objective"],
            }
        rows.insert(2, ("reference pipeline (cKDTree + LSA)", reference))
        ref_seconds = reference.get("seconds")
        ref_objective = (kin.get("pairs"), kin.get("objective"))
        for name, row in rows:
            if "skipped" in row:
                table.add_row(f"{size:,}", name, row["skipped"], "", "", "", "", "")
                continue
            ratio = "n/a"
            if ref_seconds:
                ratio = f"{row['seconds'] / ref_seconds:.2f}"
            elif bound:
                ratio = f"< {row['seconds'] / bound:.2f}"
            same = ""
            if row.get("objective") is not None:
                same = "yes" if (row["pairs"], row["objective"]) == ref_objective else "no"
            if "same" in row:
                same = "same pairs" if row["same"] else "different pairs"
            table.add_row(
                f"{size:,}", name, f"{row['seconds']:.2f}", f"{row['peak_mib']:.0f}",
                f"{row['pairs']:,}" if row.get("pairs") is not None else "",
                f"{row['objective']:,}" if row.get("objective") is not None else "",
                ratio, same,
            )  # fmt: skip
        table.add_section()
    console.print(table)
    for (size, name), stages in stage_notes.items():
        console.print(f"{size:,} {name}: " + ", ".join(f"{k} {v:.2f} s" for k, v in stages.items()))
    console.print(
        "'= optimum' compares (pairs, total cost) with Kinfolk's exact optimum; "
        "time / ref divides by the reference pipeline's time when it finished."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,110000", help="comma-separated people per side")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per measurement")
    parser.add_argument("--matching-max", type=int, default=10000,
                        help="largest size to run the matching package at")  # fmt: skip
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(json.loads(args.child))
        return
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    bench(sizes, args.seed, args.timeout, args.matching_max)


if __name__ == "__main__":
    main()
