"""The delivery task, enqueued when a transaction that queued messages commits."""

from __future__ import annotations

from django_tasks import task

from kinfolk.outbox.services import outbox_deliver
from kinfolk.outbox.services.delivery import BATCH

#: Batches one task sends before it makes way for other tasks (a matching run).
BATCHES_PER_TASK = 20


@task()
def outbox_deliver_task() -> None:
    """Send what is due; a long queue continues in a fresh task, behind the others."""
    counts = outbox_deliver(max_batches=BATCHES_PER_TASK)
    if sum(counts.values()) >= BATCHES_PER_TASK * BATCH:
        outbox_deliver_task.enqueue()
