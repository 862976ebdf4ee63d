"""People import jobs of the periodic tick."""

from __future__ import annotations

import datetime as dt

from kinfolk.imports.retention import invitees_unaccepted_erase
from kinfolk.imports.services import import_problems_purge, imports_stale_reset
from kinfolk.ticks.services import job


@job("people_imports_stale", every="minute")
def people_imports_stale_job(now: dt.datetime) -> str:
    """An import whose worker died would otherwise show "importing" for ever."""
    return f"{imports_stale_reset(now=now)} imports without a heartbeat set back"


@job("people_imports_purge", every="day")
def people_imports_purge_job(now: dt.datetime) -> str:
    return f"{import_problems_purge(now=now)} old people imports cleared"


@job("people_imports_unaccepted_erase", every="day")
def people_imports_unaccepted_erase_job(now: dt.datetime) -> str:
    """Imported people who never accepted are not kept beyond the programme's retention period."""
    erased = invitees_unaccepted_erase(now=now)
    return f"{erased} imported people who never accepted erased after the retention period"
