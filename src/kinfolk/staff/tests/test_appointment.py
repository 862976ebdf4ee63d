"""Site administrators appoint viewers and organisation-limited coordinators."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinfolk.outbox.models import Message
from kinfolk.programmes.models import Coordinator, Organisation
from kinfolk.staff.models import CoordinatorOrganisation, Viewer
from kinfolk.testing import make_user, otp_force_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(programme):
    return Organisation.objects.create(programme=programme, name="Acme Ltd", kind="company")


def _appoint(client, programme, data, capture):
    with capture(execute=True):
        return client.post(reverse("programmes_admin:appoint", args=[programme.pk]), data)


def test_site_admin_appoints_a_viewer_who_is_told_by_email(
    client, site_admin, programme, django_capture_on_commit_callbacks
):
    otp_force_login(client, site_admin)
    data = {"role": "viewer", "email": "Tess@Example.org", "first_name": "Tess"}
    response = _appoint(client, programme, data, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    viewer = Viewer.objects.get()
    assert viewer.user.email == "tess@example.org" and viewer.appointed_by == site_admin
    assert not Coordinator.objects.filter(user=viewer.user).exists()
    message = Message.objects.get(purpose="viewer_appointed")
    assert "figures" in message.body and "password" in message.body


def test_site_admin_appoints_a_coordinator_limited_to_an_organisation(
    client, site_admin, programme, acme, django_capture_on_commit_callbacks
):
    otp_force_login(client, site_admin)
    data = {
        "role": "coordinator",
        "email": "lin@example.org",
        "first_name": "Lin",
        "organisations": [acme.pk],
    }
    assert _appoint(client, programme, data, django_capture_on_commit_callbacks).status_code == 302
    membership = Coordinator.objects.get(user__email="lin@example.org")
    limits = CoordinatorOrganisation.objects.filter(coordinator=membership)
    assert [limit.organisation for limit in limits] == [acme]
    page = client.get(reverse("programmes_admin:detail", args=[programme.pk])).content.decode()
    assert "Only these organisations:" in page and "Acme Ltd" in page


def test_appointing_again_without_organisations_lifts_the_limit(
    client, site_admin, programme, acme, django_capture_on_commit_callbacks
):
    otp_force_login(client, site_admin)
    data = {"email": "lin@example.org", "first_name": "Lin", "organisations": [acme.pk]}
    _appoint(client, programme, data, django_capture_on_commit_callbacks)
    _appoint(
        client,
        programme,
        {"email": "lin@example.org", "first_name": "Lin"},
        django_capture_on_commit_callbacks,
    )
    assert not CoordinatorOrganisation.objects.exists()


def test_viewer_with_organisations_is_refused_and_nothing_is_stored(
    client, site_admin, programme, acme, django_capture_on_commit_callbacks
):
    otp_force_login(client, site_admin)
    data = {
        "role": "viewer",
        "email": "tess@example.org",
        "first_name": "Tess",
        "organisations": [acme.pk],
    }
    response = _appoint(client, programme, data, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "organisations limit coordinators" in response.content.decode()
    assert not Viewer.objects.exists() and not Message.objects.exists()


def test_another_programmes_organisation_is_refused(
    client, site_admin, programme, other_programme, django_capture_on_commit_callbacks
):
    foreign = Organisation.objects.create(programme=other_programme, name="Elsewhere")
    otp_force_login(client, site_admin)
    data = {"email": "lin@example.org", "first_name": "Lin", "organisations": [foreign.pk]}
    response = _appoint(client, programme, data, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert not Coordinator.objects.filter(user__email="lin@example.org").exists()


def test_a_coordinator_cannot_also_be_made_a_viewer(
    client, site_admin, programme, coordinator, django_capture_on_commit_callbacks
):
    otp_force_login(client, site_admin)
    data = {"role": "viewer", "email": coordinator.email, "first_name": "Cora"}
    response = _appoint(client, programme, data, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "already coordinates" in response.content.decode()
    assert not Viewer.objects.exists()


def test_site_admin_removes_a_viewer(client, site_admin, programme):
    viewer = Viewer.objects.create(programme=programme, user=make_user("tess@example.org"))
    otp_force_login(client, site_admin)
    url = reverse("programmes_admin:viewer_remove", args=[programme.pk, viewer.pk])
    assert "Remove" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not Viewer.objects.exists()


def test_viewer_of_another_programme_cannot_be_removed_through_this_one(
    client, site_admin, programme, other_programme
):
    viewer = Viewer.objects.create(programme=other_programme, user=make_user("tess@example.org"))
    otp_force_login(client, site_admin)
    url = reverse("programmes_admin:viewer_remove", args=[programme.pk, viewer.pk])
    assert client.post(url).status_code == 404
    assert Viewer.objects.exists()


def test_coordinator_cannot_appoint_staff(client, coordinator, programme):
    client.force_login(coordinator)
    url = reverse("programmes_admin:appoint", args=[programme.pk])
    response = client.post(url, {"role": "viewer", "email": "tess@example.org", "first_name": "T"})
    assert response.status_code == 404
    assert not Viewer.objects.exists()
