"""Budget jobs of the periodic tick."""

from __future__ import annotations

import datetime as dt

from kinfolk.budget import forecast_adapter as adapter
from kinfolk.budget.models import RateCard
from kinfolk.budget.selectors import budget_current, forecast_cached
from kinfolk.programmes.models import Programme
from kinfolk.ticks.services import job


def forecasts_warm() -> int:
    """Compute the forecasts the budget pages show wherever the plan or the rates changed.

    A forecast of 110,000 pairings takes seconds; computed here, after the change and
    before anyone asks, the pages answer from the cache.  Only programmes that have rates
    (that use the budget) are forecast; an unchanged forecast costs one stamp.
    """
    computed = 0
    for programme in Programme.objects.filter(
        pk__in=RateCard.objects.values("programme_id")
    ).order_by("pk"):
        today = programme.today()
        budget = budget_current(programme=programme, today=today)
        starts = {today} | ({budget.starts_on} if budget else set())
        for start in sorted(starts):
            first, until = adapter.period_of(start)
            forecast_cached(programme=programme, today=today, first=first, until=until)
            computed += 1
    return computed


@job("budget_forecasts_warm", every="minute")
def budget_forecasts_warm_job(now: dt.datetime) -> str:
    """Keep each budget's forecast computed, so no reader waits for it."""
    return f"{forecasts_warm()} forecasts up to date"
