"""Pairing jobs of the periodic tick."""

from __future__ import annotations

import datetime as dt

from kinfolk.pairings.importing import import_problems_purge
from kinfolk.pairings.review import runs_stale_fail
from kinfolk.pairings.services import proposals_lapse
from kinfolk.ticks.services import job


@job("proposals_lapse", every="hour")
def proposals_lapse_job(now: dt.datetime) -> str:
    counts = proposals_lapse(now=now)
    return f"{counts['nudged']} nudged, {counts['lapsed']} lapsed"


@job("matching_runs_stale", every="minute")
def matching_runs_stale_job(now: dt.datetime) -> str:
    """Runs whose worker died mid-way would otherwise block their programme for good."""
    return f"{runs_stale_fail(now=now)} runs without a heartbeat marked failed"


@job("pairing_import_problems_purge", every="day")
def pairing_import_problems_purge_job(now: dt.datetime) -> str:
    return f"{import_problems_purge(now=now)} refused pairing imports deleted"
