"""Both sides answer a proposal; only two yeses make a pairing."""

import threading

import pytest
from django.core import mail
from django.db import connection

from kinfolk.pairings.models import Pairing, Proposal
from kinfolk.pairings.services import PairingError, proposal_answer
from kinfolk.testing import contact_of, make_household, make_proposal


def test_two_accepts_start_the_pairing_and_tell_both(
    volunteer, household, django_capture_on_commit_callbacks
):
    proposal = make_proposal(volunteer, household)
    proposal_answer(proposal_id=proposal.pk, person=volunteer, accept=True)
    assert not Pairing.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        proposal_answer(proposal_id=proposal.pk, person=household, accept=True)
    pairing = Pairing.objects.get()
    assert (pairing.volunteer, pairing.household, pairing.state) == (volunteer, household, "active")
    proposal.refresh_from_db()
    assert proposal.state == "accepted"
    assert {m.to[0] for m in mail.outbox} == {"vera@example.org", "hana@example.org"}
    address = contact_of(household)["address"]
    assert all(address not in m.body for m in mail.outbox)


def test_a_decline_closes_the_proposal_without_a_reason_and_keeps_waiting_dates(
    volunteer, household, django_capture_on_commit_callbacks
):
    proposal = make_proposal(volunteer, household)
    waiting = (volunteer.waiting_since, household.waiting_since)
    with django_capture_on_commit_callbacks(execute=True):
        proposal_answer(proposal_id=proposal.pk, person=household, accept=False)
    proposal.refresh_from_db()
    volunteer.refresh_from_db()
    household.refresh_from_db()
    assert proposal.state == "declined"
    assert (volunteer.waiting_since, household.waiting_since) == waiting
    # The volunteer is told it will not go ahead, not who said no.
    assert [m.to for m in mail.outbox] == [["vera@example.org"]]
    assert "declin" not in mail.outbox[0].body.lower()


def test_a_second_answer_is_refused_and_changes_nothing(volunteer, household):
    proposal = make_proposal(volunteer, household)
    proposal_answer(proposal_id=proposal.pk, person=volunteer, accept=True)
    with pytest.raises(PairingError, match="already answered"):
        proposal_answer(proposal_id=proposal.pk, person=volunteer, accept=False)
    proposal.refresh_from_db()
    assert (proposal.state, proposal.volunteer_answer) == ("open", "accepted")


def test_an_accept_after_the_other_side_left_is_refused(volunteer, household):
    proposal = make_proposal(volunteer, household)
    household.state = "left"
    household.save(update_fields=["state"])
    with pytest.raises(PairingError, match="no longer stands"):
        proposal_answer(proposal_id=proposal.pk, person=volunteer, accept=True)
    assert Proposal.objects.get().volunteer_answer == ""


def test_an_accept_of_a_lapsed_proposal_is_refused(volunteer, household):
    proposal = make_proposal(volunteer, household, state="lapsed")
    with pytest.raises(PairingError, match="lapsed"):
        proposal_answer(proposal_id=proposal.pk, person=volunteer, accept=True)
    assert not Pairing.objects.exists()


def test_someone_elses_proposal_cannot_be_answered(volunteer, household, other_household):
    proposal = make_proposal(volunteer, household)
    with pytest.raises(Proposal.DoesNotExist):
        proposal_answer(proposal_id=proposal.pk, person=other_household, accept=True)


def test_a_person_already_paired_cannot_be_paired_twice(programme, volunteer, household):
    from kinfolk.testing import make_pairing

    other = make_household(programme)
    make_pairing(volunteer, other)
    proposal = make_proposal(volunteer, household)
    proposal_answer(proposal_id=proposal.pk, person=household, accept=True)
    with pytest.raises(PairingError, match="already paired"):
        proposal_answer(proposal_id=proposal.pk, person=volunteer, accept=True)
    assert Pairing.objects.count() == 1
    assert Proposal.objects.get(pk=proposal.pk).state == "open"


@pytest.mark.django_db(transaction=True)
def test_accepts_from_both_sides_at_the_same_moment_make_exactly_one_pairing(
    programme, volunteer, household
):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL's row locks")
    proposal = make_proposal(volunteer, household)
    barrier = threading.Barrier(2)
    errors = []

    def answer(person):
        barrier.wait()
        try:
            proposal_answer(proposal_id=proposal.pk, person=person, accept=True)
        except PairingError as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(p,)) for p in (volunteer, household)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Pairing.objects.count() == 1
    assert errors == []
    assert Proposal.objects.get().state == "accepted"
