"""Reads of regions, scoped to who asks, and the programme's figures broken down by region.

Counts are grouped by the two columns that place a person (``region_by_hand``
and ``town``) and then summed per region in Python: a handful of towns per
region, so one grouped query serves a programme of any size.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from kinfolk.programmes.models import Programme
from kinfolk.regions.models import Region
from kinfolk.regions.placing import outside_regions, town_regions
from kinfolk.staff.scope import (
    households_scoped,
    pairs_scoped,
    region_limit,
    regions_scoped,
    volunteers_scoped,
    whole_programme_required,
)


def region_list(*, programme: Programme) -> QuerySet[Region]:
    """The programme's regions the viewer sees (a region-limited coordinator: theirs)."""
    return regions_scoped(programme.regions.all(), programme).prefetch_related("towns")


def region_get(*, programme: Programme, region_id: int) -> Region:
    """A region of the programme, for a coordinator of the whole programme; else 404."""
    whole_programme_required(programme)
    found = programme.regions.filter(pk=region_id).first()
    if found is None:
        raise Http404
    return found


def person_for_placing_get(*, programme: Programme, side: str, person_id: int) -> Any:
    """A volunteer or household to place by hand, for a coordinator of the whole programme."""
    whole_programme_required(programme)
    people = programme.volunteers if side == "volunteer" else programme.households
    found = people.filter(pk=person_id).first()
    if found is None:
        raise Http404
    return found


def _grouped(qs: QuerySet[Any], towns: dict[str, int], prefix: str = "", **extra: str) -> Any:
    """(region id or None, *extra values, count) rows of ``qs``, summed per region."""
    keys = [f"{prefix}region_by_hand_id", f"{prefix}town", *extra.values()]
    totals: dict[tuple[Any, ...], int] = defaultdict(int)
    for by_hand, town, *rest, n in qs.values_list(*keys).annotate(n=Count("pk")).order_by():
        totals[(by_hand or towns.get(town), *rest)] += n
    return totals


@dataclass
class RegionRow:
    """One line of a breakdown: a region, or the people outside any region (``region`` None)."""

    region: Region | None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.region.name if self.region else _("Outside any region")

    @property
    def met_percent(self) -> int | None:
        total = self.counts.get("met_total", 0)
        return round(100 * self.counts.get("met", 0) / total) if total else None


def _rows(programme: Programme, columns: dict[str, dict[Any, int]]) -> list[RegionRow]:
    """A row per region the viewer sees; the outside row for coordinators of every region."""
    rows = [RegionRow(r) for r in regions_scoped(programme.regions.all(), programme)]
    if region_limit(programme) is None:
        rows.append(RegionRow(None))
    for row in rows:
        key = row.region.pk if row.region else None
        row.counts = {name: values.get(key, 0) for name, values in columns.items()}
    return rows


def region_breakdown(*, programme: Programme) -> list[RegionRow]:
    """Live volunteers and households, active pairings and people waiting, per region.

    A pairing counts in its household's region.  Empty when the programme has no regions.
    """
    from kinfolk.pairings.selectors import waiting_people

    if not programme.regions.exists():
        return []
    towns = town_regions(programme.pk)
    live = ~Q(state="left")
    volunteers = volunteers_scoped(programme.volunteers.filter(live), programme)
    households = households_scoped(programme.households.filter(live), programme)
    pairings = pairs_scoped(programme.pairings.filter(state="active"), programme)
    waiting_v, waiting_h = waiting_people(programme=programme)
    by_key = {
        "volunteers": _grouped(volunteers, towns),
        "households": _grouped(households, towns),
        "pairings": _grouped(pairings, towns, "household__"),
        "waiting_volunteers": _grouped(waiting_v, towns),
        "waiting_households": _grouped(waiting_h, towns),
    }
    return _rows(programme, {k: {key[0]: n for key, n in v.items()} for k, v in by_key.items()})


def visit_region_breakdown(*, programme: Programme, today: dt.date) -> list[RegionRow]:
    """Per region: active pairings that met in their last closed window, and visits of the
    last six months that happened or were missed.  A pair counts in its household's region.
    """
    from kinfolk.visits.models import Visit

    if not programme.regions.exists():
        return []
    towns = town_regions(programme.pk)
    last = (
        Visit.objects.filter(pairing=OuterRef("pk"), window_end__lt=today)
        .exclude(state=Visit.State.CANCELLED)
        .order_by("-window_start")
        .values("state")[:1]
    )
    pairings = (
        pairs_scoped(programme.pairings.filter(state="active"), programme)
        .annotate(last=Subquery(last))
        .exclude(last=None)
    )
    met = _grouped(pairings, towns, "household__", last="last")
    visits = pairs_scoped(Visit.objects.all(), programme, prefix="pairing__").filter(
        pairing__programme=programme,
        window_start__gte=today - dt.timedelta(days=183),
        window_start__lte=today,
        state__in=("happened", "missed"),
    )
    states = _grouped(visits, towns, "pairing__household__", state="state")
    columns: dict[str, dict[Any, int]] = defaultdict(lambda: defaultdict(int))
    for (region, state), n in met.items():
        columns["met_total"][region] += n
        if state == Visit.State.HAPPENED:
            columns["met"][region] += n
    for (region, state), n in states.items():
        columns[state][region] += n
    names = ("met", "met_total", "happened", "missed")
    return _rows(programme, {name: dict(columns[name]) for name in names})


def outside_people(*, programme: Programme) -> tuple[QuerySet[Any], QuerySet[Any]]:
    """Live volunteers and households in no region, for a coordinator of the whole programme."""
    whole_programme_required(programme)
    outside = outside_regions(programme.pk)
    live = ~Q(state="left")
    return (
        programme.volunteers.filter(live).filter(outside).order_by("town", "first_name", "pk"),
        programme.households.filter(live).filter(outside).order_by("town", "first_name", "pk"),
    )
