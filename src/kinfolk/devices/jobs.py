"""The devices app's tick job."""

from __future__ import annotations

import datetime as dt

from kinfolk.devices.services import sessions_purge as _sessions_purge
from kinfolk.ticks.services import job


@job("sessions_purge", every="day")
def sessions_purge(now: dt.datetime) -> str:
    return f"{_sessions_purge(now=now)} expired sessions deleted"
