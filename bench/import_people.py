"""Benchmark: importing 110,000 households from a CSV file, as a coordinator does it.

Builds a synthetic households file (``kinfolk.imports.synthetic``, the people of
``kinfolk synth``), then runs the real services and jobs one after the other:
upload (read, drop refused columns, store), mapping, preview (every row checked
and compared with the database) and commit (every valid row written in one
transaction).  Then the same file again (nothing may change) and a file with 5%
bad rows (every one must be reported).  The programme is deleted at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kf_bench python bench/import_people.py
    python bench/import_people.py --households 20000             # SQLite
    python bench/import_people.py --regions 12   # also: the preview's count per region

With ``--regions N`` the new file is first previewed without regions, then
with the country's towns split into N regions, twice over: the best of each,
in the same run, shows what counting where each row lands costs.

Targets (issue 11): validate, preview and commit of 110,000 households under
60 s on PostgreSQL, with peak memory under 1 GiB (the process's peak resident
set, Django included).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # run alone or imported
from _harness import Stages, django_setup, stage, table  # noqa: E402

TARGET_SECONDS = 60.0
TARGET_BYTES = 1024**3


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _database_cpu_seconds() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend, when it runs on this machine."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def _programme(name: str) -> tuple[Any, Any]:
    from django.contrib.auth import get_user_model

    from kinfolk.programmes.models import Coordinator, Programme

    programme = Programme.objects.create(
        name=name, country="GB", centre_lat=54.3, centre_lon=-2.3, radius_km=700
    )
    user = get_user_model().objects.create_user(
        f"bench-{programme.pk}-{time.time_ns()}@example.org", first_name="Cora"
    )
    Coordinator.objects.create(programme=programme, user=user)
    return programme, user


def _import(programme: Any, user: Any, data: bytes, stages: Stages, label: str, commit: bool):
    from kinfolk.imports import running, services

    with stage(stages, f"{label}: upload (read, normalise, store)"):
        made = services.import_upload(
            programme=programme, side="household", filename="h.csv", data=data, by=user
        )
        services.import_map(people_import=made, mapping=made.mapping, by=user)
    with stage(stages, f"{label}: preview (check and compare every row)"):
        running.import_preview(import_id=made.pk)
    made.refresh_from_db()
    if commit:
        services.import_commit_start(people_import=made, by=user)
        with stage(stages, f"{label}: commit (check again, write in one transaction)"):
            running.import_commit(import_id=made.pk)
        made.refresh_from_db()
    return made


def _own_database() -> Callable[[], None]:
    """Point the settings at a new, empty database; returns what drops it."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        folder = tempfile.mkdtemp(prefix="kinfolk-import-bench-")
        os.environ["KINFOLK_DATA_DIR"] = folder
        return lambda: shutil.rmtree(folder, ignore_errors=True)
    import psycopg

    server, _slash, name = base.rpartition("/")
    own = f"{name}_import_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{own}"')
    os.environ["DATABASE_URL"] = f"{server}/{own}"

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)')

    return drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=110_000)
    parser.add_argument("--regions", type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.dummy.DummyBackend")
    drop = _own_database()
    try:
        return _measure(args.households, args.regions)
    finally:
        drop()


def _regions_make(programme: Any, n: int) -> None:
    """Split the country's towns into ``n`` regions, as a national programme might."""
    from kinfolk.programmes.places import towns
    from kinfolk.regions.models import Region, RegionTown

    names = sorted({town.name for town in towns(programme.country)})
    for i in range(n):
        region = Region.objects.create(programme=programme, name=f"Region {i + 1:02d}")
        RegionTown.objects.bulk_create(
            RegionTown(programme=programme, region=region, town=name) for name in names[i::n]
        )


def _regions_compare(programme: Any, user: Any, data: bytes, stages: Stages, n: int) -> Any:
    """The same file previewed without regions, then with ``n``, twice over (the first run
    of a process also warms its caches): the best of each shows the cost of the counts."""
    from kinfolk.imports import running, services
    from kinfolk.regions.models import Region

    made = services.import_upload(
        programme=programme, side="household", filename="h.csv", data=data, by=user
    )
    for round_ in (1, 2):
        Region.objects.filter(programme=programme).delete()
        services.import_map(people_import=made, mapping=made.mapping, by=user)
        with stage(stages, f"regions {round_}: preview of the new file, no regions"):
            running.import_preview(import_id=made.pk)
        _regions_make(programme, n)
        services.import_map(people_import=made, mapping=made.mapping, by=user)
        with stage(stages, f"regions {round_}: the same preview, {n} regions"):
            running.import_preview(import_id=made.pk)
    made.refresh_from_db()
    made.delete()
    return made


def _measure(n: int, regions: int = 0) -> int:
    django_setup()
    from django.db import connection

    from kinfolk.imports.synthetic import households_csv

    stages: Stages = []
    with stage(stages, "setup: synthetic households file"):
        data, _none = households_csv(n, seed=5)
        bad_data, bad_rows = households_csv(n, seed=6, bad_every=20)
    programme, user = _programme("Import benchmark")
    landed = _regions_compare(programme, user, data, stages, regions) if regions else None
    start, cpu, db_cpu = time.perf_counter(), _cpu_seconds(), _database_cpu_seconds()
    first = _import(programme, user, data, stages, "new file", commit=True)
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    db_after = _database_cpu_seconds()
    db_note = f"{db_after - db_cpu:.1f}" if db_cpu is not None and db_after is not None else "?"
    again = _import(programme, user, data, stages, "same file again", commit=True)
    bad = _import(programme, user, bad_data, stages, "5% bad rows", commit=False)
    reported = {row for row, *_rest in _problem_rows(bad)}
    peak = _peak_bytes()
    print(f"\nImport of {n:,} households on {connection.vendor}, file {len(data) / 1e6:.1f} MB")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"{os.cpu_count()} CPUs, load average {load} at the end. For the new file this process "
        f"used {cpu:.1f} CPU seconds, its database backend {db_note}\n"
    )
    print(table(stages))
    print()
    print(f"{'target':<52} {'measured':>14} {'target':>10}  ok")
    print("-" * 84)
    rows = [
        ("validate + preview + commit, new file (s)", f"{seconds:.1f}", f"{TARGET_SECONDS:.0f}",
         seconds < TARGET_SECONDS),
        ("peak memory of the process (MiB)", f"{peak / 2**20:.0f}", f"{TARGET_BYTES / 2**20:.0f}",
         peak < TARGET_BYTES),
        ("new file: new / updated / unchanged / invalid",
         f"{first.new}/{first.updated}/{first.unchanged}/{first.invalid}", f"{n}/0/0/0",
         (first.new, first.updated, first.invalid) == (n, 0, 0)),
        ("same file again: new / updated / unchanged",
         f"{again.new}/{again.updated}/{again.unchanged}", f"0/0/{n}",
         (again.new, again.updated, again.unchanged) == (0, 0, n)),
        ("5% bad file: bad rows reported / broken", f"{len(reported)}/{len(bad_rows)}",
         "all", reported == set(bad_rows) and bad.invalid == len(bad_rows)),
    ]  # fmt: skip
    if landed is not None:
        timed = [(name, s) for name, s, *_rest in stages if name.startswith("regions ")]
        without = min(s for name, s in timed if "no regions" in name)
        with_regions = min(s for name, s in timed if "no regions" not in name)
        counted = sum(new + updated for _name, new, updated in landed.regions_shown)
        rows += [
            ("preview with regions / without (best of 2 each)",
             f"{with_regions / without:.2f}", "-", True),
            ("rows counted in a region or outside / new rows", f"{counted}/{landed.new}",
             "equal", counted == landed.new == n),
        ]  # fmt: skip
    for name, measured, target, ok in rows:
        print(f"{name:<52} {measured:>14} {target:>10}  {'yes' if ok else 'NO'}")
    return 0 if all(ok for *_x, ok in rows) else 1


def _problem_rows(made: Any) -> list[list[str]]:
    import csv
    import io

    lines = list(csv.reader(io.StringIO(made.problems_csv)))[1:]
    return [[int(line[0]), *line[1:]] for line in lines]


if __name__ == "__main__":
    sys.exit(main())
