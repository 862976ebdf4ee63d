"""A real sending process killed with SIGKILL half-way: afterwards every message went once.

Issue 8, item 5.  The sender hands messages to a slow mail server (each
takes 0.3 s, then is written to disk as received) and is killed after a
few.  Its claimed rows stay "sending"; once the claim is stale a second
process takes them over.  In the end every message was received; the only
message that can arrive twice is the one whose acceptance the killed
process never recorded, and it arrives with the same Message-ID, so a
mailbox that discards duplicates sees each message exactly once.
"""

import json
import os
import signal
import time
from collections import Counter

import pytest

from kinfolk.ticks.tests.processes import kill_group, process_database, wait_for

N = 12
DELIVER = (
    "-c",
    "import django; django.setup()\n"
    "from kinfolk.outbox.services import outbox_deliver\n"
    "print(outbox_deliver())",
)
SLOW = "kinfolk.outbox.tests.backends.SlowFileBackend"


@pytest.fixture
def db(tmp_path):
    with process_database(tmp_path) as database:
        database.django(
            "from kinfolk.outbox.services import email_queue\n"
            f"for i in range({N}):\n"
            "    email_queue(\n"
            "        to=f'r{i}@example.org', subject='s', body='b', purpose='t', key=str(i)\n"
            "    )\n",
            TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",  # queued, not sent
        )
        yield database


def _received(path):
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line]


def _states(db):
    return db.django(
        "from collections import Counter\n"
        "from kinfolk.outbox.models import Message\n"
        "result = Counter(Message.objects.values_list('state', flat=True))\n"
    )


def test_a_sender_killed_half_way_leaves_every_message_sent_once(db, tmp_path):
    sent = tmp_path / "sent.jsonl"
    sender = db.start(
        *DELIVER, EMAIL_BACKEND=SLOW, KINFOLK_TEST_SENT=str(sent), KINFOLK_TEST_DELAY="0.3"
    )
    try:
        wait_for(lambda: len(_received(sent)) >= 4, what="four messages received")
        os.killpg(sender.pid, signal.SIGKILL)
        sender.wait(timeout=10)
    finally:
        kill_group(sender)
    before = _states(db)
    assert before.get("sending", 0) > 0 and before["sent"] + before["sending"] == N, before
    assert len(_received(sent)) < N

    # The claim is fresh: another process leaves the rows alone ...
    db.run(*DELIVER, EMAIL_BACKEND=SLOW, KINFOLK_TEST_SENT=str(sent))
    assert _states(db) == before
    # ... until it is older than OUTBOX_CLAIM_SECONDS: then they are taken over.
    time.sleep(1.5)
    db.run(*DELIVER, EMAIL_BACKEND=SLOW, KINFOLK_TEST_SENT=str(sent), OUTBOX_CLAIM_SECONDS="1")

    assert _states(db) == {"sent": N}
    received = _received(sent)
    ids = Counter(line["message_id"] for line in received)
    assert len(ids) == N and {line["to"] for line in received} == {
        f"r{i}@example.org" for i in range(N)
    }
    # At most the one message in flight when the sender died came twice, with one Message-ID.
    assert len(received) - N <= 1 and max(ids.values()) <= 2
