"""Prometheus metrics: django-prometheus's request metrics plus Kinfolk's own, read at scrape time.

The queue, the outbox and matching runs are read from the database when the
monitoring server scrapes, so every process reports the same figures
whichever one answers, and nothing is kept in one process's memory.  With
several gunicorn workers, set ``PROMETHEUS_MULTIPROC_DIR`` (see docs/deploy.md)
so that the request counters of every worker are added together.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

#: Upper bounds, in seconds, of the matching-run duration buckets.
RUN_BUCKETS = (1, 5, 15, 60, 300, 900, 3600)


class DatabaseCollector:
    """Kinfolk's figures from its tables: task queue, outbox and matching runs."""

    def describe(self) -> list[Any]:
        # Registering would otherwise call ``collect``, reading the database at start-up.
        return []

    def collect(self) -> Iterator[Any]:
        from kinfolk.ops.selectors import queue_state, task_counts

        state = queue_state()
        yield GaugeMetricFamily(
            "kinfolk_task_queue_depth", "Tasks ready to run, not yet claimed.", value=state.waiting
        )
        yield GaugeMetricFamily(
            "kinfolk_task_queue_oldest_seconds",
            "Age of the task waiting longest.",
            value=state.oldest_seconds,
        )
        tasks = GaugeMetricFamily("kinfolk_tasks", "Tasks in the queue table.", labels=["status"])
        for status, n in sorted(task_counts().items()):
            tasks.add_metric([status.lower()], n)
        yield tasks
        yield from _outbox()
        yield from _matching_runs()


def _outbox() -> Iterator[Any]:
    from django.db.models import Count
    from django.utils import timezone

    from kinfolk.outbox.models import Message

    rows = Message.objects.values("channel", "state").annotate(n=Count("id"))
    messages = GaugeMetricFamily(
        "kinfolk_outbox_messages",
        "Messages in the outbox by channel and state (sent ones are kept OUTBOX_KEEP_DAYS).",
        labels=["channel", "state"],
    )
    for row in sorted(rows, key=lambda r: (r["channel"], r["state"])):
        messages.add_metric([row["channel"], row["state"]], row["n"])
    yield messages
    hour = timezone.now() - dt.timedelta(hours=1)
    recent = Message.objects.filter(sent_at__gte=hour).values("channel").annotate(n=Count("id"))
    sent = GaugeMetricFamily(
        "kinfolk_outbox_sent_last_hour", "Messages sent in the last hour.", labels=["channel"]
    )
    for row in sorted(recent, key=lambda r: r["channel"]):
        sent.add_metric([row["channel"]], row["n"])
    yield sent


def _matching_runs() -> Iterator[Any]:
    from django.utils import timezone

    from kinfolk.pairings.models import MatchingRun

    day = timezone.now() - dt.timedelta(days=1)
    finished = MatchingRun.objects.filter(finished_at__gte=day).values_list(
        "created_at", "finished_at"
    )
    durations = [(end - start).total_seconds() for start, end in finished]
    buckets = [(str(b), sum(d <= b for d in durations)) for b in RUN_BUCKETS]
    buckets.append(("+Inf", len(durations)))
    yield HistogramMetricFamily(
        "kinfolk_matching_run_seconds_last_day",
        "Matching runs finished in the last day, from queued to finished.",
        buckets=buckets,
        sum_value=sum(durations),
    )


_collector = DatabaseCollector()


def collector_register() -> None:
    """Add Kinfolk's collector to the default registry, once per process."""
    # Already registered when tests set Django up more than once.
    with contextlib.suppress(ValueError):
        REGISTRY.register(_collector)


def metrics_render() -> tuple[bytes, str]:
    """The metrics page's body and content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(_collector)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
