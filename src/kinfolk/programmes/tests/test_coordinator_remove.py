"""A site administrator removes a coordinator: recorded, and their access ends at once."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from kinfolk.accounts.models import AccountEvent
from kinfolk.programmes.admin_services import coordinator_remove
from kinfolk.programmes.models import Coordinator
from kinfolk.testing import otp_force_login


def _url(programme, user) -> str:
    membership = Coordinator.objects.get(programme=programme, user=user)
    return reverse("programmes_admin:coordinator_remove", args=[programme.pk, membership.pk])


@pytest.fixture
def admin_client(site_admin):
    client = Client()
    otp_force_login(client, site_admin)
    return client


def test_the_programme_page_offers_removal_and_asks_to_confirm(
    admin_client, programme, coordinator
):
    url = _url(programme, coordinator)
    detail = admin_client.get(reverse("programmes_admin:detail", args=[programme.pk]))
    assert url.encode() in detail.content
    confirm = admin_client.get(url)
    assert confirm.status_code == 200
    assert b"loses access to the programme at once" in confirm.content
    assert Coordinator.objects.filter(user=coordinator).exists()


def test_a_removed_coordinator_loses_access_on_their_next_request(
    client, admin_client, programme, coordinator, site_admin, volunteer
):
    client.force_login(coordinator)
    overview = reverse("programmes:overview", args=[programme.pk])
    person = reverse("programmes:volunteer_detail", args=[programme.pk, volunteer.pk])
    assert client.get(overview).status_code == 200
    response = admin_client.post(_url(programme, coordinator))
    assert response["Location"] == reverse("programmes_admin:detail", args=[programme.pk])
    # The same signed-in session, the very next request:
    assert client.get(overview).status_code == 404
    assert client.get(person).status_code == 404
    assert b"Coordinate Leeds" not in client.get(reverse("home"), follow=True).content
    event = AccountEvent.objects.get()
    assert (event.kind, event.user, event.by, event.programme) == (
        "coordinator_removed",
        coordinator,
        site_admin,
        programme,
    )
    page = admin_client.get(response["Location"]).content.decode()
    assert "removed as coordinator" in page and "cora@example.org" in page


def test_removal_keeps_the_account_and_its_other_roles(
    admin_client, programme, other_programme, coordinator
):
    Coordinator.objects.create(programme=other_programme, user=coordinator)
    admin_client.post(_url(programme, coordinator))
    coordinator.refresh_from_db()
    assert coordinator.is_active
    assert list(Coordinator.objects.filter(user=coordinator)) == [
        Coordinator.objects.get(programme=other_programme)
    ]


def test_another_programmes_coordinator_is_not_found_under_this_programme(
    admin_client, programme, other_programme, other_coordinator
):
    membership = Coordinator.objects.get(user=other_coordinator)
    url = reverse("programmes_admin:coordinator_remove", args=[programme.pk, membership.pk])
    assert admin_client.get(url).status_code == 404
    assert admin_client.post(url).status_code == 404
    assert Coordinator.objects.filter(pk=membership.pk).exists()
    assert not AccountEvent.objects.exists()


@pytest.mark.parametrize("persona", ["coordinator", "other_coordinator", "volunteer_user"])
def test_only_site_admins_remove_coordinators(client, request, persona, programme, coordinator):
    client.force_login(request.getfixturevalue(persona))
    url = _url(programme, coordinator)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert Coordinator.objects.filter(user=coordinator).exists()


def test_a_password_only_admin_session_cannot_remove(client, site_admin, programme, coordinator):
    client.force_login(site_admin)
    response = client.post(_url(programme, coordinator))
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert Coordinator.objects.filter(user=coordinator).exists()


def test_the_service_refuses_anyone_but_a_site_admin(programme, coordinator, other_coordinator):
    membership = Coordinator.objects.get(user=coordinator)
    with pytest.raises(PermissionDenied):
        coordinator_remove(membership=membership, removed_by=other_coordinator)
    assert Coordinator.objects.filter(pk=membership.pk).exists()
