"""What the engine loses against the optimum over *all* compatible pairs.

Run alone::

    python bench/exactness.py --size 20000

For each instance it builds the full compatible graph (every pair within both
travel limits that meets every hard constraint; a brute-force ball query per
volunteer), solves it exactly with OR-Tools' min-cost flow, and compares with
``match()``: pairs, total cost, and how many compatible pairs join two people
the engine left unpaired (a result that is not even maximal).  Stable mode is
checked for blocking pairs over the full graph.

Instances: the synthetic programme (GB); a rural one (Norway's towns, travel
limits four times as long); the same GB people placed at their town's
centre; two more countries (DE, FR); a crowd of 300 + 300 at one point; and a
k-nearest trap (80 volunteers at A, 40 households at A and 40 at B, 5 km away).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from dataclasses import replace
from typing import Any

import numpy as np

TODAY = dt.date(2026, 11, 1)


def full_graph(volunteers: Any, households: Any) -> tuple[Any, Any, Any]:
    """Every compatible pair: (rows, cols, cost) with the engine's own cost model."""
    import scipy.spatial

    from kinfolk.engine import candidates as cand
    from kinfolk.engine import costs as cm

    languages = cand.shared_languages(volunteers, households)
    v, h = cand.traits(volunteers, languages), cand.traits(households, languages)
    tree = scipy.spatial.cKDTree(h.xyz)
    rows, cols, chords = [], [], []
    for lo in range(0, len(volunteers), 2000):
        who = np.arange(lo, min(lo + 2000, len(volunteers)))
        found = tree.query_ball_point(v.xyz[who], r=v.reach_chord[who], workers=2)
        r = np.repeat(who, [len(f) for f in found])
        c = np.concatenate([np.asarray(f, dtype=np.int64) for f in found]) if r.size else r
        chord = np.linalg.norm(v.xyz[r] - h.xyz[c], axis=1)
        ok = cand.compatible_stage(v, h, r, c, chord) == cand.PAIRED
        rows.append(r[ok])
        cols.append(c[ok])
        chords.append(chord[ok])
    r, c = np.concatenate(rows).astype(np.int64), np.concatenate(cols).astype(np.int64)
    km = cand.chord_to_km(np.concatenate(chords)).astype(np.float32)
    v_months = cm.months_waited(volunteers.waiting_since, TODAY)
    h_months = cm.months_waited(households.waiting_since, TODAY)
    features = cm.pair_features(v, h, r, c, km, v_months, h_months)
    return r, c, cm.edge_costs(features, cm.Weights())


def _ortools(n: int, m: int, rows: Any, cols: Any, cost: Any) -> Any:
    from kinfolk.engine import solvers

    solve = getattr(solvers, "optimal_matching_ortools", None) or solvers.optimal_matching
    return solve(n, m, rows, cols, cost)


def compare(name: str, volunteers: Any, households: Any) -> dict[str, Any]:
    from kinfolk.engine.assign import match

    n, m = len(volunteers), len(households)
    started = time.perf_counter()
    rows, cols, cost = full_graph(volunteers, households)
    best = _ortools(n, m, rows, cols, cost)
    chosen = best[rows] == cols
    optimum = (int(chosen.sum()), int(cost[chosen].sum()))
    reference_seconds = time.perf_counter() - started
    started = time.perf_counter()
    result = match(volunteers, households, today=TODAY)
    seconds = time.perf_counter() - started
    paired_v = np.zeros(n, bool)
    paired_v[result.volunteer] = True
    paired_h = np.zeros(m, bool)
    paired_h[result.household] = True
    open_pairs = int(np.count_nonzero(~paired_v[rows] & ~paired_h[cols]))
    stable = match(volunteers, households, mode="stable", today=TODAY)
    blocking = _blocking(stable, rows, cols, n, m)
    return {
        "instance": name, "people": f"{n:,} + {m:,}", "edges": f"{rows.size:,}",
        "optimum pairs": optimum[0], "engine pairs": result.summary.pairs,
        "lost pairs": optimum[0] - result.summary.pairs,
        "extra cost %": _extra_cost(result, optimum),
        "open pairs": open_pairs, "stable blocking": blocking,
        "checked (rounds)": f"{'yes' if result.summary.all_pairs_checked else 'NO'} "
                            f"({result.summary.check_rounds})",
        "engine s": round(seconds, 2), "full graph + OR-Tools s": round(reference_seconds, 1),
    }  # fmt: skip


def _extra_cost(result: Any, optimum: tuple[int, int]) -> str:
    if result.summary.pairs != optimum[0]:
        return "n/a (fewer pairs)"
    return f"{100 * (result.summary.total_cost - optimum[1]) / max(optimum[1], 1):.3f}"


def _blocking(stable: Any, rows: Any, cols: Any, n: int, m: int) -> int:
    """Compatible pairs that block the stable result (both prefer each other), all pairs."""
    from kinfolk.engine import candidates as cand
    from kinfolk.engine import costs as cm

    p = stable.problem
    km = cand.chord_to_km(np.linalg.norm(p.v.xyz[rows] - p.h.xyz[cols], axis=1)).astype(np.float32)
    f = cm.pair_features(p.v, p.h, rows, cols, km, p.v_months, p.h_months)
    v_rank = np.argsort(np.argsort(p.volunteers.id, kind="stable"), kind="stable")
    h_rank = np.argsort(np.argsort(p.households.id, kind="stable"), kind="stable")
    common = f.common_slots.astype(np.int64)
    v_key = km.view(np.int32).astype(np.int64) << 32 | (21 - common) << 27 | h_rank[cols]
    h_key = ((2 - f.exchange.astype(np.int64)) * 32 + (21 - common)) * n + v_rank[rows]
    big = np.iinfo(np.int64).max
    mate_v_key = np.full(n, big)
    mate_h_key = np.full(m, big)
    pairs = zip(rows.tolist(), cols.tolist(), strict=True)
    pair_key = {pair: e for e, pair in enumerate(pairs)}
    for i, j in zip(stable.volunteer.tolist(), stable.household.tolist(), strict=True):
        e = pair_key.get((i, j))
        if e is not None:
            mate_v_key[i], mate_h_key[j] = v_key[e], h_key[e]
    return int(np.count_nonzero((v_key < mate_v_key[rows]) & (h_key < mate_h_key[cols])))


def _at(people: Any, lat: Any, lon: Any) -> Any:
    return replace(people, lat=np.asarray(lat, float), lon=np.asarray(lon, float))


def crowd(size: int = 300) -> tuple[Any, Any]:
    from kinfolk.engine.synth import generate

    p = generate(size, size, seed=7, today=TODAY)
    v = replace(p.volunteers, lat=np.full(size, 53.96), lon=np.full(size, -1.08))
    h = replace(p.households, lat=np.full(size, 53.96), lon=np.full(size, -1.08))
    return _everyone_compatible(v), _everyone_compatible(h)


def _everyone_compatible(people: Any) -> Any:
    n = len(people)
    return replace(
        people, speaks_any=np.ones(n, np.uint64), speaks_conv=np.ones(n, np.uint64),
        speaks_fluent=np.ones(n, np.uint64), offers=np.zeros(n, np.uint32),
        accepts=np.zeros(n, np.uint32), availability=np.full(n, 1, np.uint32),
        visit_places=np.full(n, 2, np.int8), max_travel_km=np.full(n, 10, np.float32),
    )  # fmt: skip


def trap() -> tuple[Any, Any]:
    v, h = crowd(80)
    lat = np.where(np.arange(80) < 40, 53.96, 54.005)  # B is 5 km north of A
    return v, replace(h, lat=lat)


def town_centres(programme: Any) -> tuple[Any, Any]:
    from kinfolk.engine.synth import _towns

    names, table = _towns(programme.country)
    index = {name: at for at, name in enumerate(names.tolist())}

    def centre(people: Any) -> Any:
        at = np.array([index[t] for t in people.town.tolist()])
        return _at(people, table[at, 0], table[at, 1])

    return centre(programme.volunteers), centre(programme.households)


def rural(size: int) -> tuple[Any, Any]:
    from kinfolk.engine.synth import generate

    p = generate(size, size, country="NO", seed=3, today=TODAY)
    return (
        replace(p.volunteers, max_travel_km=p.volunteers.max_travel_km * 4),
        replace(p.households, max_travel_km=p.households.max_travel_km * 4),
    )


def main() -> None:
    from rich.console import Console
    from rich.table import Table

    from kinfolk.engine.synth import generate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20000)
    parser.add_argument(
        "--only", action="append", default=[],
        help="run the instances whose name contains this text (repeatable; names hold commas)",
    )  # fmt: skip
    args = parser.parse_args()
    size = args.size
    gb = generate(size, size, seed=1, today=TODAY)
    instances = {
        "crowd 300 at one point": crowd,
        "k-nearest trap": trap,
        f"synthetic GB {size:,}": lambda: (gb.volunteers, gb.households),
        f"rural NO {size:,} (limits x4)": lambda: rural(size),
        f"GB {size:,} at town centres": lambda: town_centres(gb),
        f"synthetic DE {size // 2:,}": lambda: _pair(generate(size // 2, size // 2, country="DE",
                                                              seed=2, today=TODAY)),
        f"synthetic FR {size // 2:,}": lambda: _pair(generate(size // 2, size // 2, country="FR",
                                                              seed=2, today=TODAY)),
    }  # fmt: skip
    wanted = [w.strip() for w in args.only if w.strip()]
    console = Console(width=200)
    rows = []
    for name, make in instances.items():
        if wanted and not any(w in name for w in wanted):
            continue
        console.log(name)
        rows.append(compare(name, *make()))
    table = Table(title="Engine against the optimum over all compatible pairs")
    for column in rows[0]:
        table.add_column(column, justify="left" if column == "instance" else "right")
    for row in rows:
        table.add_row(*(str(value) for value in row.values()))
    console.print(table)


def _pair(programme: Any) -> tuple[Any, Any]:
    return programme.volunteers, programme.households


if __name__ == "__main__":
    main()
