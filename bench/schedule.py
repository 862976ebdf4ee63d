"""Benchmark: a year of visit windows for a whole programme.

Plans 12 months of windows for synthetic pairings (110,000 by default, about
715,000 windows) with ``kinfolk.engine.schedule.plan_windows`` and with the
scalar reference loop of the tests, and prints a table.  The reference runs
on a random sample of pairings and is extrapolated linearly (its cost is
per pairing); the sample's windows are checked to be identical.

    python bench/schedule.py --pairings 110000

Writing the windows to the database is measured by the visits adapter's own
benchmark, not here.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import time
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from dateutil.relativedelta import relativedelta

from kinfolk.engine import dictionary as dd
from kinfolk.engine.schedule import Pairings, plan_windows
from kinfolk.engine.synth import generate
from kinfolk.engine.tests.test_schedule import reference_plan, rows

T = TypeVar("T")
TODAY = dt.date(2026, 11, 2)
CADENCE_WEEKS = 8


def synthetic_pairings(n: int, *, seed: int) -> Pairings:
    """Pair volunteer i with household i of a synthetic programme.

    Availability and blackouts come from ``kinfolk.engine.synth``; pairings
    began up to 400 days ago and have held one visit per period since.
    """
    programme = generate(n, n, seed=seed, today=TODAY)
    rng = np.random.default_rng(seed)
    age = rng.integers(0, 400, n)
    return Pairings(
        since=np.datetime64(TODAY, "D") - age.astype("timedelta64[D]"),
        first_host=rng.integers(0, 2, n).astype(np.int8),
        public_only=programme.households.visit_places == dd.VISIT_PLACES.index("public"),
        volunteer_slots=programme.volunteers.availability,
        household_slots=programme.households.availability,
        volunteer_blackout=programme.volunteers.blackout,
        household_blackout=programme.households.blackout,
        visits_done=(age // (7 * CADENCE_WEEKS) + 1).astype(np.int32),
    )


def subset(pairings: Pairings, index: npt.NDArray[np.int64]) -> Pairings:
    return Pairings(
        **{f.name: getattr(pairings, f.name)[index] for f in dataclasses.fields(Pairings)}
    )


def timed(function: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Return the best wall time of ``repeat`` calls, and the last result."""
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - began)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pairings", type=int, default=110_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--sample", type=int, default=2_000, help="pairings for the reference")
    parser.add_argument("--country", default="GB")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    began = time.perf_counter()
    pairings = synthetic_pairings(args.pairings, seed=args.seed)
    built = time.perf_counter() - began
    options: dict[str, Any] = {
        "start": TODAY,
        "until": TODAY + relativedelta(months=args.months),
        "cadence_weeks": CADENCE_WEEKS,
        "country": args.country,
    }

    cold, _ = timed(lambda: plan_windows(pairings, **options), 1)
    seconds, plan = timed(lambda: plan_windows(pairings, **options), args.repeat)

    sample_size = min(args.sample, args.pairings)
    sample = np.sort(np.random.default_rng(1).choice(args.pairings, sample_size, replace=False))
    small = subset(pairings, sample)
    ref_seconds, ref_rows = timed(lambda: reference_plan(small, **options), 1)
    assert ref_rows == rows(plan_windows(small, **options)), "reference and engine disagree"
    scale = args.pairings / sample_size
    ref_total = ref_seconds * scale

    period_start = pairings.since[plan.pairing] + plan.period * np.timedelta64(
        7 * CADENCE_WEEKS, "D"
    )
    shifted = float(np.mean(plan.start != period_start))
    hard = float(np.mean(plan.usable_days < 2))
    no_common = float(np.mean(plan.common_slots == 0))

    print(
        f"Visit windows: {args.pairings:,} pairings, {args.months} months from {TODAY}, "
        f"every {CADENCE_WEEKS} weeks, {args.country} holidays "
        f"(synthetic pairings built in {built:.2f} s)"
    )
    print()
    header = f"{'method':<52} {'pairings':>9} {'windows':>9} {'seconds':>9} {'ratio':>7}"
    print(header)
    print("-" * len(header))
    print(
        f"{'Kinfolk vectorised (best of ' + str(args.repeat) + ')':<52} {args.pairings:>9,} "
        f"{len(plan):>9,} {seconds:>9.3f} {1.0:>6.1f}x"
    )
    print(
        f"{'Kinfolk vectorised, first call (loads holidays)':<52} {args.pairings:>9,} "
        f"{len(plan):>9,} {cold:>9.3f} {cold / seconds:>6.1f}x"
    )
    label = f"scalar reference, {sample_size:,} sampled, x{scale:.0f} extrapolated"
    print(
        f"{label:<52} {args.pairings:>9,} {round(len(ref_rows) * scale):>9,} "
        f"{ref_total:>9.1f} {ref_total / seconds:>6.0f}x"
    )
    print()
    print(
        f"Reference agrees with the engine on the {sample_size:,}-pairing sample "
        f"({len(ref_rows):,} windows, {ref_seconds:.2f} s measured)."
    )
    print(
        f"Windows moved off their period's first day: {shifted:.1%}; "
        f"fewer than 2 usable days (hard to fit): {hard:.1%}, "
        f"of which no common slot at all: {no_common:.1%} "
        "(volunteer i is paired with household i at random, not by the matcher)."
    )


if __name__ == "__main__":
    main()
