"""Reads for the operators' health page: each tick job's last run, failures and next try."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max

from kinfolk.ticks.models import TickRun
from kinfolk.ticks.services import JOBS


@dataclass(frozen=True)
class JobHealth:
    name: str
    every: str
    latest: TickRun | None
    last_done_at: dt.datetime | None

    @property
    def failing(self) -> bool:
        return self.latest is not None and self.latest.state == TickRun.State.FAILED


def job_health_list() -> list[JobHealth]:
    """Every registered job, failing ones first, with its latest run and last success."""
    found = []
    for entry in JOBS:
        runs = TickRun.objects.filter(job=entry.name)
        latest = runs.order_by("-started_at", "-pk").first()
        done = runs.filter(state=TickRun.State.DONE).aggregate(at=Max("finished_at"))["at"]
        found.append(JobHealth(entry.name, entry.every, latest, done))
    return sorted(found, key=lambda health: not health.failing)


def last_tick_at() -> dt.datetime | None:
    """When any job last started: a worker that stopped ticking shows here."""
    return TickRun.objects.aggregate(at=Max("started_at"))["at"]
