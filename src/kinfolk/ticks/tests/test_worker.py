"""``kinfolk worker`` and ``kinfolk tick`` as real processes: killed children come back.

Issue 8, item 4: one failing periodic job stopped the worker, and nothing
watched the task runner.  These start the real commands on a database of
their own (see ``processes``) and kill what they started with SIGKILL.
"""

import os
import signal
from pathlib import Path

import pytest

from kinfolk.ticks.services import JOBS
from kinfolk.ticks.tests.processes import children, kill_group, process_database, wait_for

WORKER = ("-m", "kinfolk.web.cli", "worker", "--tick-seconds", "1")


def _task_runners(pid: int) -> list[int]:
    def is_runner(child: int) -> bool:
        try:
            return b"db_worker" in Path(f"/proc/{child}/cmdline").read_bytes()
        except FileNotFoundError:
            return False

    return [child for child in children(pid) if is_runner(child)]


@pytest.fixture
def db(tmp_path):
    with process_database(tmp_path) as database:
        yield database


def test_the_worker_starts_its_task_runner_again_when_it_is_killed(db):
    worker = db.start(*WORKER)
    try:
        first = wait_for(lambda: _task_runners(worker.pid), what="the task runner")[0]
        os.kill(first, signal.SIGKILL)
        second = wait_for(
            lambda: [c for c in _task_runners(worker.pid) if c != first],
            what="a new task runner",
        )[0]
        assert worker.poll() is None, db.output()
        assert second != first
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0, db.output()
        assert not Path(f"/proc/{second}").exists() or _zombie(second)
    finally:
        kill_group(worker)
    assert "The task runner stopped (exit code -9); starting it again" in db.output()


def _zombie(pid: int) -> bool:
    return "State:\tZ" in Path(f"/proc/{pid}/status").read_text()


def test_a_job_that_fails_is_recorded_and_the_worker_keeps_ticking(db):
    # A real failure: the table the invitation purge reads is gone.
    db.django(
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    cascade = ' CASCADE' if connection.vendor == 'postgresql' else ''\n"
        "    c.execute('DROP TABLE people_invitation' + cascade)  # imports refer to it\n"
    )
    worker = db.start(*WORKER)
    try:
        runs = wait_for(
            lambda: _runs(db, "invitations_purge", "tick_runs_purge"), what="both daily jobs"
        )
        assert worker.poll() is None, db.output()
    finally:
        kill_group(worker)
    failed, done = runs
    assert failed["state"] == "failed" and "people_invitation" in failed["last_error"]
    assert failed["next_try_at"] and failed["attempts"] == 1
    assert done["state"] == "done"  # the job after the failing one ran


def _runs(db, *jobs):
    found = db.django(
        "from kinfolk.ticks.models import TickRun\n"
        f"rows = TickRun.objects.filter(job__in={list(jobs)!r}).exclude(state='running')\n"
        "result = {r['job']: r for r in rows.values()}\n"
    )
    return [found[job] for job in jobs] if all(job in found for job in jobs) else None


def test_kinfolk_tick_twice_does_each_job_once(db):
    first = db.run("-m", "kinfolk.web.cli", "tick")
    second = db.run("-m", "kinfolk.web.cli", "tick")
    assert "visits_roll_forward: 0 windows planned" in first
    # A new minute may start between the two ticks, and every-minute jobs then run again.
    every_minute = {entry.name for entry in JOBS if entry.every == "minute"}
    assert {"outbox_deliver", "matching_runs_stale"} <= every_minute
    lines = [
        line for line in second.splitlines() if line and line.split(":")[0] not in every_minute
    ]
    assert lines and all(line.endswith("already done") for line in lines), second
