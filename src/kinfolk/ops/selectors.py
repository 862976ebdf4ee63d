"""Reads for health checks and metrics: is each part up, how long is the queue."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, Max
from django.utils import timezone

from kinfolk.ops.models import WorkerHeartbeat


@dataclass(frozen=True)
class Check:
    """One part of the site: whether it is ready, and a short reason for people on call."""

    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class QueueState:
    """Tasks waiting to run, and the age in seconds of the one waiting longest."""

    waiting: int
    oldest_seconds: float


# A deployment does not take back its migrations, so once this process has seen
# them all applied it need not load the migration graph on every probe.
_migrations_seen_applied = False


def queue_state() -> QueueState:
    """The task queue (django-tasks' database backend): tasks ready to run and the oldest's age."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    ready = DBTaskResult.objects.ready()
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", "run_after").first()
    if oldest is None:
        return QueueState(0, 0.0)
    enqueued_at, run_after = oldest
    since = enqueued_at if run_after == get_date_max() else max(enqueued_at, run_after)
    return QueueState(ready.count(), max(0.0, (timezone.now() - since).total_seconds()))


def task_counts() -> dict[str, int]:
    """Tasks in the queue's table by status (READY, RUNNING, SUCCESSFUL, FAILED)."""
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def last_worker_beat() -> dt.datetime | None:
    """When any ``kinfolk worker`` last said it was alive."""
    return WorkerHeartbeat.objects.aggregate(at=Max("beat_at"))["at"]


def _database() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return Check("database", True, connection.vendor)


def _cache() -> Check:
    key, value = "kinfolk:readyz", secrets.token_hex(8)
    cache.set(key, value, 30)
    if cache.get(key) != value:
        return Check("cache", False, "a value written could not be read back")
    return Check("cache", True, type(caches["default"]).__name__)


def _migrations() -> Check:
    global _migrations_seen_applied
    if not _migrations_seen_applied:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            return Check("migrations", False, f"{len(plan)} not applied")
        _migrations_seen_applied = True
    return Check("migrations", True, "all applied")


def _worker() -> Check:
    beat = last_worker_beat()
    if beat is None:
        return Check("worker", False, "no worker has started")
    silent = (timezone.now() - beat).total_seconds()
    if silent > settings.READY_WORKER_SECONDS:
        return Check("worker", False, f"no worker heartbeat for {silent:.0f} s")
    return Check("worker", True, f"last heartbeat {silent:.0f} s ago")


def _queue() -> Check:
    state = queue_state()
    if state.oldest_seconds > settings.READY_QUEUE_SECONDS:
        return Check(
            "queue", False, f"{state.waiting} waiting, oldest {state.oldest_seconds:.0f} s"
        )
    return Check("queue", True, f"{state.waiting} waiting, oldest {state.oldest_seconds:.0f} s")


CHECKS = (_database, _cache, _migrations, _worker, _queue)


def readiness_list() -> list[Check]:
    """Every check, each run on its own: one part down never hides the state of another.

    When the database is down, the checks that read it say so too.
    """
    found = []
    for check in CHECKS:
        name = check.__name__.lstrip("_")
        try:
            found.append(check())
        except Exception as error:  # a part that is down raises; name it, not its secrets
            found.append(Check(name, False, f"unavailable ({type(error).__name__})"))
    return found
