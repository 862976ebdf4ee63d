"""Writes of the operations app: a worker's heartbeat."""

from __future__ import annotations

import datetime as dt
import os
import socket

from django.utils import timezone

from kinfolk.ops.models import WorkerHeartbeat

#: Rows of workers silent this long are deleted when another worker beats.
FORGET_AFTER = dt.timedelta(days=1)


def worker_name() -> str:
    """This process as a heartbeat names it: ``host:pid``."""
    return f"{socket.gethostname()[:100]}:{os.getpid()}"


def worker_heartbeat_beat(*, worker: str, started_at: dt.datetime) -> None:
    """Record that ``worker`` is alive now, and forget workers long gone."""
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker=worker).update(beat_at=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            worker=worker, defaults={"started_at": started_at, "beat_at": now}
        )
        WorkerHeartbeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()


def worker_heartbeat_end(*, worker: str) -> None:
    """A worker that stops cleanly takes its row with it."""
    WorkerHeartbeat.objects.filter(worker=worker).delete()
