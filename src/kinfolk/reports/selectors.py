"""The raw counts behind an outcome report: every read is an aggregate in the database.

Each function takes a programme fetched for its viewer (``figures_programme_get``,
so a coordinator limited to organisations reads only theirs, through
``kinfolk.staff.scope``), the report's periods and an optional grouping (the
household's town, or the volunteer's organisation), and returns one
:class:`Facts` per group and period.  No query returns a row per pairing:
medians are read from histograms of whole days grouped in the database.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncDate

from kinfolk.pairings.models import Pairing
from kinfolk.programmes.models import Programme
from kinfolk.reports.periods import Period
from kinfolk.staff.scope import pairs_scoped
from kinfolk.visits.models import Visit

#: How ``Pairing.ended_by`` is grouped for funders: who ended it, or that someone left.
ENDINGS = ("volunteer", "household", "left", "other")

#: The field a pairing is grouped by for each breakdown.
GROUPS = {"town": "household__town", "organisation": "volunteer__organisation__name"}


@dataclass
class Facts:
    """What happened in one period (or the whole report) to one group's pairings."""

    formed: int = 0
    ended: int = 0
    active: int = 0
    endings: Counter[str] = field(default_factory=Counter)
    windows: int = 0
    met: int = 0
    window_pairs: int = 0
    #: Days a pairing lasted (ended ones) -> how many.
    lengths: Counter[int] = field(default_factory=Counter)
    #: Days a person waited before the pairing began -> how many people.
    waits: Counter[int] = field(default_factory=Counter)
    rating_sum: int = 0
    ratings: int = 0
    ratings_good: int = 0
    raters: int = 0

    def merge(self, other: Facts) -> None:
        """Add another group's facts to these (to gather small towns into one row)."""
        for name in ("formed", "ended", "active", "windows", "met", "window_pairs"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("rating_sum", "ratings", "ratings_good", "raters"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.endings.update(other.endings)
        self.lengths.update(other.lengths)
        self.waits.update(other.waits)


#: Facts by group (``""`` when not grouped), then by period index.
FactsTable = dict[str, list[Facts]]

#: The facts of one group (a row's ``key``) in one period (its index).
CellOf = Callable[[Any, int], Facts]


def _midnight(programme: Programme, day: dt.date) -> dt.datetime:
    """The start of ``day`` in the programme's time zone: where its datetimes are cut."""
    return dt.datetime.combine(day, dt.time(), tzinfo=programme.zone)


def _ended_in(programme: Programme, period: Period) -> Q:
    return Q(
        ended_at__gte=_midnight(programme, period.start),
        ended_at__lt=_midnight(programme, period.end + dt.timedelta(days=1)),
    )


def _ending_q(reason: str) -> Q:
    if reason == "other":
        return ~Q(ended_by__in=ENDINGS[:-1])
    return Q(ended_by=reason)


def _grouped(qs: QuerySet[Any], group: str | None, prefix: str, **aggregates: Any) -> list[Any]:
    """Aggregate rows, one per group value (``key``), or a single row under ``""``."""
    if group is None:
        return [{"key": "", **qs.aggregate(**aggregates)}]
    key = F(prefix + GROUPS[group])
    return list(qs.values(key=key).annotate(**aggregates).order_by())


def _table(groups: Sequence[str], size: int) -> FactsTable:
    return {g: [Facts() for _ in range(size)] for g in groups}


def facts_collect(
    *, programme: Programme, periods: Sequence[Period], group: str | None = None
) -> FactsTable:
    """Every count the report needs, by group and period, in five aggregate queries."""
    table: FactsTable = {}

    def cell(key: Any, index: int) -> Facts:
        name = "" if group is None else (key or "")
        return table.setdefault(name, [Facts() for _ in periods])[index]

    pairings = pairs_scoped(Pairing.objects.filter(programme=programme), programme)
    _pair_counts(programme, pairings, periods, group, cell)
    _lengths(programme, pairings, periods, group, cell)
    _waits(pairings, periods, group, cell)
    visits = pairs_scoped(
        Visit.objects.filter(pairing__programme=programme), programme, prefix="pairing__"
    )
    _visit_counts(visits, periods, group, cell)
    return table


def _pair_counts(
    programme: Programme,
    pairings: QuerySet[Pairing],
    periods: Sequence[Period],
    group: str | None,
    cell: CellOf,
) -> None:
    aggregates: dict[str, Any] = {}
    for i, p in enumerate(periods):
        ended = _ended_in(programme, p)
        after = _midnight(programme, p.end + dt.timedelta(days=1))
        aggregates[f"formed_{i}"] = Count("pk", filter=Q(started_on__range=(p.start, p.end)))
        aggregates[f"ended_{i}"] = Count("pk", filter=ended)
        aggregates[f"active_{i}"] = Count(
            "pk",
            filter=Q(started_on__lte=p.end)
            & (Q(ended_at__isnull=True, state=Pairing.State.ACTIVE) | Q(ended_at__gte=after)),
        )
        for reason in ENDINGS:
            aggregates[f"end_{reason}_{i}"] = Count("pk", filter=ended & _ending_q(reason))
    for row in _grouped(pairings, group, "", **aggregates):
        for i in range(len(periods)):
            facts = cell(row["key"], i)
            facts.formed += row[f"formed_{i}"]
            facts.ended += row[f"ended_{i}"]
            facts.active += row[f"active_{i}"]
            for reason in ENDINGS:
                facts.endings[reason] += row[f"end_{reason}_{i}"]


def _period_case(field_name: str, bounds: Sequence[tuple[Any, Any]]) -> Case:
    """The index of the period a value falls in (``[low, high)``), else NULL."""
    return Case(
        *(
            When(**{f"{field_name}__gte": low, f"{field_name}__lt": high}, then=Value(i))
            for i, (low, high) in enumerate(bounds)
        ),
        default=None,
        output_field=IntegerField(),
    )


def _days(value: Any) -> int:
    """Whole days from the database's duration (a timedelta, or microseconds on SQLite)."""
    if isinstance(value, dt.timedelta):
        return value.days
    return int(value) // 86_400_000_000


def _lengths(
    programme: Programme,
    pairings: QuerySet[Pairing],
    periods: Sequence[Period],
    group: str | None,
    cell: CellOf,
) -> None:
    """Histogram of how long ended pairings lasted, by the period they ended in."""
    bounds = [
        (_midnight(programme, p.start), _midnight(programme, p.end + dt.timedelta(days=1)))
        for p in periods
    ]
    qs = (
        pairings.filter(ended_at__gte=bounds[0][0], ended_at__lt=bounds[-1][1])
        .annotate(
            period=_period_case("ended_at", bounds),
            length=ExpressionWrapper(
                TruncDate("ended_at", tzinfo=programme.zone) - F("started_on"),
                output_field=DurationField(),
            ),
        )
        .order_by()
    )
    keys = ["period", "length"] + ([] if group is None else ["key"])
    if group is not None:
        qs = qs.annotate(key=F(GROUPS[group]))
    for row in qs.values(*keys).annotate(n=Count("pk")):
        days = _days(row["length"])
        if row["period"] is not None and days >= 0:
            cell(row.get("key"), row["period"]).lengths[days] += row["n"]


def _waits(
    pairings: QuerySet[Pairing], periods: Sequence[Period], group: str | None, cell: CellOf
) -> None:
    """Histogram of how long each side waited for the pairings formed in each period.

    ``waiting_since`` is reset when a pairing ends, so an earlier pairing of the
    same person has no wait on record any more (its start precedes the date);
    those are left out rather than guessed.
    """
    bounds = [(p.start, p.end + dt.timedelta(days=1)) for p in periods]
    formed = pairings.filter(started_on__gte=bounds[0][0], started_on__lt=bounds[-1][1])
    for side in ("volunteer", "household"):
        since = f"{side}__waiting_since"
        qs = (
            formed.filter(**{f"{since}__isnull": False, f"{since}__lte": F("started_on")})
            .annotate(
                period=_period_case("started_on", bounds),
                wait=ExpressionWrapper(F("started_on") - F(since), output_field=DurationField()),
            )
            .order_by()
        )
        keys = ["period", "wait"] + ([] if group is None else ["key"])
        if group is not None:
            qs = qs.annotate(key=F(GROUPS[group]))
        for row in qs.values(*keys).annotate(n=Count("pk")):
            cell(row.get("key"), row["period"]).waits[_days(row["wait"])] += row["n"]


def _visit_counts(
    visits: QuerySet[Visit], periods: Sequence[Period], group: str | None, cell: CellOf
) -> None:
    """Closed windows and whether the pair met; feedback given on them; by period of closing."""
    aggregates: dict[str, Any] = {}
    today = periods[-1].end
    for i, p in enumerate(periods):
        # A window counts in the period it closed in, once closed: today's open
        # windows wait for the next report.
        closed = Q(window_end__range=(p.start, p.end), window_end__lt=today) & ~Q(
            state=Visit.State.CANCELLED
        )
        aggregates[f"windows_{i}"] = Count("pk", filter=closed)
        aggregates[f"met_{i}"] = Count("pk", filter=closed & Q(state=Visit.State.HAPPENED))
        aggregates[f"pairs_{i}"] = Count("pairing", filter=closed, distinct=True)
        for side in ("volunteer", "household"):
            rating = f"{side}_rating"
            rated = closed & Q(**{f"{rating}__isnull": False})
            aggregates[f"{side}_sum_{i}"] = Sum(rating, filter=rated)
            aggregates[f"{side}_n_{i}"] = Count(rating, filter=rated)
            good = rated & Q(**{f"{rating}__gte": 4})
            aggregates[f"{side}_good_{i}"] = Count(rating, filter=good)
            aggregates[f"{side}_raters_{i}"] = Count("pairing", filter=rated, distinct=True)
    visits = visits.filter(window_end__gte=periods[0].start, window_end__lt=today)
    for row in _grouped(visits, group, "pairing__", **aggregates):
        for i in range(len(periods)):
            facts = cell(row["key"], i)
            facts.windows += row[f"windows_{i}"]
            facts.met += row[f"met_{i}"]
            facts.window_pairs += row[f"pairs_{i}"]
            for side in ("volunteer", "household"):
                facts.rating_sum += row[f"{side}_sum_{i}"] or 0
                facts.ratings += row[f"{side}_n_{i}"]
                facts.ratings_good += row[f"{side}_good_{i}"]
                facts.raters += row[f"{side}_raters_{i}"]
