"""Site administration: create programmes, appoint coordinators; nobody else gets in."""

import pytest
from django.core import mail
from django.urls import reverse

from kinfolk.programmes.models import Coordinator, Programme
from kinfolk.testing import otp_force_login

GOOD = {
    "name": "Sheffield Tandem",
    "country": "GB",
    "time_zone": "Europe/London",
    "centre_lat": "53.38",
    "centre_lon": "-1.47",
    "radius_km": "25",
    "cadence_weeks": "8",
    "visit_minutes": "90",
    "languages": "en;ar",
    "currency": "gbp",
    "proposal_days": "10",
    "requires_references": "on",
    "signup_open": "on",
}


def test_site_admin_creates_a_programme(client, site_admin):
    otp_force_login(client, site_admin)
    response = client.post(reverse("programmes_admin:create"), GOOD)
    programme = Programme.objects.get(name="Sheffield Tandem")
    assert response["Location"] == reverse("programmes_admin:detail", args=[programme.pk])
    assert (programme.cadence_weeks, programme.currency, programme.languages) == (8, "GBP", "ar;en")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_zone", "Mars/Olympus", b"is not a time zone"),
        ("languages", "en;xx-klingon", b"is not a known language tag"),
        ("currency", "US1", b"three-letter currency code"),
        ("centre_lat", "123", b"less than or equal to 90"),
        ("cadence_weeks", "0", b"greater than or equal to 1"),
    ],
)
def test_bad_programme_settings_are_refused_beside_the_field(
    client, site_admin, field, value, message
):
    otp_force_login(client, site_admin)
    response = client.post(reverse("programmes_admin:create"), {**GOOD, field: value})
    assert response.status_code == 200
    assert message in response.content
    assert not Programme.objects.exists()


def test_appointing_a_new_coordinator_creates_the_account_and_sends_a_password_link(
    client, site_admin, programme, django_capture_on_commit_callbacks
):
    otp_force_login(client, site_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("programmes_admin:appoint", args=[programme.pk]),
            {"email": "New.Coord@example.org", "first_name": "Nia"},
        )
    assert response.status_code == 302
    membership = Coordinator.objects.get(programme=programme)
    assert membership.user.email == "new.coord@example.org"
    assert not membership.user.has_usable_password()
    assert len(mail.outbox) == 1
    assert "/accounts/password/" in mail.outbox[0].body


def test_appointing_twice_keeps_one_membership(client, site_admin, programme, coordinator):
    otp_force_login(client, site_admin)
    for _ in range(2):
        client.post(
            reverse("programmes_admin:appoint", args=[programme.pk]),
            {"email": coordinator.email, "first_name": "Cora"},
        )
    assert Coordinator.objects.filter(programme=programme).count() == 1


@pytest.mark.parametrize("persona", ["coordinator", "volunteer_user", "household_user"])
def test_other_roles_cannot_open_site_administration(
    client, request, persona, volunteer, household
):
    client.force_login(request.getfixturevalue(persona))
    for url in [
        reverse("programmes_admin:list"),
        reverse("programmes_admin:create"),
        reverse("programmes_admin:detail", args=[volunteer.programme_id]),
    ]:
        assert client.get(url).status_code == 404


def test_anonymous_is_sent_to_login(client, programme):
    response = client.get(reverse("programmes_admin:detail", args=[programme.pk]))
    assert response["Location"].startswith(reverse("accounts:login"))


def test_site_admin_does_not_read_the_people_of_a_programme(
    client, site_admin, programme, volunteer
):
    # Least access: administrators appoint coordinators; coordinators read people.
    otp_force_login(client, site_admin)
    assert client.get(reverse("programmes:overview", args=[programme.pk])).status_code == 404
