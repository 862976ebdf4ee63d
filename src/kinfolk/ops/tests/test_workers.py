"""Two ``kinfolk worker`` processes on one database share the task queue and run no job twice."""

from collections import Counter
from pathlib import Path

import pytest

from kinfolk.ticks.tests.processes import kill_group, process_database, wait_for

pytestmark = pytest.mark.processes

JOBS = 60
# A tick an hour: this test is about the task queue, not the periodic jobs.
WORKER = ("-m", "kinfolk.web.cli", "worker", "--tick-seconds", "3600")


@pytest.fixture
def db(tmp_path):
    with process_database(tmp_path) as database:
        yield database


def _finished(db) -> dict[str, int] | None:
    counts = db.django(
        "from django_tasks_db.models import DBTaskResult\n"
        "from django.db.models import Count\n"
        "result = {r['status']: r['n'] for r in "
        "DBTaskResult.objects.values('status').annotate(n=Count('id'))}\n"
    )
    return counts if counts.get("SUCCESSFUL", 0) + counts.get("FAILED", 0) == JOBS else None


def test_two_workers_share_the_queue_and_run_each_job_exactly_once(db, tmp_path):
    ran = tmp_path / "ran.txt"
    db.django(
        "from kinfolk.ops.tests.probe_tasks import probe_record\n"
        f"for n in range({JOBS}):\n"
        f"    probe_record.enqueue(n=n, path={str(ran)!r})\n"
    )
    workers = [db.start(*WORKER), db.start(*WORKER)]
    try:
        beating = wait_for(
            lambda: (
                db.django(
                    "from kinfolk.ops.models import WorkerHeartbeat\n"
                    "result = WorkerHeartbeat.objects.count()\n"
                )
                == 2
            ),
            what="both workers' heartbeats",
        )
        counts = wait_for(lambda: _finished(db), timeout=120, what="every job")
    finally:
        for worker in workers:
            kill_group(worker)
    assert beating
    assert counts == {"SUCCESSFUL": JOBS}, db.output()
    lines = Path(ran).read_text().split()
    numbers, pids = lines[0::2], lines[1::2]
    assert Counter(numbers) == Counter(str(n) for n in range(JOBS))  # each once, none twice
    assert len(set(pids)) == 2, f"one task runner did everything: {Counter(pids)}"
