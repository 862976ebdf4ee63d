"""A household's detail page: profile, consent, contact details through the log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinfolk.privacy.models import ContactAccessLog
from kinfolk.testing import contact_of, otp_force_login


def _url(programme, household):
    return reverse("programmes:household_detail", args=[programme.pk, household.pk])


def test_coordinator_sees_profile_and_consent(client, programme, coordinator, household):
    client.force_login(coordinator)
    response = client.get(_url(programme, household))
    assert response.status_code == 200
    body = response.content.decode()
    assert household.external_id in body
    assert "online sign-up" in body
    assert response.context["n_adults"] == 1


def test_opening_the_page_logs_the_contact_read(client, programme, coordinator, household):
    client.force_login(coordinator)
    body = client.get(_url(programme, household)).content.decode()
    assert contact_of(household)["address"] in body
    assert "hana@example.org" in body
    log = ContactAccessLog.objects.get(person_kind="household", person_id=household.pk)
    assert log.viewer_id == coordinator.pk
    assert set(log.fields.split(",")) == {"email", "phone", "address"}


def test_other_coordinator_gets_404_with_either_programme_in_the_url(
    client, programme, other_programme, other_coordinator, household
):
    client.force_login(other_coordinator)
    assert client.get(_url(programme, household)).status_code == 404
    assert client.get(_url(other_programme, household)).status_code == 404
    assert not ContactAccessLog.objects.exists()


@pytest.mark.parametrize("persona", ["volunteer_user", "household_user"])
def test_participants_get_404(client, programme, volunteer, household, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(programme, household)).status_code == 404


def test_anonymous_is_sent_to_login(client, programme, household):
    response = client.get(_url(programme, household))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_site_admin_who_does_not_coordinate_gets_404(client, programme, household, site_admin):
    otp_force_login(client, site_admin)
    assert client.get(_url(programme, household)).status_code == 404
