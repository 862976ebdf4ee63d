"""Casework jobs of the periodic tick."""

from __future__ import annotations

import datetime as dt

from kinfolk.casework.services.signals import (
    check_in_signals_refresh_all,
    unreachable_refresh_all,
)
from kinfolk.ticks.services import job


@job("check_in_signals", every="hour")
def check_in_signals_job(now: dt.datetime) -> str:
    """The check-in list reads stored signals: computing them reads a year of windows."""
    return f"{check_in_signals_refresh_all(now=now)} check-in signals stored"


@job("unreachable_people", every="hour")
def unreachable_people_job(now: dt.datetime) -> str:
    """The to-do page reads stored rows: finding them scans every person of a programme."""
    return f"{unreachable_refresh_all()} people who cannot be reached"
