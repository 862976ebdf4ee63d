"""Site administrators limit a coordinator to regions when appointing them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinfolk.programmes.models import Coordinator
from kinfolk.regions.models import CoordinatorRegion
from kinfolk.regions.tests.conftest import make_region
from kinfolk.testing import otp_force_login

pytestmark = pytest.mark.django_db


def _appoint(client, programme, data, capture):
    with capture(execute=True):
        return client.post(reverse("programmes_admin:appoint", args=[programme.pk]), data)


def test_site_admin_limits_a_coordinator_to_regions_and_changes_them_by_appointing_again(
    client, site_admin, programme, west, north, django_capture_on_commit_callbacks
):
    otp_force_login(client, site_admin)
    data = {"role": "coordinator", "email": "rhea@example.org", "first_name": "Rhea"}
    response = _appoint(
        client, programme, data | {"regions": [north.pk]}, django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    membership = Coordinator.objects.get(user__email="rhea@example.org")
    assert list(CoordinatorRegion.objects.values_list("coordinator", "region")) == [
        (membership.pk, north.pk)
    ]
    page = client.get(reverse("programmes_admin:detail", args=[programme.pk])).content.decode()
    assert "region North" in page
    _appoint(client, programme, data | {"regions": [west.pk]}, django_capture_on_commit_callbacks)
    assert list(CoordinatorRegion.objects.values_list("region", flat=True)) == [west.pk]


def test_a_viewer_is_not_limited_to_regions_and_another_programmes_region_is_refused(
    client, site_admin, programme, other_programme, north, django_capture_on_commit_callbacks
):
    otp_force_login(client, site_admin)
    data = {"role": "viewer", "email": "tess@example.org", "first_name": "Tess"}
    response = _appoint(
        client, programme, data | {"regions": [north.pk]}, django_capture_on_commit_callbacks
    )
    assert response.status_code == 200 and "regions limit coordinators" in response.content.decode()
    avon = make_region(other_programme, "Avon", "Bristol")
    data = {"role": "coordinator", "email": "rhea@example.org", "first_name": "Rhea"}
    response = _appoint(
        client, programme, data | {"regions": [avon.pk]}, django_capture_on_commit_callbacks
    )
    assert response.status_code == 200
    assert not CoordinatorRegion.objects.exists()
    assert not Coordinator.objects.filter(user__email="rhea@example.org").exists()
