"""Visit jobs of the periodic tick: plans roll forward, lone confirmations settle, reminders go."""

from __future__ import annotations

import datetime as dt

from kinfolk.ticks.services import job
from kinfolk.visits.services.outcomes import visits_settle
from kinfolk.visits.services.planning import visits_roll_forward
from kinfolk.visits.services.reminders import reminders_send


@job("visits_roll_forward", every="day")
def visits_roll_forward_job(now: dt.datetime) -> str:
    return f"{visits_roll_forward(now=now)} windows planned"


@job("visits_settle", every="day")
def visits_settle_job(now: dt.datetime) -> str:
    return f"{visits_settle(now=now)} visits confirmed by one side 14 days ago"


@job("visit_reminders", every="hour")
def visit_reminders_job(now: dt.datetime) -> str:
    sent = reminders_send(now=now)
    return ", ".join(f"{n} {kind}" for kind, n in sent.items())
