"""A volunteer's detail page: profile, consent, checks, contact details through the log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kinfolk.people.models import VolunteerCheck
from kinfolk.privacy.models import ContactAccessLog
from kinfolk.testing import contact_of, otp_force_login


def _url(programme, volunteer):
    return reverse("programmes:volunteer_detail", args=[programme.pk, volunteer.pk])


def test_coordinator_sees_profile_consent_and_checks(client, programme, coordinator, volunteer):
    VolunteerCheck.objects.create(
        volunteer=volunteer,
        kind="training",
        completed_on=dt.date(2026, 3, 1),
        recorded_by=coordinator,
    )
    client.force_login(coordinator)
    response = client.get(_url(programme, volunteer))
    assert response.status_code == 200
    body = response.content.decode()
    assert volunteer.external_id in body
    assert "English (fluent)" in body and "en:fluent" not in body
    assert "online sign-up" in body
    assert "training completed" in body


def test_opening_the_page_logs_the_contact_read(client, programme, coordinator, volunteer):
    client.force_login(coordinator)
    body = client.get(_url(programme, volunteer)).content.decode()
    assert contact_of(volunteer)["phone"] in body
    assert "vera@example.org" in body
    log = ContactAccessLog.objects.get(person_kind="volunteer", person_id=volunteer.pk)
    assert log.viewer_id == coordinator.pk
    assert log.reasons == "coordinator detail page"


def test_applicant_page_links_to_approval(client, programme, coordinator, applicant):
    client.force_login(coordinator)
    body = client.get(_url(programme, applicant)).content.decode()
    assert reverse("programmes:volunteer_approve", args=[programme.pk, applicant.pk]) in body


def test_other_coordinator_gets_404_with_either_programme_in_the_url(
    client, programme, other_programme, other_coordinator, volunteer
):
    client.force_login(other_coordinator)
    assert client.get(_url(programme, volunteer)).status_code == 404
    # This programme's volunteer under the other coordinator's own programme.
    assert client.get(_url(other_programme, volunteer)).status_code == 404
    assert not ContactAccessLog.objects.exists()


@pytest.mark.parametrize("persona", ["volunteer_user", "household_user"])
def test_participants_get_404_even_for_their_own_row(
    client, programme, volunteer, household, persona, request
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(programme, volunteer)).status_code == 404


def test_anonymous_is_sent_to_login(client, programme, volunteer):
    response = client.get(_url(programme, volunteer))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_site_admin_who_does_not_coordinate_gets_404(client, programme, volunteer, site_admin):
    otp_force_login(client, site_admin)
    assert client.get(_url(programme, volunteer)).status_code == 404


def test_the_detail_page_says_whom_the_volunteer_is_paired_with(
    client, coordinator, volunteer, household
):
    from django.urls import reverse

    from kinfolk.testing import make_pairing

    make_pairing(volunteer, household)
    client.force_login(coordinator)
    page = client.get(
        reverse("programmes:volunteer_detail", args=[volunteer.programme_id, volunteer.pk])
    ).content.decode()
    assert "Paired since" in page and household.external_id in page
    assert (
        reverse("programmes:household_detail", args=[volunteer.programme_id, household.pk]) in page
    )
