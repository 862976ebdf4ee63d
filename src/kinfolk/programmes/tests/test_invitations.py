"""Inviting someone by e-mail: the link is sent once the invitation is stored."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from kinfolk.accounts.tokens import token_hash
from kinfolk.people.models import Invitation
from kinfolk.programmes.models import Organisation
from kinfolk.testing import otp_force_login


def _url(programme):
    return reverse("programmes:invitations", args=[programme.pk])


def _data(**overrides):
    return {"role": "volunteer", "first_name": "Ivy", "email": "ivy@example.org", **overrides}


def test_coordinator_sees_the_form(client, programme, coordinator):
    client.force_login(coordinator)
    response = client.get(_url(programme))
    assert response.status_code == 200
    assert 'name="email"' in response.content.decode()


def test_inviting_stores_the_invitation_and_emails_the_link(
    client, programme, coordinator, settings, django_capture_on_commit_callbacks
):
    acme = Organisation.objects.create(programme=programme, name="Acme", kind="company")
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(programme), _data(organisation=acme.pk))
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.organisation == acme
    assert invitation.created_by == coordinator
    expected = timezone.now() + dt.timedelta(days=settings.INVITATION_DAYS)
    assert abs(invitation.expires_at - expected) < dt.timedelta(minutes=1)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ivy@example.org"]
    token = re.search(rf"{settings.SITE_URL}/invite/([^/\s]+)/", mail.outbox[0].body).group(1)
    assert invitation.token_hash == token_hash(token)


def test_an_email_already_in_the_programme_is_an_error_beside_the_field(
    client, programme, coordinator, volunteer, household, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    for email in ("vera@example.org", "HANA@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(_url(programme), _data(email=email))
        assert response.status_code == 200
        assert "already used" in str(response.context["form"].errors["email"])
    assert Invitation.objects.count() == 0
    assert len(mail.outbox) == 0


def test_an_email_used_only_in_another_programme_is_fine(
    client, programme, coordinator, other_volunteer
):
    client.force_login(coordinator)
    response = client.post(_url(programme), _data(email="bea@example.org"))
    assert response.status_code == 302
    assert Invitation.objects.count() == 1


def test_a_second_pending_invitation_to_the_same_address_is_refused(client, programme, coordinator):
    client.force_login(coordinator)
    client.post(_url(programme), _data())
    response = client.post(_url(programme), _data(role="household"))
    assert "pending" in str(response.context["form"].errors["email"])
    assert Invitation.objects.count() == 1


def test_a_malformed_email_is_refused(client, programme, coordinator):
    client.force_login(coordinator)
    response = client.post(_url(programme), _data(email="not-an-address"))
    assert response.context["form"].errors["email"]
    assert Invitation.objects.count() == 0


def test_households_do_not_come_from_an_organisation(client, programme, coordinator):
    acme = Organisation.objects.create(programme=programme, name="Acme", kind="company")
    client.force_login(coordinator)
    response = client.post(_url(programme), _data(role="household", organisation=acme.pk))
    assert response.context["form"].errors["organisation"]
    assert Invitation.objects.count() == 0


def test_another_programmes_organisation_is_refused(
    client, programme, other_programme, coordinator
):
    theirs = Organisation.objects.create(programme=other_programme, name="Theirs", kind="club")
    client.force_login(coordinator)
    response = client.post(_url(programme), _data(organisation=theirs.pk))
    assert response.context["form"].errors["organisation"]
    assert Invitation.objects.count() == 0


def test_the_list_shows_pending_accepted_and_expired(client, programme, coordinator):
    now = timezone.now()
    day = dt.timedelta(days=1)
    for name, expires, accepted in [
        ("Pia", now + day, None),
        ("Ada", now + day, now),
        ("Exa", now - day, None),
    ]:
        Invitation.objects.create(
            programme=programme,
            role="volunteer",
            first_name=name,
            email=f"{name}@example.org",
            expires_at=expires,
            accepted_at=accepted,
        )
    client.force_login(coordinator)
    rows = client.get(_url(programme)).context["invitations"]
    assert {r["invitation"].first_name: r["state"] for r in rows} == {
        "Pia": "pending",
        "Ada": "accepted",
        "Exa": "expired",
    }


def test_an_accepted_invitations_address_is_not_shown(client, programme, coordinator):
    now = timezone.now()
    Invitation.objects.create(
        programme=programme,
        role="volunteer",
        first_name="Ada",
        email="ada.accepted@example.org",
        expires_at=now + dt.timedelta(days=1),
        accepted_at=now,
    )
    client.force_login(coordinator)
    # Once accepted it is a participant's contact detail, read only through the log.
    assert "ada.accepted@example.org" not in client.get(_url(programme)).content.decode()


def test_other_coordinator_gets_404(client, programme, other_coordinator):
    client.force_login(other_coordinator)
    assert client.get(_url(programme)).status_code == 404
    assert client.post(_url(programme), _data()).status_code == 404
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize("persona", ["volunteer_user", "household_user"])
def test_participants_get_404(client, programme, volunteer, household, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(_url(programme), _data()).status_code == 404
    assert Invitation.objects.count() == 0


def test_anonymous_is_sent_to_login(client, programme):
    response = client.post(_url(programme), _data())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert Invitation.objects.count() == 0


def test_site_admin_who_does_not_coordinate_gets_404(client, programme, site_admin):
    otp_force_login(client, site_admin)
    assert client.get(_url(programme)).status_code == 404
