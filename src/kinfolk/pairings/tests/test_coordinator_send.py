"""Sending a run: a confirmation with the counts, exact words after, and whom to contact.

Issue 8, item 6: "N proposals sent; both sides of each have been told"
appeared even when people had no e-mail address or phone.
"""

import pytest
from django.core import mail
from django.urls import reverse

from kinfolk.outbox import sms
from kinfolk.outbox.models import Message
from kinfolk.pairings import review
from kinfolk.pairings.models import MatchingRun, Proposal
from kinfolk.pairings.services import PairingError
from kinfolk.testing import (
    make_cohort,
    make_household,
    make_proposal,
    make_user,
    make_volunteer,
    run_started,
)


@pytest.fixture
def texts(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.log")
    return settings.SMS_FILE_PATH


@pytest.fixture
def mixed(programme):
    """Three pairs: everyone with an e-mail; a volunteer with only a phone; a household with
    neither (enrolled on paper)."""
    make_cohort(programme, n=1, prefix="A")
    make_volunteer(programme, external_id="VP", first_name="Pia", lat=53.9, user=None)
    make_household(programme, external_id="HP", first_name="Paul", lat=53.9, users=(make_user(),))
    make_volunteer(programme, external_id="VQ", first_name="Quinn", lat=54.0, user=make_user())
    make_household(programme, external_id="HN", first_name="Nell", lat=54.0, phone="")


@pytest.fixture
def run(programme, coordinator, mixed, django_capture_on_commit_callbacks):
    return run_started(programme, coordinator, django_capture_on_commit_callbacks)


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


def _url(name, run):
    return reverse(f"matching:{name}", args=[run.programme_id, run.pk])


def _send(client, run, callbacks):
    with callbacks(execute=True):
        return client.post(_url("run_send", run), follow=True).content.decode()


def test_the_confirmation_counts_pairs_and_how_people_can_be_reached(signed_in, run):
    page = signed_in.get(_url("run_send", run)).content.decode()
    assert 'id="free-pairs">3<' in page
    assert 'id="by-email">4<' in page  # both sides of the first pair, Paul, Quinn
    assert 'id="by-sms">1<' in page  # Pia has a phone, no e-mail
    assert 'id="unreachable">1<' in page  # Nell has neither
    assert "Send 3 proposals" in page
    assert not Proposal.objects.exists()  # looking sends nothing


def test_the_run_page_sends_through_the_confirmation(signed_in, run):
    page = signed_in.get(_url("run_detail", run)).content.decode()
    assert f'href="{_url("run_send", run)}"' in page
    assert f'action="{_url("run_send", run)}"' not in page


def test_sending_says_exactly_who_is_told_how(
    signed_in, run, texts, django_capture_on_commit_callbacks
):
    page = _send(signed_in, run, django_capture_on_commit_callbacks)
    assert "3 proposals sent." in page
    assert "4 people are being told by e-mail and 1 by text message." in page
    assert "1 person has no e-mail address or mobile phone" in page
    assert "both sides of each have been told" not in page
    assert len(mail.outbox) == 4
    assert [t.to for t in sms.read_file(texts)] == ["+441134960" + _phone_tail("VP")]
    assert "A proposal: meet Paul" in sms.read_file(texts)[0].body


def _phone_tail(external_id):
    from kinfolk.people.models import Volunteer
    from kinfolk.privacy.services import phone_for_delivery

    return phone_for_delivery(Volunteer.objects.get(external_id=external_id))[-3:]


def test_the_sent_run_shows_delivery_and_lists_whom_to_contact(
    signed_in, run, texts, django_capture_on_commit_callbacks
):
    sending = _send(signed_in, run, django_capture_on_commit_callbacks)
    assert 'id="told-email">0 delivered, 4 on the way, 0 failed' in sending  # not yet committed
    page = signed_in.get(_url("run_detail", run)).content.decode()
    assert 'id="told-email">4 delivered, 0 on the way, 0 failed' in page
    assert 'id="told-sms">1 delivered, 0 on the way, 0 failed' in page
    assert "1 person no message reached" in page
    listing = signed_in.get(_url("run_unreached", run)).content.decode()
    nell = run.programme.households.get(external_id="HN")
    assert reverse("programmes:household_detail", args=[run.programme_id, nell.pk]) in listing
    assert "No e-mail address and no mobile phone." in listing
    assert "Pia" not in listing and "Paul" not in listing


def test_a_notice_that_failed_for_good_puts_the_person_on_the_list(
    signed_in, run, texts, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        signed_in.post(_url("run_send", run))
    Message.objects.filter(to__startswith="+44").update(state="failed", last_error="refused")
    listing = signed_in.get(_url("run_unreached", run)).content.decode()
    assert "Pia" in listing and "The message could not be delivered." in listing


def test_a_newer_run_of_an_overlapping_scope_supersedes_an_older_one(
    signed_in, programme, coordinator, run, django_capture_on_commit_callbacks
):
    newer = run_started(programme, coordinator, django_capture_on_commit_callbacks, town="Leeds")
    page = signed_in.get(_url("run_send", run)).content.decode()
    assert f"A newer run (#{newer.pk}) covers some of the same people" in page
    assert "Send 3 proposals" not in page
    detail = signed_in.get(_url("run_detail", run)).content.decode()
    assert 'id="superseded"' in detail and f'href="{_url("run_send", run)}"' not in detail
    response = _send(signed_in, run, django_capture_on_commit_callbacks)
    assert "covers some of the same people" in response
    run.refresh_from_db()
    assert run.status == "ready" and not Proposal.objects.exists() and not Message.objects.exists()


def test_runs_of_two_different_towns_do_not_supersede_each_other(
    programme, coordinator, run, django_capture_on_commit_callbacks
):
    run.town = "Leeds"
    run.save(update_fields=["town"])
    MatchingRun.objects.create(programme=programme, town="Bradford", status="ready")
    assert review.run_superseded_reason(run=run) is None


def test_a_discarded_newer_run_supersedes_nothing(programme, run):
    MatchingRun.objects.create(programme=programme, status="discarded")
    assert review.run_superseded_reason(run=run) is None


def test_a_run_whose_people_were_proposed_meanwhile_cannot_be_sent(programme, run):
    pair = run.pairs.first()
    other = make_household(programme, external_id="HX")
    proposal = make_proposal(pair.volunteer, other)
    proposal.state = "declined"  # even closed again: the run is out of date
    proposal.save(update_fields=["state"])
    with pytest.raises(PairingError, match="proposed to someone else since it ran"):
        review.proposals_send(run=run)
    run.refresh_from_db()
    assert run.status == "ready"
    assert list(Proposal.objects.all()) == [proposal]


def test_a_sent_run_has_no_confirmation_to_show(signed_in, run, django_capture_on_commit_callbacks):
    _send(signed_in, run, django_capture_on_commit_callbacks)
    response = signed_in.get(_url("run_send", run), follow=True)
    assert "Only a run waiting for review can be sent." in response.content.decode()


@pytest.mark.parametrize("page", ["run_send", "run_unreached"])
def test_another_programmes_coordinator_gets_404(client, other_coordinator, run, page):
    client.force_login(other_coordinator)
    assert client.get(_url(page, run)).status_code == 404
    assert client.post(_url(page, run)).status_code == 404
    run.refresh_from_db()
    assert run.status == "ready" and not Proposal.objects.exists()


@pytest.mark.parametrize("who", ["volunteer_user", "household_user"])
def test_a_participant_cannot_send_a_run(request, client, run, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(_url("run_send", run)).status_code == 404
    run.refresh_from_db()
    assert run.status == "ready" and not Proposal.objects.exists()
