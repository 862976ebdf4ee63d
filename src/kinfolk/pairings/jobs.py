"""Pairing jobs of the periodic tick."""

from __future__ import annotations

import datetime as dt

from kinfolk.pairings.services import proposals_lapse
from kinfolk.ticks.services import job


@job("proposals_lapse", every="hour")
def proposals_lapse_job(now: dt.datetime) -> str:
    counts = proposals_lapse(now=now)
    return f"{counts['nudged']} nudged, {counts['lapsed']} lapsed"
