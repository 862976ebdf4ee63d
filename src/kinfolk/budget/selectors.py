"""Every read of the budget app, for a programme its viewer may see.

The programme comes from ``programme_get`` (the viewer coordinates it) and
``whole_programme_required`` (costs are about the whole programme, so a
coordinator limited to some organisations does not see them).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from django.db.models import Count, Max

from kinfolk.budget import forecast_adapter as adapter
from kinfolk.budget.models import AnnualBudget, RateCard
from kinfolk.budget.spending import spent
from kinfolk.engine.budget import KINDS, Forecast
from kinfolk.programmes.models import Programme

#: The dashboard warns once the forecast reaches this share of the budget.
NEAR_SHARE = 0.9
#: How long a forecast stays cached; a change to what it reads replaces it sooner.
CACHE_SECONDS = 6 * 3600


@dataclass(frozen=True)
class MonthRow:
    month: dt.date
    visits: int
    kinds: dict[str, int]
    total: int


@dataclass(frozen=True)
class GroupRow:
    name: str
    visits: int
    pairings: int
    kinds: dict[str, int]
    total: int
    per_pairing: int


@dataclass(frozen=True)
class ForecastReport:
    """The next twelve months of one programme's costs, ready for a page or a file."""

    programme: Programme
    first: dt.date
    until: dt.date
    forecast: Forecast
    months: list[MonthRow]
    groups: dict[str, list[GroupRow]]
    has_rates: bool


@dataclass(frozen=True)
class BudgetStatus:
    """A budget year: the budget, the forecast for it, and what claims committed and paid."""

    budget: AnnualBudget | None
    first: dt.date
    until: dt.date
    forecast: Forecast
    committed_minor: int
    paid_minor: int
    cumulative: list[int] = field(default_factory=list)

    @property
    def share(self) -> float:
        if self.budget is None or self.budget.amount_minor == 0:
            return 0.0
        return self.forecast.total / self.budget.amount_minor

    @property
    def level(self) -> str:
        """``none`` (no budget), ``ok``, ``near`` (at 90 % or more) or ``over``."""
        if self.budget is None:
            return "none"
        if self.forecast.total > self.budget.amount_minor:
            return "over"
        return "near" if self.share >= NEAR_SHARE else "ok"

    @property
    def runs_out(self) -> dt.date | None:
        """The month in which the cumulative forecast first passes the budget."""
        if self.budget is None:
            return None
        for month, running in zip(self.forecast.month_starts, self.cumulative, strict=True):
            if running > self.budget.amount_minor:
                return month
        return None

    @property
    def left_minor(self) -> int:
        return (self.budget.amount_minor if self.budget else 0) - self.forecast.total


def rate_cards_list(*, programme: Programme) -> list[RateCard]:
    """Every rate card of the programme, newest first."""
    return list(RateCard.objects.filter(programme=programme).order_by("-effective_from"))


def budgets_list(*, programme: Programme) -> list[AnnualBudget]:
    return list(AnnualBudget.objects.filter(programme=programme).order_by("-starts_on"))


def budget_current(*, programme: Programme, today: dt.date) -> AnnualBudget | None:
    """The budget whose twelve months hold ``today``, in the programme's currency."""
    return (
        AnnualBudget.objects.filter(
            programme=programme,
            currency=programme.currency,
            starts_on__lte=today,
            starts_on__gt=today - relativedelta(years=1),
        )
        .order_by("-starts_on")
        .first()
    )


def forecast_report(*, programme: Programme, today: dt.date, months: int = 12) -> ForecastReport:
    """The forecast of ``months`` calendar months from ``today``'s, from the visit plan."""
    first, until = adapter.period_of(today, months)
    result, names, has_rates = forecast_cached(programme=programme, today=today, first=first,
                                               until=until)  # fmt: skip
    return ForecastReport(
        programme=programme,
        first=first,
        until=until,
        forecast=result,
        months=month_rows(result),
        groups={name: _group_rows(result, name, labels) for name, labels in names.items()},
        has_rates=has_rates,
    )


def budget_status(*, programme: Programme, today: dt.date) -> BudgetStatus:
    """The current budget year (or the next twelve months when there is no budget)."""
    budget = budget_current(programme=programme, today=today)
    first, until = adapter.period_of(budget.starts_on if budget else today)
    result, _names, _has_rates = forecast_cached(programme=programme, today=today, first=first,
                                                 until=until)  # fmt: skip
    spending = spent(programme, first, until - dt.timedelta(days=1))
    running, cumulative = 0, []
    for total in result.month_totals.tolist():
        running += total
        cumulative.append(running)
    return BudgetStatus(
        budget=budget,
        first=first,
        until=until,
        forecast=result,
        committed_minor=spending.committed_minor,
        paid_minor=spending.paid_minor,
        cumulative=cumulative,
    )


def forecast_cached(
    *, programme: Programme, today: dt.date, first: dt.date, until: dt.date
) -> tuple[Forecast, dict[str, list[str]], bool]:
    """The forecast of ``[first, until)``, from the cache while nothing it reads has changed.

    The key holds a stamp of everything the forecast reads (see ``plan_stamp``),
    so a new rate card, a visit marked as missed, a new pairing or a person's
    new travel mode makes the next page compute it afresh.
    """
    key = f"budget:forecast:{programme.pk}:{first}:{until}:{plan_stamp(programme, today)}"
    found = cache.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    plan = adapter.plan_load(programme, today=today, first=first, until=until)
    rates = adapter.rate_cards(programme)
    value = (
        adapter.forecast_run(plan, rates),
        {name: names for name, (names, _codes) in plan.groups.items()},
        len(rates) > 0,
    )
    cache.set(key, value, CACHE_SECONDS)
    return value


def plan_stamp(programme: Programme, today: dt.date) -> str:
    """A digest of what a forecast reads: rates, pairings, people, windows, and today."""
    from kinfolk.pairings.models import Pairing
    from kinfolk.people.models import Household, Volunteer
    from kinfolk.visits.models import Visit

    latest = (Max("updated_at"), Count("id"))
    parts = [
        today,
        programme.currency,
        programme.cadence_weeks,
        programme.country,
        RateCard.objects.filter(programme=programme).aggregate(Max("id"), Count("id")),
        Pairing.objects.filter(programme=programme).aggregate(*latest),
        Volunteer.objects.filter(programme=programme).aggregate(*latest),
        Household.objects.filter(programme=programme).aggregate(*latest),
        Visit.objects.filter(pairing__programme=programme).aggregate(*latest),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def month_rows(result: Forecast) -> list[MonthRow]:
    return [
        MonthRow(
            month=month,
            visits=int(result.visits[i]),
            kinds={k: int(v) for k, v in zip(KINDS, result.months[i].tolist(), strict=True)},
            total=int(result.months[i].sum()),
        )
        for i, month in enumerate(result.month_starts)
    ]


def _group_rows(result: Forecast, name: str, names: list[str]) -> list[GroupRow]:
    breakdown = result.groups[name]
    rows = []
    for i, label in enumerate(names):
        pairings = int(breakdown.pairings[i])
        total = int(breakdown.totals[i])
        if pairings == 0 and total == 0:
            continue
        rows.append(
            GroupRow(
                name=label,
                visits=int(breakdown.visits[i]),
                pairings=pairings,
                kinds=dict(zip(KINDS, breakdown.costs[i].tolist(), strict=False)),
                total=total,
                per_pairing=(2 * total + pairings) // (2 * pairings) if pairings else 0,
            )
        )
    return sorted(rows, key=lambda r: (-r.total, r.name))
