"""Outcome report jobs of the periodic tick."""

from __future__ import annotations

import datetime as dt

from kinfolk.reports.keeping import reports_refresh
from kinfolk.ticks.services import job


@job("outcome_reports_refresh", every="minute")
def outcome_reports_refresh_job(now: dt.datetime) -> str:
    """Build again every kept report whose outcomes changed, so no reader waits for one."""
    return f"{reports_refresh(now=now)} outcome reports built"
