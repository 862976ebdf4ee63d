"""The searchable, paginated list of a programme's households."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinfolk.testing import make_household, otp_force_login


def _url(programme):
    return reverse("programmes:households", args=[programme.pk])


def _names(response):
    return [row["person"].first_name for row in response.context["rows"]]


def test_coordinator_sees_households(client, programme, coordinator, household, other_household):
    client.force_login(coordinator)
    response = client.get(_url(programme))
    assert response.status_code == 200
    assert _names(response) == ["Hana", "Olu"]
    assert "Hana" in response.content.decode()


def test_search_and_filter(client, programme, coordinator, household, other_household):
    make_household(programme, first_name="Wren", town="Wakefield", state="paused")
    client.force_login(coordinator)
    assert _names(client.get(_url(programme), {"q": "olu"})) == ["Olu"]
    assert _names(client.get(_url(programme), {"state": "paused"})) == ["Wren"]
    assert _names(client.get(_url(programme), {"town": "Wakefield"})) == ["Wren"]


def test_unknown_state_is_ignored(client, programme, coordinator, household):
    client.force_login(coordinator)
    assert _names(client.get(_url(programme), {"state": "bogus"})) == ["Hana"]


def test_other_coordinator_gets_404(client, programme, other_coordinator):
    client.force_login(other_coordinator)
    assert client.get(_url(programme)).status_code == 404


@pytest.mark.parametrize("persona", ["volunteer_user", "household_user"])
def test_participants_get_404(client, programme, volunteer, household, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(programme)).status_code == 404


def test_anonymous_is_sent_to_login(client, programme):
    response = client.get(_url(programme))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_site_admin_who_does_not_coordinate_gets_404(client, programme, site_admin):
    otp_force_login(client, site_admin)
    assert client.get(_url(programme)).status_code == 404
