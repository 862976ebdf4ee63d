"""Outbox jobs of the periodic tick: catch-up delivery every minute, a daily purge."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kinfolk.outbox.services import messages_purge, outbox_deliver
from kinfolk.ticks.services import job


@job("outbox_deliver", every="minute", order=100)
def outbox_deliver_job(now: dt.datetime) -> str:
    """Whatever the on-commit task missed (a worker down, a crash) goes out here."""
    # Messages the tick's earlier jobs queued are stamped after the tick began.
    counts = outbox_deliver(now=max(now, timezone.now()))
    return ", ".join(f"{n} {what}" for what, n in counts.items())


@job("outbox_purge", every="day")
def outbox_purge_job(now: dt.datetime) -> str:
    return f"{messages_purge(now=now)} old messages deleted"
