"""Matching runs through the adapter: scope, exclusions, review rules, faults, idempotence."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail

from kinfolk.outbox.models import Message
from kinfolk.pairings import review
from kinfolk.pairings.models import Proposal, RunPair, RunRule
from kinfolk.pairings.services import PairingError
from kinfolk.programmes.models import Organisation
from kinfolk.testing import (
    make_cohort,
    make_coordinator,
    make_household,
    make_pairing,
    make_proposal,
    make_volunteer,
    run_started,
)


@pytest.fixture
def cohort(programme):
    """Four volunteers and four households around Leeds who can all be paired."""
    return make_cohort(programme)


@pytest.fixture
def run_now(programme, django_capture_on_commit_callbacks):
    by = make_coordinator(programme)
    return lambda **kwargs: run_started(programme, by, django_capture_on_commit_callbacks, **kwargs)


def _pairs(run):
    return set(
        RunPair.objects.filter(run=run).values_list(
            "volunteer__external_id", "household__external_id"
        )
    )


def test_a_run_proposes_pairs_with_a_summary_and_explanations(cohort, run_now):
    run = run_now()
    assert run.status == "ready"
    assert run.summary["pairs"] == 4
    assert {
        "mean_km",
        "p95_km",
        "exchange_share",
        "distance_histogram",
        "reasons",
    } <= run.summary.keys()
    pair = RunPair.objects.filter(run=run).first()
    assert pair.explanation["shared_languages"] == ["en"]
    assert pair.explanation["common_slots"] == ["mon-eve", "sat-am"]


def test_people_paired_or_with_an_open_proposal_are_left_out(cohort, run_now):
    (v0, v1, *_), (h0, h1, *_) = cohort
    make_pairing(v0, h0)
    make_proposal(v1, h1)
    pairs = _pairs(run_now())
    assert not {p for p in pairs if {"V0", "V1", "H0", "H1"} & set(p)}
    assert len(pairs) == 2


def test_declined_and_ended_pairs_are_never_proposed_again(cohort, run_now):
    (v0, v1, *_), (h0, h1, *_) = cohort
    make_proposal(v0, h0, state="declined")
    make_pairing(v1, h1, state="ended")
    pairs = _pairs(run_now())
    assert ("V0", "H0") not in pairs and ("V1", "H1") not in pairs


def test_an_organisation_run_pairs_its_volunteers_with_one_towns_households(
    programme, cohort, run_now
):
    club = Organisation.objects.create(programme=programme, name="Walking club")
    (v0, *_), _households = cohort
    v0.organisation = club
    v0.save(update_fields=["organisation"])
    make_household(programme, external_id="HY", town="York", lat=53.96, lon=-1.08)
    run = run_now(organisation=club, town="Leeds")
    assert {v for v, _h in _pairs(run)} == {"V0"}
    assert all(h.startswith("H") and h != "HY" for _v, h in _pairs(run))


def test_a_rerun_keeps_the_coordinators_locks_and_forbids(cohort, run_now, programme):
    (v0, v1, *_), (h0, h1, *_) = cohort
    first = run_now()
    review.run_rule_set(run=first, volunteer=v0, household=h1, kind="lock", by=first.started_by)
    review.run_rule_set(run=first, volunteer=v1, household=h0, kind="forbid", by=first.started_by)
    second = run_now(rules_from=first)
    pairs = _pairs(second)
    assert ("V0", "H1") in pairs and ("V1", "H0") not in pairs
    assert RunPair.objects.get(run=second, volunteer=v0).locked


def test_a_hand_made_pair_that_shares_no_language_is_refused(cohort, run_now):
    (v0, *_), (h0, *_) = cohort
    h0.speaks = "pl:fluent"
    h0.save(update_fields=["speaks"])
    run = run_now()
    with pytest.raises(PairingError, match="share no language"):
        review.run_rule_set(run=run, volunteer=v0, household=h0, kind="lock", by=run.started_by)
    assert not RunRule.objects.exists()


def test_a_hand_made_pair_may_share_only_a_regional_variant_of_a_language(cohort, run_now):
    (v0, *_), (h0, *_) = cohort
    v0.speaks, h0.speaks = "en:fluent", "en-GB:conversational"
    v0.save(update_fields=["speaks"])
    h0.save(update_fields=["speaks"])
    run = run_now()
    review.run_rule_set(run=run, volunteer=v0, household=h0, kind="lock", by=run.started_by)
    assert RunRule.objects.filter(run=run, volunteer=v0, household=h0).exists()


def test_a_hand_made_pair_that_breaks_a_condition_is_refused(cohort, run_now):
    (v0, *_), (h0, *_) = cohort
    v0.offers = "pets"
    v0.save(update_fields=["offers"])
    run = run_now()
    with pytest.raises(PairingError, match="does not accept: pets"):
        review.run_rule_set(run=run, volunteer=v0, household=h0, kind="lock", by=run.started_by)


def test_a_run_that_crashes_half_way_leaves_no_pairs_and_can_start_again(
    cohort, run_now, monkeypatch
):
    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    # _summary runs after the pairs are written, inside the same transaction.
    monkeypatch.setattr("kinfolk.pairings.matching._summary", crash)
    run = run_now()
    monkeypatch.undo()
    run.refresh_from_db()
    assert run.status == "failed" and "nothing was saved" in run.error
    assert not RunPair.objects.exists()
    assert run_now().status == "ready"


def test_running_the_same_job_twice_does_the_work_once(cohort, run_now):
    run = run_now()
    pairs = list(RunPair.objects.filter(run=run).values_list("pk", flat=True))
    review.run_execute(run_id=run.pk)
    assert list(RunPair.objects.filter(run=run).values_list("pk", flat=True)) == pairs


def test_a_second_run_cannot_start_while_one_is_under_way(programme, cohort):
    by = make_coordinator(programme)
    review.run_start(programme=programme, by=by)  # no commit: stays queued
    with pytest.raises(PairingError, match="already under way"):
        review.run_start(programme=programme, by=by)


def test_sending_twice_sends_each_proposal_once(
    cohort, run_now, django_capture_on_commit_callbacks
):
    run = run_now()
    with django_capture_on_commit_callbacks(execute=True):
        assert review.proposals_send(run=run).pairs == 4
    with pytest.raises(PairingError, match="already been sent"):
        review.proposals_send(run=run)
    assert Proposal.objects.count() == 4
    assert len(mail.outbox) == 8  # one to each side of each pair
    assert all("Example Street" not in m.body for m in mail.outbox)


def test_someone_who_paused_since_the_run_gets_no_proposal(cohort, run_now):
    (v0, *_), _households = cohort
    run = run_now()
    v0.state = "paused"
    v0.save(update_fields=["state"])
    assert review.proposals_send(run=run).pairs == 3
    assert not Proposal.objects.filter(volunteer=v0).exists()


def test_a_discarded_run_cannot_be_sent(cohort, run_now):
    run = run_now()
    review.run_discard(run=run)
    with pytest.raises(PairingError):
        review.proposals_send(run=run)
    assert not Proposal.objects.exists()


def test_a_refused_rerun_leaves_the_reviewed_run_as_it_was(programme, cohort, run_now):
    reviewed = run_now()
    review.run_start(programme=programme, by=reviewed.started_by)  # another run, still queued
    with pytest.raises(PairingError, match="already under way"):
        review.run_rerun(run=reviewed, by=reviewed.started_by)
    reviewed.refresh_from_db()
    assert reviewed.status == "ready"


def test_a_language_exchange_is_stored_as_tags_the_pages_can_name(programme, run_now):
    make_volunteer(programme, external_id="VX", speaks="en:fluent", learning="es")
    make_household(programme, external_id="HX", speaks="en:fluent;es:fluent")
    run = run_now()
    why = RunPair.objects.get(run=run).explanation
    assert why["exchange_languages"] == ["es"]
    assert why["exchange"] == ["volunteer"]


def test_the_notices_are_queued_with_the_proposals_and_go_once_committed(
    programme, run_now, django_capture_on_commit_callbacks
):
    make_cohort(programme, n=12)
    run = run_now()
    with django_capture_on_commit_callbacks() as callbacks:
        reach = review.proposals_send(run=run)
    assert (reach.pairs, reach.by_email) == (12, 24)
    assert Message.objects.filter(purpose="proposal", state="queued").count() == 24
    assert len(mail.outbox) == 0  # nothing goes before the transaction commits
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 24
    assert not Message.objects.exclude(state="sent").exists()


def test_sending_a_run_enqueues_one_delivery_however_many_notices(
    programme, run_now, django_capture_on_commit_callbacks
):
    make_cohort(programme, n=6)
    run = run_now()
    with (
        mock.patch("kinfolk.outbox.tasks.outbox_deliver_task") as task,
        django_capture_on_commit_callbacks(execute=True),
    ):
        review.proposals_send(run=run)
    assert task.enqueue.call_count == 1
    Message.objects.all().delete()
    with (
        mock.patch("kinfolk.outbox.tasks.outbox_deliver_task") as task,
        django_capture_on_commit_callbacks(execute=True),
    ):
        review.proposals_notify(run_id=run.pk)
    assert Message.objects.count() == 12 and task.enqueue.call_count == 1


def test_telling_both_sides_is_queued_once_per_recipient_in_a_few_queries(
    programme, run_now, django_assert_max_num_queries
):
    make_cohort(programme, n=12)
    run = run_now()
    review.proposals_send(run=run)
    with django_assert_max_num_queries(10):
        again = review.proposals_notify(run_id=run.pk)
    assert again.by_email == 24  # the same people, reached the same way ...
    assert Message.objects.count() == 24  # ... but nothing queued twice


def test_a_sent_proposal_carries_the_pairs_explanation_and_answer_dates(cohort, run_now):
    run = run_now()
    review.proposals_send(run=run)
    pair = RunPair.objects.filter(run=run).first()
    proposal = Proposal.objects.get(volunteer=pair.volunteer)
    assert (proposal.household_id, proposal.explanation) == (pair.household_id, pair.explanation)
    assert proposal.state == "open" and proposal.distance_km == pair.distance_km
    assert proposal.answer_by - proposal.sent_at == dt.timedelta(days=10)  # the default
    assert proposal.nudge_at - proposal.sent_at == dt.timedelta(days=5)


def test_the_programme_sets_how_long_a_proposal_waits_for_answers(programme, cohort, run_now):
    programme.proposal_days = 14
    programme.save(update_fields=["proposal_days"])
    run = run_now()
    review.proposals_send(run=run)
    proposal = Proposal.objects.first()
    assert proposal.answer_by - proposal.sent_at == dt.timedelta(days=14)
