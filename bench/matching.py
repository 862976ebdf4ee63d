"""Benchmark the matching engine: issue 15's target table, with the references of the same run.

Run alone::

    python bench/matching.py --size 110000 --repeat 3
    python bench/matching.py --size 110000 --million   # adds the 1M row (minutes, ~8 GiB)

Each measurement runs in a fresh subprocess so that its peak memory (the
process's maximum resident set) is its own; the synthetic programme is built
before the clock starts.  The machine is shared, so every row is the best of
``--repeat`` runs.  The reference pipeline is cKDTree candidates (one
k-nearest query, then vectorised filters) followed by OR-Tools' min-cost flow
on the same candidate graph that Kinfolk solves.  ``kinfolk match`` is timed
as a user runs it (read the CSV files, match, write pairs and explanations),
cold (an empty compilation cache) and warm.

``--solvers`` adds the older comparison of solvers on Kinfolk's candidate
graph (OR-Tools LinearSumAssignment, scipy, lap), with dummy padding where a
solver needs a perfect matching.
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

from kinfolk.engine.candidates import K as CANDIDATES

TODAY = dt.date(2026, 11, 1)
# The reference lists as many candidates as Kinfolk does, and solves Kinfolk's own graph.
K = CANDIDATES
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
    from kinfolk.engine.compiled import warm_up

    programme = _programme(size, seed)
    warm_up()  # load the compiled kernels before the clock starts
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
    problem = _problem(_programme(size, seed))
    n, m, rows, cols, cost = _edges(problem)
    start = time.perf_counter()
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
    from kinfolk.engine.compiled import warm_up
    from kinfolk.engine.solvers import optimal_matching

    warm_up()
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


def run_cli(size: int, seed: int, folder: str, cold: bool) -> Row:
    """``kinfolk match`` as a user runs it, on CSV files written beforehand."""
    import os
    import shutil
    import tempfile

    env = dict(os.environ)
    cache = tempfile.mkdtemp(prefix="kinfolk-numba-") if cold else None
    if cache:
        env["NUMBA_CACHE_DIR"] = cache  # an empty cache: everything compiles
    kinfolk = str(Path(sys.executable).with_name("kinfolk"))
    command = [
        kinfolk, "match", f"{folder}/volunteers.csv", f"{folder}/households.csv",
        "-o", f"{folder}/pairs.csv", "--explain", f"{folder}/explain.csv",
    ]  # fmt: skip
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - start
    if cache:
        shutil.rmtree(cache, ignore_errors=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1])
    with open(f"{folder}/explain.csv", encoding="utf-8") as handle:
        pairs = sum(1 for _ in handle) - 1
    return {"seconds": seconds, "pairs": pairs, "objective": None}


def run_left_out(size: int, seed: int) -> Row:
    """The crowd and the k-nearest trap: pairs made against the maximum possible."""
    import importlib.util

    from kinfolk.engine.assign import match

    spec = importlib.util.spec_from_file_location(
        "bench_exactness", Path(__file__).with_name("exactness.py")
    )
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    start = time.perf_counter()
    made = [match(*module.crowd(), today=TODAY).summary.pairs,
            match(*module.trap(), today=TODAY).summary.pairs]  # fmt: skip
    return {"seconds": time.perf_counter() - start, "pairs": made, "objective": None}


def run_cross_check(size: int, seed: int) -> Row:
    """Kinfolk's solver and OR-Tools on the same final graph: (pairs, cost) of each."""
    from kinfolk.engine.assign import match

    programme = _programme(size, seed)
    ours = match(programme.volunteers, programme.households, today=TODAY)
    theirs = match(programme.volunteers, programme.households, today=TODAY, solver="ortools")
    a, b = ours.summary, theirs.summary
    return {"seconds": 0.0, "pairs": a.pairs, "objective": a.total_cost,
            "same": (a.pairs, a.total_cost) == (b.pairs, b.total_cost),
            "checked": a.all_pairs_checked}  # fmt: skip


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
    elif kind == "cli":
        row = run_cli(size, seed, task["folder"], task["cold"])
    elif kind == "left-out":
        row = run_left_out(size, seed)
    elif kind == "cross-check":
        row = run_cross_check(size, seed)
    else:
        row = run_repair(size, seed, task["newcomers"])
    who = resource.RUSAGE_CHILDREN if kind == "cli" else resource.RUSAGE_SELF
    row["peak_mib"] = resource.getrusage(who).ru_maxrss / 1024
    print(json.dumps(row))


def _measure(task: dict[str, Any], timeout: float, repeat: int = 1) -> Row:
    """The best of ``repeat`` runs (the machine is shared), each in a fresh process."""
    best: Row = {"skipped": "not run"}
    for _ in range(repeat):
        command = [sys.executable, __file__, "--child", json.dumps(task)]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            return {"skipped": f"over the {timeout:.0f} s limit"}
        if done.returncode != 0:
            return {"skipped": "failed: " + (done.stderr.strip().splitlines() or ["?"])[-1][:80]}
        row = dict(json.loads(done.stdout.strip().splitlines()[-1]))
        if "seconds" not in best or row["seconds"] < best["seconds"]:
            best = row
    return best


# --- the table ------------------------------------------------------------------------------


def targets(size: int, seed: int, timeout: float, repeat: int, million: bool) -> None:
    """Issue 15's target table, measured, with the references of the same run."""
    import tempfile

    from rich.console import Console
    from rich.table import Table

    console = Console(width=170)

    def measure(name: str, task: dict[str, Any], runs: int = repeat, n: int = size) -> Row:
        console.log(f"{n:,}: {name}")
        return _measure({"size": n, "seed": seed, **task}, timeout, runs)

    folder = tempfile.mkdtemp(prefix="kinfolk-bench-")
    subprocess.run(
        [str(Path(sys.executable).with_name("kinfolk")), "synth", "--size", str(size),
         "--seed", str(seed), "-o", folder], check=True, capture_output=True,
    )  # fmt: skip
    cold = measure("kinfolk match (cold)", {"kind": "cli", "folder": folder, "cold": True}, 1)
    warm = measure("kinfolk match (warm)", {"kind": "cli", "folder": folder, "cold": False})
    optimal = measure("optimal, engine only", {"kind": "kinfolk", "mode": "optimal"})
    ref_cand = measure("reference candidates", {"kind": "reference-candidates"})
    ref_solve = measure(
        "reference solve", {"kind": "solver", "solver": "ortools SimpleMinCostFlow"}
    )
    stable = measure("stable, engine only", {"kind": "kinfolk", "mode": "stable"})
    repair = measure("re-pair", {"kind": "repair", "newcomers": 1000})
    cross = measure("cross-check", {"kind": "cross-check"}, 1)
    left = measure("left out", {"kind": "left-out"}, 1)
    big = (
        measure("optimal 1M", {"kind": "kinfolk", "mode": "optimal"}, 1, 1_000_000)
        if million else {"skipped": "not run (--million)"}
    )  # fmt: skip
    reference = (
        ref_cand["seconds"] + ref_solve["seconds"]
        if "seconds" in ref_cand and "seconds" in ref_solve
        else None
    )
    table = Table(title=f"Issue 15 targets at {size:,} × {size:,} (best of {repeat}; seed {seed})")
    for column in ("what", "target", "measured", "peak MiB", "reference (same run)", "ratio",
                   "met"):  # fmt: skip
        table.add_column(column, justify="left" if column in ("what", "target") else "right")

    def seconds(row: Row) -> str:
        return f"{row['seconds']:.2f} s" if "seconds" in row else row["skipped"]

    def add(what: str, target: str, row: Row, limit: float | None, ref: float | None = None,
            ratio_limit: float | None = None) -> None:  # fmt: skip
        ok = "seconds" in row and (limit is None or row["seconds"] < limit)
        ratio = ""
        if ref and "seconds" in row:
            ratio = f"{row['seconds'] / ref:.2f}"
            ok = ok and (ratio_limit is None or row["seconds"] / ref <= ratio_limit)
        table.add_row(what, target, seconds(row), f"{row.get('peak_mib', 0):.0f}",
                      f"{ref:.2f} s" if ref else "", ratio, "yes" if ok else "no")  # fmt: skip

    add("kinfolk match, whole command, cold", "under 6 s", cold, 6.0)
    add("kinfolk match, whole command, warm", "under 6 s (was 31–33 s)", warm, 6.0)
    add("optimal, engine only", "under 4 s, ≤ 0.4× reference", optimal, 4.0, reference, 0.4)
    add("optimal, 1M × 1M", "under 60 s, 8 GiB", big, 60.0)
    add("stable, engine only", "under 2 s", stable, 2.0)
    add("re-pair 1,000 into 100k locks", "under 0.5 s", repair, 0.5)
    same = "yes" if cross.get("same") and cross.get("checked") else "no"
    table.add_row("exactness: = OR-Tools on the same graph", "equal", same, "", "", "", same)
    made = left.get("pairs") or [0, 0]
    whole = "yes" if made == [300, 80] else "no"
    table.add_row("no pairable person left out (crowd, trap)", "300, 80",
                  f"{made[0]}, {made[1]}", "", "", "", whole)  # fmt: skip
    console.print(table)
    for name, row in (("optimal", optimal), ("stable", stable)):
        if "stages" in row:
            stages = ", ".join(f"{k} {v:.2f} s" for k, v in row["stages"].items())
            console.print(f"{name} stages: {stages}")
    console.print(
        "Reference: cKDTree candidates + OR-Tools min-cost flow on Kinfolk's candidate graph. "
        "Instances from three countries: python bench/exactness.py."
    )


def solvers_table(sizes: list[int], seed: int, timeout: float) -> None:
    """The older comparison of solvers on Kinfolk's candidate graph."""
    from rich.console import Console
    from rich.table import Table

    console = Console(width=170)
    table = Table(title=f"Solvers on Kinfolk's candidate graph (seed {seed})")
    for column in ("size", "solver", "time s", "peak MiB", "pairs", "objective"):
        table.add_column(column, justify="right" if column != "solver" else "left")
    for size in sizes:
        for solver in SOLVERS:
            console.log(f"{size:,}: {solver}")
            row = _measure(
                {"kind": "solver", "size": size, "seed": seed, "solver": solver}, timeout
            )
            if "skipped" in row:
                table.add_row(f"{size:,}", solver, row["skipped"], "", "", "")
                continue
            table.add_row(f"{size:,}", solver, f"{row['seconds']:.2f}", f"{row['peak_mib']:.0f}",
                          f"{row['pairs']:,}", f"{row['objective']:,}")  # fmt: skip
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=110000, help="people per side")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per row; the best counts")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per run")
    parser.add_argument("--million", action="store_true", help="add the 1M × 1M row")
    parser.add_argument("--solvers", default="", help="sizes for the solver comparison")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(json.loads(args.child))
        return
    if args.solvers:
        solvers_table([int(s) for s in args.solvers.split(",")], args.seed, args.timeout)
        return
    targets(args.size, args.seed, args.timeout, args.repeat, args.million)


if __name__ == "__main__":
    main()
