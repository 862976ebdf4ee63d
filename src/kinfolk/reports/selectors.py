"""The raw counts behind an outcome report: every read is an aggregate in the database.

:func:`facts_collect` takes a programme fetched for its viewer
(``figures_programme_get``, so a coordinator limited to organisations reads
only theirs, through ``kinfolk.staff.scope``) and the report's periods, and
returns one :class:`Facts` per (household's town, volunteer's organisation,
household's region) and period, in six queries.  The report adds these up by
period, by town, by organisation and by region.  No query returns a row per
pairing or visit: medians are read from histograms of whole days grouped in
the database.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    CharField,
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
from kinfolk.staff.scope import pairs_scoped, region_limit
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


#: A region the viewer may not see: the other side of a pair across their border.
ELSEWHERE = -1

#: Facts by (town, organisation name or ""; ``OTHER`` for the gathered; region id, None
#: outside any region, ``ELSEWHERE``), then by period.
FactsKey = tuple[str | None, str | None, int | None]
FactsTable = dict[FactsKey, list[Facts]]

#: Called between the queries: (stage, steps done, steps in all).
Progress = Callable[[str, int, int], None]

#: The facts of one (town, organisation) row in one period (its index).
CellOf = Callable[[dict[str, Any], int], Facts]


def _midnight(programme: Programme, day: dt.date) -> dt.datetime:
    """The start of ``day`` in the programme's time zone: where its datetimes are cut."""
    return dt.datetime.combine(day, dt.time(), tzinfo=programme.zone)


#: The group of the pairings gathered into one row ("other towns"): NULL in the query,
#: which no town (a required field) and no organisation (coalesced to "") can be.
OTHER = None

#: Annotates rows (reached through a prefix) with their ``town`` and ``organisation`` group.
Keyed = Callable[[QuerySet[Any], str], QuerySet[Any]]


@dataclass
class Collected:
    """The facts by (town, organisation, region) and period, and the groups given rows.

    ``towns`` and ``organisations`` are the groups with a row, largest first;
    ``regions`` the (id, name) of the regions the viewer sees, by name, or
    None when the programme has no regions.
    """

    table: FactsTable
    towns: list[str]
    organisations: list[str]
    regions: list[tuple[int, str]] | None = None


def _raw_keys(qs: QuerySet[Any], prefix: str = "") -> QuerySet[Any]:
    return qs.annotate(
        town_raw=F(prefix + TOWN),
        organisation_raw=Coalesce(F(prefix + ORGANISATION), Value("")),
    ).order_by()


def _kept(name: str, kept: list[str]) -> Case:
    """The group's own name if it has a row, else ``OTHER``: small groups are gathered."""
    return Case(
        When(**{f"{name}__in": kept}, then=F(name)),
        default=Value(OTHER),
        output_field=CharField(),
    )


def groups_choose(
    *, programme: Programme, pairings: QuerySet[Pairing], periods: Sequence[Period], top: int
) -> tuple[list[str], list[str]]:
    """The towns and organisations given a row of their own, largest first.

    A group needs 5 pairings formed, ended or active to have a row (else it
    would be all "fewer than 5"), and only the ``top`` largest get one; the
    rest are gathered.  One grouped count; the other queries then group by
    these few names instead of every town of the country.
    """
    from kinfolk.reports.suppression import THRESHOLD

    first, last = periods[0], periods[-1]
    after = _midnight(programme, last.end + dt.timedelta(days=1))
    rows = (
        _raw_keys(pairings)
        .values("town_raw", "organisation_raw")
        .annotate(
            formed=Count("pk", filter=Q(started_on__range=(first.start, last.end))),
            ended=Count(
                "pk", filter=Q(ended_at__gte=_midnight(programme, first.start), ended_at__lt=after)
            ),
            active=Count(
                "pk",
                filter=Q(started_on__lte=last.end)
                & (Q(ended_at__isnull=True, state=Pairing.State.ACTIVE) | Q(ended_at__gte=after)),
            ),
        )
    )
    sizes: dict[str, dict[str, list[int]]] = {"town": {}, "organisation": {}}
    for row in rows:
        for kind in sizes:
            size = sizes[kind].setdefault(row[f"{kind}_raw"] or "", [0, 0, 0])
            size[0] += row["formed"]
            size[1] += row["ended"]
            size[2] += row["active"]

    def ranked(kind: str) -> list[str]:
        order = sorted(sizes[kind].items(), key=lambda item: (-(item[1][0] + item[1][2]), item[0]))
        return [name for name, size in order if max(size) >= THRESHOLD][:top]

    return ranked("town"), ranked("organisation")


def _household_region(prefix: str, towns_by_region: dict[int, list[str]]) -> Any:
    """The region id of the pair's household (placed by hand, else by town), or NULL.

    The same rule as ``kinfolk.regions.placing``, written as a ``CASE`` over the
    programme's few region towns instead of a subquery per row: the visits
    query reads hundreds of thousands of rows.
    """
    if not towns_by_region:
        return Value(None, output_field=IntegerField())
    by_town = Case(
        *(
            When(**{f"{prefix}household__town__in": towns}, then=Value(region))
            for region, towns in towns_by_region.items()
        ),
        default=Value(None),
        output_field=IntegerField(),
    )
    return Coalesce(F(f"{prefix}household__region_by_hand_id"), by_town)


def regions_seen(programme: Programme) -> list[tuple[int, str]] | None:
    """(id, name) of the regions the viewer sees, by name; None when the programme has none."""
    from kinfolk.regions.models import Region

    regions = list(Region.objects.filter(programme=programme).values_list("pk", "name"))
    if not regions:
        return None
    limit = region_limit(programme)
    return [(pk, name) for pk, name in regions if limit is None or pk in limit]


def facts_collect(
    *,
    programme: Programme,
    periods: Sequence[Period],
    top: int,
    progress: Progress | None = None,
) -> Collected:
    """Every count the report needs, by (town, organisation, region) and period, in six queries.

    The ``top`` largest towns and organisations keep their names; the others
    are grouped under ``OTHER``.  A pair counts in its household's region, as
    on the overview; for a viewer limited to some regions, a pair whose
    household is in none of theirs counts as ``ELSEWHERE`` (it is in their
    scope through its volunteer), so another region is never named.
    """
    from kinfolk.regions.models import RegionTown

    step = progress or (lambda _stage, _done, _total: None)
    steps = 6
    step("groups", 0, steps)
    table: FactsTable = {}
    pairings = pairs_scoped(Pairing.objects.filter(programme=programme), programme)
    towns, organisations = groups_choose(
        programme=programme, pairings=pairings, periods=periods, top=top
    )
    regions = regions_seen(programme)
    towns_by_region: dict[int, list[str]] = {}
    if regions is not None:
        for town, region in RegionTown.objects.filter(programme=programme).values_list(
            "town", "region_id"
        ):
            towns_by_region.setdefault(region, []).append(town)
    visible = {pk for pk, _name in regions or []}
    limited = region_limit(programme) is not None

    def keyed(qs: QuerySet[Any], prefix: str) -> QuerySet[Any]:
        return _raw_keys(qs, prefix).annotate(
            town=_kept("town_raw", towns),
            organisation=_kept("organisation_raw", organisations),
            region=_household_region(prefix, towns_by_region),
        )

    def cell(row: dict[str, Any], index: int) -> Facts:
        region = row["region"]
        if limited and region not in visible:
            region = ELSEWHERE
        key = (row["town"], row["organisation"], region)
        facts = table.get(key)
        if facts is None:
            facts = table[key] = [Facts() for _ in periods]
        return facts[index]

    step("pairings", 1, steps)
    _pair_counts(programme, pairings, periods, cell, keyed)
    step("lengths", 2, steps)
    _lengths(programme, pairings, periods, cell, keyed)
    step("waits", 3, steps)
    _waits(pairings, periods, cell, keyed)
    step("visits", 4, steps)
    visits = pairs_scoped(
        Visit.objects.filter(pairing__programme=programme), programme, prefix="pairing__"
    )
    _visit_counts(visits, periods, cell, keyed)
    step("done", steps, steps)
    return Collected(table, towns, organisations, regions)


#: Codes beside the period indexes 0 … n-1 of a pairing's start and end.
BEFORE = -1  # before the report's first period
UNKNOWN = -2  # ended, with no date recorded: counted neither as ended nor as active


def _pair_counts(
    programme: Programme,
    pairings: QuerySet[Pairing],
    periods: Sequence[Period],
    cell: CellOf,
    keyed: Keyed,
) -> None:
    """Formed, ended (and why) and active pairings per period, from one grouping.

    The database groups pairings by the period they started in and the period
    they ended in (or that they have not); formed, ended and active counts
    for every period follow from those few rows, with no per-period filter.
    """
    n = len(periods)
    days = [(p.start, p.end + dt.timedelta(days=1)) for p in periods]
    moments = [(_midnight(programme, a), _midnight(programme, b)) for a, b in days]
    started = Case(
        When(started_on__lt=days[0][0], then=Value(BEFORE)),
        *(
            When(started_on__gte=a, started_on__lt=b, then=Value(i))
            for i, (a, b) in enumerate(days)
        ),
        default=Value(n),  # a start after today
        output_field=IntegerField(),
    )
    ended = Case(
        When(ended_at__isnull=True, state=Pairing.State.ACTIVE, then=Value(n + 1)),
        When(ended_at__isnull=True, then=Value(UNKNOWN)),
        When(ended_at__lt=moments[0][0], then=Value(BEFORE)),
        *_whens("ended_at", moments),
        default=Value(n),  # an end after today: still active in every period
        output_field=IntegerField(),
    )
    rows = (
        keyed(pairings, "")
        .annotate(start_q=started, end_q=ended)
        .values("town", "organisation", "region", "start_q", "end_q", "ended_by")
        .annotate(count=Count("pk"))
    )
    for row in rows:
        s, e, count = row["start_q"], row["end_q"], row["count"]
        reason = row["ended_by"] if row["ended_by"] in ENDINGS[:-1] else "other"
        if 0 <= s < n:
            cell(row, s).formed += count
        if 0 <= e < n:
            facts = cell(row, e)
            facts.ended += count
            facts.endings[reason] += count
        if e >= 0:
            # Active at the end of every period from its start to the one it ended in.
            for i in range(max(s, 0), min(e, n)):
                cell(row, i).active += count


def _whens(field_name: str, bounds: Sequence[tuple[Any, Any]]) -> list[When]:
    """One ``When`` per period: the value falls in ``[low, high)`` -> the period's index."""
    return [
        When(**{f"{field_name}__gte": low, f"{field_name}__lt": high}, then=Value(i))
        for i, (low, high) in enumerate(bounds)
    ]


def _period_case(field_name: str, bounds: Sequence[tuple[Any, Any]]) -> Case:
    """The index of the period a value falls in (``[low, high)``), else NULL."""
    return Case(*_whens(field_name, bounds), default=None, output_field=IntegerField())


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
    keyed: Keyed,
) -> None:
    """Histogram of how long ended pairings lasted, by the period they ended in."""
    bounds = [
        (_midnight(programme, p.start), _midnight(programme, p.end + dt.timedelta(days=1)))
        for p in periods
    ]
    qs = (
        keyed(pairings.filter(ended_at__gte=bounds[0][0], ended_at__lt=bounds[-1][1]), "")
        .annotate(
            quarter=_period_case("ended_at", bounds),
            length=ExpressionWrapper(
                TruncDate("ended_at", tzinfo=programme.zone) - F("started_on"),
                output_field=DurationField(),
            ),
        )
        .order_by()
    )
    rows = qs.values("town", "organisation", "region", "quarter", "length").annotate(n=Count("pk"))
    for row in rows:
        days = _days(row["length"])
        if row["quarter"] is not None and days >= 0:
            cell(row, row["quarter"]).lengths[days] += row["n"]


def _waits(
    pairings: QuerySet[Pairing], periods: Sequence[Period], cell: CellOf, keyed: Keyed
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
            keyed(
                formed.filter(**{f"{since}__isnull": False, f"{since}__lte": F("started_on")}), ""
            )
            .annotate(
                quarter=_period_case("started_on", bounds),
                wait=ExpressionWrapper(F("started_on") - F(since), output_field=DurationField()),
            )
            .order_by()
        )
        rows = qs.values("town", "organisation", "region", "quarter", "wait").annotate(
            n=Count("pk")
        )
        for row in rows:
            cell(row, row["quarter"]).waits[_days(row["wait"])] += row["n"]


def _visit_counts(
    visits: QuerySet[Visit], periods: Sequence[Period], cell: CellOf, keyed: Keyed
) -> None:
    """Closed windows and whether the pair met; feedback given on them; by period of closing.

    A window counts in the period it closed in, once closed: today's open
    windows wait for the next report.  Cancelled windows are left out.
    """
    today = periods[-1].end
    bounds = [(p.start, p.end + dt.timedelta(days=1)) for p in periods]
    closed = (
        keyed(visits, "pairing__")
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
    for row in closed.values("town", "organisation", "region", "quarter").annotate(**aggregates):
        facts = cell(row, row["quarter"])
        facts.windows += row["windows"]
        facts.met += row["met"]
        facts.window_pairs += row["pairs"]
        for side in ("volunteer", "household"):
            facts.rating_sum += row[f"{side}_sum"] or 0
            facts.ratings += row[f"{side}_n"]
            facts.ratings_good += row[f"{side}_good"]
            facts.raters += row[f"{side}_raters"]
