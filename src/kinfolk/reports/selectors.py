"""The raw counts behind an outcome report: every read is an aggregate in the database.

:func:`facts_collect` takes a programme fetched for its viewer
(``figures_programme_get``, so a coordinator limited to organisations reads
only theirs, through ``kinfolk.staff.scope``) and the report's periods, and
returns one :class:`Facts` per (household's town, volunteer's organisation)
and period, in five queries.  The report adds these up by period, by town and
by organisation.  No query returns a row per pairing or visit: medians are
read from histograms of whole days grouped in the database.
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
from django.db.models.functions import Coalesce, TruncDate

from kinfolk.pairings.models import Pairing
from kinfolk.programmes.models import Programme
from kinfolk.reports.periods import Period
from kinfolk.staff.scope import pairs_scoped
from kinfolk.visits.models import Visit

#: How ``Pairing.ended_by`` is grouped for funders: who ended it, or that someone left.
ENDINGS = ("volunteer", "household", "left", "other")

#: What a pairing is grouped by: the household's town and the volunteer's organisation.
TOWN = "household__town"
ORGANISATION = "volunteer__organisation__name"


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

    def merge(self, other: Facts, *, later: bool = False) -> None:
        """Add another group's facts of the same period to these.

        ``later``: ``other`` is the same group's next period instead.  Counts
        of distinct people (``window_pairs``, ``raters``) cannot be added up
        across periods (the same pair meets in each), so the larger one
        stands: fewer than the true number, never more, so a figure is
        withheld rather than shown too early.  ``active`` is as of the end.
        """
        # Written out rather than looped over names: this runs once per group and period.
        self.formed += other.formed
        self.ended += other.ended
        self.windows += other.windows
        self.met += other.met
        self.rating_sum += other.rating_sum
        self.ratings += other.ratings
        self.ratings_good += other.ratings_good
        if later:
            self.window_pairs = max(self.window_pairs, other.window_pairs)
            self.raters = max(self.raters, other.raters)
            self.active = other.active
        else:
            self.window_pairs += other.window_pairs
            self.raters += other.raters
            self.active += other.active
        for mine, theirs in (
            (self.endings, other.endings),
            (self.lengths, other.lengths),
            (self.waits, other.waits),
        ):
            if theirs:
                mine.update(theirs)


#: Facts by (town, organisation name or ""), then by period index.
FactsTable = dict[tuple[str, str], list[Facts]]

#: The facts of one (town, organisation) row in one period (its index).
CellOf = Callable[[dict[str, Any], int], Facts]


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


def _keyed(qs: QuerySet[Any], prefix: str = "") -> QuerySet[Any]:
    """The rows annotated with their group: ``town`` and ``organisation`` ("" for none)."""
    return qs.annotate(
        town=F(prefix + TOWN), organisation=Coalesce(F(prefix + ORGANISATION), Value(""))
    ).order_by()


def facts_collect(*, programme: Programme, periods: Sequence[Period]) -> FactsTable:
    """Every count the report needs, by (town, organisation) and period, in five queries."""
    table: FactsTable = {}

    def cell(row: dict[str, Any], index: int) -> Facts:
        key = (row["town"] or "", row["organisation"] or "")
        facts = table.get(key)
        if facts is None:
            facts = table[key] = [Facts() for _ in periods]
        return facts[index]

    pairings = pairs_scoped(Pairing.objects.filter(programme=programme), programme)
    _pair_counts(programme, pairings, periods, cell)
    _lengths(programme, pairings, periods, cell)
    _waits(pairings, periods, cell)
    visits = pairs_scoped(
        Visit.objects.filter(pairing__programme=programme), programme, prefix="pairing__"
    )
    _visit_counts(visits, periods, cell)
    return table


def _pair_counts(
    programme: Programme,
    pairings: QuerySet[Pairing],
    periods: Sequence[Period],
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
    for row in _keyed(pairings).values("town", "organisation").annotate(**aggregates):
        for i in range(len(periods)):
            facts = cell(row, i)
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
    cell: CellOf,
) -> None:
    """Histogram of how long ended pairings lasted, by the period they ended in."""
    bounds = [
        (_midnight(programme, p.start), _midnight(programme, p.end + dt.timedelta(days=1)))
        for p in periods
    ]
    qs = (
        _keyed(pairings.filter(ended_at__gte=bounds[0][0], ended_at__lt=bounds[-1][1]))
        .annotate(
            quarter=_period_case("ended_at", bounds),
            length=ExpressionWrapper(
                TruncDate("ended_at", tzinfo=programme.zone) - F("started_on"),
                output_field=DurationField(),
            ),
        )
        .order_by()
    )
    rows = qs.values("town", "organisation", "quarter", "length").annotate(n=Count("pk"))
    for row in rows:
        days = _days(row["length"])
        if row["quarter"] is not None and days >= 0:
            cell(row, row["quarter"]).lengths[days] += row["n"]


def _waits(pairings: QuerySet[Pairing], periods: Sequence[Period], cell: CellOf) -> None:
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
            _keyed(formed.filter(**{f"{since}__isnull": False, f"{since}__lte": F("started_on")}))
            .annotate(
                quarter=_period_case("started_on", bounds),
                wait=ExpressionWrapper(F("started_on") - F(since), output_field=DurationField()),
            )
            .order_by()
        )
        rows = qs.values("town", "organisation", "quarter", "wait").annotate(n=Count("pk"))
        for row in rows:
            cell(row, row["quarter"]).waits[_days(row["wait"])] += row["n"]


def _visit_counts(visits: QuerySet[Visit], periods: Sequence[Period], cell: CellOf) -> None:
    """Closed windows and whether the pair met; feedback given on them; by period of closing.

    A window counts in the period it closed in, once closed: today's open
    windows wait for the next report.  Cancelled windows are left out.
    """
    today = periods[-1].end
    bounds = [(p.start, p.end + dt.timedelta(days=1)) for p in periods]
    closed = (
        _keyed(visits, "pairing__")
        .filter(window_end__gte=periods[0].start, window_end__lt=today)
        .exclude(state=Visit.State.CANCELLED)
        .annotate(quarter=_period_case("window_end", bounds))
    )
    aggregates: dict[str, Any] = {
        "windows": Count("pk"),
        "met": Count("pk", filter=Q(state=Visit.State.HAPPENED)),
        "pairs": Count("pairing", distinct=True),
    }
    for side in ("volunteer", "household"):
        rating = f"{side}_rating"
        rated = Q(**{f"{rating}__isnull": False})
        aggregates[f"{side}_sum"] = Sum(rating)
        aggregates[f"{side}_n"] = Count(rating)
        aggregates[f"{side}_good"] = Count(rating, filter=Q(**{f"{rating}__gte": 4}))
        aggregates[f"{side}_raters"] = Count("pairing", filter=rated, distinct=True)
    for row in closed.values("town", "organisation", "quarter").annotate(**aggregates):
        facts = cell(row, row["quarter"])
        facts.windows += row["windows"]
        facts.met += row["met"]
        facts.window_pairs += row["pairs"]
        for side in ("volunteer", "household"):
            facts.rating_sum += row[f"{side}_sum"] or 0
            facts.ratings += row[f"{side}_n"]
            facts.ratings_good += row[f"{side}_good"]
            facts.raters += row[f"{side}_raters"]
