"""An outcome report for funders: the counts, withheld where small, with their charts.

:func:`report_build` reads the counts (``selectors.facts_collect``) and
:func:`report_from_facts` withholds every count of fewer than 5 and every
count that subtraction would give back (``suppression``), and returns sections
ready for the page, the printable page and the CSV file alike, so the three
can never disagree.  The reading is the slow half; the periodic tick does it
and keeps the counts (``keeping``), and each page view does the fast half.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kinfolk.programmes.models import Programme
from kinfolk.reports.periods import Period, quarter_periods
from kinfolk.reports.selectors import (
    ELSEWHERE,
    ENDINGS,
    OTHER,
    Collected,
    Facts,
    Progress,
    facts_collect,
)
from kinfolk.reports.suppression import THRESHOLD, SuppressedTable
from kinfolk.web.charts import Series, bar_chart

#: More groups than this are gathered into one "other" row, so the table stays readable.
TOP_GROUPS = 12

ENDING_LABELS = {
    "volunteer": gettext_lazy("ended by the volunteer"),
    "household": gettext_lazy("ended by the household"),
    "left": gettext_lazy("someone left the programme"),
    "other": gettext_lazy("other or not recorded"),
}


def withheld_text() -> str:
    return _("fewer than %(n)s") % {"n": THRESHOLD}


@dataclass(frozen=True)
class Figure:
    """One cell as shown: its value, or None where it is withheld, and its text."""

    value: float | None
    text: str

    @property
    def withheld(self) -> bool:
        return self.value is None


@dataclass
class Line:
    """A labelled row of figures: one per period, or one per column of a breakdown."""

    label: str
    figures: list[Figure]


@dataclass
class Section:
    """One chart with the table of its figures."""

    slug: str
    title: str
    help: str
    lines: list[Line]
    chart: SafeString | None = None


@dataclass
class Breakdown:
    """The report's figures over the whole period, one row per town, organisation or region."""

    slug: str
    title: str
    help: str
    columns: list[str]
    lines: list[Line] = field(default_factory=list)


@dataclass
class Report:
    programme: Programme
    periods: list[Period]
    sections: list[Section]
    breakdowns: list[Breakdown]

    @property
    def first(self) -> dt.date:
        return self.periods[0].start

    @property
    def last(self) -> dt.date:
        return self.periods[-1].end


def _median(histogram: Counter[int]) -> float | None:
    """The median of a histogram {value: count}; None when it is empty.

    >>> _median(Counter({10: 2, 30: 1}))
    10.0
    >>> _median(Counter({10: 1, 30: 1}))
    20.0
    """
    total = sum(histogram.values())
    if total == 0:
        return None
    below = (total - 1) // 2
    above = total // 2
    seen, low, high = 0, None, None
    for value in sorted(histogram):
        seen += histogram[value]
        if low is None and seen > below:
            low = value
        if seen > above:
            high = value
            break
    assert low is not None and high is not None
    return (low + high) / 2


def _in_weeks(days: float | None) -> float | None:
    return None if days is None else days / 7


def _weeks(weeks: float) -> str:
    return _("%(n)s weeks") % {"n": f"{weeks:.0f}"}


def _count(n: float) -> str:
    return f"{n:,.0f}"


def _tick(v: float) -> str:
    return f"{v:g}"


def _percent(v: float) -> str:
    return f"{v:.0f}%"


class _Cells:
    """Counts by key, with their relations, and the figures derived from them."""

    def __init__(self) -> None:
        self.table = SuppressedTable()
        self._hidden: set[Hashable] | None = None

    def add(self, key: Hashable, n: int) -> None:
        self.table.add(key, n)

    def count(self, key: Hashable) -> Figure:
        if self._hidden is None:
            self._hidden = self.table.withheld()
        if key in self._hidden:
            return Figure(None, withheld_text())
        value = self.table.values[key]
        return Figure(value, _count(value))


def _derived(people: int, value: float | None, fmt: Callable[[float], str]) -> Figure:
    """A share, median or mean: withheld when fewer than 5 people stand behind it."""
    if people < THRESHOLD or value is None:
        return Figure(None, withheld_text())
    return Figure(value, fmt(value))


def _median_weeks(days: Counter[int]) -> Figure:
    """The median of a histogram of days, in weeks; withheld under 5 people."""
    return _derived(sum(days.values()), _in_weeks(_median(days)), _weeks)


def _met_share(f: Facts) -> Figure:
    return _derived(f.window_pairs, 100 * f.met / f.windows if f.windows else None, _percent)


def _rating(f: Facts) -> Figure:
    mean = f.rating_sum / f.ratings if f.ratings else None
    return _derived(f.raters, mean, lambda v: f"{v:.1f} / 5")


def _good_share(f: Facts) -> Figure:
    share = 100 * f.ratings_good / f.ratings if f.ratings else None
    return _derived(f.raters, share, _percent)


def _over_time(facts: Sequence[Facts]) -> Facts:
    """One group's facts over the whole report, from its facts per period in order."""
    whole = Facts()
    for f in facts:
        whole.merge(f, later=True)
    return whole


def _rows(
    groups: dict[str | None, Facts], order: list[str], other: str, blank: str
) -> list[tuple[str, Facts]]:
    """The groups with a row of their own, largest first, then the rest gathered as ``other``."""
    rows = [(name or blank, groups[name]) for name in order if name in groups]
    if OTHER in groups:
        rows.append((other, groups[OTHER]))
    return rows


def _region_rows(
    regions: dict[int | None, Facts], seen: list[tuple[int, str]], limited: bool
) -> list[tuple[str, Facts]]:
    """A row per region the viewer sees, even an empty one, by name; then the rest.

    A viewer of every region gets "Outside any region" (as on the overview);
    a viewer limited to some regions gets, if there are any, the pairs of their
    volunteers with a household in another region, under one row that names none.
    """
    rows = [(name, regions.get(pk) or Facts()) for pk, name in seen]
    if not limited:
        rows.append((_("Outside any region"), regions.get(None) or Facts()))
    elif ELSEWHERE in regions:
        rows.append((_("household in another region"), regions[ELSEWHERE]))
    return rows


def report_build(
    *, programme: Programme, today: dt.date | None = None, progress: Progress | None = None
) -> Report:
    """The programme's outcome report as its viewer may see it, with every small cell withheld.

    Reads every count, so it is slow on a large programme: pages read the
    counts the tick keeps instead (``kinfolk.reports.keeping``).
    """
    today = today or programme.today()
    periods = quarter_periods(today)
    collected = facts_collect(
        programme=programme, periods=periods, top=TOP_GROUPS, progress=progress
    )
    return report_from_facts(
        programme=programme, periods=periods, collected=collected, limited=_limited(programme)
    )


def _limited(programme: Programme) -> bool:
    from kinfolk.staff.scope import region_limit

    return region_limit(programme) is not None


def report_from_facts(
    *, programme: Programme, periods: list[Period], collected: Collected, limited: bool
) -> Report:
    """The report from counts already read: withholds small cells, words the labels, draws.

    ``limited``: the counts were read for a viewer limited to some regions.
    """
    by_period = [Facts() for _p in periods]
    towns: dict[str | None, Facts] = {}
    organisations: dict[str | None, Facts] = {}
    regions: dict[int | None, Facts] = {}
    for (town, organisation, region), facts in collected.table.items():
        for i, f in enumerate(facts):
            by_period[i].merge(f)
        whole = _over_time(facts)
        towns.setdefault(town, Facts()).merge(whole)
        organisations.setdefault(organisation, Facts()).merge(whole)
        regions.setdefault(region, Facts()).merge(whole)
    groups = {
        "town": _rows(towns, collected.towns, _("other towns"), _("town not given")),
        "organisation": _rows(
            organisations,
            collected.organisations,
            _("other organisations"),
            _("no organisation"),
        ),
    }
    if collected.regions is not None:
        groups["region"] = _region_rows(regions, collected.regions, limited)
    cells = _Cells()
    n = len(periods)
    for i, f in enumerate(by_period):
        cells.add(("formed", i), f.formed)
        cells.add(("ended", i), f.ended)
        cells.add(("active", i), f.active)
        for reason in ENDINGS:
            cells.add(("end", reason, i), f.endings[reason])
    relate = cells.table.relate
    for i in range(n):
        relate(("ended", i), *(("end", r, i) for r in ENDINGS))
        if i:
            relate(("active", i), ("active", i - 1), ("formed", i), ("ended", i))
    overall = _over_time(by_period)
    for measure in ("formed", "ended"):
        cells.add(("all", measure), getattr(overall, measure))
        relate(("all", measure), *((measure, i) for i in range(n)))
    for kind, rows in groups.items():
        for measure in ("formed", "ended", "active"):
            # Rows are keyed by position: a town may be called anything, "other towns" too.
            for row, (_name, f) in enumerate(rows):
                cells.add((kind, measure, row), getattr(f, measure))
            total = ("active", n - 1) if measure == "active" else ("all", measure)
            relate(total, *((kind, measure, row) for row in range(len(rows))))

    labels = [p.label for p in periods]
    sections = _sections(cells, by_period, labels)
    columns = [
        _("formed"),
        _("ended"),
        _("active at the end"),
        _("windows in which the pair met"),
        _("median length of ended pairings"),
        _("median wait to be paired"),
        _("average visit rating"),
    ]

    def line(label: str, f: Facts, key: Callable[[str], Hashable]) -> Line:
        return Line(
            label,
            [
                cells.count(key("formed")),
                cells.count(key("ended")),
                cells.count(key("active")),
                _met_share(f),
                _median_weeks(f.lengths),
                _median_weeks(f.waits),
                _rating(f),
            ],
        )

    def whole_key(measure: str) -> Hashable:
        return ("active", n - 1) if measure == "active" else ("all", measure)

    breakdowns = []
    titles = {
        "town": (
            _("By town"),
            _(
                "Over the whole period, by the households' nearest towns. Small towns are "
                "gathered into one row."
            ),
        ),
        "organisation": (
            _("By organisation"),
            _(
                "Over the whole period, by the volunteers' organisations. Small organisations "
                "are gathered into one row."
            ),
        ),
        "region": (
            _("By region"),
            _(
                "Over the whole period. A pairing counts in its household's region: the one "
                "it was placed in by hand, else the region holding its town."
            ),
        ),
    }
    for kind, rows in groups.items():
        breakdown = Breakdown(kind, *titles[kind], columns)
        for row, (name, f) in enumerate(rows):
            breakdown.lines.append(line(name, f, lambda m, k=kind, r=row: (k, m, r)))
        breakdown.lines.append(line(_("whole programme"), overall, whole_key))
        breakdowns.append(breakdown)
    return Report(programme, periods, sections, breakdowns)


def _sections(cells: _Cells, by_period: list[Facts], labels: list[str]) -> list[Section]:
    n = len(labels)

    def counts(key: Callable[[int], Hashable]) -> list[Figure]:
        return [cells.count(key(i)) for i in range(n)]

    def values(figures: list[Figure]) -> list[float | None]:
        return [f.value for f in figures]

    formed = Line(_("pairings formed"), counts(lambda i: ("formed", i)))
    ended = Line(_("pairings ended"), counts(lambda i: ("ended", i)))
    active = Line(_("active at the end of the quarter"), counts(lambda i: ("active", i)))
    endings = [Line(str(ENDING_LABELS[r]), counts(lambda i, r=r: ("end", r, i))) for r in ENDINGS]
    met = Line(_("windows in which the pair met"), [_met_share(f) for f in by_period])
    lengths = Line(
        _("median length of pairings that ended"),
        [_median_weeks(f.lengths) for f in by_period],
    )
    waits = Line(
        _("median wait of people paired"),
        [_median_weeks(f.waits) for f in by_period],
    )
    rating = Line(_("average visit rating"), [_rating(f) for f in by_period])
    good = Line(_("ratings of 4 or 5"), [_good_share(f) for f in by_period])
    mark = f"<{THRESHOLD}"

    def chart(
        title: str,
        lines: list[Line],
        *,
        stacked: bool = False,
        y_max: float | None = None,
        value_format: Callable[[float], str] = _tick,
    ) -> SafeString | None:
        series = [Series(line.label, values(line.figures)) for line in lines]
        if all(v is None for s in series for v in s.values):
            return None  # nothing to draw: the page says so instead
        return bar_chart(
            labels=labels,
            series=series,
            title=title,
            stacked=stacked,
            y_max=y_max,
            value_format=value_format,
            suppressed_mark=mark,
        )

    return [
        Section(
            "pairs",
            _("Pairings formed, ended and active"),
            _("Active: pairings still going on the last day of the quarter."),
            [formed, ended, active],
            chart(_("Pairings formed, ended and active"), [formed, ended, active]),
        ),
        Section(
            "endings",
            _("Why pairings ended"),
            _("Who ended each pairing. Nobody is asked for a reason, so none is shown."),
            [ended, *endings],
            chart(_("Why pairings ended"), endings, stacked=True),
        ),
        Section(
            "met",
            _("Windows in which the pair met"),
            _(
                "Of the visit windows that closed in the quarter (cancelled ones left out), "
                "the share in which the visit happened."
            ),
            [met],
            chart(_("Windows in which the pair met"), [met], y_max=100, value_format=_percent),
        ),
        Section(
            "length",
            _("How long pairings last"),
            _("The median length, in weeks, of the pairings that ended in the quarter."),
            [lengths],
            chart(_("Median length of pairings, in weeks"), [lengths], value_format=_tick),
        ),
        Section(
            "wait",
            _("How long people wait to be paired"),
            _(
                "The median wait, in weeks, of the volunteers and households whose pairing "
                "began in the quarter, from the day they were ready to be paired."
            ),
            [waits],
            chart(_("Median wait to be paired, in weeks"), [waits], value_format=_tick),
        ),
        Section(
            "feedback",
            _("What participants say"),
            _(
                "Ratings both sides gave their visits (1 to 5), by the quarter the window "
                "closed. Words written about a visit stay with the pair and are not shown."
            ),
            [rating, good],
            chart(_("Share of visit ratings of 4 or 5"), [good], y_max=100, value_format=_percent),
        ),
    ]
