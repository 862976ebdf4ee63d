"""A real worker killed with ``kill -9`` mid-run: the run fails and the programme recovers.

Each test starts real processes against a real database of its own (a file
SQLite database, or a fresh PostgreSQL database when ``DATABASE_URL`` is
set): the site's migrations, a programme with a queued run big enough to
take a few seconds, ``kinfolk manage db_worker`` to run it, ``kill -9`` once
the engine is at work, then the periodic tick and a new run.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.processes

#: Seconds of silence after which the run is given up (the setting, made short for the test).
STALE_SECONDS = 3
#: Volunteers and households: enough for a run of a few seconds, little enough to seed fast.
SIZE = 9000
ENGINE_STAGES = {"candidates", "costs", "solve", "assign", "summary", "explain"}
RUN_COLUMNS = "status, stage, error, heartbeat_at"

Reader = Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]


def _sqlite(tmp_path: Path) -> Iterator[tuple[dict[str, str], Reader]]:
    database = tmp_path / "kinfolk.sqlite3"

    def read(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with sqlite3.connect(database, timeout=20) as connection:
            return connection.execute(sql.replace("%s", "?"), params).fetchall()

    yield {}, read


def _postgresql(tmp_path: Path) -> Iterator[tuple[dict[str, str], Reader]]:
    import psycopg

    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        pytest.skip("set DATABASE_URL to a PostgreSQL server to run this on PostgreSQL")
    server, _slash, name = base.rpartition("/")
    own = f"{name}_kill_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{own}"')
    url = f"{server}/{own}"

    def read(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with psycopg.connect(url) as connection:
            return connection.execute(sql, params).fetchall()

    try:
        yield {"DATABASE_URL": url}, read
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request, tmp_path):
    """(environment of the site's processes, a reader of its database)."""
    opened = (_sqlite if request.param == "sqlite" else _postgresql)(tmp_path)
    extra, read = next(opened)
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "kinfolk.web.settings",
        "KINFOLK_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "kill-test-only",
        "MATCHING_RUN_STALE_SECONDS": str(STALE_SECONDS),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        **extra,
    }
    yield env, read
    next(opened, None)  # drops the PostgreSQL database


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", *args], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _step(env: dict[str, str], *args: str) -> Any:
    return json.loads(_run(env, "kinfolk.pairings.tests.worker_process", *args))


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "kinfolk.web.cli", "manage", "db_worker"]
            + ["--interval", "0.1", "--no-startup-delay", "--no-reload"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _run_row(read: Reader, run_id: int) -> dict[str, Any]:
    [row] = read(f"SELECT {RUN_COLUMNS} FROM pairings_matchingrun WHERE id = %s", (run_id,))
    return dict(zip(("status", "stage", "error", "heartbeat_at"), row, strict=True))


def _wait_for(read: Reader, run_id: int, done: Callable[[dict[str, Any]], bool], log: Path):
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        row = _run_row(read, run_id)
        if done(row):
            return row
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} stayed {row}; worker log:\n{log.read_text()[-3000:]}")


def test_a_run_whose_worker_is_killed_mid_run_is_failed_by_the_tick_and_the_programme_recovers(
    site, tmp_path
):
    env, read = site
    log = tmp_path / "worker.log"
    run_id = _step(env, "seed", str(SIZE))["run"]
    worker = _worker(env, log)
    try:
        at_work = _wait_for(
            read, run_id, lambda r: r["status"] == "running" and r["stage"] in ENGINE_STAGES, log
        )
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert at_work["heartbeat_at"] is not None  # the job was beating while it ran

    # What the issue saw: killed mid-way, the run stays "running" and nothing was saved.
    assert _run_row(read, run_id)["status"] == "running"
    assert read("SELECT count(*) FROM pairings_runpair WHERE run_id = %s", (run_id,)) == [(0,)]

    time.sleep(STALE_SECONDS + 0.5)
    ticked = _run(env, "kinfolk.web.cli", "tick")  # what cron or `kinfolk worker` runs
    assert "matching_runs_stale: 1 runs without a heartbeat marked failed" in ticked
    failed = _run_row(read, run_id)
    assert (failed["status"], failed["error"]) == ("failed", "worker-lost")

    # The coordinator can now discard it and start again; a new worker finishes the new run.
    worker = _worker(env, log)
    try:
        new_id = _step(env, "restart", str(run_id))["run"]
        assert _run_row(read, run_id)["status"] == "discarded"
        finished = _wait_for(read, new_id, lambda r: r["status"] in ("ready", "failed"), log)
    finally:
        worker.terminate()
        worker.wait(timeout=15)
    assert finished["status"] == "ready", finished
