"""The searchable, paginated list of a programme's volunteers."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kinfolk.programmes.models import Organisation
from kinfolk.testing import make_volunteer, otp_force_login


def _url(programme):
    return reverse("programmes:volunteers", args=[programme.pk])


def _names(response):
    return [row["person"].first_name for row in response.context["rows"]]


def test_coordinator_sees_volunteers(client, programme, coordinator, volunteer, applicant):
    client.force_login(coordinator)
    response = client.get(_url(programme))
    assert response.status_code == 200
    assert _names(response) == ["Abel", "Vera"]


def test_search_by_name_id_and_town(client, programme, coordinator, volunteer, applicant):
    make_volunteer(programme, first_name="Walt", town="Wakefield", external_id="V000777")
    client.force_login(coordinator)
    assert _names(client.get(_url(programme), {"q": "vera"})) == ["Vera"]
    assert _names(client.get(_url(programme), {"q": "V000777"})) == ["Walt"]
    assert _names(client.get(_url(programme), {"q": "wakefield"})) == ["Walt"]


def test_filter_by_state_town_and_organisation(
    client, programme, coordinator, volunteer, applicant
):
    acme = Organisation.objects.create(programme=programme, name="Acme", kind="company")
    make_volunteer(programme, first_name="Olga", organisation=acme, town="Wakefield")
    client.force_login(coordinator)
    assert _names(client.get(_url(programme), {"state": "applied"})) == ["Abel"]
    assert _names(client.get(_url(programme), {"town": "Wakefield"})) == ["Olga"]
    assert _names(client.get(_url(programme), {"organisation": acme.pk})) == ["Olga"]


def test_another_programmes_organisation_is_not_a_filter(
    client, programme, other_programme, coordinator, volunteer
):
    theirs = Organisation.objects.create(programme=other_programme, name="Theirs", kind="club")
    client.force_login(coordinator)
    # An organisation id that is not this programme's is ignored, not honoured.
    assert _names(client.get(_url(programme), {"organisation": theirs.pk})) == ["Vera"]


def test_fifty_a_page_without_a_query_per_row(client, programme, coordinator):
    acme = Organisation.objects.create(programme=programme, name="Acme", kind="company")
    for n in range(55):
        make_volunteer(programme, first_name=f"Person{n:02d}", organisation=acme)
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url(programme))
    assert len(response.context["rows"]) == 50
    assert len(queries) < 15
    second = client.get(_url(programme), {"page": 2})
    assert len(second.context["rows"]) == 5
    assert "page=2" in response.content.decode()


def test_other_programmes_volunteers_are_not_listed(
    client, programme, coordinator, other_volunteer
):
    client.force_login(coordinator)
    assert _names(client.get(_url(programme))) == []


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
