"""Where the time of optimal mode's exact check goes, round by round.

Run alone::

    python bench/optimal_rounds.py --size 110000

Builds the synthetic programme's candidate graph once (``assign.prepare``), then
times only :func:`kinfolk.engine.exact.optimal` on it: for each round, the CPU and
wall seconds of the solve, the pricing scan and the join of the new pairs, with the
left nodes the new pairs freed and how many people each side's scan covered.  The
kernels are compiled (or loaded from the disk cache) on a small programme first.
CPU time counts every thread, so a parallel scan shows its whole cost.

The stages are timed by wrapping the functions :mod:`kinfolk.engine.exact` calls, so
the engine itself carries no instrumentation.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from kinfolk.engine import assign, exact, solvers, synth
from kinfolk.engine import candidates as cand
from kinfolk.engine import costs as cm

TODAY = dt.date(2026, 11, 1)


def prepared(size: int, seed: int) -> assign.Problem:
    """The synthetic programme's problem (candidates and costs) at ``size`` a side."""
    programme = synth.generate(size, size, seed=seed, today=TODAY)
    problem, _ = assign.prepare(
        programme.volunteers, programme.households, weights=cm.Weights(), locks=(),
        exclusions=(), k=cand.K, today=TODAY, progress=lambda *_: None,
    )  # fmt: skip
    return problem


def timed(log: list[str], name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function``, appending its CPU and wall seconds to ``log`` at each call."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        cpu, wall = time.process_time(), time.perf_counter()
        out = function(*args, **kwargs)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        log.append(f"  {name:5s} cpu {cpu:6.2f} s  wall {wall:6.2f} s")
        return out

    return wrapper


def instrument(log: list[str], warm_limit: float) -> None:
    """Wrap the stages exact.optimal calls; count what each scan and repair covers."""
    solve = solvers.optimal_warm
    scan = exact._violations
    tighten = solvers._tighten

    def solve_with_limit(*args: Any, **kwargs: Any) -> Any:
        log.append(f"round {sum(line.startswith('round') for line in log) + 1}")
        return solve(*args, **kwargs, warm_limit=warm_limit)

    def counted_scan(p: Any, best: Any, only: Any) -> Any:
        marks = "everyone" if only is None else f"{int(only[0].sum())} + {int(only[1].sum())}"
        log.append(f"  scan covers {marks} (volunteers + households)")
        return scan(p, best, only)

    def counted_tighten(*args: Any) -> int:
        freed = int(tighten(*args))
        if freed:
            log.append(f"  freed {freed}")
        return freed

    exact.optimal_warm = timed(log, "solve", solve_with_limit)  # type: ignore[assignment]
    exact._violations = timed(log, "scan", counted_scan)  # type: ignore[assignment]
    exact._grown = timed(log, "join", exact._grown)  # type: ignore[assignment]
    solvers._tighten = counted_tighten  # type: ignore[assignment]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=110_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--warm-limit", type=float, default=solvers.WARM_LIMIT)
    args = parser.parse_args()
    problem = prepared(args.size, args.seed)
    log: list[str] = []
    instrument(log, args.warm_limit)
    exact.optimal(prepared(2000, args.seed + 1))  # compile before timing
    log.clear()
    print(f"load average before: {os.getloadavg()}")
    cpu, wall = time.process_time(), time.perf_counter()
    p, mate, rounds, done = exact.optimal(problem)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print("\n".join(log))
    paired = np.flatnonzero(mate >= 0)
    edge = assign.edge_index(p, paired, mate[paired])
    print(
        f"{rounds} rounds, checked {done}: {paired.size} pairs, total cost "
        f"{int(p.cost[edge].sum())}, {p.rows.size} edges"
    )
    print(f"exact.optimal: cpu {cpu:.2f} s, wall {wall:.2f} s; load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
