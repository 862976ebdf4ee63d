"""A forbidden pair stays forbidden at every door until it is lifted, and only then."""

import datetime as dt

import pytest
from django.core import mail

from kinfolk.pairings import review
from kinfolk.pairings.exclusions import pair_exclusion_lift, pair_exclusion_set
from kinfolk.pairings.importing import PairingImportError, pairings_import
from kinfolk.pairings.models import PairExclusion, Pairing, Proposal, RunPair, RunRule
from kinfolk.pairings.services import PairingError
from kinfolk.testing import make_cohort, make_proposal, make_volunteer, run_started

TODAY = dt.date(2026, 11, 29)
HEADER = "volunteer_id,household_id,since,agreed_on\n"


@pytest.fixture
def cohort(programme):
    return make_cohort(programme)


@pytest.fixture
def run_now(programme, coordinator, django_capture_on_commit_callbacks):
    return lambda **kwargs: run_started(
        programme, coordinator, django_capture_on_commit_callbacks, **kwargs
    )


@pytest.fixture
def forbid(programme, coordinator):
    def forbid(volunteer, household, note=""):
        return pair_exclusion_set(
            programme=programme, volunteer=volunteer, household=household, by=coordinator, note=note
        )

    return forbid


def _pairs(run):
    return set(RunPair.objects.filter(run=run).values_list("volunteer_id", "household_id"))


def _first_pair(run):
    pair = RunPair.objects.filter(run=run).order_by("volunteer__external_id").first()
    return pair.volunteer, pair.household


def test_a_forbid_set_in_review_binds_a_new_run_not_only_a_rerun(
    run_now, coordinator, cohort, programme
):
    first = run_now()
    v, h = _first_pair(first)
    review.run_rule_set(run=first, volunteer=v, household=h, kind="forbid", by=coordinator)
    review.run_discard(run=first)
    fresh = run_now()  # a new run, not a re-run of the first
    assert fresh.status == "ready"
    assert (v.pk, h.pk) not in _pairs(fresh)
    assert len(_pairs(fresh)) == 4  # both still get a partner: someone else


def test_send_skips_a_pair_forbidden_during_review(run_now, coordinator, cohort):
    run = run_now()
    v, h = _first_pair(run)
    review.run_rule_set(run=run, volunteer=v, household=h, kind="forbid", by=coordinator)
    assert review.proposals_send(run=run).pairs == 3
    assert not Proposal.objects.filter(volunteer=v, household=h).exists()
    assert not Proposal.objects.filter(volunteer=v).exists()  # no one else for them in this run


def test_send_skips_a_pair_forbidden_after_the_run_from_a_later_run(
    run_now, forbid, coordinator, cohort
):
    run = run_now()
    v, h = _first_pair(run)
    forbid(v, h)
    assert review.proposals_send(run=run).pairs == 3
    assert not Proposal.objects.filter(volunteer=v, household=h).exists()


def test_pairing_by_hand_is_refused_naming_who_forbade_it_and_when(
    run_now, forbid, coordinator, cohort
):
    run = run_now()
    (v0, *_), (_h0, _h1, h2, _h3) = cohort
    forbid(v0, h2, note="asked not to")
    with pytest.raises(PairingError) as refused:
        review.run_rule_set(run=run, volunteer=v0, household=h2, kind="lock", by=coordinator)
    assert "Vol0 and Home2 must not be paired: Cora forbade it on" in refused.value.message
    assert "Lift it on either person's page first" in refused.value.message
    assert not RunRule.objects.exists()


def test_a_forbid_replaces_the_runs_keep_of_the_same_pair_and_the_rerun_drops_it(
    run_now, coordinator, cohort, django_capture_on_commit_callbacks
):
    run = run_now()
    (v0, *_), (_h0, _h1, h2, _h3) = cohort
    review.run_rule_set(run=run, volunteer=v0, household=h2, kind="lock", by=coordinator)
    review.run_rule_set(run=run, volunteer=v0, household=h2, kind="forbid", by=coordinator)
    assert not RunRule.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        again = review.run_rerun(run=run, by=coordinator)
    again.refresh_from_db()
    assert again.status == "ready" and (v0.pk, h2.pk) not in _pairs(again)


def test_a_run_does_not_fail_when_an_older_keep_meets_a_newer_forbid(
    run_now, forbid, coordinator, cohort, django_capture_on_commit_callbacks
):
    # The engine refuses a pair both locked and excluded; the forbid must win quietly.
    run = run_now()
    (v0, *_), (_h0, _h1, h2, _h3) = cohort
    review.run_rule_set(run=run, volunteer=v0, household=h2, kind="lock", by=coordinator)
    forbid(v0, h2)
    with django_capture_on_commit_callbacks(execute=True):
        again = review.run_rerun(run=run, by=coordinator)
    again.refresh_from_db()
    assert again.status == "ready" and (v0.pk, h2.pk) not in _pairs(again)


def test_the_import_refuses_a_forbidden_pair_naming_the_row(programme, forbid, cohort):
    (v0, *_), (h0, *_) = cohort
    forbid(v0, h0)
    text = HEADER + "V1,H1,2025-03-01,2025-03-01\nV0,H0,2025-03-01,2025-03-01\n"
    with pytest.raises(PairingImportError) as refused:
        pairings_import(programme=programme, text=text, by=None, today=TODAY)
    assert "row 3, household_id: 'V0' and 'H0' are a forbidden pair" in str(refused.value)
    assert not Pairing.objects.exists()


def test_lifting_makes_the_pair_possible_again_at_every_door(
    programme, run_now, forbid, coordinator, cohort
):
    (v0, *_), (h0, *_) = cohort
    exclusion = forbid(v0, h0)
    assert (v0.pk, h0.pk) not in _pairs(run_now())
    pair_exclusion_lift(exclusion=exclusion, by=coordinator)
    exclusion.refresh_from_db()
    assert exclusion.lifted_by == coordinator and exclusion.lifted_at is not None
    run = run_now()
    assert (v0.pk, h0.pk) in _pairs(run)  # the nearest pair is proposed again
    review.run_rule_set(run=run, volunteer=v0, household=h0, kind="lock", by=coordinator)
    assert review.proposals_send(run=run).pairs == 4
    assert Proposal.objects.filter(volunteer=v0, household=h0).exists()


def test_lifting_lets_the_import_take_the_pair(programme, forbid, coordinator, cohort):
    (v0, *_), (h0, *_) = cohort
    pair_exclusion_lift(exclusion=forbid(v0, h0), by=coordinator)
    text = HEADER + "V0,H0,2025-03-01,2025-03-01\n"
    batch = pairings_import(programme=programme, text=text, by=coordinator, today=TODAY)
    assert batch.imported == 1


def test_a_lift_is_recorded_not_deleted_and_cannot_happen_twice(forbid, coordinator, cohort):
    (v0, *_), (h0, *_) = cohort
    exclusion = forbid(v0, h0)
    pair_exclusion_lift(exclusion=exclusion, by=coordinator)
    lifted_at = PairExclusion.objects.get().lifted_at
    with pytest.raises(PairingError, match="already lifted"):
        pair_exclusion_lift(exclusion=exclusion, by=coordinator)
    assert PairExclusion.objects.get().lifted_at == lifted_at


def test_forbidding_again_after_a_lift_starts_a_new_record(forbid, coordinator, cohort):
    (v0, *_), (h0, *_) = cohort
    pair_exclusion_lift(exclusion=forbid(v0, h0), by=coordinator)
    forbid(v0, h0, note="again")
    assert PairExclusion.objects.count() == 2
    assert PairExclusion.objects.filter(lifted_at__isnull=True).get().note == "again"


def test_forbidding_twice_keeps_one_standing_record(forbid, cohort):
    (v0, *_), (h0, *_) = cohort
    first = forbid(v0, h0, note="first")
    assert forbid(v0, h0, note="second") == first
    assert PairExclusion.objects.get().note == "first"


def test_forbidding_closes_their_open_proposal_and_tells_both_only_that_it_is_off(
    forbid, cohort, django_capture_on_commit_callbacks
):
    (v0, v1, *_), (h0, h1, *_) = cohort
    proposal = make_proposal(v0, h0)
    other = make_proposal(v1, h1)
    with django_capture_on_commit_callbacks(execute=True):
        forbid(v0, h0, note="a reason the two never see")
    proposal.refresh_from_db()
    other.refresh_from_db()
    assert (proposal.state, other.state) == ("cancelled", "open")
    assert len(mail.outbox) == 2
    assert all("will not go ahead" in m.body for m in mail.outbox)
    assert not any("never see" in m.body or "forbid" in m.body.lower() for m in mail.outbox)


def test_a_person_of_another_programme_cannot_be_forbidden_here(
    programme, other_programme, coordinator, cohort
):
    stranger = make_volunteer(other_programme)
    _volunteers, (h0, *_) = cohort
    with pytest.raises(PairingError, match="not both in this programme"):
        pair_exclusion_set(programme=programme, volunteer=stranger, household=h0, by=coordinator)
    assert not PairExclusion.objects.exists()


def test_a_note_longer_than_200_characters_is_refused_and_nothing_stored(forbid, cohort):
    from django.core.exceptions import ValidationError

    (v0, *_), (h0, *_) = cohort
    with pytest.raises(ValidationError) as refused:
        forbid(v0, h0, note="x" * 201)
    assert "note" in refused.value.message_dict
    assert not PairExclusion.objects.exists()
