"""Review actions on a ready run: keep, forbid, pair by hand, re-run, discard, send."""

import pytest
from django.core import mail
from django.urls import reverse

from kinfolk.pairings.models import MatchingRun, PairExclusion, Proposal, RunPair, RunRule
from kinfolk.testing import make_cohort, run_started

ACTIONS = ("run_rule", "run_manual", "run_rerun", "run_discard", "run_send")


@pytest.fixture
def cohort(programme):
    return make_cohort(programme)


@pytest.fixture
def run(programme, coordinator, cohort, django_capture_on_commit_callbacks):
    return run_started(programme, coordinator, django_capture_on_commit_callbacks)


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


def _url(name, run):
    return reverse(f"matching:{name}", args=[run.programme_id, run.pk])


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_keeping_a_pair_adds_a_lock_rule(signed_in, run):
    pair = RunPair.objects.filter(run=run).first()
    response = signed_in.post(_url("run_rule", run), {"pair": pair.pk, "kind": "lock"})
    assert response.status_code == 302 and response["Location"] == _url("run_detail", run)
    rule = RunRule.objects.get()
    assert (rule.volunteer_id, rule.household_id, rule.kind) == (
        pair.volunteer_id,
        pair.household_id,
        "lock",
    )


def test_forbidding_a_pair_forbids_it_for_the_programme_and_shows_it_on_the_page(signed_in, run):
    pair = RunPair.objects.filter(run=run).first()
    response = signed_in.post(
        _url("run_rule", run), {"pair": pair.pk, "kind": "forbid"}, follow=True
    )
    exclusion = PairExclusion.objects.get()
    assert (exclusion.volunteer_id, exclusion.household_id) == (
        pair.volunteer_id,
        pair.household_id,
    )
    assert not RunRule.objects.exists()
    page = response.content.decode()
    assert "will never be proposed to each other" in page and "never this pair" in page


def test_a_pair_of_another_run_cannot_be_ruled_on(
    signed_in, run, programme, coordinator, django_capture_on_commit_callbacks
):
    signed_in.post(_url("run_discard", run))
    newer = run_started(programme, coordinator, django_capture_on_commit_callbacks)
    old_pair = RunPair.objects.filter(run=run).first()
    response = signed_in.post(
        _url("run_rule", newer), {"pair": old_pair.pk, "kind": "lock"}, follow=True
    )
    assert "not part of this run" in response.content.decode()
    assert not RunRule.objects.exists()


def test_pairing_two_people_by_hand_adds_a_lock(signed_in, run, cohort):
    (v0, *_), (_h0, _h1, h2, _h3) = cohort
    response = signed_in.post(
        _url("run_manual", run), {"volunteer_id": "V0", "household_id": "H2"}, follow=True
    )
    rule = RunRule.objects.get()
    assert (rule.volunteer, rule.household, rule.kind) == (v0, h2, "lock")
    assert "Re-run to see what this pair costs" in response.content.decode()


def _field_errors(response, field):
    return response.context["manual"].errors.get(field, [])


def test_a_hand_made_pair_sharing_no_language_is_refused_beside_the_field(signed_in, run, cohort):
    _volunteers, (h0, *_) = cohort
    h0.speaks = "pl:fluent"
    h0.save(update_fields=["speaks"])
    response = signed_in.post(_url("run_manual", run), {"volunteer_id": "V0", "household_id": "H0"})
    assert response.status_code == 200
    assert any("share no language" in e for e in _field_errors(response, "household_id"))
    assert "share no language" in response.content.decode()
    assert not RunRule.objects.exists()


def test_the_refused_form_page_links_back_to_the_run_page_not_the_post_url(signed_in, run, cohort):
    _volunteers, (h0, *_) = cohort
    h0.speaks = "pl:fluent"
    h0.save(update_fields=["speaks"])
    response = signed_in.post(_url("run_manual", run), {"volunteer_id": "V0", "household_id": "H0"})
    page = response.content.decode()
    assert f'action="{_url("run_detail", run)}#pairs"' in page
    assert 'href="?' not in page


def test_a_hand_made_pair_breaking_a_condition_is_refused(signed_in, run, cohort):
    _volunteers, (h0, *_) = cohort
    h0.offers = "pets"
    h0.save(update_fields=["offers"])
    response = signed_in.post(_url("run_manual", run), {"volunteer_id": "V0", "household_id": "H0"})
    assert any("does not accept: pets" in e for e in _field_errors(response, "household_id"))
    assert not RunRule.objects.exists()


def test_an_unknown_id_is_named_beside_its_field(signed_in, run, other_volunteer):
    response = signed_in.post(
        _url("run_manual", run),
        {"volunteer_id": other_volunteer.external_id, "household_id": "H0"},
    )
    assert any("No one with id" in e for e in _field_errors(response, "volunteer_id"))
    assert not RunRule.objects.exists()


def test_a_rerun_starts_a_new_run_that_keeps_the_hand_made_pair(
    signed_in, run, cohort, django_capture_on_commit_callbacks
):
    (v0, *_), (_h0, _h1, h2, _h3) = cohort
    signed_in.post(_url("run_manual", run), {"volunteer_id": "V0", "household_id": "H2"})
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(_url("run_rerun", run))
    new = MatchingRun.objects.exclude(pk=run.pk).get()
    assert response["Location"] == _url("run_detail", new)
    run.refresh_from_db()
    new.refresh_from_db()
    assert (run.status, new.status) == ("discarded", "ready")
    kept = RunPair.objects.get(run=new, volunteer=v0)
    assert kept.household == h2 and kept.manual
    page = signed_in.get(_url("run_detail", new)).content.decode()
    assert "by hand" in page


def test_discarding_a_run_tells_nobody(signed_in, run):
    response = signed_in.post(_url("run_discard", run))
    assert response["Location"] == reverse("matching:runs", args=[run.programme_id])
    run.refresh_from_db()
    assert run.status == "discarded"
    assert not Proposal.objects.exists() and not mail.outbox


def test_sending_proposals_says_how_many_and_a_second_click_sends_nothing(signed_in, run):
    first = signed_in.post(_url("run_send", run), follow=True)
    assert Proposal.objects.count() == 4
    assert "4 proposals sent" in first.content.decode()
    assert "4 proposals were sent</strong>" in first.content.decode()
    n_mails = len(mail.outbox)
    second = signed_in.post(_url("run_send", run), follow=True)
    assert "already been sent" in second.content.decode()
    assert Proposal.objects.count() == 4 and len(mail.outbox) == n_mails


def test_a_sent_run_offers_no_review_actions(signed_in, run):
    signed_in.post(_url("run_send", run))
    page = signed_in.get(_url("run_detail", run)).content.decode()
    assert _url("run_send", run) not in page and _url("run_rule", run) not in page


def test_a_running_run_cannot_be_ruled_on_or_sent(signed_in, programme, coordinator, cohort):
    live = MatchingRun.objects.create(programme=programme, started_by=coordinator, status="running")
    response = signed_in.post(
        _url("run_manual", live), {"volunteer_id": "V0", "household_id": "H0"}, follow=True
    )
    assert "not waiting for review" in response.content.decode()
    signed_in.post(_url("run_send", live))
    signed_in.post(_url("run_discard", live))
    live.refresh_from_db()
    assert live.status == "running"
    assert not RunRule.objects.exists() and not Proposal.objects.exists()


def test_review_actions_get_405(signed_in, run):
    for name in ACTIONS:
        if name == "run_send":
            continue  # GET asks for confirmation first (test_coordinator_send)
        assert signed_in.get(_url(name, run)).status_code == 405


def _snapshot():
    return (
        sorted(MatchingRun.objects.values_list("id", "status")),
        RunRule.objects.count(),
        Proposal.objects.count(),
    )


def test_another_programmes_coordinator_changes_nothing(
    client, run, other_programme, other_coordinator
):
    client.force_login(other_coordinator)
    pair = RunPair.objects.filter(run=run).first()
    data = {"pair": pair.pk, "kind": "lock", "volunteer_id": "V0", "household_id": "H0"}
    before = _snapshot()
    for name in ACTIONS:
        assert client.post(_url(name, run), data).status_code == 404
        crossed = reverse(f"matching:{name}", args=[other_programme.pk, run.pk])
        assert client.post(crossed, data).status_code == 404
    assert _snapshot() == before


def test_participants_change_nothing(client, run, volunteer, household_user):
    before = _snapshot()
    for user in (volunteer.user, household_user):
        client.force_login(user)
        for name in ACTIONS:
            assert client.post(_url(name, run)).status_code == 404
    assert _snapshot() == before


def _forbid_first_pair(signed_in, run):
    pair = RunPair.objects.filter(run=run).order_by("volunteer__external_id").first()
    signed_in.post(_url("run_rule", run), {"pair": pair.pk, "kind": "forbid", "note": "no"})
    return pair.volunteer_id, pair.household_id


def test_a_pair_forbidden_in_review_is_not_sent(signed_in, run):
    volunteer_id, household_id = _forbid_first_pair(signed_in, run)
    signed_in.post(_url("run_send", run))
    assert Proposal.objects.count() == 3
    assert not Proposal.objects.filter(volunteer_id=volunteer_id, household_id=household_id)


def test_a_pair_forbidden_in_review_is_not_proposed_by_a_new_run(
    signed_in, run, programme, django_capture_on_commit_callbacks
):
    volunteer_id, household_id = _forbid_first_pair(signed_in, run)
    signed_in.post(_url("run_discard", run))
    start = {"scope": "programme", "mode": "optimal"}
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(reverse("matching:runs", args=[programme.pk]), start)
    fresh = MatchingRun.objects.exclude(pk=run.pk).get()
    assert fresh.status == "ready"
    assert not RunPair.objects.filter(
        run=fresh, volunteer_id=volunteer_id, household_id=household_id
    ).exists()


def test_a_forbidden_pair_cannot_be_paired_by_hand(signed_in, run):
    volunteer_id, household_id = _forbid_first_pair(signed_in, run)
    pair = RunPair.objects.get(run=run, volunteer_id=volunteer_id)
    response = signed_in.post(
        _url("run_manual", run),
        {"volunteer_id": pair.volunteer.external_id, "household_id": pair.household.external_id},
    )
    assert response.status_code == 200
    assert any("must not be paired" in e for e in _field_errors(response, "household_id"))
    assert not RunRule.objects.filter(kind="lock").exists()


def test_a_note_too_long_is_refused_by_name_and_nothing_is_forbidden(signed_in, run):
    pair = RunPair.objects.filter(run=run).first()
    response = signed_in.post(
        _url("run_rule", run), {"pair": pair.pk, "kind": "forbid", "note": "x" * 201}, follow=True
    )
    assert "The note is too long" in response.content.decode()
    assert not PairExclusion.objects.exists()
