"""The Figures page's counts, with small cells withheld as the outcome report withholds them.

The page and the outcome report are read by the same people, so a count the
report withholds must not be shown here, nor anything it could be worked out
from.  Every count below 5 reads "fewer than 5" (``kinfolk.reports.suppression``),
and so does any count that subtraction would give back: the pairings that met
in their last window and those that did not add up to all of them.  Active
pairings, which the report also counts, are taken from the report itself, the
same figure withheld alike, rather than counted again a few minutes later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kinfolk.pairings.selectors import pairing_counts
from kinfolk.people.models import Household, Volunteer
from kinfolk.people.selectors import state_counts
from kinfolk.programmes.models import Programme
from kinfolk.reports.build import Figure, withheld_text
from kinfolk.reports.keeping import report_read, stored_report_for
from kinfolk.reports.suppression import SuppressedTable
from kinfolk.visits.selectors import met_last_window, month_counts


@dataclass
class StateRow:
    """One state's count and its bar's width (5 % steps for the ``w-N`` classes; 0 if withheld)."""

    label: str
    figure: Figure
    width: int


@dataclass
class MonthRow:
    month: dt.date
    figures: dict[str, Figure]
    widths: dict[str, int]


@dataclass
class FiguresPage:
    volunteer_states: list[StateRow]
    household_states: list[StateRow]
    #: From the outcome report (None while it is being prepared) and its time.
    active: Figure | None
    active_as_of: dt.datetime | None
    proposals: Figure
    waiting_volunteers: Figure
    waiting_households: Figure
    met: Figure
    met_total: Figure
    met_percent: Figure
    months: list[MonthRow]


def _width(value: int | None, top: int) -> int:
    return 0 if not value else max(5, round(20 * value / (top or 1)) * 5)


def figures_page(*, programme: Programme, today: dt.date) -> FiguresPage:
    """The page's figures for its reader (a limited coordinator: their scope), small withheld."""
    table = SuppressedTable()
    counts = state_counts(programme=programme)
    sides: list[tuple[str, Any, dict[str, int]]] = [
        ("volunteer", Volunteer.State, counts["volunteers"]),
        ("household", Household.State, counts["households"]),
    ]
    for side, states, found in sides:
        for state in states:
            table.add((side, state.value), found.get(state.value, 0))
    pairs = pairing_counts(programme=programme)
    for name in ("proposals", "waiting_volunteers", "waiting_households"):
        table.add(name, pairs[name])
    met, met_total = met_last_window(programme=programme, today=today)
    table.add("met", met)
    table.add("met_total", met_total)
    table.add("not_met", met_total - met)
    table.relate("met_total", "met", "not_met")
    months = month_counts(programme=programme, today=today)
    for month in months:
        for state, n in month.counts.items():
            table.add((month.month, state), n)
    hidden = table.withheld()

    def shown(key: Any) -> Figure:
        if key in hidden:
            return Figure(None, withheld_text())
        value = table.values[key]
        return Figure(value, f"{value:,}")

    def state_rows(side: str, states: Any) -> list[StateRow]:
        figures = [(state.label, shown((side, state.value))) for state in states]
        top = max((int(f.value) for _l, f in figures if f.value is not None), default=0)
        return [StateRow(str(label), f, _width(_int(f), top)) for label, f in figures]

    visible = [shown((m.month, s)) for m in months for s in m.counts]
    top = max((int(f.value) for f in visible if f.value is not None), default=0)
    month_rows = []
    for month in months:
        figures = {s: shown((month.month, s)) for s in month.counts}
        widths = {s: _width(_int(f), top) for s, f in figures.items()}
        month_rows.append(MonthRow(month.month, figures, widths))
    share_shown = not ({"met", "met_total", "not_met"} & hidden)
    percent = (
        Figure(round(100 * met / met_total), f"{round(100 * met / met_total)}%")
        if share_shown and met_total
        else Figure(None, withheld_text())
    )
    active, as_of = _active_from_report(programme)
    return FiguresPage(
        volunteer_states=state_rows("volunteer", Volunteer.State),
        household_states=state_rows("household", Household.State),
        active=active,
        active_as_of=as_of,
        proposals=shown("proposals"),
        waiting_volunteers=shown("waiting_volunteers"),
        waiting_households=shown("waiting_households"),
        met=shown("met"),
        met_total=shown("met_total"),
        met_percent=percent,
        months=month_rows,
    )


def _int(figure: Figure) -> int | None:
    return None if figure.value is None else int(figure.value)


def _active_from_report(programme: Programme) -> tuple[Figure | None, dt.datetime | None]:
    """The outcome report's active pairings at the end of its last quarter (today), as shown."""
    from django.utils import timezone

    stored = stored_report_for(programme=programme)
    built = report_read(stored=stored, programme=programme)
    if built is None or stored.built_at is None:
        return None, None
    pairs = next(s for s in built.sections if s.slug == "pairs")
    active = pairs.lines[2].figures[-1]
    return active, timezone.localtime(stored.built_at, programme.zone)
