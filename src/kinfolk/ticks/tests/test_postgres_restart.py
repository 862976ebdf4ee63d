"""PostgreSQL restarts while a real tick is sending reminders: nothing goes twice, nothing sticks.

Issue 14, "Bad input and faults".  The test runs a PostgreSQL cluster of its
own (``private_postgres``), since restarting the machine's would cut every
other test.  A ``kinfolk tick`` process queues the reminders of ten visits
whose window opens today and hands them to a slow mail server (0.3 s each,
written to a file as received); after a few, the cluster is restarted with
``pg_ctl restart -m fast``, which cuts the tick's connection.  The tick
records the failure, marks the message it had sent, gives back the rest of
its claim, and exits 1.  The next run, a minute later (after the failed
job's back-off), sends the rest: every reminder exactly once.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from kinfolk.ticks.tests.private_postgres import PrivateCluster, private_cluster
from kinfolk.ticks.tests.processes import ProcessDatabase, process_environment, wait_for

pytestmark = [
    pytest.mark.processes,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="starts a PostgreSQL server of its own; runs once, in the PostgreSQL pass of CI",
    ),
]

VISITS = 10
SLOW = "kinfolk.outbox.tests.backends.SlowFileBackend"
TICK = ("-m", "kinfolk.web.cli", "tick")

SEED = f"""
import datetime as dt
from django.utils import timezone
from kinfolk.testing import make_household, make_pairing, make_programme, make_user
from kinfolk.testing import make_visit, make_volunteer
from kinfolk.ticks.models import TickRun
from kinfolk.ticks.services import _SLOT_FORMATS, JOBS

programme = make_programme()
for n in range({VISITS}):
    v = make_volunteer(
        programme, user=make_user(f"v{{n}}@example.org", first_name=f"V{{n}}"), first_name=f"V{{n}}"
    )
    h = make_household(
        programme, users=(make_user(f"h{{n}}@example.org", first_name=f"H{{n}}"),),
        first_name=f"H{{n}}",
    )
    pairing = make_pairing(v, h, started_on=timezone.localdate() - dt.timedelta(days=3))
    make_visit(pairing)  # its window opened yesterday: both sides are due a reminder
# Only the reminders and the outbox run: the other jobs had their turn this slot.
now = timezone.now()
for entry in JOBS:
    if entry.name not in ("visit_reminders", "outbox_deliver"):
        for later in (0, 60, 120, 180):
            slot = (now + dt.timedelta(seconds=later)).strftime(_SLOT_FORMATS[entry.every])
            TickRun.objects.get_or_create(
                job=entry.name, slot=slot, defaults={{"state": "done", "finished_at": now}}
            )
"""

STATE = """
from collections import Counter
from kinfolk.outbox.models import Message
from kinfolk.ticks.models import TickRun
from kinfolk.visits.models import ReminderSent
result = {
    "messages": Counter(Message.objects.values_list("state", flat=True)),
    "untried_queued": Message.objects.filter(state="queued", attempts=0).count(),
    "claimed": Message.objects.exclude(claim="").count(),
    "ticks": [
        [t.state, t.attempts, t.last_error]
        for t in TickRun.objects.filter(job="outbox_deliver").order_by("started_at", "pk")
    ],
    "reminders": Counter(ReminderSent.objects.values_list("kind", flat=True)),
    "reminders_unsent": ReminderSent.objects.filter(sent_at__isnull=True).count(),
}
"""

# The next run a minute on: the failed delivery job waits out its one-minute back-off.
NEXT_RUN = """
import datetime as dt
from django.utils import timezone
from kinfolk.ticks.services import tick_run
result = tick_run(now=timezone.now() + dt.timedelta(seconds=65))
"""


@pytest.fixture
def cluster():
    with private_cluster() as running:
        yield running


@pytest.fixture
def db(cluster: PrivateCluster, tmp_path: Path) -> ProcessDatabase:
    import psycopg

    with psycopg.connect(cluster.url("postgres"), autocommit=True) as admin:
        admin.execute("CREATE DATABASE kinfolk")
    env = process_environment(tmp_path)
    database = ProcessDatabase(
        {
            **env,
            "DATABASE_URL": cluster.url("kinfolk"),
            # Only the tick sends: no task runner here, and no task queued for one.
            "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "EMAIL_BACKEND": SLOW,
            "KINFOLK_TEST_SENT": str(tmp_path / "sent.jsonl"),
        },
        tmp_path,
    )
    database.run("-m", "kinfolk.web.cli", "manage", "migrate", "-v0", timeout=300)
    database.django(SEED)
    return database


def _received(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line]


def test_a_postgres_restart_during_a_tick_sends_every_reminder_exactly_once(
    db: ProcessDatabase, cluster: PrivateCluster, tmp_path: Path
):
    sent = tmp_path / "sent.jsonl"
    expected = {f"{side}{n}@example.org" for n in range(VISITS) for side in "vh"}

    tick = db.start(*TICK, KINFOLK_TEST_DELAY="0.3")
    try:
        wait_for(lambda: len(_received(sent)) >= 4, what="four reminders received")
        cluster.restart()
        code = tick.wait(timeout=90)
    finally:
        if tick.poll() is None:
            tick.kill()
            tick.wait()
    output = db.output()
    assert code == 1, output  # a job failed, and the tick says so
    assert "outbox_deliver: failed: " in output, output
    during = len(_received(sent))
    assert 4 <= during < len(expected), output

    after_restart = db.django(STATE)
    # The failure is on record, and nothing is left claimed: what was sent is marked
    # sent, the rest is queued again as never tried, due at once.
    [[state, attempts, error]] = after_restart["ticks"]
    assert (state, attempts) == ("failed", 1)
    assert error.startswith(("OperationalError", "InterfaceError")), error
    assert after_restart["claimed"] == 0
    assert after_restart["messages"] == {"sent": during, "queued": len(expected) - during}
    assert after_restart["untried_queued"] == len(expected) - during
    assert after_restart["reminders"] == {"window_open": len(expected)}
    assert after_restart["reminders_unsent"] == 0

    outcomes = db.django(NEXT_RUN, KINFOLK_TEST_DELAY="0")
    assert outcomes["outbox_deliver"].startswith(f"{len(expected) - during} sent"), outcomes

    final = db.django(STATE)
    assert final["messages"] == {"sent": len(expected)}
    assert final["claimed"] == 0
    assert final["reminders"] == {"window_open": len(expected)}  # none queued again
    assert [t[0] for t in final["ticks"]] == ["failed", "done"]
    received = _received(sent)
    ids = Counter(line["message_id"] for line in received)
    assert len(received) == len(expected) and set(ids.values()) == {1}, received
    assert {line["to"] for line in received} == expected
