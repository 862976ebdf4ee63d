"""The one scheduling adapter: pairing rows -> engine arrays -> visit windows -> rows.

Only this module knows both the ORM and ``kinfolk.engine.schedule``
(docs/architecture.md: data flows one way).  Planning always *extends* what is stored:
each pairing is planned from the period after its last stored window, so
running it twice, or on two workers at once, stores nothing twice (the
database holds one window per pairing and period).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection, transaction
from django.utils import timezone

from kinfolk.engine import dictionary as dd
from kinfolk.engine.schedule import HOST_PUBLIC, HOST_VOLUNTEER, Pairings, WindowPlan, roll_forward
from kinfolk.pairings.models import Pairing
from kinfolk.programmes.models import Programme
from kinfolk.visits.models import Visit

#: How far ahead a plan reaches.
HORIZON_DAYS = 365
#: Days in a window (the issue's "a week by default").
WINDOW_DAYS = 7
#: The household hosts the first visit: it opens its door first, on its own terms.
FIRST_HOST = 1
#: The matcher guarantees a common slot, so one usable day is enough to fit a window.
MIN_USABLE_DAYS = 1
_HOSTS = np.array(["volunteer", "household", "public"], dtype=object)
_FIELDS = (
    "id",
    "programme_id",
    "started_on",
    "volunteer__availability",
    "household__availability",
    "volunteer__blackout",
    "household__blackout",
    "volunteer__visit_places",
    "household__visit_places",
)


@dataclass(frozen=True)
class Windows:
    """Planned windows as columns, one element per window (not yet stored)."""

    pairing_id: npt.NDArray[np.int64]
    period: npt.NDArray[np.int32]
    sequence: npt.NDArray[np.int32]
    start: npt.NDArray[np.datetime64]
    end: npt.NDArray[np.datetime64]
    host: npt.NDArray[np.object_]

    def __len__(self) -> int:
        return int(self.pairing_id.shape[0])

    def rows(self) -> Iterator[tuple[int, int, int, dt.date, dt.date, str]]:
        return zip(  # type: ignore[return-value]
            self.pairing_id.tolist(),
            self.period.tolist(),
            self.sequence.tolist(),
            self.start.tolist(),
            self.end.tolist(),
            self.host.tolist(),
            strict=True,
        )


_NONE = Windows(
    *(
        np.zeros(0, dtype=t)
        for t in (np.int64, np.int32, np.int32, "datetime64[D]", "datetime64[D]")
    ),
    np.zeros(0, dtype=object),
)


def windows_plan(
    pairings: Iterable[Pairing] | Any, *, today: dt.date, horizon_days: int = HORIZON_DAYS
) -> Windows:
    """Windows extending each pairing's plan from ``today`` to the horizon (not yet stored).

    ``pairings`` is a queryset (or list) of pairings of one programme.
    """
    rows = _rows(pairings)
    if not rows:
        return _NONE
    programme = Programme.objects.get(pk=rows[0]["programme_id"])
    if any(r["programme_id"] != programme.pk for r in rows):
        raise ValueError("windows_plan takes the pairings of one programme at a time")
    last, done = _stored(r["id"] for r in rows)
    plan = roll_forward(
        _engine_pairings(rows, done),
        np.array([last.get(r["id"]) for r in rows], dtype="datetime64[D]"),
        start=today,
        until=today + dt.timedelta(days=horizon_days),
        cadence_weeks=programme.cadence_weeks,
        window_days=min(WINDOW_DAYS, 7 * programme.cadence_weeks),
        country=programme.country,
        min_usable_days=MIN_USABLE_DAYS,
    )
    return _columns(plan, rows)


def windows_write(windows: Windows, *, batch_size: int = 5000) -> int:
    """Store the windows; one already stored for its pairing and period is skipped.

    Returns how many were new.  PostgreSQL takes them through ``COPY`` into
    a temporary table and one ``INSERT … ON CONFLICT DO NOTHING``, some ten
    times faster than ``bulk_create``; other databases use ``bulk_create``.
    """
    if len(windows) == 0:
        return 0
    if connection.vendor == "postgresql":
        return _copy(windows)
    now = timezone.now()
    rows = windows.rows()
    before = Visit.objects.count()
    while batch := list(islice(rows, batch_size)):
        Visit.objects.bulk_create(
            [
                Visit(
                    pairing_id=pairing_id,
                    period=period,
                    sequence=sequence,
                    window_start=start,
                    window_end=end,
                    host=host,
                    created_at=now,
                )
                for pairing_id, period, sequence, start, end, host in batch
            ],
            ignore_conflicts=True,
        )
    return Visit.objects.count() - before


_COLUMNS = "pairing_id, period, sequence, window_start, window_end, host"


def _copy(windows: Windows) -> int:
    table = Visit._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS visits_new (pairing_id bigint, "
            "period integer, sequence integer, window_start date, window_end date, "
            "host varchar(10)) ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE visits_new")
        with cursor.cursor.copy(f"COPY visits_new ({_COLUMNS}) FROM STDIN") as copy:
            for row in windows.rows():
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} ({_COLUMNS}, state, place_note, volunteer_outcome, "
            "household_outcome, volunteer_words, household_words, created_at) "
            f"SELECT {_COLUMNS}, 'planned', '', '', '', '', '', %s FROM visits_new "
            "ON CONFLICT DO NOTHING",
            [timezone.now()],
        )
        added = cursor.rowcount
        cursor.execute("TRUNCATE visits_new")
    return int(added)


def _rows(pairings: Iterable[Pairing] | Any) -> list[dict[str, Any]]:
    if hasattr(pairings, "values"):
        return list(pairings.values(*_FIELDS))
    ids = [p.pk for p in pairings]
    return list(Pairing.objects.filter(pk__in=ids).order_by("pk").values(*_FIELDS))


def _stored(ids: Iterable[int]) -> tuple[dict[int, dt.date], dict[int, int]]:
    """Each pairing's last stored window start and highest visit number."""
    from django.db.models import Max

    last: dict[int, dt.date] = {}
    done: dict[int, int] = {}
    id_list = list(ids)
    for start in range(0, len(id_list), 20000):
        chunk = id_list[start : start + 20000]
        stored = (
            Visit.objects.filter(pairing_id__in=chunk)
            .values("pairing_id")
            .annotate(last=Max("window_start"), done=Max("sequence"))
        )
        for row in stored:
            last[row["pairing_id"]] = row["last"]
            done[row["pairing_id"]] = row["done"]
    return last, done


@lru_cache(maxsize=4096)
def _slots(text: str) -> int:
    try:
        return dd.parse_availability(text)
    except ValueError:
        return 0


@lru_cache(maxsize=4096)
def _blackout(text: str) -> tuple[dd.DateRange, ...]:
    try:
        return dd.parse_blackout(text)
    except ValueError:
        return ()


def _engine_pairings(rows: list[dict[str, Any]], done: dict[int, int]) -> Pairings:
    n = len(rows)
    return Pairings(
        since=np.array([r["started_on"] for r in rows], dtype="datetime64[D]"),
        first_host=np.full(n, FIRST_HOST, dtype=np.int8),
        public_only=np.array([r["household__visit_places"] == "public" for r in rows]),
        volunteer_slots=np.array([_slots(r["volunteer__availability"]) for r in rows]),
        household_slots=np.array([_slots(r["household__availability"]) for r in rows]),
        volunteer_blackout=[_blackout(r["volunteer__blackout"]) for r in rows],
        household_blackout=[_blackout(r["household__blackout"]) for r in rows],
        visits_done=np.array([done.get(r["id"], 0) for r in rows], dtype=np.int32),
    )


def _columns(plan: WindowPlan, rows: list[dict[str, Any]]) -> Windows:
    ids = np.array([r["id"] for r in rows], dtype=np.int64)
    # A volunteer who meets only in public places hosts their turns in one too.
    public_volunteer = np.array([r["volunteer__visit_places"] == "public" for r in rows])
    host = plan.host.astype(np.int64)
    host[(host == HOST_VOLUNTEER) & public_volunteer[plan.pairing]] = HOST_PUBLIC
    return Windows(
        pairing_id=ids[plan.pairing],
        period=plan.period,
        sequence=plan.sequence,
        start=plan.start,
        end=plan.end,
        host=_HOSTS[host],
    )
