"""Benchmark: a matching run of a whole programme through the app, stage by stage.

Builds ``--people`` active volunteers and as many households
(``kinfolk.engine.synth``), bulk-creates them with their accounts, then
runs the real job: the matching adapter (loading rows as engine arrays, the
engine's own stages, the explanations, writing the proposed pairs) and
sending the proposals.  Everything runs in one transaction that is rolled
back, so the database is left as it was.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python bench/pairings.py --people 110000

Target (issue 4): the run as a whole under 60 s at 110,000 x 110,000.
Sending writes the proposals and queues their notices in the outbox in one
transaction (the coordinator's click); the outbox's delivery is reported
beside it.  E-mail goes to Django's dummy backend: delivery is measured up
to the hand-over.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # run alone or imported
from _harness import Rollback, Stages, django_setup, people_insert, stage, table  # noqa: E402

TARGET_SECONDS = 60.0


class StageClock:
    """Turns the job's progress calls into the time spent in each of its stages."""

    def __init__(self) -> None:
        self.current: str | None = None
        self.started = time.perf_counter()
        self.seconds: dict[str, float] = {}

    def __call__(self, name: str, done: int, total: int) -> None:
        if name != self.current:
            self.close()
            self.current, self.started = name, time.perf_counter()

    def close(self) -> None:
        if self.current is not None:
            self.seconds[self.current] = self.seconds.get(self.current, 0.0) + (
                time.perf_counter() - self.started
            )
            self.current = None


ENGINE_STAGES = ("candidates", "costs", "solve", "summary")


def matching_run(programme: Any, coordinator: Any, *, stages: Stages) -> Any:
    from kinfolk.pairings.matching import matching_run_execute
    from kinfolk.pairings.models import MatchingRun

    run = MatchingRun.objects.create(programme=programme, started_by=coordinator, status="running")
    clock = StageClock()
    start = time.perf_counter()
    results = matching_run_execute(run=run, progress=clock)  # one per region matched apart
    n_pairs = sum(r.summary.pairs for r in results)
    clock.close()
    total = time.perf_counter() - start
    engine = sum(clock.seconds.get(s, 0.0) for s in ENGINE_STAGES)
    stages.append(("run: loading rows as engine arrays", clock.seconds.get("loading", 0.0), ""))
    stages.append(("run: the engine (candidates, costs, solve)", engine, f"{n_pairs:,} pairs"))
    stages.append(("run: explanations", clock.seconds.get("explain", 0.0), ""))
    stages.append(
        (
            "run: writing proposed pairs",
            clock.seconds.get("saving", 0.0),
            "pairs, unpaired, summary",
        )
    )
    stages.append(("= matching run, end to end", total, ""))
    run.refresh_from_db()
    return run


def proposals_sending(run: Any, *, stages: Stages) -> int:
    from kinfolk.outbox.services import outbox_deliver
    from kinfolk.pairings.review import proposals_send

    with stage(stages, "send: proposals (the coordinator's click)"):
        reach = proposals_send(run=run)
    note = f"{reach.pairs:,} proposals, {reach.by_email + reach.by_sms:,} people told"
    stages[-1] = (stages[-1][0], stages[-1][1], note)
    # The delivery task runs after the click commits; here, in the same transaction.
    with stage(stages, "send: delivering the notices (outbox)"):
        delivered = outbox_deliver(batch_size=1000)
    stages[-1] = (stages[-1][0], stages[-1][1], f"{delivered['sent']:,} e-mails")
    return reach.pairs


def run(people: int, *, seed: int = 7, rollback: bool = True) -> Stages:
    """Every stage inside one transaction; (stage, seconds, note) rows."""
    from django.conf import settings
    from django.db import connection, transaction

    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    stages: Stages = []
    try:
        with transaction.atomic():
            programme, _vs, _hs, coordinator = people_insert(
                people, seed=seed, today=None, stages=stages, name="Bench pairings"
            )
            from kinfolk.programmes.models import Coordinator

            Coordinator.objects.create(programme=programme, user=coordinator)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:  # statistics, as autovacuum would gather
                    cursor.execute(
                        "ANALYZE people_volunteer; ANALYZE people_household;"
                        " ANALYZE people_householdmember; ANALYZE accounts_user"
                    )
            matching = matching_run(programme, coordinator, stages=stages)
            proposals_sending(matching, stages=stages)
            # The target covers loading, the engine and writing proposals; telling people
            # is a background job of its own, reported beside it.
            job = sum(s for name, s, _ in stages if name.startswith("run:"))
            job += next(s for name, s, _ in stages if name.startswith("send: proposals"))
            ratio = job / TARGET_SECONDS
            stages.append(
                ("= run + writing proposals (target < 60 s)", job, f"{ratio:.2f} x target")
            )
            if rollback:
                raise Rollback
    except Rollback:
        pass
    return stages


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=110_000, help="volunteers (and households)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    django_setup()
    from django.db import connection

    stages = run(args.people, seed=args.seed)
    print(f"{args.people:,} x {args.people:,} on {connection.vendor}")
    print(table(stages))


if __name__ == "__main__":
    main()
