"""Benchmark: exports and the REST API of a national programme, through the real stack.

Builds ``--people`` volunteers and as many households (``kinfolk.engine.synth``),
one pairing each, contact details for every household and a coordinator, then
goes through Django's test client (every middleware, the real views):

* the pairings export as CSV: time to the first byte, to the first batch of
  rows, and to the end, with the largest chunk sent (it stays one batch);
* the households export as CSV *with* contact details: every household is
  read through the privacy service's bulk door and logged, one access-log row
  per person per day;
* the pairings export as XLSX (streamed too: its ZIP is compressed and sent
  batch by batch), with the time to its first byte and the peak memory;
* the API listing every household page by page (``limit=500``), following
  ``next_cursor``.

Everything runs in one transaction that is rolled back, so the database is
left as it was.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kf_api python bench/exports_api.py

Targets (issue 11): exporting 110,000 pairings as CSV starts streaming in
under 1 s; the API lists 110,000 households at over 5,000 rows/s.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # run alone or imported
from _harness import Rollback, Stages, django_setup, people_insert, stage, table  # noqa: E402

TTFB_TARGET_S = 1.0
API_TARGET_ROWS_S = 5000.0


def _peak_rss_reset() -> None:
    """Start a new peak-memory measurement (Linux); elsewhere the peak is the process's."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def _peak_rss_mib(field: str = "VmHWM") -> float:
    """The process's peak (or, with ``VmRSS``, current) resident memory, in MiB (Linux)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _world(n: int, seed: int, stages: Stages) -> tuple[Any, Any]:
    from django.db import connection

    from kinfolk.pairings.models import Pairing
    from kinfolk.privacy.services import contact_details_bulk_create
    from kinfolk.programmes.models import Coordinator

    programme, volunteers, households, spare = people_insert(
        n, seed=seed, today=None, stages=stages, name="Exports bench"
    )
    with stage(stages, "setup: pairings and household contact details", f"{2 * n:,} rows"):
        Pairing.objects.bulk_create(
            [
                Pairing(programme=programme, volunteer=v, household=h, started_on="2026-06-01")
                for v, h in zip(volunteers, households, strict=True)
            ],
            batch_size=5000,
        )
        contact_details_bulk_create(
            rows=((h, f"+44 7700 {i:06d}", f"{i} Bench Street") for i, h in enumerate(households))
        )
        Coordinator.objects.create(programme=programme, user=spare)
    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk load; inside this transaction it must be asked.
        with stage(stages, "setup: analyze"), connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return programme, spare


def _csv_export(client: Any, url: str) -> dict[str, float]:
    gc.collect()
    before = _peak_rss_mib("VmRSS")
    _peak_rss_reset()
    start = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    chunks = iter(response.streaming_content)
    first = next(chunks)
    first_byte = time.perf_counter() - start
    second = next(chunks, b"")
    first_rows = time.perf_counter() - start
    size, largest, lines = len(first) + len(second), len(second), second.count(b"\n")
    for chunk in chunks:
        size, largest, lines = (
            size + len(chunk),
            max(largest, len(chunk)),
            lines + chunk.count(b"\n"),
        )
    return {
        "first_byte": first_byte,
        "first_rows": first_rows,
        "total": time.perf_counter() - start,
        "rows": lines,
        "mib": size / 2**20,
        "largest_chunk_kib": largest / 1024,
        "rss_before_mib": before,
        "peak_rss_mib": _peak_rss_mib(),
    }


def _xlsx_export(client: Any, url: str) -> dict[str, float]:
    gc.collect()
    before = _peak_rss_mib("VmRSS")
    _peak_rss_reset()
    start = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    chunks = iter(response.streaming_content)
    size = len(next(chunks))
    first_byte = time.perf_counter() - start
    size += sum(len(chunk) for chunk in chunks)
    return {
        "first_byte": first_byte,
        "total": time.perf_counter() - start,
        "mib": size / 2**20,
        "rss_before_mib": before,
        "peak_rss_mib": _peak_rss_mib(),
    }


def _api_list(client: Any, token: str, limit: int) -> dict[str, float]:
    headers = {"Authorization": f"Bearer {token}"}
    rows, pages, cursor = 0, 0, None
    start = time.perf_counter()
    while True:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        response = client.get("/api/households", params, headers=headers)
        assert response.status_code == 200, response.content[:200]
        body = response.json()
        rows, pages, cursor = rows + len(body["items"]), pages + 1, body["next_cursor"]
        if cursor is None:
            break
    seconds = time.perf_counter() - start
    return {"rows": rows, "pages": pages, "seconds": seconds, "rows_s": rows / seconds}


def run(n: int, *, seed: int) -> tuple[Stages, dict[str, dict[str, float]]]:
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, transaction
    from django.test import Client

    from kinfolk.api.services import api_token_create
    from kinfolk.privacy.models import ContactAccessLog

    # The test client would close the connection (and lose the transaction) per request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    stages: Stages = []
    results: dict[str, dict[str, float]] = {}
    try:
        with transaction.atomic():
            programme, coordinator = _world(n, seed, stages)
            client = Client(HTTP_HOST="localhost")
            client.force_login(coordinator)
            base = f"/p/{programme.pk}/exports"
            # A running server has loaded its URLs and templates: so does the first page here.
            client.get(f"/p/{programme.pk}/exports/")
            with stage(stages, "export: pairings CSV", f"{n:,} rows"):
                results["pairings.csv"] = _csv_export(client, f"{base}/pairings.csv")
            logged_before = ContactAccessLog.objects.count()
            with stage(stages, "export: households CSV with contact details", "logged"):
                results["households.csv+contact"] = _csv_export(
                    client, f"{base}/households.csv?contact=on"
                )
            results["households.csv+contact"]["log_rows"] = (
                ContactAccessLog.objects.count() - logged_before
            )
            with stage(stages, "export: pairings XLSX", f"{n:,} rows"):
                results["pairings.xlsx"] = _xlsx_export(client, f"{base}/pairings.xlsx")
            token = api_token_create(
                programme=programme, created_by=coordinator, name="bench", scope="read"
            ).token
            client.logout()
            with stage(stages, "api: list every household, limit=500"):
                results["api"] = _api_list(client, token, 500)
            raise Rollback
    except Rollback:
        pass
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return stages, results


def targets_table(results: dict[str, dict[str, float]]) -> str:
    pairings, xlsx, api = results["pairings.csv"], results["pairings.xlsx"], results["api"]
    rows = [
        ("pairings CSV: time to first byte (s)", pairings["first_byte"], TTFB_TARGET_S, "under"),
        ("pairings CSV: time to first rows (s)", pairings["first_rows"], TTFB_TARGET_S, "under"),
        ("pairings XLSX: time to first byte (s)", xlsx["first_byte"], TTFB_TARGET_S, "under"),
        ("API: households listed (rows/s)", api["rows_s"], API_TARGET_ROWS_S, "over"),
    ]
    lines = [f"{'target':<40} {'measured':>10} {'target':>8} {'ratio':>7}  met", "-" * 76]
    for name, measured, target, sense in rows:
        ratio = target / measured if sense == "under" else measured / target
        met = "yes" if ratio >= 1 else "NO"
        lines.append(f"{name:<40} {measured:>10.3f} {target:>8.0f} {ratio:>6.1f}x  {met}")
    return "\n".join(lines)


def details_table(results: dict[str, dict[str, float]]) -> str:
    lines = [f"{'measure':<48} {'value':>12}", "-" * 62]
    for export in ("pairings.csv", "households.csv+contact", "pairings.xlsx"):
        for key, value in results[export].items():
            lines.append(f"{export + ': ' + key:<48} {value:>12,.2f}")
    for key, value in results["api"].items():
        lines.append(f"{'api: ' + key:<48} {value:>12,.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=110_000, help="volunteers (and households)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    django_setup()
    from django.db import connection

    stages, results = run(args.people, seed=args.seed)
    print(f"{args.people:,} pairings, {args.people:,} households on {connection.vendor}")
    print(table(stages))
    print()
    print(details_table(results))
    print()
    print(targets_table(results))


if __name__ == "__main__":
    main()
