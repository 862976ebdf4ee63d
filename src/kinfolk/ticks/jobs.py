"""Tick jobs of the foundation; later apps register theirs the same way."""

from __future__ import annotations

import datetime as dt

from kinfolk.people.models import Invitation
from kinfolk.ticks.models import TickRun
from kinfolk.ticks.services import job


@job("invitations_purge", every="day")
def invitations_purge(now: dt.datetime) -> str:
    """Delete invitations that expired unanswered 90 days ago: they hold an e-mail address."""
    old = Invitation.objects.filter(
        accepted_at__isnull=True, expires_at__lt=now - dt.timedelta(days=90)
    )
    deleted, _ = old.delete()
    return f"{deleted} expired invitations deleted"


@job("tick_runs_purge", every="day")
def tick_runs_purge(now: dt.datetime) -> str:
    deleted, _ = TickRun.objects.filter(started_at__lt=now - dt.timedelta(days=30)).delete()
    return f"{deleted} old tick records deleted"
