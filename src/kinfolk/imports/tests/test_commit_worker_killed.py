"""A real worker killed with ``kill -9`` half-way through a commit: nothing is written.

The commit writes every row in one transaction, so the database rolls the
half-written rows back when the worker's connection dies.  The import is then
set back (by the tick, once its heartbeat is stale) and can be run again.
"""

from __future__ import annotations

import json
import os
import signal
import time

import pytest

from kinfolk.pairings.tests.test_run_worker_killed import _postgresql, _run, _sqlite, _worker

pytestmark = pytest.mark.processes

SIZE = 20000


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request, tmp_path):
    """(environment of the site's processes, a reader of its database), as the matching test's."""
    opened = (_sqlite if request.param == "sqlite" else _postgresql)(tmp_path)
    extra, read = next(opened)
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "kinfolk.web.settings",
        "KINFOLK_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "kill-test-only",
        "IMPORT_STALE_SECONDS": "3",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        **extra,
    }
    yield env, read
    next(opened, None)  # drops the PostgreSQL database


def _step(env, *args):
    return json.loads(_run(env, "kinfolk.imports.tests.worker_process", *args))


def _import_row(read, import_id):
    [row] = read("SELECT status, stage FROM imports_peopleimport WHERE id = %s", (import_id,))
    return row


def _written(read):
    return [
        read(f"SELECT count(*) FROM {table}", ())[0][0]
        for table in ("people_household", "imports_invitee")
    ]


def test_a_commit_whose_worker_is_killed_writes_nothing_and_runs_again(site, tmp_path):
    env, read = site
    log = tmp_path / "worker.log"
    import_id = _step(env, "seed", str(SIZE))["import"]
    worker = _worker(env, log)
    try:
        deadline = time.monotonic() + 60
        while _import_row(read, import_id) != ("committing", "writing"):
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.02)
        time.sleep(0.3)  # well into the writing
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert _import_row(read, import_id) == ("committing", "writing")
    assert _written(read) == [0, 0]

    again = _step(env, "again", str(import_id))
    assert again == {"reset": 1, "after_reset": "previewed", "status": "committed", "new": SIZE}
    assert _written(read) == [SIZE, SIZE]
