"""Matching runs from start to sending: the coordinator's review services.

A run is claimed by a conditional update at each step (queued -> running,
ready -> sent), so a job started twice runs once and proposals are never
sent twice.  A run that fails leaves no proposed pairs behind: they are
written in the same transaction that marks the run ready.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from kinfolk.engine import dictionary as dd
from kinfolk.engine.assign import PairError
from kinfolk.pairings import notify
from kinfolk.pairings.matching import ProgressWriter, matching_run_execute
from kinfolk.pairings.models import MatchingRun, Proposal, RunPair, RunRule
from kinfolk.pairings.services import PairingError
from kinfolk.people.models import Household, HouseholdMember, Volunteer
from kinfolk.programmes.models import Organisation, Programme

logger = logging.getLogger(__name__)

_LIVE = (MatchingRun.Status.QUEUED, MatchingRun.Status.RUNNING)


def run_start(
    *,
    programme: Programme,
    by: Any,
    mode: str = "optimal",
    town: str = "",
    organisation: Organisation | None = None,
    rules_from: MatchingRun | None = None,
) -> MatchingRun:
    """Queue a matching run of the programme, a town or an organisation's volunteers."""
    from kinfolk.pairings.tasks import matching_run_execute_task

    with transaction.atomic():
        Programme.objects.select_for_update().get(pk=programme.pk)
        if programme.runs.filter(status__in=_LIVE).exists():
            raise PairingError(_("A matching run is already under way; wait for it to finish."))
        scope = "organisation" if organisation else "town" if town else "programme"
        run = MatchingRun.objects.create(
            programme=programme,
            mode=mode,
            town=town,
            organisation=organisation,
            scope=scope,
            started_by=by,
            stage="queued",
        )
        if rules_from is not None:
            RunRule.objects.bulk_create(
                RunRule(
                    run=run, volunteer_id=r.volunteer_id, household_id=r.household_id, kind=r.kind
                )
                for r in rules_from.rules.all()
            )
        transaction.on_commit(lambda: matching_run_execute_task.enqueue(run.pk))
    return run


def run_execute(*, run_id: int) -> None:
    """The background job: claim the run, match, store; a failure marks the run failed."""
    claimed = MatchingRun.objects.filter(pk=run_id, status=MatchingRun.Status.QUEUED).update(
        status=MatchingRun.Status.RUNNING, stage="loading"
    )
    if not claimed:
        return  # already run, or discarded before it started
    run = MatchingRun.objects.select_related("programme").get(pk=run_id)
    try:
        matching_run_execute(run=run, progress=ProgressWriter(run))
    except PairError as error:
        _fail(run, str(error))
    except Exception:
        logger.exception("matching run %s failed", run_id)
        _fail(run, _("The run stopped because of an error; nothing was saved. Start it again."))


def _fail(run: MatchingRun, message: str) -> None:
    MatchingRun.objects.filter(pk=run.pk).update(
        status=MatchingRun.Status.FAILED, error=message[:300], finished_at=timezone.now()
    )


def run_discard(*, run: MatchingRun) -> None:
    """Throw a run away before sending; nobody is told anything."""
    done = MatchingRun.objects.filter(
        pk=run.pk, status__in=[MatchingRun.Status.READY, MatchingRun.Status.FAILED]
    ).update(status=MatchingRun.Status.DISCARDED)
    if not done:
        raise PairingError(_("Only a run waiting for review can be discarded."))


def run_rule_set(
    *, run: MatchingRun, volunteer: Volunteer, household: Household, kind: str
) -> RunRule:
    """Lock or forbid a pair; the next run from this one keeps the decision."""
    if run.status != MatchingRun.Status.READY:
        raise PairingError(_("This run is not waiting for review."))
    if kind == RunRule.Kind.LOCK:
        pair_compatible_check(volunteer=volunteer, household=household)
    rule, _created = RunRule.objects.update_or_create(
        run=run, volunteer=volunteer, household=household, defaults={"kind": kind}
    )
    return rule


def pair_compatible_check(*, volunteer: Volunteer, household: Household) -> None:
    """A hand-made pair must share a language and meet every yes/no condition.

    Distance and common slots may be exceeded (the explanation warns); these two may not.
    """
    if not dd.can_communicate(volunteer.speaks, household.speaks):
        raise PairingError(
            _("%(v)s and %(h)s share no language at conversational level or better.")
            % {"v": volunteer.first_name, "h": household.first_name}
        )
    for offers, accepts, who in (
        (volunteer.offers, household.accepts, household.first_name),
        (household.offers, volunteer.accepts, volunteer.first_name),
    ):
        missing = set(dd.parse_conditions(offers, field="offers")) - set(
            dd.parse_conditions(accepts, field="accepts")
        )
        if missing:
            raise PairingError(
                _("%(who)s does not accept: %(what)s.")
                % {"who": who, "what": ", ".join(sorted(missing))}
            )


def run_rerun(*, run: MatchingRun, by: Any) -> MatchingRun:
    """Start the same run again with the review's locks and forbids; the old one is discarded.

    Both happen in one transaction, so a refused start leaves the reviewed run as it was.
    """
    with transaction.atomic():
        MatchingRun.objects.filter(pk=run.pk, status=MatchingRun.Status.READY).update(
            status=MatchingRun.Status.DISCARDED
        )
        return run_start(
            programme=run.programme,
            by=by,
            mode=run.mode,
            town=run.town,
            organisation=run.organisation,
            rules_from=run,
        )


def proposals_send(*, run: MatchingRun, now: dt.datetime | None = None) -> int:
    """Create a proposal for every pair still free and queue the messages; return how many.

    Claiming ready -> sent first makes a second click (or a retried job) send nothing.
    The messages go from a background job, so a run of 100,000 pairs sends quickly.
    """
    from kinfolk.pairings.tasks import proposals_notify_task

    now = now or timezone.now()
    with transaction.atomic():
        claimed = MatchingRun.objects.filter(pk=run.pk, status=MatchingRun.Status.READY).update(
            status=MatchingRun.Status.SENT, sent_at=now
        )
        if not claimed:
            raise PairingError(
                _("These proposals have already been sent, or the run was discarded.")
            )
        created = _proposals_create(run, now)
        transaction.on_commit(lambda: proposals_notify_task.enqueue(run.pk))
    return created


def proposals_notify(*, run_id: int, batch: int = 2000) -> int:
    """Tell both sides of each of the run's proposals; once per run, however often it is called."""
    claimed = MatchingRun.objects.filter(pk=run_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    if not claimed:
        return 0
    members = Prefetch(
        "household__members", queryset=HouseholdMember.objects.select_related("user")
    )
    proposals = (
        Proposal.objects.filter(run_id=run_id, state="open")
        .select_related("volunteer__user", "household")
        .prefetch_related(members)
        .order_by("pk")
    )
    told = 0
    for proposal in proposals.iterator(chunk_size=batch):
        for person in (proposal.volunteer, proposal.household):
            notify.send(person, lambda p=person, pr=proposal: _proposal_message(p, pr))
        told += 1
    return told


def _proposals_create(run: MatchingRun, now: dt.datetime) -> int:
    """One INSERT ... SELECT: a proposal for each pair whose two people are still free.

    Someone who paused or left since the run, or got another proposal, is skipped.
    Done in the database because a run of 100,000 pairs must send within a click.
    """
    answer_by = now + dt.timedelta(days=run.programme.proposal_days)
    moments = [
        connection.ops.adapt_datetimefield_value(t)
        for t in (now, answer_by, now + (answer_by - now) / 2)
    ]
    tables = {m.__name__: m._meta.db_table for m in (Proposal, RunPair, Volunteer, Household)}
    sql = f"""
        INSERT INTO {tables["Proposal"]} (programme_id, run_id, volunteer_id, household_id, state,
            volunteer_answer, household_answer, explanation, distance_km, sent_at, answer_by,
            nudge_at)
        SELECT %s, rp.run_id, rp.volunteer_id, rp.household_id, 'open', '', '', rp.explanation,
            rp.distance_km, %s, %s, %s
        FROM {tables["RunPair"]} rp
        JOIN {tables["Volunteer"]} v ON v.id = rp.volunteer_id AND v.state = 'active'
        JOIN {tables["Household"]} h ON h.id = rp.household_id AND h.state = 'active'
        WHERE rp.run_id = %s
          AND NOT EXISTS (SELECT 1 FROM {tables["Proposal"]} p
                          WHERE p.state = 'open' AND p.volunteer_id = rp.volunteer_id)
          AND NOT EXISTS (SELECT 1 FROM {tables["Proposal"]} p
                          WHERE p.state = 'open' AND p.household_id = rp.household_id)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [run.programme_id, *moments, run.pk])
        return int(cursor.rowcount)


def _proposal_message(person: Volunteer | Household, proposal: Proposal) -> tuple[str, str]:
    partner = proposal.household if isinstance(person, Volunteer) else proposal.volunteer
    body = _(
        "We would like to introduce you to %(name)s. See who they are and answer here, by "
        "%(date)s:\n\n%(link)s\n\nYes and no are both fine answers; no needs no reason."
    ) % {
        "name": partner.first_name,
        "date": proposal.answer_by.date().isoformat(),
        "link": notify.home_link(person),
    }
    return _("A proposal: meet %(name)s") % {"name": partner.first_name}, body
