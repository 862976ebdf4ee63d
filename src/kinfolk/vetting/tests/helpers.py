"""Builders of checks with dates, for this app's tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kinfolk.people.models import VolunteerCheck
from kinfolk.vetting.models import CheckExpiry


def make_check(
    volunteer: Any,
    kind: str = "references",
    *,
    done: dt.date = dt.date(2025, 1, 10),
    expires_on: dt.date | None = None,
    explicit: bool = True,
) -> VolunteerCheck:
    check = VolunteerCheck.objects.create(volunteer=volunteer, kind=kind, completed_on=done)
    if expires_on is not None:
        CheckExpiry.objects.create(volunteer_check=check, expires_on=expires_on, explicit=explicit)
    return check


def days(n: int, programme: Any) -> dt.date:
    """The programme's today plus ``n`` days."""
    return programme.today() + dt.timedelta(days=n)
