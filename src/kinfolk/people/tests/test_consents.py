"""The consent record: how, when and by whom; withdrawing leaves at once."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from kinfolk.people.models import Consent, Household, Volunteer


def _url(person: Volunteer | Household, page: str = "consents") -> str:
    kind = "volunteer" if isinstance(person, Volunteer) else "household"
    return reverse(f"people:{kind}_{page}", args=[person.pk])


def test_owner_sees_their_consents(client, volunteer_user, volunteer):
    client.force_login(volunteer_user)
    response = client.get(_url(volunteer))
    assert response.status_code == 200
    assert "online sign-up" in response.content.decode()


def test_a_paper_consent_shows_the_coordinators_first_name(
    client, household_user, household, coordinator
):
    Consent.objects.create(
        household=household, method="paper", recorded_by=coordinator, given_at=timezone.now()
    )
    client.force_login(household_user)
    page = client.get(_url(household)).content.decode()
    assert "on paper, recorded by a coordinator" in page
    assert "<bdi>Cora</bdi>, coordinator" in page
    assert coordinator.email not in page


def test_withdraw_asks_once_then_leaves_at_once(client, household_user, household):
    client.force_login(household_user)
    response = client.get(_url(household, "consent_withdraw"))
    assert response.status_code == 200
    household.refresh_from_db()
    assert household.state == "active"
    response = client.post(_url(household, "consent_withdraw"))
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.state == "left"
    assert household.consents.get().withdrawn_at is not None


def test_another_households_consents_are_404(client, household_user, other_household):
    client.force_login(household_user)
    assert client.get(_url(other_household)).status_code == 404
    assert client.post(_url(other_household, "consent_withdraw")).status_code == 404
    assert other_household.consents.get().withdrawn_at is None


def test_volunteer_on_a_household_consents_is_404(client, volunteer_user, household):
    client.force_login(volunteer_user)
    assert client.get(_url(household)).status_code == 404


def test_coordinator_cannot_withdraw_for_a_participant(client, coordinator, volunteer):
    client.force_login(coordinator)
    assert client.get(_url(volunteer)).status_code == 404
    assert client.post(_url(volunteer, "consent_withdraw")).status_code == 404
    volunteer.refresh_from_db()
    assert volunteer.state == "active"


def test_anonymous_is_sent_to_sign_in(client, volunteer):
    for url in (_url(volunteer), _url(volunteer, "consent_withdraw")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
