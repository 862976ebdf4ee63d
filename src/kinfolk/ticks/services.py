"""The periodic tick: claimed, idempotent jobs (reminders, roll-forward, retention).

Each job declares how often it runs; a slot is the period it runs for (such
as ``2026-11-29T08`` for an hourly job).  Claiming a slot is an insert that
only one worker can win, so running the tick twice, or on two workers at
once, does each job once per slot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from kinfolk.ticks.models import TickRun


@dataclass(frozen=True)
class Job:
    name: str
    every: str  # "minute", "hour" or "day"
    run: Callable[[dt.datetime], str]
    #: Jobs run in ascending order; the outbox delivers last, so that what
    #: the other jobs queued goes out in the same tick.
    order: int = 0


JOBS: list[Job] = []

_SLOT_FORMATS = {"minute": "%Y-%m-%dT%H:%M", "hour": "%Y-%m-%dT%H", "day": "%Y-%m-%d"}


def job(
    name: str, every: str, *, order: int = 0
) -> Callable[[Callable[[dt.datetime], str]], Callable[[dt.datetime], str]]:
    """Register a tick job; it returns a short outcome for the log."""

    def register(function: Callable[[dt.datetime], str]) -> Callable[[dt.datetime], str]:
        JOBS.append(Job(name, every, function, order))
        JOBS.sort(key=lambda entry: entry.order)
        return function

    return register


def tick_run(*, now: dt.datetime | None = None) -> dict[str, str]:
    """Run every job whose current slot nobody has claimed yet; return outcomes by job."""
    now = now or timezone.now()
    outcomes = {}
    for entry in JOBS:
        slot = now.strftime(_SLOT_FORMATS[entry.every])
        claim = _claim(entry.name, slot)
        if claim is None:
            outcomes[entry.name] = "already done"
            continue
        outcome = entry.run(now)
        claim.finished_at = timezone.now()
        claim.outcome = outcome[:200]
        claim.save(update_fields=["finished_at", "outcome"])
        outcomes[entry.name] = outcome
    return outcomes


def _claim(name: str, slot: str) -> TickRun | None:
    try:
        with transaction.atomic():
            return TickRun.objects.create(job=name, slot=slot)
    except IntegrityError:
        return None
