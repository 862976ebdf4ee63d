"""Check expiry's job of the periodic tick."""

from __future__ import annotations

import datetime as dt

from kinfolk.ticks.services import job
from kinfolk.vetting.services import check_reminders_send


@job("check_expiry_reminders", every="hour")
def check_expiry_reminders_job(now: dt.datetime) -> str:
    return f"{check_reminders_send(now=now)} checks reminded before they expire"
