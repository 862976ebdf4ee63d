"""The household ends its pairing alone, at once; the other side learns only that it ended."""

import datetime as dt

import pytest
from django.core import mail

from kinfolk.pairings.models import Pairing, Proposal
from kinfolk.pairings.selectors import excluded_pairs
from kinfolk.pairings.services import PairingError, pairing_end, pairings_end_for_person
from kinfolk.testing import make_pairing, make_proposal


def test_household_ends_the_pairing_alone_and_the_volunteer_is_told_only_that(
    volunteer, household, django_capture_on_commit_callbacks
):
    pairing = make_pairing(volunteer, household)
    with django_capture_on_commit_callbacks(execute=True):
        pairing_end(pairing=pairing, by=household)
    pairing.refresh_from_db()
    assert (pairing.state, pairing.ended_by) == ("ended", "household")
    assert [m.to for m in mail.outbox] == [["vera@example.org"]]
    assert "has ended" in mail.outbox[0].body
    assert "Hana" not in mail.outbox[0].body


def test_ended_pairs_are_never_proposed_again(programme, volunteer, household):
    pairing = make_pairing(volunteer, household)
    pairing_end(pairing=pairing, by=volunteer)
    assert (volunteer.pk, household.pk) in excluded_pairs(programme=programme)


def test_both_wait_again_from_the_day_it_ended(volunteer, household):
    pairing_end(pairing=make_pairing(volunteer, household), by=household)
    volunteer.refresh_from_db()
    assert volunteer.waiting_since >= dt.date(2026, 1, 2)


def test_someone_elses_pairing_cannot_be_ended(volunteer, household, other_household):
    pairing = make_pairing(volunteer, household)
    with pytest.raises(PairingError):
        pairing_end(pairing=pairing, by=other_household)
    assert Pairing.objects.get().state == "active"


def test_ending_twice_changes_nothing_the_second_time(volunteer, household):
    pairing = make_pairing(volunteer, household)
    pairing_end(pairing=pairing, by=household)
    ended_at = Pairing.objects.get().ended_at
    pairing_end(pairing=pairing, by=volunteer)
    assert Pairing.objects.get().ended_at == ended_at


def test_leaving_ends_the_pairing_and_cancels_open_proposals(
    programme, volunteer, household, other_household
):
    make_pairing(volunteer, household)
    make_proposal(volunteer, other_household)
    pairings_end_for_person(person=volunteer, reason="left")
    assert Pairing.objects.get().state == "ended"
    assert Proposal.objects.get().state == "cancelled"


def test_leaving_through_the_page_ends_the_pairing_and_tells_the_partner(
    client, household_user, volunteer, household, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    make_pairing(volunteer, household)
    client.force_login(household_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:household_leave", args=[household.pk]))
    assert Pairing.objects.get().state == "ended"
    assert [m.to for m in mail.outbox] == [["vera@example.org"]]


def test_pausing_keeps_the_pairing_but_closes_an_open_proposal(
    volunteer, household, other_household
):
    from kinfolk.people.services.participation import participant_pause

    make_pairing(volunteer, household)
    make_proposal(volunteer, other_household)
    participant_pause(person=volunteer)
    assert Pairing.objects.get().state == "active"
    assert Proposal.objects.get().state == "cancelled"
