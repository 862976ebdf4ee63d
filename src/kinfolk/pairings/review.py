"""Matching runs from start to sending: the coordinator's review services.

A run is claimed by a conditional update at each step (queued -> running,
ready -> sent), so a job started twice runs once and proposals are never
sent twice.  A run that fails leaves no proposed pairs behind: they are
written in the same transaction that marks the run ready.  Sending writes
the proposals and queues their notices (outbox rows) in one transaction, so
a crash either leaves the run ready with nobody told, or sent with every
notice queued.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kinfolk.engine import dictionary as dd
from kinfolk.engine.assign import PairError
from kinfolk.pairings.exclusions import pair_allowed_check, pair_exclusion_set
from kinfolk.pairings.matching import (
    Heartbeat,
    ProgressWriter,
    RunAbandoned,
    matching_run_execute,
)
from kinfolk.pairings.models import MatchingRun, PairExclusion, Proposal, RunPair, RunRule
from kinfolk.pairings.proposal_notices import Reach, proposal_notices_queue
from kinfolk.pairings.services import PairingError
from kinfolk.people.models import Household, HouseholdMember, Volunteer, VolunteerCheck
from kinfolk.privacy.services import phone_for_delivery
from kinfolk.programmes.models import Organisation, Programme
from kinfolk.regions.models import Region
from kinfolk.staff.scope import region_limit
from kinfolk.vetting.models import CheckExpiry
from kinfolk.vetting.selectors import check_expired_exists, volunteer_checks_expired

logger = logging.getLogger(__name__)

_LIVE = (MatchingRun.Status.QUEUED, MatchingRun.Status.RUNNING)


def run_start(
    *,
    programme: Programme,
    by: Any,
    mode: str = "optimal",
    town: str = "",
    organisation: Organisation | None = None,
    region: Region | None = None,
    rules_from: MatchingRun | None = None,
) -> MatchingRun:
    """Queue a matching run of the programme, a town, an organisation's volunteers or a region."""
    from kinfolk.pairings.tasks import matching_run_execute_task

    with transaction.atomic():
        Programme.objects.select_for_update().get(pk=programme.pk)
        runs_stale_fail(programme=programme)
        # Runs of different regions (or towns) share nobody, so regional teams need
        # not queue behind each other; a run over the same people must wait.
        wanted = MatchingRun(programme=programme, town="" if region else town, region=region)
        if any(_scopes_overlap(wanted, live) for live in programme.runs.filter(status__in=_LIVE)):
            raise PairingError(_("A matching run is already under way; wait for it to finish."))
        limit = region_limit(programme)
        if region is not None and region.programme_id != programme.pk:
            raise PairingError(_("Pick a region of this programme."))
        if limit is not None and (region is None or region.pk not in limit):
            raise PairingError(_("You pair people of your own regions only: pick one of them."))
        scope = (
            "region"
            if region
            else "organisation"
            if organisation
            else "town"
            if town
            else "programme"
        )
        run = MatchingRun.objects.create(
            programme=programme,
            mode=mode,
            town="" if region else town,
            organisation=None if region else organisation,
            region=region,
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
    """The background job: claim the run, match, store; a failure marks the run failed.

    While it runs, the run's heartbeat is refreshed (by each progress report and by
    a thread between them), so a run whose worker dies is recognised as failed.
    """
    claimed = MatchingRun.objects.filter(pk=run_id, status=MatchingRun.Status.QUEUED).update(
        status=MatchingRun.Status.RUNNING, stage="loading", heartbeat_at=timezone.now()
    )
    if not claimed:
        return  # already run, or discarded before it started
    run = MatchingRun.objects.select_related("programme").get(pk=run_id)
    try:
        with Heartbeat(run_id, every_seconds=_heartbeat_seconds()):
            matching_run_execute(run=run, progress=ProgressWriter(run))
    except RunAbandoned:
        logger.warning("matching run %s was given up while it ran; its result is dropped", run_id)
    except PairError as error:
        _fail(run, str(error))
    except Exception:
        logger.exception("matching run %s failed", run_id)
        _fail(run, _("The run stopped because of an error; nothing was saved. Start it again."))


def _heartbeat_seconds() -> float:
    # Ten beats per silence allowed: a beat or two lost to a busy database is harmless.
    return max(0.1, settings.MATCHING_RUN_STALE_SECONDS / 10)


def _fail(run: MatchingRun, message: str) -> None:
    MatchingRun.objects.filter(pk=run.pk, status=MatchingRun.Status.RUNNING).update(
        status=MatchingRun.Status.FAILED, error=message[:300], finished_at=timezone.now()
    )


def runs_stale_fail(*, programme: Programme | None = None, now: dt.datetime | None = None) -> int:
    """Mark failed each running run whose heartbeat stopped: its worker died mid-way.

    Nothing of such a run was saved (pairs are stored in the transaction that makes
    it ready), so a new run may start and this one may be discarded.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.MATCHING_RUN_STALE_SECONDS)
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    runs = MatchingRun.objects.filter(silent, status=MatchingRun.Status.RUNNING)
    if programme is not None:
        runs = runs.filter(programme=programme)
    # Read first: pages call this on every poll, and on SQLite even an UPDATE that changes
    # nothing waits for the write lock a worker may hold while it saves a large run.
    if not runs.exists():
        return 0
    return runs.update(
        status=MatchingRun.Status.FAILED, error=MatchingRun.WORKER_LOST, finished_at=now
    )


def run_discard(*, run: MatchingRun) -> None:
    """Throw a run away before sending; nobody is told anything.

    A queued run may go too: if its job starts later, it finds the run discarded and stops.
    """
    done = MatchingRun.objects.filter(
        pk=run.pk,
        status__in=[
            MatchingRun.Status.QUEUED,
            MatchingRun.Status.READY,
            MatchingRun.Status.FAILED,
        ],
    ).update(status=MatchingRun.Status.DISCARDED)
    if not done:
        raise PairingError(
            _("A run can be discarded only before it is sent, and not while it is running.")
        )


FORBID = "forbid"


def run_rule_set(
    *,
    run: MatchingRun,
    volunteer: Volunteer,
    household: Household,
    kind: str,
    by: Any,
    note: str = "",
) -> RunRule | PairExclusion:
    """Keep a pair for the next run from this one, or forbid it for the programme for good.

    A forbid replaces this run's keep of the same pair; a forbidden pair cannot be kept.
    """
    if run.status != MatchingRun.Status.READY:
        raise PairingError(_("This run is not waiting for review."))
    if kind == FORBID:
        with transaction.atomic():
            RunRule.objects.filter(run=run, volunteer=volunteer, household=household).delete()
            return pair_exclusion_set(
                programme=run.programme, volunteer=volunteer, household=household, by=by, note=note
            )
    pair_allowed_check(volunteer=volunteer, household=household)
    pair_compatible_check(volunteer=volunteer, household=household)
    checks_valid_check(volunteer=volunteer)
    rule, _created = RunRule.objects.update_or_create(
        run=run, volunteer=volunteer, household=household, defaults={"kind": RunRule.Kind.LOCK}
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


def checks_valid_check(*, volunteer: Volunteer) -> None:
    """A volunteer one of whose required checks has expired gets no new proposal."""
    expired = volunteer_checks_expired(volunteer=volunteer)
    if expired:
        first = expired[0]
        raise PairingError(
            _(
                "%(name)s's %(check)s expired on %(date)s, so they cannot be proposed to anyone. "
                "Record the renewal on their page first."
            )
            % {
                "name": volunteer.first_name,
                "check": first.volunteer_check.get_kind_display(),
                "date": formats.date_format(first.expires_on, "DATE_FORMAT"),
            }
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
            region=run.region,
            rules_from=run,
        )


def run_superseded_reason(*, run: MatchingRun) -> str | None:
    """Why this run must not be sent any more, in words for the coordinator; else None.

    A newer run whose scope overlaps has already looked at the same people,
    and people proposed to someone else since this run started are taken.
    """
    newer = (
        run.programme.runs.filter(created_at__gt=run.created_at)
        .exclude(pk=run.pk)
        .exclude(status__in=[MatchingRun.Status.DISCARDED, MatchingRun.Status.FAILED])
    )
    for other in newer.order_by("created_at"):
        if _scopes_overlap(run, other):
            return _(
                "A newer run (#%(n)s) covers some of the same people, so this one is out of "
                "date. Review and send the newer run, or start a new one."
            ) % {"n": other.pk}
    pairs = RunPair.objects.filter(run=run)
    proposed = Proposal.objects.filter(sent_at__gt=run.created_at).exclude(run=run)
    taken = proposed.filter(
        Q(volunteer_id__in=pairs.values("volunteer_id"))
        | Q(household_id__in=pairs.values("household_id"))
    )
    if taken.exists():
        return _(
            "Some people in this run have been proposed to someone else since it ran, so it "
            "is out of date. Start a new run."
        )
    return None


def _scopes_overlap(a: MatchingRun, b: MatchingRun) -> bool:
    # Every run considers all the households of its town (or of the programme),
    # so two runs share people unless they are confined to different towns, or to
    # different regions (a region run never reaches over its border): regional
    # teams each send their own run.
    if a.region_id and b.region_id:
        return a.region_id == b.region_id
    return not (a.town and b.town and a.town != b.town)


def _free_pairs(run: MatchingRun) -> QuerySet[RunPair]:
    """The run's pairs whose two people are still free: the ones a send proposes.

    A volunteer whose check expired since the run is not free: no new proposal
    until the check is renewed.
    """
    open_ = Proposal.objects.filter(state=Proposal.State.OPEN)
    programme = run.programme
    expired = check_expired_exists(
        volunteer_ref=OuterRef("volunteer_id"), programme=programme, today=programme.today()
    )
    return (
        RunPair.objects.filter(run=run, volunteer__state="active", household__state="active")
        .exclude(Exists(open_.filter(volunteer_id=OuterRef("volunteer_id"))))
        .exclude(Exists(open_.filter(household_id=OuterRef("household_id"))))
        .exclude(expired)
    )


def run_reach(*, run: MatchingRun) -> Reach:
    """Before sending: how many pairs are still free, and how their people can be told."""
    pairs = _free_pairs(run)
    volunteers = Volunteer.objects.filter(pk__in=pairs.values("volunteer_id"))
    households = Household.objects.filter(pk__in=pairs.values("household_id"))
    reads = HouseholdMember.objects.filter(
        household_id=OuterRef("pk"), user__is_active=True, user__email__gt=""
    )
    read = {"user__is_active": True, "user__email__gt": ""}
    by_email = volunteers.filter(**read).count() + households.filter(Exists(reads)).count()
    # Only the few without an e-mail are loaded, to ask for a phone to text.
    rest = [*volunteers.exclude(**read), *households.exclude(Exists(reads))]
    by_sms = sum(1 for person in rest if phone_for_delivery(person))
    return Reach(pairs.count(), by_email, by_sms, len(rest) - by_sms)


def proposals_send(*, run: MatchingRun, now: dt.datetime | None = None) -> Reach:
    """Propose every pair still free and queue the notices to both sides, all in one transaction.

    Claiming ready -> sent first makes a second click send nothing; a
    superseded run is refused with the reason.  Returns how many proposals
    were made and how their people are told.
    """
    now = now or timezone.now()
    with transaction.atomic():
        reason = run_superseded_reason(run=run)
        if reason:
            raise PairingError(reason)
        claimed = MatchingRun.objects.filter(pk=run.pk, status=MatchingRun.Status.READY).update(
            status=MatchingRun.Status.SENT, sent_at=now, notified_at=now
        )
        if not claimed:
            raise PairingError(
                _("These proposals have already been sent, or the run was discarded.")
            )
        created = _proposals_create(run, now)
        told = proposals_notify(run_id=run.pk)
    return Reach(created, told.by_email, told.by_sms, told.unreachable)


def proposals_notify(*, run_id: int) -> Reach:
    """Queue a notice to both sides of each open proposal of the run, in the caller's transaction.

    See ``proposal_notices``: by e-mail to each reader, else by SMS; once per recipient.
    """
    return proposal_notices_queue(run_id=run_id)


def _proposals_create(run: MatchingRun, now: dt.datetime) -> int:
    """One INSERT ... SELECT: a proposal for each pair whose two people are still free.

    Someone who paused or left since the run, or got another proposal, is skipped, and so
    is a pair forbidden since the run (a forbid outlasts the run it was set in), and a
    volunteer one of whose required checks has expired.
    Done in the database because a run of 100,000 pairs must send within a click.
    """
    answer_by = now + dt.timedelta(days=run.programme.proposal_days)
    moments = [
        connection.ops.adapt_datetimefield_value(t)
        for t in (now, answer_by, now + (answer_by - now) / 2)
    ]
    tables = {
        m.__name__: m._meta.db_table
        for m in (
            Proposal,
            RunPair,
            Volunteer,
            Household,
            PairExclusion,
            CheckExpiry,
            VolunteerCheck,
        )
    }
    kinds = run.programme.required_checks
    expired_sql, expired_params = "", []
    if kinds:
        expired_sql = f"""
          AND NOT EXISTS (SELECT 1 FROM {tables["CheckExpiry"]} x
                          JOIN {tables["VolunteerCheck"]} c ON c.id = x.volunteer_check_id
                          WHERE c.volunteer_id = rp.volunteer_id
                            AND c.kind IN ({", ".join(["%s"] * len(kinds))})
                            AND x.expires_on < %s)"""
        today = connection.ops.adapt_datefield_value(run.programme.today(now))
        expired_params = [*kinds, today]
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
          AND NOT EXISTS (SELECT 1 FROM {tables["PairExclusion"]} e
                          WHERE e.volunteer_id = rp.volunteer_id
                            AND e.household_id = rp.household_id AND e.lifted_at IS NULL)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql + expired_sql, [run.programme_id, *moments, run.pk, *expired_params])
        return int(cursor.rowcount)
