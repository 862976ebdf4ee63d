"""Benchmark: a year of visit windows for a whole programme, written to the database,
and one reminder tick over that programme.

Builds a synthetic programme (``kinfolk.engine.synth``) of ``--pairings``
volunteer-household pairs (110,000 by default, about 715,000 windows),
bulk-creates its people, accounts and pairings, then times each stage of
``visits_plan_programme`` (read rows, plan with the engine, build rows,
bulk insert) and one ``reminders_send`` tick a week later, when about one
pairing in eight has a window open.  Everything runs in one transaction that
is rolled back at the end, so the database is left as it was.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/visits.py --pairings 110000

E-mail goes to Django's dummy backend and SMS to the null backend: the tick
queues its reminders in the outbox, and the outbox's delivery is measured up
to the hand-over to the mail server (one message at a time, each marked
sent at once).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # run alone or imported
from _harness import Rollback, Stages, django_setup, people_insert, stage, table  # noqa: E402


def programme_build(n: int, *, seed: int, today: dt.date, stages: Stages) -> Any:
    """A programme with ``n`` active pairings, each side with one account."""
    from kinfolk.pairings.models import Pairing

    programme, vs, hs, _spare = people_insert(
        n, seed=seed, today=today, stages=stages, name="Bench visits"
    )
    with stage(stages, "setup: insert pairings", f"{n:,} rows"):
        age = np.random.default_rng(seed).integers(0, 400, n).tolist()
        Pairing.objects.bulk_create(
            [
                Pairing(
                    programme=programme,
                    volunteer=v,
                    household=h,
                    started_on=today - dt.timedelta(days=a),
                )
                for v, h, a in zip(vs, hs, age, strict=True)
            ],
            batch_size=5000,
        )
    return programme


def windows_generate(programme: Any, *, today: dt.date, stages: Stages) -> int:
    """``visits_plan_programme``, stage by stage (the same calls, timed apart)."""
    from kinfolk.pairings.models import Pairing
    from kinfolk.visits import schedule_adapter as adapter
    from kinfolk.visits.services.planning import _CHUNK, plannable_pairings

    totals: dict[str, float] = defaultdict(float)
    start = time.perf_counter()
    ids = list(plannable_pairings(programme=programme).values_list("pk", flat=True))
    totals["read pairing rows"] += time.perf_counter() - start
    written = 0
    original = adapter.roll_forward

    def timed_engine(*args: Any, **kwargs: Any) -> Any:
        begin = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            totals["plan windows (engine)"] += time.perf_counter() - begin

    adapter.roll_forward = timed_engine  # type: ignore[assignment]
    try:
        for first in range(0, len(ids), _CHUNK):
            chunk = Pairing.objects.filter(pk__in=ids[first : first + _CHUNK]).order_by("pk")
            begin = time.perf_counter()
            visits = adapter.windows_plan(chunk, today=today)
            totals["read rows + columns around the engine"] += time.perf_counter() - begin
            begin = time.perf_counter()
            written += adapter.windows_write(visits, batch_size=5000)
            totals["write windows (COPY on PostgreSQL)"] += time.perf_counter() - begin
    finally:
        adapter.roll_forward = original  # type: ignore[assignment]
    totals["read rows + columns around the engine"] -= totals["plan windows (engine)"]
    for name, seconds in totals.items():
        stages.append((name, seconds, ""))
    stages.append(("= windows, end to end", sum(totals.values()), f"{written:,} windows"))
    return written


def _analyze(stages: Stages) -> None:
    """Refresh the planner's statistics, as autovacuum would after a bulk load.

    The rows are not committed yet (the run is rolled back), so autovacuum
    cannot see them; without statistics PostgreSQL plans the reminder
    queries for empty tables.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with stage(stages, "ANALYZE (as autovacuum would)"), connection.cursor() as cursor:
        for table in (
            "accounts_user",
            "people_volunteer",
            "people_household",
            "people_householdmember",
            "pairings_pairing",
            "visits_visit",
        ):
            cursor.execute(f"ANALYZE {table}")


def tick_prepare(programme: Any, *, now: dt.datetime, share: float = 0.01) -> None:
    """Agree a time for tomorrow on some visits and leave a proposal open on others."""
    from kinfolk.visits.models import TimeProposal, Visit

    tomorrow = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(15), dt.UTC)
    week = Visit.objects.filter(
        pairing__programme=programme,
        window_start__lte=tomorrow.date(),
        window_end__gte=tomorrow.date(),
    ).values_list("pk", flat=True)
    ids = list(week)
    k = max(1, int(len(ids) * share * 8))
    Visit.objects.filter(pk__in=ids[:k]).update(state="agreed", agreed_at=tomorrow)
    TimeProposal.objects.bulk_create(
        [
            TimeProposal(visit_id=i, proposed_by="volunteer", starts_at=tomorrow)
            for i in ids[k : 2 * k]
        ]
    )


def reminder_tick(*, now: dt.datetime, stages: Stages) -> dict[str, int]:
    """One ``reminders_send`` and the outbox delivery after it, with the helpers timed apart."""
    from kinfolk.outbox.services import outbox_deliver
    from kinfolk.visits.services import reminders

    totals: dict[str, float] = defaultdict(float)
    originals = {
        name: getattr(reminders, name) for name in ("_readers", "_applying", "_messages", "_due")
    }
    labels = {
        "_readers": "load recipients and channels",
        "_applying": "check states (when queued)",
        "_messages": "compose (per language) + links",
        "_due": "find due reminders (queries)",
    }

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            begin = time.perf_counter()
            try:
                result = function(*args, **kwargs)
                if name == "_due":  # a generator: time its iteration
                    result = list(result)
                return result
            finally:
                totals[labels[name]] += time.perf_counter() - begin

        return wrapper

    for name, function in originals.items():
        setattr(reminders, name, timed(name, function))
    try:
        begin = time.perf_counter()
        sent = reminders.reminders_send(now=now)
        total = time.perf_counter() - begin
    finally:
        for name, function in originals.items():
            setattr(reminders, name, function)
    for name, seconds in totals.items():
        stages.append((name, seconds, ""))
    other = total - sum(totals.values())
    stages.append(("claim inserts, outbox rows", other, ""))
    begin = time.perf_counter()
    delivered = outbox_deliver(now=now, batch_size=1000)
    seconds = time.perf_counter() - begin
    stages.append(("outbox: check again, send, mark sent", seconds, f"{delivered['sent']:,} sent"))
    note = ", ".join(f"{n:,} {k}" for k, n in sent.items())
    stages.append(("= reminder tick, end to end", total + seconds, note))
    return sent


def run(pairings: int, *, seed: int = 7, rollback: bool = True) -> Stages:
    """Run every stage inside one transaction; return (stage, seconds, note) rows."""
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    settings.SMS_BACKEND = "null"
    today = timezone.localdate()
    now = dt.datetime.combine(today + dt.timedelta(days=7), dt.time(9), dt.UTC)
    stages: Stages = []
    try:
        with transaction.atomic():
            programme = programme_build(pairings, seed=seed, today=today, stages=stages)
            windows_generate(programme, today=today, stages=stages)
            _analyze(stages)
            tick_prepare(programme, now=now)
            reminder_tick(now=now, stages=stages)
            if rollback:
                raise Rollback
    except Rollback:
        pass
    return stages


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairings", type=int, default=110_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    django_setup()
    from django.db import connection

    stages = run(args.pairings, seed=args.seed)
    print(f"{args.pairings:,} pairings on {connection.vendor}")
    print(table(stages))


if __name__ == "__main__":
    main()
