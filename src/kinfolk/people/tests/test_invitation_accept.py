"""Accepting an invitation is consent; used or expired links answer clearly and change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from kinfolk.people.models import Consent, Household, HouseholdMember, Invitation, Volunteer
from kinfolk.people.tests.test_profile import profile_data
from kinfolk.testing import make_user

PASSWORD = "a long and quiet river"


def _invitation(programme, role: str = "volunteer", **fields) -> Invitation:
    fields.setdefault("email", "ines@example.org")
    fields.setdefault("expires_at", timezone.now() + dt.timedelta(days=30))
    invitation = Invitation(programme=programme, role=role, first_name="Ines", **fields)
    invitation.token_issue()
    invitation.save()
    return invitation


def _url(invitation: Invitation) -> str:
    return reverse("people:invitation_accept", args=[invitation.token])


def _counts() -> tuple[int, ...]:
    models = (get_user_model(), Volunteer, Household, HouseholdMember, Consent)
    return tuple(model.objects.count() for model in models)


def _accept_data(**changes) -> dict:
    return {
        "password1": PASSWORD,
        "password2": PASSWORD,
        "consent": "on",
        **profile_data(first_name="Ines"),
        **changes,
    }


def test_the_page_shows_the_programme_and_asks_for_a_profile(client, programme):
    page = client.get(_url(_invitation(programme))).content.decode()
    assert "Leeds Befriending" in page
    assert 'name="password1"' in page
    assert 'name="speaks_0"' in page  # the first language row


def test_accepting_as_a_volunteer_creates_an_applicant_with_consent(client, programme):
    invitation = _invitation(programme)
    response = client.post(_url(invitation), _accept_data())
    volunteer = Volunteer.objects.get()
    assert response.url == reverse("people:volunteer_home", args=[volunteer.pk])
    assert volunteer.state == "applied"
    assert volunteer.user.email == "ines@example.org"
    assert volunteer.consents.get().method == "invitation"
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_accepting_as_a_household_creates_an_active_household(client, programme):
    client.post(_url(_invitation(programme, role="household")), _accept_data())
    household = Household.objects.get()
    assert household.state == "active"
    assert household.members.get().user.email == "ines@example.org"


def test_no_consent_ticked_stores_nothing(client, programme):
    invitation = _invitation(programme)
    before = _counts()
    response = client.post(_url(invitation), _accept_data(consent=""))
    assert response.status_code == 200
    assert "consent" in response.context["consent_form"].errors
    assert _counts() == before
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


@pytest.mark.parametrize(
    ("field", "value"),
    [("speaks", "xx:fluent"), ("town", "Bristol"), ("blackout", "2027-01-03..2026-12-20")],
)
def test_bad_profile_input_stores_nothing(client, programme, field, value):
    invitation = _invitation(programme)
    before = _counts()
    response = client.post(_url(invitation), _accept_data(**{field: value}))
    assert field in response.context["form"].errors
    assert _counts() == before


def test_a_used_invitation_answers_clearly_and_changes_nothing(client, programme):
    invitation = _invitation(programme)
    client.post(_url(invitation), _accept_data())
    client.logout()
    before = _counts()
    for response in (client.get(_url(invitation)), client.post(_url(invitation), _accept_data())):
        assert response.status_code == 410
        assert "already been accepted" in response.content.decode()
    assert _counts() == before


def test_an_expired_invitation_answers_clearly_and_changes_nothing(client, programme):
    invitation = _invitation(programme, expires_at=timezone.now() - dt.timedelta(minutes=1))
    before = _counts()
    response = client.post(_url(invitation), _accept_data())
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert _counts() == before


def test_an_unknown_token_is_404(client, db):
    assert client.get(reverse("people:invitation_accept", args=["nope"])).status_code == 404


def test_an_existing_account_signs_in_first_then_joins(client, programme, household):
    user = make_user("ines@example.org", first_name="Ines")
    invitation = _invitation(programme, role="household_adult", household=household)
    response = client.get(_url(invitation))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    client.force_login(user)
    page = client.get(_url(invitation)).content.decode()
    assert 'name="password1"' not in page
    response = client.post(_url(invitation), {"consent": "on"})
    assert response.url == reverse("people:household_home", args=[household.pk])
    assert household.members.filter(user=user).exists()


def test_someone_else_signed_in_cannot_accept(client, programme, household, volunteer_user):
    make_user("ines@example.org", first_name="Ines")
    invitation = _invitation(programme, role="household_adult", household=household)
    client.force_login(volunteer_user)
    response = client.post(_url(invitation), {"consent": "on"})
    assert response.status_code == 403
    assert not household.members.filter(user=volunteer_user).exists()


def test_an_invitation_to_a_household_that_left_is_closed(client, programme, household):
    invitation = _invitation(programme, role="household_adult", household=household)
    household.state = "left"
    household.save(update_fields=["state"])
    response = client.post(_url(invitation), _accept_data())
    assert response.status_code == 410
    assert not get_user_model().objects.filter(email="ines@example.org").exists()
