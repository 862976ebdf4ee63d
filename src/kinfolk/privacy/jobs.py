"""The privacy app's daily tick job: erase the people whose retention period has passed."""

from __future__ import annotations

import datetime as dt

from kinfolk.privacy.retention import retention_erase
from kinfolk.ticks.services import job


@job("retention_erase", every="day")
def retention_erase_job(now: dt.datetime) -> str:
    return f"{retention_erase(now=now)} people erased after the retention period"
