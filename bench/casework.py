"""Benchmark: the coordinator's casework pages on a large programme.

Builds ``--pairings`` active pairings with a year of visit windows (the
visits benchmark's builders), marks some windows as signals (missed twice,
remembered differently, rated low), opens concerns and writes notes, then
times each casework page as its coordinator opens it over HTTP (Django's
test client: the whole view, template included), best of three.  Everything
runs in one transaction that is rolled back at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/casework.py --pairings 110000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # run alone or imported
from _harness import Rollback, Stages, django_setup, stage, table  # noqa: E402
from visits import programme_build, windows_generate  # noqa: E402

#: Share of pairings with each kind of signal; about 3 % of pairings in all.
SIGNAL_SHARE = 0.01
TARGET_MS = 300


def signals_add(programme: Any, *, today: dt.date, stages: Stages) -> int:
    """Past windows as the signals a programme really has: misses, disagreements, low ratings."""
    from kinfolk.visits.models import Visit

    with stage(stages, "setup: past windows and signals"):
        pairings = list(programme.pairings.values_list("pk", flat=True).order_by("pk"))
        step = max(1, int(1 / SIGNAL_SHARE))
        rows = []
        for i, pairing_id in enumerate(pairings):
            kind = i % step
            for back, state in ((120, "happened"), (60, "missed" if kind == 1 else "happened")):
                rows.append(
                    Visit(
                        pairing_id=pairing_id,
                        period=10_000 + back,
                        sequence=0,
                        window_start=today - dt.timedelta(days=back),
                        window_end=today - dt.timedelta(days=back - 6),
                        host="household",
                        state="missed" if kind == 1 else state,
                        volunteer_rating=1 if kind == 3 else None,
                    )
                )
            if kind == 2:
                rows[-1].state = "unconfirmed"
        Visit.objects.bulk_create(rows, batch_size=5000)
    return len(pairings) * 3 // step


def casework_add(programme: Any, coordinator: Any, *, stages: Stages) -> None:
    from kinfolk.casework.models import CaseNote, Concern

    with stage(stages, "setup: notes and concerns"):
        pairings = list(programme.pairings.values_list("pk", flat=True).order_by("pk")[:2000])
        CaseNote.objects.bulk_create(
            [
                CaseNote(
                    programme=programme,
                    pairing_id=p,
                    channel="phone",
                    words="ok",
                    written_by=coordinator,
                )
                for p in pairings
            ],
            batch_size=5000,
        )
        Concern.objects.bulk_create(
            [
                Concern(programme=programme, pairing_id=p, source="volunteer", words="x")
                for p in pairings[:200]
            ]
        )


def _time(client: Any, url: str) -> tuple[float, int]:
    best, status = float("inf"), 0
    for _ in range(3):
        start = time.perf_counter()
        response = client.get(url)
        best = min(best, time.perf_counter() - start)
        status = response.status_code
    return best, status


def pages_time(programme: Any, coordinator: Any, *, stages: Stages) -> list[tuple[str, float]]:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(coordinator)
    pairing = programme.pairings.order_by("pk")[1]
    pages = {
        "to-do page": reverse("casework:todo", args=[programme.pk]),
        "check-in list": reverse("casework:check_ins", args=[programme.pk]),
        "a pairing's story": reverse("casework:pairing_story", args=[programme.pk, pairing.pk]),
        "a person page (with casework)": reverse(
            "programmes:household_detail", args=[programme.pk, pairing.household_id]
        ),
        "concerns list": reverse("casework:concerns", args=[programme.pk]),
    }
    timed = []
    for name, url in pages.items():
        seconds, status = _time(client, url)
        verdict = "ok" if seconds * 1000 < TARGET_MS else f"over {TARGET_MS} ms"
        stages.append((f"page: {name}", seconds, f"HTTP {status}, {verdict}"))
        timed.append((name, seconds))
    return timed


def run(pairings: int, *, seed: int = 7) -> Stages:
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from kinfolk.testing import make_coordinator, make_user

    settings.ALLOWED_HOSTS = ["*"]
    today = timezone.localdate()
    stages: Stages = []
    try:
        with transaction.atomic():
            programme = programme_build(pairings, seed=seed, today=today, stages=stages)
            windows_generate(programme, today=today, stages=stages)
            signals_add(programme, today=today, stages=stages)
            coordinator = make_coordinator(
                programme, make_user(f"cw-{time.time()}@example.invalid")
            )
            casework_add(programme, coordinator, stages=stages)
            from django.db import connection

            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            from kinfolk.casework.services.signals import (
                check_in_signals_refresh,
                unreachable_refresh,
            )

            with stage(stages, "hourly tick: store check-in signals"):
                stored = check_in_signals_refresh(programme=programme)
            stages[-1] = (*stages[-1][:2], f"{stored:,} signals")
            with stage(stages, "hourly tick: find people out of reach"):
                unreachable_refresh(programme=programme)
            pages_time(programme, coordinator, stages=stages)
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
    print(f"{args.pairings:,} pairings on {connection.vendor}; target {TARGET_MS} ms per page")
    print(table(stages))


if __name__ == "__main__":
    main()
