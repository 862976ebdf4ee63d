"""A household's adults: list them, invite another, who joins by accepting."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from kinfolk.accounts.tokens import token_hash
from kinfolk.people.models import Invitation


def _url(household) -> str:
    return reverse("people:household_adults", args=[household.pk])


@pytest.fixture
def invite(client, household_user, household, django_capture_on_commit_callbacks):
    def post(email: str = "kofi@example.org"):
        client.force_login(household_user)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(_url(household), {"first_name": "Kofi", "email": email})

    return post


def test_owner_sees_the_adults(client, household_user, household):
    client.force_login(household_user)
    response = client.get(_url(household))
    assert response.status_code == 200
    assert "hana@example.org" in response.content.decode()


def test_inviting_an_adult_emails_a_link(invite, household):
    response = invite()
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.role == "household_adult"
    assert invitation.household == household
    assert invitation.programme == household.programme
    assert invitation.accepted_at is None
    (message,) = mail.outbox
    assert message.to == ["kofi@example.org"]
    token = re.search(r"https?://\S+/invite/([^/\s]+)/", message.body).group(1)
    assert invitation.token_hash == token_hash(token)


def test_the_invited_adult_joins_after_choosing_a_password(client, invite, household):
    invite()
    link = re.search(r"https?://[^/\s]+(/invite/\S+/)", mail.outbox[0].body).group(1)
    client.logout()
    page = client.get(link).content.decode()
    assert 'name="password1"' in page
    assert 'name="speaks"' not in page
    password = "a long and quiet river"
    response = client.post(link, {"password1": password, "password2": password, "consent": "on"})
    assert response.status_code == 302
    assert response.url == reverse("people:household_home", args=[household.pk])
    adult = household.members.get(user__email="kofi@example.org").user
    assert adult.email_verified_at is not None
    consent = household.consents.get(user=adult)
    assert consent.method == "invitation"


def test_an_adult_already_in_the_household_is_refused_beside_the_field(
    client, household_user, household
):
    client.force_login(household_user)
    response = client.post(_url(household), {"first_name": "Hana", "email": "HANA@example.org"})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_a_bad_email_is_refused_beside_the_field(client, household_user, household):
    client.force_login(household_user)
    response = client.post(_url(household), {"first_name": "Kofi", "email": "not an address"})
    assert "email" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_another_households_adults_are_404(client, household_user, other_household):
    client.force_login(household_user)
    assert client.get(_url(other_household)).status_code == 404
    data = {"first_name": "Eve", "email": "eve@example.org"}
    assert client.post(_url(other_household), data).status_code == 404
    assert not Invitation.objects.exists()


def test_volunteer_on_a_households_adults_is_404(client, volunteer_user, household):
    client.force_login(volunteer_user)
    assert client.get(_url(household)).status_code == 404


def test_coordinator_on_a_households_adults_is_404(client, coordinator, household):
    client.force_login(coordinator)
    assert client.get(_url(household)).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, household):
    response = client.get(_url(household))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
