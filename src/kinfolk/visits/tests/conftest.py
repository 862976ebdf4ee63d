"""Rows the visit tests share: the Leeds pair (Vera and Hana) with a plan of windows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone


@pytest.fixture
def pairing(volunteer, household):
    from kinfolk.testing import make_pairing

    return make_pairing(
        volunteer, household, started_on=timezone.localdate() - dt.timedelta(days=3)
    )


@pytest.fixture
def visit(pairing):
    """This week's window, hosted by the household (Hana)."""
    from kinfolk.testing import make_visit

    return make_visit(pairing)


def at(day: dt.date, hour: int = 18) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime.combine(day, dt.time(hour), ZoneInfo("Europe/London"))
