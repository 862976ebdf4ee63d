"""Benchmark: the outcome report of a 110,000-pair programme with a year of visits.

Builds a synthetic programme (``kinfolk.engine.synth``) of ``--pairings``
pairings started over the last 30 months, about a third of them ended (by
either side, or because someone left), each with its visit windows of the last
year on an 8-week cadence (about 700,000 windows at 110,000 pairings), most
of them met and many rated, in six regions.  Then it times:

- the build the periodic tick does in the background (``keeping.report_rebuild``:
  every count by quarter, town, organisation and region, kept in the database)
  — the reference;
- the report page a viewer opens (Django's test client, rendered), answered
  from the kept report: first with the cache of its wording emptied, then as
  every later reader gets it; and the CSV file;
- a naive reference — the whole-programme quarterly figures computed the
  obvious way, reading every pairing and window into Python — and checks that
  the report agrees with it.

Everything runs in one transaction that is rolled back, so the database is
left as it was.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/reports.py --pairings 110000

Target (issue 13): the outcome report answers in under 1 s; the ratios say how
much faster the page is than building the report it shows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import time
from typing import Any

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # run alone or imported
from _harness import Rollback, Stages, django_setup, people_insert, stage, table  # noqa: E402

TARGET_S = 1.0
ENDINGS = ("volunteer", "household", "left")


def programme_build(n: int, *, seed: int, today: dt.date, stages: Stages) -> Any:
    """``n`` pairings started over 30 months, a third ended, with waits on record."""
    from django.db.models import OuterRef, Subquery

    from kinfolk.pairings.models import Pairing
    from kinfolk.people.models import Household, Volunteer

    programme, vs, hs, _spare = people_insert(
        n, seed=seed, today=today, stages=stages, name="Bench reports"
    )
    rng = np.random.default_rng(seed)
    with stage(stages, "setup: insert pairings", f"{n:,} rows"):
        age = rng.integers(0, 900, n)
        ended = rng.random(n) < 0.33
        length = rng.integers(14, 700, n)
        reason = rng.integers(0, len(ENDINGS), n)
        rows = []
        for i, (v, h) in enumerate(zip(vs, hs, strict=True)):
            started = today - dt.timedelta(days=int(age[i]))
            fields: dict[str, Any] = {"started_on": started}
            end = started + dt.timedelta(days=int(length[i]))
            if ended[i] and end < today:
                fields.update(
                    state="ended",
                    ended_at=dt.datetime.combine(end, dt.time(12), dt.UTC),
                    ended_by=ENDINGS[reason[i]],
                )
            rows.append(Pairing(programme=programme, volunteer=v, household=h, **fields))
        Pairing.objects.bulk_create(rows, batch_size=5000)
    with stage(stages, "setup: waits on record"):
        for model, side, days in ((Volunteer, "volunteer", 30), (Household, "household", 45)):
            started = Pairing.objects.filter(**{side: OuterRef("pk")}).values("started_on")[:1]
            model.objects.filter(programme=programme).update(
                waiting_since=Subquery(started) - dt.timedelta(days=days)
            )
    return programme


def windows_insert(programme: Any, *, seed: int, today: dt.date, stages: Stages) -> int:
    """A year of 8-weekly windows per pairing (up to its end), met, missed or cancelled."""
    from django.db import connection
    from django.utils import timezone

    from kinfolk.pairings.models import Pairing
    from kinfolk.visits.models import Visit

    rng = np.random.default_rng(seed + 1)
    with stage(stages, "setup: visit windows (numpy)"):
        pairs = list(
            Pairing.objects.filter(programme=programme).values_list("pk", "started_on", "ended_at")
        )
        ids = np.array([p[0] for p in pairs])
        day0 = np.datetime64(today, "D")
        start = np.array([p[1] for p in pairs], dtype="datetime64[D]")
        stop = np.array([p[2].date() if p[2] else today for p in pairs], dtype="datetime64[D]")
        first = np.maximum(start, day0 - 365)
        count = np.maximum((stop - first).astype(int) // 56 + 1, 0)
        pairing = np.repeat(ids, count)
        k = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
        window_start = np.repeat(first, count) + 56 * k
        window_end = window_start + 13
        draw = rng.random(len(pairing))
        state = np.where(draw < 0.74, "happened", np.where(draw < 0.9, "missed", "cancelled"))
        state = np.where(window_end >= day0, "planned", state)
        rated = (state == "happened") & (rng.random(len(pairing)) < 0.6)
        v_rating = np.where(rated, rng.integers(1, 6, len(pairing)), 0)
        h_rating = np.where(rated, rng.integers(1, 6, len(pairing)), 0)
    with stage(stages, "setup: insert visit windows", f"{len(pairing):,} rows"):
        now = timezone.now()
        if connection.vendor == "postgresql":
            columns = (
                "pairing_id, period, sequence, window_start, window_end, host, state, "
                "place_note, volunteer_outcome, household_outcome, volunteer_rating, "
                "volunteer_words, household_rating, household_words, cancelled_because, "
                "created_at, updated_at"
            )
            buffer = io.StringIO()
            for i in range(len(pairing)):
                vr = str(v_rating[i]) if v_rating[i] else "\\N"
                hr = str(h_rating[i]) if h_rating[i] else "\\N"
                buffer.write(
                    f"{pairing[i]}\t{k[i]}\t{k[i] + 1}\t{window_start[i]}\t{window_end[i]}\t"
                    f"{'household' if k[i] % 2 else 'volunteer'}\t{state[i]}\t\t\t\t{vr}\t\t"
                    f"{hr}\t\t\t{now.isoformat()}\t{now.isoformat()}\n"
                )
            buffer.seek(0)
            with connection.cursor() as cursor:
                raw = cursor.cursor
                with raw.copy(f"COPY visits_visit ({columns}) FROM STDIN") as copy:
                    while chunk := buffer.read(1 << 20):
                        copy.write(chunk)
        else:
            Visit.objects.bulk_create(
                [
                    Visit(
                        pairing_id=int(pairing[i]),
                        period=int(k[i]),
                        sequence=int(k[i]) + 1,
                        window_start=window_start[i].item(),
                        window_end=window_end[i].item(),
                        host="household" if k[i] % 2 else "volunteer",
                        state=str(state[i]),
                        volunteer_rating=int(v_rating[i]) or None,
                        household_rating=int(h_rating[i]) or None,
                    )
                    for i in range(len(pairing))
                ],
                batch_size=5000,
            )
    with stage(stages, "setup: analyze"), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE pairings_pairing, visits_visit, people_volunteer")
        else:
            cursor.execute("ANALYZE")
    return len(pairing)


def naive_report(programme: Any, periods: list[Any]) -> dict[str, list[Any]]:
    """The whole programme's quarterly figures, row by row in Python: the reference."""
    from kinfolk.pairings.models import Pairing
    from kinfolk.visits.models import Visit

    zone = programme.zone
    out: dict[str, list[Any]] = {k: [] for k in ("formed", "ended", "active", "met", "length")}
    pairs = list(
        Pairing.objects.filter(programme=programme).values_list("started_on", "ended_at", "state")
    )
    windows = list(
        Visit.objects.filter(pairing__programme=programme).values_list(
            "window_end", "state", "pairing_id"
        )
    )
    today = periods[-1].end
    for p in periods:
        formed = ended = active = 0
        lengths = []
        for started, ended_at, _state in pairs:
            end_day = ended_at.astimezone(zone).date() if ended_at else None
            formed += p.start <= started <= p.end
            if end_day and p.start <= end_day <= p.end:
                ended += 1
                lengths.append((end_day - started).days)
            active += started <= p.end and (end_day is None or end_day > p.end)
        shut = met = 0
        for window_end, state, _pairing in windows:
            if p.start <= window_end <= p.end and window_end < today and state != "cancelled":
                shut += 1
                met += state == "happened"
        out["formed"].append(formed)
        out["ended"].append(ended)
        out["active"].append(active)
        out["met"].append(round(100 * met / shut) if shut else None)
        out["length"].append(statistics.median(lengths) if lengths else None)
    return out


def regions_insert(programme: Any, *, count: int = 6) -> int:
    """``count`` regions sharing the households' towns, a tenth of the towns left outside."""
    from kinfolk.people.models import Household
    from kinfolk.regions.models import Region, RegionTown

    towns = sorted(
        set(Household.objects.filter(programme=programme).values_list("town", flat=True))
    )
    regions = [
        Region.objects.create(programme=programme, name=f"Region {k + 1}") for k in range(count)
    ]
    RegionTown.objects.bulk_create(
        RegionTown(programme=programme, region=regions[i % count], town=town)
        for i, town in enumerate(towns)
        if i % 10 != 9
    )
    return len(towns)


def _timed(function: Any, repeat: int) -> tuple[float, Any]:
    """Median seconds of ``repeat`` calls after one warm-up, and the last result."""
    result = function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def run(
    pairings: int, *, seed: int = 7, repeat: int = 3, rollback: bool = True, naive: bool = True
) -> Stages:
    from django.core.cache import cache
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from kinfolk.reports.caching import outcomes_fingerprint
    from kinfolk.reports.keeping import report_read, report_rebuild, stored_report_for
    from kinfolk.reports.models import StoredReport
    from kinfolk.reports.periods import quarter_periods
    from kinfolk.staff.models import Viewer
    from kinfolk.testing import make_user

    today = timezone.localdate()
    stages: Stages = []
    try:
        with transaction.atomic():
            programme = programme_build(pairings, seed=seed, today=today, stages=stages)
            windows = windows_insert(programme, seed=seed, today=today, stages=stages)
            towns = regions_insert(programme)
            stored = stored_report_for(programme=programme)

            def build() -> Any:
                # As the tick does: the claim is let go after each build.
                assert report_rebuild(stored_id=stored.pk)
                return StoredReport.objects.get(pk=stored.pk)

            built_s, kept = _timed(build, repeat)
            note = f"{windows:,} windows, 6 regions of {towns} towns"
            stages.append(("build in the background (tick): reference", built_s, note))
            viewer = make_user(f"bench-viewer-{programme.pk}@example.invalid")
            Viewer.objects.create(programme=programme, user=viewer)
            client = Client()
            client.force_login(viewer)
            url = reverse("reports:report", args=[programme.pk])

            def first_read() -> Any:
                cache.clear()  # the wording of the kept counts is cached per language
                return client.get(url)

            note = f"target {TARGET_S} s"
            page_first, response = _timed(first_read, repeat)
            text = response.content.decode()
            assert response.status_code == 200 and "being prepared" not in text
            assert "By region" in text and "Figures as of" in text
            stages.append(("page from the kept report, first read", page_first, note))
            page, response = _timed(lambda: client.get(url), repeat)
            stages.append(("page from the kept report, next reads", page, note))
            fingerprint_s, _f = _timed(lambda: outcomes_fingerprint(programme), repeat)
            stages.append(("of which: is the kept report current?", fingerprint_s, "fingerprint"))
            csv_url = reverse("reports:report_csv", args=[programme.pk])
            csv_s, _csv = _timed(lambda: b"".join(client.get(csv_url).streaming_content), repeat)
            stages.append(("CSV from the kept report", csv_s, note))
            stages.append(("ratio build / page (first read)", built_s / page_first, "x faster"))
            stages.append(("ratio build / page (next reads)", built_s / page, "x faster"))
            if naive:
                periods = quarter_periods(today)
                naive_s, reference = _timed(lambda: naive_report(programme, periods), 1)
                stages.append(("naive reference (rows into Python)", naive_s, "quarters only"))
                report = report_read(stored=kept, programme=programme)
                _agree(report, reference)
            if rollback:
                raise Rollback
    except Rollback:
        pass
    return stages


def _agree(built: Any, reference: dict[str, list[Any]]) -> None:
    """The shown quarterly counts equal the naive reference's (withheld ones aside)."""
    pairs = next(s for s in built.sections if s.slug == "pairs")
    for line, key in zip(pairs.lines, ("formed", "ended", "active"), strict=True):
        for figure, expected in zip(line.figures, reference[key], strict=True):
            assert figure.value is None or figure.value == expected, (key, figure, expected)
    met = next(s for s in built.sections if s.slug == "met").lines[0]
    for figure, expected in zip(met.figures, reference["met"], strict=True):
        assert figure.value is None or round(figure.value) == expected, ("met", figure, expected)
    print("  figures agree with the naive reference", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairings", type=int, default=110_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-naive", action="store_true", help="skip the naive reference")
    args = parser.parse_args(argv)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    django_setup()
    from django.db import connection

    stages = run(args.pairings, seed=args.seed, repeat=args.repeat, naive=not args.no_naive)
    print(f"{args.pairings:,} pairings on {connection.vendor}")
    print(table(stages))


if __name__ == "__main__":
    main()
