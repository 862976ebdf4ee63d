"""The periodic tick: claimed, idempotent jobs (reminders, roll-forward, retention, the outbox).

Each job declares how often it runs; a slot is the period it runs for (such
as ``2026-11-29T08`` for an hourly job).  Claiming a slot is an insert that
only one worker can win, so running the tick twice, or on two workers at
once, does each job once per slot.

Each job runs on its own: one that fails is logged and recorded on its
claim row (attempts, error, time of the next try) and the tick goes on with
the next job.  The failed job is tried again on a later tick once its
back-off has passed, in the same slot or a new one; the back-off grows with
each failure in a row, and a success clears it.  A claim whose process died
mid-job (still running after ``JOB_TIMEOUT``) is taken over the same way.
A job cut off by a database restart is recorded as failed once the
database answers again (``reconnect``), so it is retried after its back-off
rather than left running until ``JOB_TIMEOUT``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from kinfolk.ticks.models import TickRun
from kinfolk.ticks.reconnect import when_database_answers

logger = logging.getLogger(__name__)


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
#: A job still running after this long belongs to a process that died.
JOB_TIMEOUT = dt.timedelta(minutes=30)
#: Longest wait between tries of a job that keeps failing.
MAX_BACKOFF = dt.timedelta(hours=1)
State = TickRun.State


def job(
    name: str, every: str, *, order: int = 0
) -> Callable[[Callable[[dt.datetime], str]], Callable[[dt.datetime], str]]:
    """Register a tick job; it returns a short outcome for the log."""

    def register(function: Callable[[dt.datetime], str]) -> Callable[[dt.datetime], str]:
        JOBS.append(Job(name, every, function, order))
        JOBS.sort(key=lambda entry: entry.order)
        return function

    return register


def backoff(attempts: int) -> dt.timedelta:
    """The wait after ``attempts`` failures in a row: 1, 2, 4 … minutes, at most an hour."""
    return min(dt.timedelta(minutes=2 ** (max(attempts, 1) - 1)), MAX_BACKOFF)


def tick_run(*, now: dt.datetime | None = None) -> dict[str, str]:
    """Run every job whose current slot is unclaimed or due a retry; return outcomes by job."""
    now = now or timezone.now()
    return {entry.name: _run_one(entry, now) for entry in JOBS}


def _run_one(entry: Job, now: dt.datetime) -> str:
    claim, why_not = _claim(entry, now)
    if claim is None:
        return why_not
    try:
        # In a surrounding transaction (tests) a savepoint keeps one job's
        # database error from spoiling the jobs after it.
        connection = transaction.get_connection()
        if connection.in_atomic_block:
            with transaction.atomic():
                outcome = entry.run(now)
        else:
            outcome = entry.run(now)
    except Exception as error:
        logger.exception("tick job %s failed (attempt %s)", entry.name, claim.attempts)
        # The job may have failed because the database restarted: record it on a new connection.
        return when_database_answers(partial(_failed, claim, error, now))
    when_database_answers(
        lambda: TickRun.objects.filter(pk=claim.pk).update(
            state=State.DONE, finished_at=timezone.now(), outcome=outcome[:200], next_try_at=None
        )
    )
    return outcome


def _claim(entry: Job, now: dt.datetime) -> tuple[TickRun | None, str]:
    """This slot's claim for this call, or None and why not."""
    slot = now.strftime(_SLOT_FORMATS[entry.every])
    latest = TickRun.objects.filter(job=entry.name).order_by("-started_at", "-pk").first()
    if latest and latest.state == State.FAILED and latest.next_try_at and latest.next_try_at > now:
        return None, f"waiting after a failure until {latest.next_try_at:%H:%M} UTC"
    failures = latest.attempts if latest and latest.state == State.FAILED else 0
    try:
        with transaction.atomic():
            return TickRun.objects.create(job=entry.name, slot=slot, attempts=failures + 1), ""
    except IntegrityError:
        pass
    # The slot is claimed: take it over only if it failed and is due, or its process died.
    due = Q(state=State.FAILED, next_try_at__lte=now) | Q(
        state=State.RUNNING, started_at__lt=now - JOB_TIMEOUT
    )
    taken = TickRun.objects.filter(due, job=entry.name, slot=slot).update(
        state=State.RUNNING, started_at=now, attempts=F("attempts") + 1, finished_at=None
    )
    if not taken:
        return None, "already done"
    return TickRun.objects.get(job=entry.name, slot=slot), ""


def _failed(claim: TickRun, error: Exception, now: dt.datetime) -> str:
    text = f"{type(error).__name__}: {error}"[:300]
    TickRun.objects.filter(pk=claim.pk).update(
        state=State.FAILED,
        last_error=text,
        outcome="failed",
        next_try_at=now + backoff(claim.attempts),
    )
    return f"failed: {text}"
