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
    "centre_town": "Sheffield",
    "radius_km": "25",
    "cadence_weeks": "8",
    "visit_minutes": "90",
    "languages": ["en", "ar"],
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
        ("time_zone", "Mars/Olympus", b"is not a time zone of this country"),
        ("time_zone", "America/New_York", b"is not a time zone of this country"),
        ("languages", ["en", "xx-klingon"], b"is not a language we know"),
        ("currency", "US1", b"three-letter currency code"),
        ("centre_town", "Atlantis", b"is not a town of United Kingdom"),
        ("centre_town", "Marseille", b"is not a town of United Kingdom"),
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


# --- a link to choose a new password, for a coordinator ---------------------------


def _link_url(programme, coordinator) -> str:
    membership = Coordinator.objects.get(programme=programme, user=coordinator)
    return reverse("programmes_admin:coordinator_password_link", args=[programme.pk, membership.pk])


def test_site_admin_sends_a_coordinator_a_password_link_and_it_is_recorded(
    client, site_admin, programme, coordinator, django_capture_on_commit_callbacks
):
    from kinfolk.accounts.models import AccountEvent

    otp_force_login(client, site_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_link_url(programme, coordinator))
    assert response["Location"] == reverse("programmes_admin:detail", args=[programme.pk])
    (message,) = mail.outbox
    assert message.to == [coordinator.email]
    assert "Ada has sent you a link" in message.body
    event = AccountEvent.objects.get()
    assert (event.user, event.by, event.programme) == (coordinator, site_admin, programme)
    page = client.get(response["Location"]).content.decode()
    assert "sent a link to choose a new password" in page


def test_another_programmes_coordinator_is_not_found_under_this_programme(
    client, site_admin, programme, other_programme, other_coordinator
):
    from kinfolk.accounts.models import AccountEvent

    otp_force_login(client, site_admin)
    membership = Coordinator.objects.get(user=other_coordinator)
    url = reverse("programmes_admin:coordinator_password_link", args=[programme.pk, membership.pk])
    assert client.post(url).status_code == 404
    assert not mail.outbox and not AccountEvent.objects.exists()


@pytest.mark.parametrize("persona", ["coordinator", "volunteer_user", "household_user"])
def test_only_site_admins_send_coordinators_a_link(
    client, request, persona, programme, coordinator, volunteer, household
):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(_link_url(programme, coordinator)).status_code == 404
    assert not mail.outbox
