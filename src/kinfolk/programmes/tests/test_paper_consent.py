"""Recording a paper consent: a coordinator enrols someone who signed the programme's form."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from kinfolk.people.models import Consent, Household, HouseholdMember, Volunteer
from kinfolk.testing import otp_force_login


def _url(programme):
    return reverse("programmes:paper_consent", args=[programme.pk])


def _data(**overrides):
    return {
        "role": "volunteer",
        "given_on": "2026-02-03",
        "email": "",
        "first_name": "Pearl",
        "town": "Leeds",
        "max_travel_km": "10",
        "visit_places": "either",
        "speaks": "en:fluent;pl:basic",
        "availability": ["mon-am", "sat-pm"],
        "travel_mode": "public",
        **overrides,
    }


def _counts():
    return (Volunteer.objects.count(), Household.objects.count(), Consent.objects.count())


def test_coordinator_sees_the_form_with_towns(client, programme, coordinator):
    client.force_login(coordinator)
    response = client.get(_url(programme))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<option value="Leeds">' in body
    assert '<option value="Bristol">' not in body  # outside the service area


def test_recording_a_volunteer_creates_an_applicant_with_a_paper_consent(
    client, programme, coordinator
):
    client.force_login(coordinator)
    response = client.post(_url(programme), _data(email="Pearl@Example.org"))
    volunteer = Volunteer.objects.get(first_name="Pearl")
    assert response["Location"] == reverse(
        "programmes:volunteer_detail", args=[programme.pk, volunteer.pk]
    )
    assert volunteer.state == "applied"
    assert volunteer.external_id == "V000001"
    assert volunteer.availability == "mon-am;sat-pm"
    assert volunteer.user.email == "pearl@example.org"
    consent = volunteer.consents.get()
    assert consent.method == "paper"
    assert consent.recorded_by == coordinator
    assert timezone.localtime(consent.given_at).date() == dt.date(2026, 2, 3)


def test_recording_a_household_makes_it_active(client, programme, coordinator):
    client.force_login(coordinator)
    client.post(_url(programme), _data(role="household", email="home@example.org"))
    household = Household.objects.get(first_name="Pearl")
    assert household.state == "active"
    assert household.external_id == "H000001"
    assert HouseholdMember.objects.get(household=household).user.email == "home@example.org"
    assert household.consents.get().method == "paper"


def test_an_email_is_optional(client, programme, coordinator):
    client.force_login(coordinator)
    client.post(_url(programme), _data())
    assert Volunteer.objects.get(first_name="Pearl").user is None


BAD_INPUT = [
    ("speaks", {"speaks": "xx-notalanguage:fluent"}),
    ("town", {"town": "Bristol"}),
    ("town", {"town": "Atlantis"}),
    ("availability", {"availability": ["someday-am"]}),
    ("blackout", {"blackout": "2026-12-20..2026-12-01"}),
    ("email", {"email": "vera@example.org"}),
    ("given_on", {"given_on": "2999-01-01"}),
    ("first_name", {"first_name": ""}),
]


@pytest.mark.parametrize(("field", "overrides"), BAD_INPUT)
def test_bad_input_is_answered_beside_the_field_and_stores_nothing(
    client, programme, coordinator, volunteer, field, overrides
):
    client.force_login(coordinator)
    before = _counts()
    response = client.post(_url(programme), _data(**overrides))
    assert response.status_code == 200
    forms = (response.context["form"], response.context["profile"])
    assert any(field in f.errors for f in forms)
    assert 'class="errorlist' in response.content.decode()
    assert _counts() == before


def test_other_coordinator_gets_404(client, programme, other_coordinator):
    client.force_login(other_coordinator)
    assert client.get(_url(programme)).status_code == 404
    assert client.post(_url(programme), _data()).status_code == 404
    assert _counts() == (0, 0, 0)


@pytest.mark.parametrize("persona", ["volunteer_user", "household_user"])
def test_participants_get_404(client, programme, volunteer, household, persona, request):
    client.force_login(request.getfixturevalue(persona))
    before = _counts()
    assert client.post(_url(programme), _data()).status_code == 404
    assert _counts() == before


def test_anonymous_is_sent_to_login(client, programme):
    response = client.post(_url(programme), _data())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert _counts() == (0, 0, 0)


def test_site_admin_who_does_not_coordinate_gets_404(client, programme, site_admin):
    otp_force_login(client, site_admin)
    assert client.get(_url(programme)).status_code == 404


# --- an address that already has an account ----------------------------------------------


def _record_with_an_address_of_another_programme(client, programme, coordinator, capture):
    client.force_login(coordinator)
    with capture(execute=True):
        return client.post(_url(programme), _data(email="BEA@example.org"), follow=True)


def test_an_existing_account_is_never_attached_nor_its_owner_named(
    client, programme, coordinator, other_volunteer, django_capture_on_commit_callbacks
):
    response = _record_with_an_address_of_another_programme(
        client, programme, coordinator, django_capture_on_commit_callbacks
    )
    page = response.content.decode()
    pearl = Volunteer.objects.get(programme=programme, first_name="Pearl")
    assert pearl.user is None
    assert not Volunteer.objects.filter(programme=programme, user=other_volunteer.user).exists()
    assert "an invitation to link an existing account was sent" in page
    # Neither the owner's real first name nor their address shows, here or on the detail page.
    assert "Bea" not in page and "bea@example.org" not in page
    assert "<bdi>Pearl</bdi> is enrolled on paper consent." in page


def test_the_owner_links_the_account_by_accepting_the_invitation(
    client, programme, coordinator, other_volunteer, mailoutbox, django_capture_on_commit_callbacks
):
    _record_with_an_address_of_another_programme(
        client, programme, coordinator, django_capture_on_commit_callbacks
    )
    (mail,) = mailoutbox
    link = re.search(r"https?://\S+(/invite/\S+/)", mail.body).group(1)
    client.force_login(other_volunteer.user)
    assert "agreed on a paper form" in client.get(link).content.decode()
    response = client.post(link, {"consent": "on"})
    pearl = Volunteer.objects.get(programme=programme, first_name="Pearl")
    assert response["Location"] == reverse("people:volunteer_home", args=[pearl.pk])
    assert pearl.user == other_volunteer.user
    assert set(pearl.consents.values_list("method", flat=True)) == {"paper", "invitation"}


def test_nobody_else_can_accept_the_link(
    client,
    programme,
    coordinator,
    other_volunteer,
    volunteer,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    _record_with_an_address_of_another_programme(
        client, programme, coordinator, django_capture_on_commit_callbacks
    )
    link = re.search(r"https?://\S+(/invite/\S+/)", mailoutbox[0].body).group(1)
    client.force_login(volunteer.user)
    assert client.post(link, {"consent": "on"}).status_code == 403
    assert Volunteer.objects.get(programme=programme, first_name="Pearl").user is None
