"""The delivery task, enqueued once per transaction that queued messages."""

from __future__ import annotations

from django_tasks import task

from kinfolk.outbox.services import outbox_deliver


@task()
def outbox_deliver_task() -> None:
    outbox_deliver()
