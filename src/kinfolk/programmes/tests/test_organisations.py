"""The organisations volunteers come from: listed and added by a coordinator."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinfolk.programmes.models import Organisation
from kinfolk.testing import make_volunteer, otp_force_login


def _url(programme):
    return reverse("programmes:organisations", args=[programme.pk])


def test_coordinator_sees_organisations_with_volunteer_counts(client, programme, coordinator):
    acme = Organisation.objects.create(programme=programme, name="Acme", kind="company")
    make_volunteer(programme, organisation=acme)
    make_volunteer(programme, organisation=acme, state="left")
    client.force_login(coordinator)
    response = client.get(_url(programme))
    assert response.status_code == 200
    assert [(o.name, o.n_volunteers) for o in response.context["organisations"]] == [("Acme", 1)]


def test_adding_an_organisation(client, programme, coordinator):
    client.force_login(coordinator)
    response = client.post(_url(programme), {"name": "  Leeds   Rowing Club ", "kind": "club"})
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert (organisation.programme, organisation.name, organisation.kind) == (
        programme,
        "Leeds Rowing Club",
        "club",
    )


def test_a_duplicate_name_is_refused_beside_the_field(client, programme, coordinator):
    Organisation.objects.create(programme=programme, name="Acme", kind="company")
    client.force_login(coordinator)
    response = client.post(_url(programme), {"name": "ACME", "kind": "company"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert Organisation.objects.count() == 1


def test_an_unknown_kind_is_refused(client, programme, coordinator):
    client.force_login(coordinator)
    response = client.post(_url(programme), {"name": "Acme", "kind": "church"})
    assert response.context["form"].errors["kind"]
    assert Organisation.objects.count() == 0


def test_other_programmes_organisations_are_not_listed(
    client, programme, other_programme, coordinator
):
    Organisation.objects.create(programme=other_programme, name="Theirs", kind="club")
    client.force_login(coordinator)
    assert list(client.get(_url(programme)).context["organisations"]) == []


def test_other_coordinator_gets_404(client, programme, other_coordinator):
    client.force_login(other_coordinator)
    assert client.get(_url(programme)).status_code == 404
    assert client.post(_url(programme), {"name": "X", "kind": "club"}).status_code == 404
    assert Organisation.objects.count() == 0


@pytest.mark.parametrize("persona", ["volunteer_user", "household_user"])
def test_participants_get_404(client, programme, volunteer, household, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(_url(programme), {"name": "X", "kind": "club"}).status_code == 404
    assert Organisation.objects.count() == 0


def test_anonymous_is_sent_to_login(client, programme):
    response = client.post(_url(programme), {"name": "X", "kind": "club"})
    assert response.status_code == 302
    assert Organisation.objects.count() == 0


def test_site_admin_who_does_not_coordinate_gets_404(client, programme, site_admin):
    otp_force_login(client, site_admin)
    assert client.get(_url(programme)).status_code == 404
