"""Revoking a pending invitation: its link stops working and the address is forgotten."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kinfolk.people.models import Invitation
from kinfolk.testing import otp_force_login


def _invitation(programme, **fields):
    fields = {
        "role": "volunteer",
        "first_name": "Ivy",
        "email": "ivy@example.org",
        "expires_at": timezone.now() + dt.timedelta(days=5),
        **fields,
    }
    return Invitation.objects.create(programme=programme, **fields)


def _url(programme, invitation):
    return reverse("programmes:invitation_revoke", args=[programme.pk, invitation.pk])


def test_coordinator_revokes_a_pending_invitation(client, programme, coordinator):
    invitation = _invitation(programme)
    client.force_login(coordinator)
    response = client.post(_url(programme, invitation), follow=True)
    assert response.redirect_chain[-1][0] == reverse("programmes:invitations", args=[programme.pk])
    assert "revoked" in response.content.decode()
    assert not Invitation.objects.exists()


def test_an_accepted_invitation_cannot_be_revoked(client, programme, coordinator):
    invitation = _invitation(programme, accepted_at=timezone.now())
    client.force_login(coordinator)
    response = client.post(_url(programme, invitation), follow=True)
    assert "can no longer be revoked" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_get_is_not_allowed(client, programme, coordinator):
    invitation = _invitation(programme)
    client.force_login(coordinator)
    assert client.get(_url(programme, invitation)).status_code == 405
    assert Invitation.objects.count() == 1


def test_other_coordinator_gets_404_with_either_programme_in_the_url(
    client, programme, other_programme, other_coordinator
):
    invitation = _invitation(programme)
    client.force_login(other_coordinator)
    assert client.post(_url(programme, invitation)).status_code == 404
    assert client.post(_url(other_programme, invitation)).status_code == 404
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize("persona", ["volunteer_user", "household_user"])
def test_participants_get_404(client, programme, volunteer, household, persona, request):
    invitation = _invitation(programme)
    client.force_login(request.getfixturevalue(persona))
    assert client.post(_url(programme, invitation)).status_code == 404
    assert Invitation.objects.count() == 1


def test_anonymous_is_sent_to_login(client, programme):
    invitation = _invitation(programme)
    response = client.post(_url(programme, invitation))
    assert response.status_code == 302
    assert Invitation.objects.count() == 1


def test_site_admin_who_does_not_coordinate_gets_404(client, programme, site_admin):
    invitation = _invitation(programme)
    otp_force_login(client, site_admin)
    assert client.post(_url(programme, invitation)).status_code == 404
    assert Invitation.objects.count() == 1
