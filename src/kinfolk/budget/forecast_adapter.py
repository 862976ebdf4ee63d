"""The one forecasting adapter: rows -> engine arrays -> costs (docs/architecture.md).

Only this module knows both the ORM and ``kinfolk.engine.budget``.  It reads
the visit plan as it stands: the windows stored for each pairing (those not
cancelled and not missed), extended in memory to the end of the period by
the same scheduling adapter the periodic tick uses, so the forecast covers
windows the tick has not written yet.  Nothing is ever written here: a
what-if replans in memory.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.db.models import Q

from kinfolk.budget.models import RateCard
from kinfolk.engine import dictionary as dd
from kinfolk.engine import schedule
from kinfolk.engine.budget import (
    Forecast,
    PlannedVisits,
    RateCards,
    Trips,
    forecast,
    resize,
    straight_km,
)
from kinfolk.pairings.models import Pairing
from kinfolk.programmes.models import Programme
from kinfolk.visits.models import Visit
from kinfolk.visits.schedule_adapter import windows_plan

IntArray = npt.NDArray[np.int64]
#: Windows that will not cost anything: cancelled, or known not to have happened.
NOT_COSTED = (Visit.State.CANCELLED, Visit.State.MISSED)
_HOST_CODE = {"volunteer": 0, "household": 1, "public": 2}
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
#: Beyond this many pairings, extend the whole programme rather than send a list of ids.
_IN_LIST_MAX = 5000
_PUBLIC_TRANSPORT = dd.TRAVEL_MODES.index("public")
_FIELDS = (
    "id",
    "started_on",
    "state",
    "volunteer__lat",
    "volunteer__lon",
    "volunteer__travel_mode",
    "volunteer__visit_places",
    "volunteer__availability",
    "volunteer__organisation__name",
    "household__lat",
    "household__lon",
    "household__travel_mode",
    "household__visit_places",
    "household__availability",
    "household__town",
)


@dataclass(frozen=True)
class Plan:
    """A programme's pairings and planned visits over a period, as engine arrays."""

    first: dt.date
    until: dt.date
    pairing_ids: IntArray
    trips: Trips
    visits: PlannedVisits
    #: Group name -> (names, code of each pairing).
    groups: dict[str, tuple[list[str], IntArray]]
    #: For replanning in a what-if: whether each pairing is active, meets only in
    #: public (household; volunteer), and the slots both sides are free in.
    active: npt.NDArray[np.bool_]
    public_only: npt.NDArray[np.bool_]
    volunteer_public: npt.NDArray[np.bool_]
    slots: npt.NDArray[np.uint32]

    def engine_groups(self) -> dict[str, tuple[IntArray, int]]:
        return {name: (codes, len(names)) for name, (names, codes) in self.groups.items()}


@dataclass(frozen=True)
class Scenario:
    """A what-if: another cadence, another number of pairs, other rates (None keeps the plan's)."""

    cadence_weeks: int | None = None
    pairs: int | None = None
    rates: RateCards | None = None

    @property
    def changes_plan(self) -> bool:
        return self.cadence_weeks is not None or self.pairs is not None


def period_of(start: dt.date, months: int = 12) -> tuple[dt.date, dt.date]:
    """The first day of ``start``'s month, and the first day after ``months`` months."""
    first = start.replace(day=1)
    return first, first + relativedelta(months=months)


def plan_load(programme: Programme, *, today: dt.date, first: dt.date, until: dt.date) -> Plan:
    """The pairings and visit windows of ``programme`` in ``[first, until)``.

    Stored windows come first; the pairings whose stored plan stops short of
    ``until`` (the tick has not reached that far yet) are extended in memory
    by the scheduling adapter.  The tick keeps a year planned, so usually
    none need it and the load is two queries.
    """
    col = pairing_columns(programme, first)
    ids = np.array(col["id"], dtype=np.int64)
    trips = Trips(
        km=straight_km(
            np.array(col["volunteer__lat"], dtype=np.float64),
            np.array(col["volunteer__lon"], dtype=np.float64),
            np.array(col["household__lat"], dtype=np.float64),
            np.array(col["household__lon"], dtype=np.float64),
        ),
        volunteer_mode=np.array([_mode(m) for m in col["volunteer__travel_mode"]], np.int8),
        household_mode=np.array([_mode(m) for m in col["household__travel_mode"]], np.int8),
        since=np.array(col["started_on"], dtype="datetime64[D]"),
    )
    active = np.array([s == Pairing.State.ACTIVE for s in col["state"]], dtype=bool)
    # A window may slide up to a period past its period's first day: read that far, so that
    # a period starting before ``until`` whose window starts after it counts as planned.
    reach = until + dt.timedelta(weeks=programme.cadence_weeks)
    stored = stored_windows(programme, first, reach)
    costed = stored.costed & (stored.day < np.datetime64(until, "D"))
    pairing_id, day, host = stored.pairing_id[costed], stored.day[costed], stored.host[costed]
    short = ids[active & _plan_short(ids, trips.since, stored, programme, today, first, until)]
    if short.size:
        start = max(today, first)
        chosen = Pairing.objects.filter(programme=programme, state=Pairing.State.ACTIVE)
        if short.size < _IN_LIST_MAX:
            chosen = chosen.filter(pk__in=short.tolist())
        extra = windows_plan(chosen.order_by("id"), today=start, horizon_days=(until - start).days)
        inside = (extra.start >= np.datetime64(first)) & (extra.start < np.datetime64(until))
        pairing_id = np.concatenate((pairing_id, extra.pairing_id[inside]))
        day = np.concatenate((day, extra.start[inside]))
        host = np.concatenate(
            (host, np.array([_HOST_CODE[h] for h in extra.host[inside]], dtype=np.int8))
        )
    position = np.searchsorted(ids, pairing_id)
    known = (position < ids.size) & (ids[np.minimum(position, max(ids.size - 1, 0))] == pairing_id)
    visits = PlannedVisits(pairing=position[known], day=day[known], host=host[known])
    return Plan(
        first=first,
        until=until,
        pairing_ids=ids,
        trips=trips,
        visits=visits,
        groups={
            "town": _codes(col["household__town"], ""),
            "organisation": _codes(col["volunteer__organisation__name"], None),
        },
        active=active,
        public_only=np.array([p == "public" for p in col["household__visit_places"]], bool),
        volunteer_public=np.array([p == "public" for p in col["volunteer__visit_places"]], bool),
        slots=np.array(
            [
                _slots(v) & _slots(h)
                for v, h in zip(
                    col["volunteer__availability"], col["household__availability"], strict=True
                )
            ],
            dtype=np.uint32,
        ),
    )


def rate_cards(programme: Programme) -> RateCards:
    """The programme's rate cards in its current currency, as engine arrays."""
    cards = list(
        RateCard.objects.filter(programme=programme, currency=programme.currency).order_by(
            "effective_from"
        )
    )
    return cards_engine(cards)


def cards_engine(cards: list[RateCard]) -> RateCards:
    """Engine rate cards from rows (or unsaved rows, for a what-if), sorted by date."""
    cards = sorted(cards, key=lambda c: c.effective_from)
    return RateCards(
        effective_from=np.array([c.effective_from for c in cards], dtype="datetime64[D]"),
        per_km=np.array(
            [[c.car_per_km_minor, c.public_per_km_minor, c.walk_per_km_minor] for c in cards],
            dtype=np.int64,
        ).reshape(len(cards), 3),
        detour=np.array([float(c.detour_factor) for c in cards], dtype=np.float64),
        allowance=np.array([c.allowance_minor for c in cards], dtype=np.int64),
        per_diem=np.array([c.per_diem_minor for c in cards], dtype=np.int64),
        per_diem_from_km=np.array([c.per_diem_from_km for c in cards], dtype=np.float64),
        per_pairing=np.array([c.per_pairing_minor for c in cards], dtype=np.int64),
        per_year=np.array([c.per_year_minor for c in cards], dtype=np.int64),
    )


def cards_changed(cards: list[RateCard], changes: dict[str, Any], first: dt.date) -> RateCards:
    """The cards with some rates changed, unsaved: a what-if keeps each card's dates.

    ``changes`` maps a rate card's field to its value: money in minor units,
    the detour factor as a decimal, the per-diem's distance in whole km.

    With no card at all, one card from ``first`` holds the changed rates.
    """
    if not cards:
        cards = [RateCard(effective_from=first, detour_factor=Decimal("1.30"))]
    changed = []
    for card in cards:
        copied = copy.copy(card)
        for name, value in changes.items():
            setattr(copied, name, value)
        changed.append(copied)
    return cards_engine(changed)


def forecast_run(plan: Plan, rates: RateCards) -> Forecast:
    """The plan's costs month by month, with breakdowns by town and organisation."""
    months = _months(plan.first, plan.until)
    return forecast(
        plan.visits,
        plan.trips,
        rates,
        start=plan.first,
        months=months,
        groups=plan.engine_groups(),
    )


def scenario_run(
    programme: Programme, plan: Plan, rates: RateCards, scenario: Scenario
) -> Forecast:
    """The same period under ``scenario``, computed in memory; nothing is stored.

    Another cadence replans every active pairing from its start with the
    scheduling engine (one window per period, hosts taking turns as if every
    earlier period had its visit).  Another number of pairs keeps the first
    pairings, or adds pairings that travel like the existing ones, starting on
    the first day of the period (so each carries its one-off cost).
    """
    rates = scenario.rates if scenario.rates is not None else rates
    if not scenario.changes_plan:
        return forecast(plan.visits, plan.trips, rates, start=plan.first,
                        months=_months(plan.first, plan.until))  # fmt: skip
    base = np.flatnonzero(plan.active)
    n = int(scenario.pairs) if scenario.pairs is not None else base.size
    index = base[resize(base.size, n)] if base.size or n else base
    new = np.arange(index.size) >= base.size
    trips = plan.trips.take(index)
    since = trips.since.copy()
    since[new] = np.datetime64(plan.first)
    trips = Trips(trips.km, trips.volunteer_mode, trips.household_mode, since)
    cadence = scenario.cadence_weeks or programme.cadence_weeks
    if scenario.cadence_weeks is None:
        # Same cadence: the kept pairings keep their planned windows; new ones get a plan.
        kept = np.isin(plan.visits.pairing, base[: min(n, base.size)])
        relabel = np.full(len(plan.trips), -1, dtype=np.int64)
        relabel[base[: min(n, base.size)]] = np.arange(min(n, base.size))
        planned = _replan(plan, index, since, cadence, only=new)
        visits = PlannedVisits(
            pairing=np.concatenate((relabel[plan.visits.pairing[kept]], planned.pairing)),
            day=np.concatenate((plan.visits.day[kept], planned.day)),
            host=np.concatenate((plan.visits.host[kept], planned.host)),
        )
    else:
        visits = _replan(plan, index, since, cadence, only=None)
    return forecast(visits, trips, rates, start=plan.first, months=_months(plan.first, plan.until))


def _replan(
    plan: Plan,
    index: IntArray,
    since: npt.NDArray[np.datetime64],
    cadence_weeks: int,
    *,
    only: npt.NDArray[np.bool_] | None,
) -> PlannedVisits:
    """Windows for the pairings ``index`` (with starts ``since``) at ``cadence_weeks``."""
    chosen = np.arange(index.size) if only is None else np.flatnonzero(only)
    source = index[chosen]
    first = np.datetime64(plan.first, "D").astype(np.int64)
    days = since[chosen].astype(np.int64)
    cadence = 7 * cadence_weeks
    done = np.maximum(0, -(-(first - days) // cadence)).astype(np.int32)
    windows = schedule.plan_windows(
        schedule.Pairings(
            since=since[chosen],
            first_host=np.ones(chosen.size, dtype=np.int8),
            public_only=plan.public_only[source],
            volunteer_slots=plan.slots[source],
            household_slots=plan.slots[source],
            volunteer_blackout=[()] * chosen.size,
            household_blackout=[()] * chosen.size,
            visits_done=done,
        ),
        start=plan.first,
        until=plan.until,
        cadence_weeks=cadence_weeks,
        window_days=min(7, cadence),
        min_usable_days=1,
    )
    host = windows.host.astype(np.int8)
    host[(host == 0) & plan.volunteer_public[source][windows.pairing]] = 2
    return PlannedVisits(pairing=chosen[windows.pairing], day=windows.start, host=host)


@dataclass(frozen=True)
class StoredWindows:
    """Stored windows starting in a period, one element per window, in every state."""

    pairing_id: IntArray
    period: IntArray
    day: npt.NDArray[np.datetime64]
    host: npt.NDArray[np.int8]
    #: False for windows that will not cost anything (cancelled, or missed).
    costed: npt.NDArray[np.bool_]


def pairing_columns(programme: Programme, first: dt.date) -> dict[str, tuple[Any, ...]]:
    """Column by column, the pairings active now or ended after ``first``, by id."""
    rows = list(
        Pairing.objects.filter(programme=programme)
        .filter(Q(state=Pairing.State.ACTIVE) | Q(ended_at__date__gte=first))
        .order_by("id")
        .values_list(*_FIELDS)
    )
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(_FIELDS)
    return dict(zip(_FIELDS, columns, strict=True))


def stored_windows(programme: Programme, first: dt.date, until: dt.date) -> StoredWindows:
    """The stored windows of ``programme`` starting in ``[first, until)``."""
    if connection.vendor == "postgresql":
        return _stored_windows_copy(programme, first, until)
    query = Visit.objects.filter(
        pairing__programme=programme, window_start__gte=first, window_start__lt=until
    ).values_list("pairing_id", "period", "window_start", "host", "state")
    # Straight through the cursor: some 715,000 rows need no model instances or dicts.
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        none = np.zeros(0, dtype=np.int64)
        return StoredWindows(none, none, none.astype("datetime64[D]"), none.astype(np.int8),
                             none.astype(bool))  # fmt: skip
    pairing_id, period, day, host, state = zip(*rows, strict=True)
    # Ordinals convert far faster than date objects; day 0 of datetime64 is 1970-01-01.
    days = np.fromiter(map(dt.date.toordinal, day), dtype=np.int64, count=len(rows))
    return StoredWindows(
        pairing_id=np.array(pairing_id, dtype=np.int64),
        period=np.array(period, dtype=np.int64),
        day=(days - _EPOCH_ORDINAL).astype("datetime64[D]"),
        host=np.array([_HOST_CODE[h] for h in host], dtype=np.int8),
        costed=np.array([s not in NOT_COSTED for s in state], dtype=bool),
    )


def _stored_windows_copy(programme: Programme, first: dt.date, until: dt.date) -> StoredWindows:
    """PostgreSQL: the same rows as numbers through ``COPY``, parsed by numpy, not as tuples."""
    visits, pairings = Visit._meta.db_table, Pairing._meta.db_table
    not_costed = ", ".join(f"'{state}'" for state in NOT_COSTED)
    sql = (
        f"COPY (SELECT v.pairing_id, v.period, v.window_start - DATE '1970-01-01', "
        "CASE v.host WHEN 'volunteer' THEN 0 WHEN 'household' THEN 1 ELSE 2 END, "
        f"CASE WHEN v.state IN ({not_costed}) THEN 0 ELSE 1 END "
        f"FROM {visits} v JOIN {pairings} p ON p.id = v.pairing_id "
        "WHERE p.programme_id = %s AND v.window_start >= %s AND v.window_start < %s) TO STDOUT"
    )
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(sql, [programme.pk, first, until]) as copy,
    ):
        data = b"".join(bytes(block) for block in copy)
    table = np.array(data.split(), dtype=np.bytes_).astype(np.int64).reshape(-1, 5)
    return StoredWindows(
        pairing_id=table[:, 0].copy(),
        period=table[:, 1].copy(),
        day=table[:, 2].astype("datetime64[D]"),
        host=table[:, 3].astype(np.int8),
        costed=table[:, 4] == 1,
    )


def _plan_short(
    ids: IntArray,
    since: npt.NDArray[np.datetime64],
    stored: StoredWindows,
    programme: Programme,
    today: dt.date,
    first: dt.date,
    until: dt.date,
) -> npt.NDArray[np.bool_]:
    """Pairings that the tick would give another window starting before ``until``.

    The tick plans the periods after the last stored one that start today or
    later; a pairing is short when the first such period starts before ``until``.
    """
    cadence = 7 * programme.cadence_weeks
    position = np.searchsorted(ids, stored.pairing_id)
    known = position < ids.size
    known[known] &= ids[position[known]] == stored.pairing_id[known]
    next_period = np.zeros(ids.size, dtype=np.int64)
    np.maximum.at(next_period, position[known], stored.period[known] + 1)
    start_day = np.datetime64(max(today, first), "D").astype(np.int64)
    since_day = since.astype(np.int64)
    from_today = np.maximum(0, -(-(start_day - since_day) // cadence))
    k = np.maximum(next_period, from_today)
    short: npt.NDArray[np.bool_] = since_day + k * cadence < np.datetime64(until, "D").astype(
        np.int64
    )
    return short


def _codes(values: tuple[Any, ...], missing: Any) -> tuple[list[str], IntArray]:
    """Sorted distinct names and each row's index into them; a missing name is ''."""
    text = np.array(["" if v is None or v == missing else str(v) for v in values], dtype=object)
    if text.size == 0:
        return [], np.zeros(0, dtype=np.int64)
    names, codes = np.unique(text.astype(str), return_inverse=True)
    return [str(n) for n in names], codes.astype(np.int64)


def _months(first: dt.date, until: dt.date) -> int:
    return (until.year - first.year) * 12 + until.month - first.month


def _mode(text: str) -> int:
    return dd.TRAVEL_MODES.index(text) if text in dd.TRAVEL_MODES else _PUBLIC_TRANSPORT


@lru_cache(maxsize=4096)
def _slots(text: str) -> int:
    try:
        return dd.parse_availability(text)
    except ValueError:
        return 0
