"""A coordinator records a withdrawal someone made on paper or by phone: the same as leaving."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kinfolk.pairings.models import Pairing
from kinfolk.people.models import Consent, Household, Volunteer
from kinfolk.people.services.coordination import paper_consent_record
from kinfolk.people.tests.test_coordination_services import PROFILE
from kinfolk.testing import make_pairing, otp_force_login


def _url(person, page="withdraw"):
    return reverse(f"programmes:{person.side}_{page}", args=[person.programme_id, person.pk])


def _states():
    return (
        sorted(Volunteer.objects.values_list("id", "state")),
        sorted(Household.objects.values_list("id", "state")),
        sorted(Consent.objects.values_list("id", "withdrawn_at", "withdrawal_recorded_by")),
    )


@pytest.fixture
def on_paper(programme, coordinator):
    """A household enrolled on paper with no e-mail: it has no account to withdraw with."""
    return paper_consent_record(
        programme=programme,
        recorded_by=coordinator,
        role="household",
        given_on=dt.date(2026, 1, 15),
        profile=PROFILE,
    ).person


def test_the_coordinator_is_asked_to_confirm_first(client, coordinator, on_paper):
    client.force_login(coordinator)
    page = client.get(_url(on_paper)).content.decode()
    assert "Record only what the person asked for" in page
    assert Household.objects.get(pk=on_paper.pk).state == "active"


def test_recording_it_withdraws_the_consent_with_who_and_when_and_the_person_leaves(
    client, coordinator, on_paper
):
    client.force_login(coordinator)
    response = client.post(_url(on_paper), follow=True)
    assert "withdrawal of <bdi>Pearl</bdi> is recorded" in response.content.decode()
    on_paper.refresh_from_db()
    assert on_paper.state == "left"
    consent = on_paper.consents.get()
    assert consent.withdrawn_at is not None
    assert consent.withdrawal_recorded_by == coordinator
    assert "recorded by <bdi>Cora</bdi>" in client.get(_url(on_paper, "detail")).content.decode()


def test_it_has_the_same_effect_as_leaving_the_pairing_ends(
    client, coordinator, volunteer, on_paper
):
    pairing = make_pairing(volunteer, on_paper)
    client.force_login(coordinator)
    client.post(_url(on_paper))
    pairing.refresh_from_db()
    assert pairing.state == Pairing.State.ENDED


def test_a_person_with_an_account_sees_it_and_is_told(
    client, coordinator, volunteer, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(volunteer))
    (mail,) = mailoutbox
    assert mail.to == ["vera@example.org"] and "Cora" in mail.body
    client.force_login(volunteer.user)
    page = client.get(reverse("people:volunteer_consents", args=[volunteer.pk])).content.decode()
    assert "recorded by <bdi>Cora</bdi>, coordinator" in page


def test_someone_who_left_cannot_be_withdrawn_twice(client, coordinator, on_paper):
    client.force_login(coordinator)
    client.post(_url(on_paper))
    before = _states()
    response = client.post(_url(on_paper), follow=True)
    assert "already left" in response.content.decode()
    assert _states() == before


@pytest.mark.parametrize("who", ["other_coordinator", "volunteer_user", "household_user"])
def test_nobody_else_can_record_it(client, request, on_paper, household, volunteer, who):
    client.force_login(request.getfixturevalue(who))
    before = _states()
    assert client.get(_url(on_paper)).status_code == 404
    assert client.post(_url(on_paper)).status_code == 404
    assert _states() == before


def test_a_site_administrator_who_does_not_coordinate_gets_404(client, site_admin, on_paper):
    otp_force_login(client, site_admin)
    before = _states()
    assert client.post(_url(on_paper)).status_code == 404
    assert _states() == before


def test_another_programmes_person_with_my_programme_is_404(
    client, coordinator, programme, other_volunteer
):
    client.force_login(coordinator)
    url = reverse("programmes:volunteer_withdraw", args=[programme.pk, other_volunteer.pk])
    before = _states()
    assert client.post(url).status_code == 404
    assert _states() == before
