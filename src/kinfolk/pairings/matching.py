"""The one matching adapter: database rows -> engine arrays -> engine result -> database rows.

Only this module knows both the ORM and the engine (docs/architecture.md: data flows one
way).  People already in an active pairing or an open proposal are left out
of the problem, which is the same as locking every active pairing and
cheaper: a locked pair takes both its people out of everyone else's reach.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import DatabaseError, connections, transaction
from django.db.models import QuerySet
from django.utils import timezone

from kinfolk.engine.assign import Lock, MatchResult, Summary, match
from kinfolk.engine.candidates import REASONS
from kinfolk.engine.explain import explain
from kinfolk.engine.population import COLUMNS, Population
from kinfolk.pairings.models import MatchingRun, RunPair, RunRule, RunUnpaired
from kinfolk.pairings.selectors import excluded_pairs, waiting_people
from kinfolk.people.models import Household, Volunteer
from kinfolk.regions.placing import in_regions, outside_regions
from kinfolk.vetting.selectors import volunteers_with_valid_checks

#: The engine's columns are the model's fields, but for ``id``, which is ``external_id``.
_FIELDS = ("pk", "external_id", *COLUMNS[1:])
Progress = Callable[[str, int, int], None]
logger = logging.getLogger(__name__)


def run_people(run: MatchingRun) -> tuple[QuerySet[Volunteer], QuerySet[Household]]:
    """Who a run considers: the people waiting (see ``waiting_people``) within its scope."""
    volunteers, households = waiting_people(programme=run.programme)
    # A volunteer whose check has expired gets no new proposal until it is renewed.
    volunteers = volunteers_with_valid_checks(volunteers, programme=run.programme)
    if run.region_id:
        # A region run never reaches over its border, whatever the programme allows.
        return volunteers.filter(in_regions([run.region_id])), households.filter(
            in_regions([run.region_id])
        )
    if run.organisation_id:
        volunteers = volunteers.filter(organisation_id=run.organisation_id)
    elif run.town:
        volunteers = volunteers.filter(town=run.town)
    if run.town:
        households = households.filter(town=run.town)
    return volunteers, households


def run_groups(run: MatchingRun) -> list[tuple[QuerySet[Volunteer], QuerySet[Household]]]:
    """The groups matched separately: one per region (and one of people outside any region)
    when the programme keeps pairs inside region borders, else everyone the run considers.
    """
    volunteers, households = run_people(run)
    programme = run.programme
    if run.region_id or programme.pairs_cross_regions:
        return [(volunteers, households)]
    region_ids = list(programme.regions.values_list("pk", flat=True))
    if not region_ids:
        return [(volunteers, households)]
    groups = [
        (volunteers.filter(in_regions([pk])), households.filter(in_regions([pk])))
        for pk in region_ids
    ]
    outside = outside_regions(programme.pk)
    return [*groups, (volunteers.filter(outside), households.filter(outside))]


def _records(qs: QuerySet[Any]) -> tuple[list[int], list[dict[str, str]]]:
    pks, records = [], []
    for pk, *values in qs.order_by("pk").values_list(*_FIELDS):
        record = dict(zip(COLUMNS, values, strict=True))
        since = record["waiting_since"]
        record["waiting_since"] = since.isoformat() if since else ""
        pks.append(pk)
        records.append({k: str(v) for k, v in record.items()})
    return pks, records


@dataclass
class _Part:
    """One group's match, with the database ids of its people by engine index."""

    result: MatchResult
    explanations: list[dict[str, Any]]
    v_pks: list[int]
    h_pks: list[int]


def matching_run_execute(*, run: MatchingRun, progress: Progress) -> list[MatchResult]:
    """Load, match and store the run's proposed pairs in one transaction (all or nothing).

    With regions whose borders pairs may not cross, each region is matched on its own.
    """
    groups = run_groups(run)
    parts = []
    for number, (volunteers, households) in enumerate(groups, start=1):
        step = progress if len(groups) == 1 else _group_progress(progress, number, len(groups))
        parts.append(_group_match(run, volunteers, households, step))
    progress("saving", 0, 1)
    with transaction.atomic():
        _store(run, parts)  # the last step writes the progress too
    return [part.result for part in parts]


def _group_progress(progress: Progress, number: int, count: int) -> Progress:
    def report(stage: str, done: int, total: int) -> None:
        progress(f"{stage} ({number}/{count})", done, total)

    return report


def _group_match(
    run: MatchingRun,
    volunteers: QuerySet[Volunteer],
    households: QuerySet[Household],
    progress: Progress,
) -> _Part:
    progress("loading", 0, 2)
    v_pks, v_records = _records(volunteers)
    progress("loading", 1, 2)
    h_pks, h_records = _records(households)
    progress("loading", 2, 2)
    v_pop = Population.from_records(v_records, kind="volunteers")
    h_pop = Population.from_records(h_records, kind="households")
    locks, exclusions = _rules(run, v_pks, h_pks, v_pop, h_pop)
    result = match(
        v_pop,
        h_pop,
        mode=run.mode,
        locks=locks,
        exclusions=exclusions,
        today=run.programme.today(),
        progress=progress,
    )
    progress("explain", 0, 1)
    explanations = _explanations(result)
    progress("explain", 1, 1)
    return _Part(result, explanations, v_pks, h_pks)


def _rules(
    run: MatchingRun, v_pks: list[int], h_pks: list[int], v_pop: Population, h_pop: Population
) -> tuple[list[Lock], list[tuple[str, str]]]:
    """Pairs kept in review, and pairs declined, ended or forbidden: a forbid beats a keep."""
    v_id = dict(zip(v_pks, v_pop.id.tolist(), strict=True))
    h_id = dict(zip(h_pks, h_pop.id.tolist(), strict=True))
    excluded = excluded_pairs(programme=run.programme)
    locks = [
        Lock(v_id[rule.volunteer_id], h_id[rule.household_id], manual=True)
        for rule in RunRule.objects.filter(run=run, kind=RunRule.Kind.LOCK)
        if rule.volunteer_id in v_id
        and rule.household_id in h_id
        and (rule.volunteer_id, rule.household_id) not in excluded
    ]
    exclusions = [(v_id[v], h_id[h]) for v, h in excluded if v in v_id and h in h_id]
    return locks, exclusions


def _store(run: MatchingRun, parts: list[_Part]) -> None:
    RunPair.objects.filter(run=run).delete()
    RunUnpaired.objects.filter(run=run).delete()
    for part in parts:
        _store_part(run, part.result, part.explanations, part.v_pks, part.h_pks)
    _ready_mark(run, [part.result for part in parts])


def _store_part(
    run: MatchingRun,
    result: MatchResult,
    explanations: list[dict[str, Any]],
    v_pks: list[int],
    h_pks: list[int],
) -> None:
    RunPair.objects.bulk_create(
        [
            RunPair(
                run=run,
                volunteer_id=v_pks[v],
                household_id=h_pks[h],
                cost=int(c),
                distance_km=float(d),
                exchange=bool(x),
                locked=bool(lk),
                manual=bool(lk),
                explanation=why,
            )
            for v, h, c, d, x, lk, why in zip(
                result.volunteer.tolist(),
                result.household.tolist(),
                result.cost.tolist(),
                result.distance_km.tolist(),
                result.exchange.tolist(),
                result.locked.tolist(),
                explanations,
                strict=True,
            )
        ],
        batch_size=5000,
    )
    RunUnpaired.objects.bulk_create(_unpaired_rows(run, result, v_pks, h_pks), batch_size=5000)


def _ready_mark(run: MatchingRun, results: list[MatchResult]) -> None:
    """Only a run still running becomes ready: one given up for dead meanwhile stays failed.

    Raising rolls back the pairs just written in the same transaction.
    """
    now = timezone.now()
    ready = MatchingRun.objects.filter(pk=run.pk, status=MatchingRun.Status.RUNNING).update(
        summary=_summary(results),
        status=MatchingRun.Status.READY,
        stage="saving",
        done=1,
        total=1,
        finished_at=now,
        heartbeat_at=now,
    )
    if not ready:
        raise RunAbandoned(run.pk)


def _unpaired_rows(
    run: MatchingRun, result: MatchResult, v_pks: list[int], h_pks: list[int]
) -> list[RunUnpaired]:
    rows = [
        RunUnpaired(run=run, volunteer_id=v_pks[i], reason=REASONS[r])
        for i, r in enumerate(result.volunteer_reason.tolist())
        if r != 0
    ]
    rows += [
        RunUnpaired(run=run, household_id=h_pks[i], reason=REASONS[r])
        for i, r in enumerate(result.household_reason.tolist())
        if r != 0
    ]
    return rows


def _summary(results: list[MatchResult]) -> dict[str, Any]:
    s = _headline(results)
    distances = [d for result in results for d in result.distance_km.tolist()]
    hist = _histogram(distances)
    reasons: dict[str, int] = {}
    for result in results:
        for codes in (result.volunteer_reason.tolist(), result.household_reason.tolist()):
            for r in codes:
                if r:
                    reasons[REASONS[r]] = reasons.get(REASONS[r], 0) + 1
    return {
        "pairs": s.pairs,
        "unpaired_volunteers": s.unpaired_volunteers,
        "unpaired_households": s.unpaired_households,
        "mean_km": round(s.mean_km, 2),
        "p95_km": round(s.p95_km, 2),
        "exchange_share": round(s.exchange_share, 4),
        "total_cost": int(s.total_cost),
        "all_pairs_checked": s.all_pairs_checked,
        "reasons": reasons,
        "distance_histogram": hist,
        "warnings": [w for result in results for w in result.warnings][:50],
    }


def _headline(results: list[MatchResult]) -> Summary:
    """The engine's summary, or for several regions matched apart, the figures of them all."""
    if len(results) == 1:
        return results[0].summary
    distances = np.concatenate([r.distance_km for r in results])
    exchanges = sum(int(np.count_nonzero(r.exchange)) for r in results)
    pairs = sum(r.summary.pairs for r in results)
    return Summary(
        pairs=pairs,
        unpaired_volunteers=sum(r.summary.unpaired_volunteers for r in results),
        unpaired_households=sum(r.summary.unpaired_households for r in results),
        mean_km=float(distances.mean()) if pairs else 0.0,
        p95_km=float(np.percentile(distances, 95)) if pairs else 0.0,
        exchange_share=exchanges / pairs if pairs else 0.0,
        total_cost=sum(int(r.summary.total_cost) for r in results),
        all_pairs_checked=all(r.summary.all_pairs_checked for r in results),
    )


def _histogram(
    distances: list[float], edges: tuple[int, ...] = (0, 2, 5, 10, 15, 20, 30, 50)
) -> list[dict[str, Any]]:
    counts = [0] * len(edges)
    for d in distances:
        i = max(j for j, e in enumerate(edges) if d >= e)
        counts[i] += 1
    labels = [f"{a}–{b}" for a, b in zip(edges, edges[1:], strict=False)] + [f"{edges[-1]}+"]
    return [{"label": label, "count": n} for label, n in zip(labels, counts, strict=True)]


def _explanations(result: MatchResult) -> list[dict[str, Any]]:
    """The engine's explanation of each pair, as JSON for the review page and the proposal."""
    return [
        {
            "shared_languages": list(e.shared_languages),
            # The engine words an exchange as "volunteer learns es"; pages need the tags.
            "exchange_languages": sorted(
                {phrase.rsplit(" ", 1)[-1] for phrase in e.exchange_languages}
            ),
            "exchange": [phrase.split(" ", 1)[0] for phrase in e.exchange_languages],
            "common_slots": list(e.common_slots),
            "cost": e.cost,
            "volunteer_rank": e.volunteer_rank,
            "household_rank": e.household_rank,
            "volunteer_alternatives": [list(a) for a in e.volunteer_alternatives],
            "household_alternatives": [list(a) for a in e.household_alternatives],
            "lock_cost_change": e.lock_cost_change,
            "lock_pairs_change": e.lock_pairs_change,
            "warnings": list(e.warnings),
        }
        for e in explain(result)
    ]


class RunAbandoned(Exception):
    """The run stopped being this job's (marked failed as silent, or discarded) while it ran."""


class ProgressWriter:
    """Writes a run's stage, percentage and heartbeat, at most a few times a second.

    It stops the job (``RunAbandoned``) once the run is no longer running, so a job that
    was given up for dead does no more work and stores nothing.
    """

    def __init__(self, run: MatchingRun, every_seconds: float = 0.3) -> None:
        self.run = run
        self.every = every_seconds
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < self.every and done < total:
            return
        self.last = now
        written = MatchingRun.objects.filter(
            pk=self.run.pk, status=MatchingRun.Status.RUNNING
        ).update(stage=stage, done=done, total=max(total, 1), heartbeat_at=timezone.now())
        if not written:
            raise RunAbandoned(self.run.pk)


class Heartbeat:
    """Refreshes a running run's heartbeat from a thread while the job computes.

    One engine call can run for minutes without reporting progress; without
    this thread a live run would look as silent as one whose worker was killed.
    """

    def __init__(self, run_id: int, every_seconds: float) -> None:
        self.run_id = run_id
        self.every = every_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._beat_until_stopped, name=f"run-{run_id}-heartbeat", daemon=True
        )

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=max(5.0, self.every))

    def _beat_until_stopped(self) -> None:
        try:
            while not self._stop.wait(self.every):
                if not self._beat():
                    return
        finally:
            connections.close_all()  # this thread's own connections only

    def _beat(self) -> bool:
        """Refresh the heartbeat; False once the run is no longer running."""
        try:
            return bool(
                MatchingRun.objects.filter(
                    pk=self.run_id, status=MatchingRun.Status.RUNNING
                ).update(heartbeat_at=timezone.now())
            )
        except DatabaseError:
            # A busy database is no reason to stop beating; the next beat may get through.
            logger.warning("heartbeat of matching run %s not written", self.run_id, exc_info=True)
            return True
