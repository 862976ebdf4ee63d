"""Benchmark: a year's cost forecast for a whole programme, in the engine and from the database.

Part 1 (always): plans 12 months of visit windows for synthetic pairings
(110,000 by default, about 715,000 windows) with the scheduling engine, then
times ``kinfolk.engine.budget.forecast`` against a plain Python loop (the
reference of the engine's tests) on the same visits, checks that they agree
to the penny, and prints the ratio.  Target: under 0.5 s in the engine.

Part 2 (``--database``): stores the same size of programme (people,
pairings, a year of windows), then times ``forecast_report``, which loads the
pairings and the stored plan, extends it in memory to the end of the last
month and runs the engine.  Target: under 10 s including the loading.  It
all runs in one transaction that is rolled back.

    python bench/budget.py --pairings 110000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/budget.py --database
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
from dateutil.relativedelta import relativedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # run alone or imported
from _harness import Rollback, Stages, django_setup, stage, table  # noqa: E402
from schedule import CADENCE_WEEKS, TODAY, synthetic_pairings, timed  # noqa: E402

from kinfolk.engine.budget import PlannedVisits, RateCards, Trips, forecast, straight_km
from kinfolk.engine.schedule import plan_windows
from kinfolk.engine.synth import generate
from kinfolk.engine.tests.test_budget import reference_forecast

TARGET_ENGINE, TARGET_DATABASE = 0.5, 10.0


def rates() -> RateCards:
    """Two cards: the second, from the fourth month, raises the car rate."""
    return RateCards(
        effective_from=np.array(["2026-01-01", "2027-02-01"], dtype="datetime64[D]"),
        per_km=np.array([[45, 30, 0], [50, 30, 0]]),
        detour=np.array([1.3, 1.3]),
        allowance=np.array([500, 500]),
        per_diem=np.array([2500, 2500]),
        per_diem_from_km=np.array([30.0, 30.0]),
        per_pairing=np.array([15000, 15000]),
        per_year=np.array([250_000_00, 260_000_00]),
    )


def engine_part(n: int, *, seed: int, repeat: int) -> None:
    people = generate(n, n, seed=seed, today=TODAY)
    pairings = synthetic_pairings(n, seed=seed)
    first = TODAY.replace(day=1)
    plan = plan_windows(pairings, start=first, until=first + relativedelta(months=12),
                        cadence_weeks=CADENCE_WEEKS, country="GB")  # fmt: skip
    v, h = people.volunteers, people.households
    trips = Trips(
        km=straight_km(v.lat, v.lon, h.lat, h.lon),
        volunteer_mode=v.travel_mode,
        household_mode=h.travel_mode,
        since=pairings.since,
    )
    visits = PlannedVisits(pairing=plan.pairing, day=plan.start, host=plan.host)
    cards = rates()
    seconds, result = timed(lambda: forecast(visits, trips, cards, start=first), repeat)
    ref_seconds, ref_table = timed(lambda: reference_forecast(visits, trips, cards, start=first), 1)
    assert result.months.tolist() == ref_table, "the engine and the reference disagree"
    print(f"Cost forecast: {n:,} pairings, {len(visits):,} visits over 12 months from {first}, "
          f"2 rate cards; engine and loop agree to the penny "
          f"(total {result.total / 100:,.2f})")  # fmt: skip
    print()
    header = f"{'method':<44} {'visits':>9} {'seconds':>9} {'ratio':>8} {'target':>8}"
    print(header)
    print("-" * len(header))
    print(f"{'Kinfolk engine, vectorised (best of ' + str(repeat) + ')':<44} {len(visits):>9,} "
          f"{seconds:>9.3f} {1.0:>7.1f}x {'< ' + str(TARGET_ENGINE) + ' s':>8}")  # fmt: skip
    print(f"{'plain Python loop (reference)':<44} {len(visits):>9,} {ref_seconds:>9.3f} "
          f"{ref_seconds / seconds:>7.0f}x {'':>8}")  # fmt: skip
    print()


def database_part(n: int, *, seed: int) -> None:
    django_setup()
    from django.core.cache import cache
    from django.db import connection, transaction
    from django.utils import timezone

    from kinfolk.budget import forecast_adapter as adapter
    from kinfolk.budget.models import RateCard
    from kinfolk.budget.selectors import forecast_report

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from visits import _analyze, programme_build, windows_generate

    stages: Stages = []
    today = timezone.localdate()
    try:
        with transaction.atomic():
            programme = programme_build(n, seed=seed, today=today, stages=stages)
            windows_generate(programme, today=today, stages=stages)
            _analyze(stages)
            RateCard.objects.create(programme=programme, effective_from=today.replace(day=1),
                                    currency=programme.currency, car_per_km_minor=45,
                                    public_per_km_minor=30, allowance_minor=500,
                                    per_year_minor=250_000_00)  # fmt: skip
            first, until = adapter.period_of(today)
            with stage(stages, "forecast: read pairings (adapter)"):
                adapter.pairing_columns(programme, first)
            with stage(stages, "forecast: read stored windows (adapter)"):
                adapter.stored_windows(programme, first, until)
            with stage(stages, "forecast: plan_load, all of it"):
                plan = adapter.plan_load(programme, today=today, first=first, until=until)
            with stage(stages, "forecast: engine", f"{len(plan.visits):,} visits"):
                adapter.forecast_run(plan, adapter.rate_cards(programme))
            cache.clear()
            began = time.perf_counter()
            report = forecast_report(programme=programme, today=today)
            total = time.perf_counter() - began
            result = report.forecast
            note = f"{result.visit_count:,} visits, {result.pairings:,} pairings"
            stages.append(("= forecast_report, end to end (cold)", total, note))
            began = time.perf_counter()
            forecast_report(programme=programme, today=today)
            cached = time.perf_counter() - began
            stages.append(("= forecast_report again (cached: stamp only)", cached, ""))
            raise Rollback
    except Rollback:
        pass
    print(f"{n:,} pairings on {connection.vendor}")
    print(table(stages))
    print()
    ratio = total / TARGET_DATABASE
    print(f"forecast_report end to end: {total:.2f} s = {ratio:.2f} x the {TARGET_DATABASE:.0f} s "
          f"target; cached: {cached:.2f} s = {cached:.2f} x the 1 s page target")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pairings", type=int, default=110_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--database", action="store_true", help="also time it from the database")
    args = parser.parse_args()
    engine_part(args.pairings, seed=args.seed, repeat=args.repeat)
    if args.database:
        database_part(args.pairings, seed=args.seed)


if __name__ == "__main__":
    main()
