"""Outcome reports built in the background and kept, so no reader ever waits for one.

Reading every pairing and visit window of a national programme takes seconds,
too long for a page.  So a page never reads them: it opens the report kept
for its reader's scope (:func:`stored_report_for`) and words it
(:func:`report_read`, milliseconds).  The periodic tick (``reports.jobs``)
builds every kept report again when it is out of date (:func:`reports_refresh`):
never built, built for another day, or the outcomes behind it changed
(``caching.outcomes_fingerprint``).  The first reader of a scope finds nothing
kept yet: the page says the report is being prepared and follows the build's
progress, and a task starts the build at once rather than at the next tick.

Builds are claimed row by row (``building_since``), so two workers never
build the same report twice at once, and a claim whose worker died is taken
over after ``BUILD_TIMEOUT``.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.translation import get_language

from kinfolk.programmes.models import Programme
from kinfolk.reports.build import TOP_GROUPS, Report, report_from_facts
from kinfolk.reports.caching import outcomes_fingerprint
from kinfolk.reports.models import StoredReport
from kinfolk.reports.periods import quarter_periods
from kinfolk.reports.selectors import facts_collect
from kinfolk.reports.snapshot import VERSION, snapshot_dump, snapshot_load
from kinfolk.staff.scope import organisation_limit, region_limit

logger = logging.getLogger(__name__)

#: A build still claimed after this long lost its worker; another may take it over.
BUILD_TIMEOUT = dt.timedelta(minutes=10)
#: A tick starts no new build after this long, so the jobs after it are not held up.
TICK_BUDGET_S = 45.0
#: A scope nobody read for this long is dropped rather than built every day.
UNREAD_FOR = dt.timedelta(days=30)


def _ids(limit: frozenset[int] | None) -> list[int] | None:
    return None if limit is None else sorted(limit)


def scope_key(programme: Programme) -> str:
    """The reader's scope as text: ``all/all``, or the ids of their organisations/regions."""
    return "/".join(
        "all" if limit is None else ",".join(map(str, limit))
        for limit in (_ids(organisation_limit(programme)), _ids(region_limit(programme)))
    )


def stored_report_for(*, programme: Programme, now: dt.datetime | None = None) -> StoredReport:
    """The kept report of the reader's scope, made (and its build started) if new.

    ``programme`` comes from ``figures_programme_get``: its limits are the reader's.
    """
    now = now or timezone.now()
    # The counts (megabytes on a national programme) are read only when worded, once per build.
    stored, created = StoredReport.objects.defer("counts").get_or_create(
        programme=programme,
        scope=scope_key(programme),
        defaults={
            "organisations": _ids(organisation_limit(programme)),
            "regions": _ids(region_limit(programme)),
            "read_at": now,
        },
    )
    if created:
        from kinfolk.reports.tasks import report_build_task

        pk = stored.pk
        transaction.on_commit(lambda: report_build_task.enqueue(pk))
    elif stored.read_at is None or stored.read_at < now - dt.timedelta(days=1):
        StoredReport.objects.filter(pk=stored.pk).update(read_at=now)
    return stored


def report_read(*, stored: StoredReport, programme: Programme) -> Report | None:
    """The kept report, withheld and worded for this reader; None if never built.

    Worded once per language and build, then kept in the cache: the counts
    are the same for every reader of the scope.
    """
    if stored.built_at is None:
        return None
    key = ":".join(["reports", str(stored.pk), stored.built_at.isoformat(), get_language() or "-"])
    found = cache.get(key)
    if found is None:
        counts = StoredReport.objects.filter(pk=stored.pk).values_list("counts", flat=True).first()
        if not counts or counts.get("version") != VERSION:
            return None  # built by another version: the next tick builds it again
        collected, periods = snapshot_load(counts)
        found = report_from_facts(
            programme=programme,
            periods=periods,
            collected=collected,
            limited=stored.regions is not None,
        )
        cache.set(key, found, 24 * 3600)
    return found


def _scoped_programme(stored: StoredReport) -> Programme:
    """The programme as a reader of the row's scope sees it."""
    programme = Programme.objects.get(pk=stored.programme_id)
    for name, ids in (
        ("organisation_limit", stored.organisations),
        ("region_limit", stored.regions),
    ):
        setattr(programme, name, None if ids is None else frozenset(ids))
    return programme


def report_is_current(
    *,
    stored: StoredReport,
    programme: Programme,
    now: dt.datetime | None = None,
    fingerprint: str | None = None,
) -> bool:
    """Whether the kept report is built, for today, from the outcomes as they are now.

    A report built by another version of the snapshot is out of date as well;
    ``reports_due`` checks that in the database, without reading the counts.
    """
    if stored.built_at is None:
        return False
    fingerprint = fingerprint or outcomes_fingerprint(programme)
    return stored.built_for == programme.today(now) and stored.fingerprint == fingerprint


def _claim(stored_id: int, now: dt.datetime) -> bool:
    free = Q(building_since__isnull=True) | Q(building_since__lt=now - BUILD_TIMEOUT)
    return bool(
        StoredReport.objects.filter(free, pk=stored_id).update(
            building_since=now, stage="", done=0, total=0, error=""
        )
    )


def report_rebuild(*, stored_id: int, now: dt.datetime | None = None) -> bool:
    """Build the kept report again, if no other worker is building it; True if built.

    The fingerprint is read before the counts, so an outcome recorded during
    the build makes the next tick build again rather than be missed.
    """
    now = now or timezone.now()
    if not _claim(stored_id, now):
        return False
    stored = StoredReport.objects.get(pk=stored_id)
    programme = _scoped_programme(stored)
    today = programme.today(now)
    fingerprint = outcomes_fingerprint(programme)
    periods = quarter_periods(today)

    def progress(stage: str, done: int, total: int) -> None:
        StoredReport.objects.filter(pk=stored_id).update(
            stage=stage, done=done, total=total, building_since=timezone.now()
        )

    started = time.perf_counter()
    try:
        collected = facts_collect(
            programme=programme, periods=periods, top=TOP_GROUPS, progress=progress
        )
    except Exception as error:
        StoredReport.objects.filter(pk=stored_id).update(
            building_since=None, error=f"{type(error).__name__}: {error}"[:300]
        )
        raise
    StoredReport.objects.filter(pk=stored_id).update(
        counts=snapshot_dump(collected, periods),
        fingerprint=fingerprint,
        built_for=today,
        built_at=timezone.now(),
        build_seconds=time.perf_counter() - started,
        building_since=None,
        error="",
    )
    return True


def reports_due(*, now: dt.datetime) -> list[int]:
    """Ids of the kept reports out of date, never built first, then the oldest built."""
    rows = (
        StoredReport.objects.select_related("programme")
        .defer("counts")
        .annotate(version=KT("counts__version"))
    )
    due: list[tuple[bool, Any, int]] = []
    fingerprints: dict[int, str] = {}
    for stored in rows:
        programme = stored.programme
        if stored.programme_id not in fingerprints:
            fingerprints[stored.programme_id] = outcomes_fingerprint(programme)
        current = str(stored.version) == str(VERSION) and report_is_current(
            stored=stored,
            programme=programme,
            now=now,
            fingerprint=fingerprints[stored.programme_id],
        )
        if not current:
            due.append((stored.built_at is not None, stored.built_at or now, stored.pk))
    due.sort()
    return [pk for _built, _at, pk in due]


def reports_refresh(*, now: dt.datetime | None = None) -> int:
    """The tick's job: drop scopes nobody reads, build the out-of-date ones; how many built."""
    now = now or timezone.now()
    StoredReport.objects.filter(read_at__lt=now - UNREAD_FOR).delete()
    started = time.monotonic()
    built = 0
    for pk in reports_due(now=now):
        if time.monotonic() - started > TICK_BUDGET_S:
            break  # the next tick goes on
        try:
            built += report_rebuild(stored_id=pk, now=now)
        except Exception:
            logger.exception("outcome report %s could not be built", pk)
    return built
