"""Benchmark: the coordinator's lists and person pages of a 110,000-pair programme.

Builds a synthetic programme (``kinfolk.engine.synth``) of ``--pairings``
active pairings plus ``--waiting`` people still waiting on each side (some
of them with an open proposal), with accounts, phones and addresses, then
opens each page through Django's test client as the programme's
coordinator: the full request, from URL to rendered HTML.  Each page is
opened ``--repeat`` times after one warm-up; the table gives the median and
the slowest, and the query count, against the 300 ms target.  Everything
runs in one transaction that is rolled back, so the database is left as it
was.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/pages.py --pairings 110000

``--keep`` commits the programme instead (and vacuums, as autovacuum would),
and ``--reuse`` times the pages of the programme a ``--keep`` run left, so
that indexes and queries can be tried without building it again.

Target (issue 9): the sorted, filtered list of volunteers and a person page
each answer in under 300 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from typing import Any

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # run alone or imported
from _harness import Rollback, Stages, django_setup, people_insert, stage, table  # noqa: E402

TARGET_MS = 300.0
TABLES = (
    "accounts_user",
    "people_volunteer",
    "people_household",
    "people_householdmember",
    "pairings_pairing",
    "pairings_proposal",
)


def programme_build(pairings: int, waiting: int, *, seed: int, stages: Stages) -> dict[str, Any]:
    """``pairings`` active pairs and ``waiting`` people on each side still waiting."""
    from django.utils import timezone

    from kinfolk.pairings.models import Pairing, Proposal
    from kinfolk.privacy.services import contact_details_bulk_create

    today = timezone.localdate()
    n = pairings + waiting
    programme, vs, hs, spare = people_insert(
        n, seed=seed, today=today, stages=stages, name="Bench pages"
    )
    rng = np.random.default_rng(seed)
    with stage(stages, "setup: insert pairings", f"{pairings:,} rows"):
        age = rng.integers(0, 400, pairings).tolist()
        Pairing.objects.bulk_create(
            [
                Pairing(
                    programme=programme,
                    volunteer=v,
                    household=h,
                    started_on=today - dt.timedelta(days=a),
                )
                for v, h, a in zip(vs[:pairings], hs[:pairings], age, strict=True)
            ],
            batch_size=5000,
        )
    proposed = waiting // 5
    with stage(stages, "setup: insert open proposals", f"{proposed:,} rows"):
        now = timezone.now()
        Proposal.objects.bulk_create(
            [
                Proposal(
                    programme=programme,
                    volunteer=v,
                    household=h,
                    distance_km=2.5,
                    sent_at=now,
                    answer_by=now + dt.timedelta(days=10),
                    nudge_at=now + dt.timedelta(days=5),
                    explanation={"volunteer_rank": 1, "household_rank": 2},
                )
                for v, h in zip(vs[pairings : pairings + proposed], hs[pairings:], strict=False)
            ],
            batch_size=5000,
        )
    with stage(stages, "setup: insert phones and addresses", f"{2 * n:,} rows"):
        # Through the privacy service, as everything that stores contact details.
        contact_details_bulk_create(
            rows=[(p, f"+441134{i:06d}", f"{i} Road") for i, p in enumerate([*vs, *hs])]
        )
    _analyze(stages)
    return {
        "programme": programme,
        "coordinator": spare,
        "paired_volunteer": vs[0],
        "paired_household": hs[0],
        "waiting_volunteer": vs[pairings + proposed + 1],
        "proposed_volunteer": vs[pairings],
    }


def _analyze(stages: Stages) -> None:
    """Refresh the planner's statistics, as autovacuum would after a bulk load."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with stage(stages, "setup: ANALYZE (as autovacuum would)"), connection.cursor() as cursor:
        for name in TABLES:
            cursor.execute(f"ANALYZE {name}")
        cursor.execute("ANALYZE")  # the rest, contact details among them


def pages(world: dict[str, Any]) -> list[tuple[str, str, dict[str, str]]]:
    """(label, URL, query) of each page timed."""
    from django.urls import reverse

    p = world["programme"].pk
    vols = reverse("programmes:volunteers", args=[p])
    hhs = reverse("programmes:households", args=[p])
    v = world["paired_volunteer"]
    town = v.town[:3].lower()
    return [
        ("volunteers, by name (page 1)", vols, {}),
        ("volunteers, town prefix, by waiting time", vols, {"town": town, "sort": "waiting"}),
        ("volunteers, active, town prefix, by name", vols, {"town": town, "state": "active"}),
        ("volunteers, by town, page 1,000", vols, {"sort": "town", "page": "1000"}),
        ("volunteers, by state", vols, {"sort": "state"}),
        ("volunteers, search a name", vols, {"q": v.first_name}),
        ("volunteers, search an id", vols, {"q": v.external_id}),
        ("volunteers, search a phone", vols, {"q": _national(world, v)}),
        ("volunteers, search an e-mail", vols, {"q": v.user.email}),
        ("households, town prefix, by waiting time", hhs, {"town": town, "sort": "waiting"}),
        ("person page: paired volunteer", _detail(world, "paired_volunteer"), {}),
        ("person page: paired household", _detail(world, "paired_household"), {}),
        ("person page: proposed volunteer", _detail(world, "proposed_volunteer"), {}),
        ("person page: waiting volunteer", _detail(world, "waiting_volunteer"), {}),
        (
            "name picker (pair by hand)",
            reverse("programmes:household_choices", args=[p]),
            {"household_id": world["paired_household"].first_name[:3]},
        ),
    ]


def _national(world: dict[str, Any], person: Any) -> str:
    """The person's number as someone would read it out: 0113 49…, not +44."""
    from kinfolk.privacy.services import contact_details_read

    read = contact_details_read(
        viewer=world["coordinator"], person=person, fields=["phone"], reason="benchmark"
    )
    return "0" + read["phone"].removeprefix("+44")


def _detail(world: dict[str, Any], key: str) -> str:
    from django.urls import reverse

    person = world[key]
    return reverse(f"programmes:{person.side}_detail", args=[world["programme"].pk, person.pk])


def time_pages(world: dict[str, Any], repeat: int) -> list[tuple[str, float, float, float, int]]:
    """(label, median ms, slowest ms, median ms in the database, queries) of each page."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kinfolk.programmes.models import Coordinator

    Coordinator.objects.get_or_create(programme=world["programme"], user=world["coordinator"])
    client = Client()
    client.force_login(world["coordinator"])
    results = []
    for label, url, query in pages(world):
        response = client.get(url, query)  # warm-up
        assert response.status_code == 200, (label, response.status_code)
        times, db = [], []
        for _ in range(repeat):
            begin = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, query)
            times.append(1000 * (time.perf_counter() - begin))
            db.append(1000 * sum(float(q["time"]) for q in queries.captured_queries))
        results.append(
            (label, statistics.median(times), max(times), statistics.median(db), len(queries))
        )
        print(f"  {label}: {results[-1][1]:.0f} ms", file=sys.stderr, flush=True)
    return results


def results_table(results: list[tuple[str, float, float, float, int]]) -> str:
    lines = [
        f"{'page':<44} {'median ms':>9} {'max ms':>7} {'db ms':>6} {'queries':>7} {'target':>7}",
        "-" * 86,
    ]
    for label, median, slowest, db, queries in results:
        verdict = "ok" if median < TARGET_MS else "SLOW"
        lines.append(
            f"{label:<44} {median:>9.0f} {slowest:>7.0f} {db:>6.0f} {queries:>7} {verdict:>7}"
        )
    return "\n".join(lines)


def run(
    pairings: int, waiting: int, *, repeat: int, seed: int = 7, keep: bool = False
) -> tuple[Stages, list[Any]]:
    """Build, time and roll back; with ``keep``, commit the programme for ``--reuse`` runs."""
    from django.db import transaction

    stages: Stages = []
    results: list[Any] = []
    try:
        with transaction.atomic():
            world = programme_build(pairings, waiting, seed=seed, stages=stages)
            if keep:
                _remember(world)
            else:
                results = time_pages(world, repeat)
                raise Rollback
    except Rollback:
        pass
    if keep:
        _vacuum(stages)
        results = time_pages(_recall(), repeat)
    return stages, results


def _remember(world: dict[str, Any]) -> None:
    """Name the kept programme's people in its coordinator's first name, for ``_recall``."""
    from kinfolk.programmes.models import Coordinator

    keys = ("paired_volunteer", "paired_household", "waiting_volunteer", "proposed_volunteer")
    world["coordinator"].first_name = "bench:" + ",".join(str(world[k].pk) for k in keys)
    world["coordinator"].save(update_fields=["first_name"])
    Coordinator.objects.create(programme=world["programme"], user=world["coordinator"])


def _recall() -> dict[str, Any]:
    """The programme a ``--keep`` run left, newest first."""
    from kinfolk.people.models import Household, Volunteer
    from kinfolk.programmes.models import Coordinator

    found = (
        Coordinator.objects.filter(user__first_name__startswith="bench:")
        .select_related("programme", "user")
        .latest("id")
    )
    pv, ph, wv, prv = (int(x) for x in found.user.first_name.removeprefix("bench:").split(","))
    return {
        "programme": found.programme,
        "coordinator": found.user,
        "paired_volunteer": Volunteer.objects.select_related("user").get(pk=pv),
        "paired_household": Household.objects.get(pk=ph),
        "waiting_volunteer": Volunteer.objects.get(pk=wv),
        "proposed_volunteer": Volunteer.objects.get(pk=prv),
    }


def _vacuum(stages: Stages) -> None:
    """What autovacuum does after a load: visibility map and statistics."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with stage(stages, "setup: VACUUM ANALYZE"), connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairings", type=int, default=110_000)
    parser.add_argument("--waiting", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--keep", action="store_true", help="commit the programme (then VACUUM) for --reuse"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="time the programme a --keep run left; build nothing"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    django_setup()
    from django.db import connection

    if args.reuse:
        stages, results = [], time_pages(_recall(), args.repeat)
    else:
        stages, results = run(
            args.pairings, args.waiting, repeat=args.repeat, seed=args.seed, keep=args.keep
        )
    sizes = f"{args.pairings:,} pairings and {args.waiting:,} waiting per side"
    print(f"{sizes} on {connection.vendor}")
    print(table(stages))
    print()
    print(f"Target: each page under {TARGET_MS:.0f} ms (median of {args.repeat}).")
    print("db ms: time spent in the database's answers, as Django measured it.")
    print(results_table(results))


if __name__ == "__main__":
    main()
