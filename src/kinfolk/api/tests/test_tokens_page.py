"""The API tokens page: made, named, scoped, shown once and revoked by a coordinator."""

from __future__ import annotations

import pytest

from kinfolk.api.models import ApiToken
from kinfolk.api.services import api_token_create

pytestmark = pytest.mark.django_db


def _page(programme):
    return f"/p/{programme.pk}/api-tokens/"


def test_a_new_token_is_shown_once_and_stored_hashed(client, programme, coordinator):
    client.force_login(coordinator)
    response = client.post(_page(programme), {"name": "CRM sync", "scope": "write"}, follow=True)
    stored = ApiToken.objects.get()
    shown = response.context["new_token"]
    assert shown.startswith("kf_") and shown in response.content.decode()
    assert (stored.name, stored.scope, stored.created_by) == ("CRM sync", "write", coordinator)
    assert shown not in stored.token_hash
    assert shown not in client.get(_page(programme)).content.decode()


def test_a_token_without_a_name_or_with_an_unknown_scope_is_refused(client, programme, coordinator):
    client.force_login(coordinator)
    for data in ({"name": "  ", "scope": "read"}, {"name": "x", "scope": "admin"}, {}):
        response = client.post(_page(programme), data)
        assert response.status_code == 200
        assert response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_revoking_stops_the_token(client, programme, coordinator):
    token = api_token_create(programme=programme, created_by=coordinator, name="x", scope="read")
    client.force_login(coordinator)
    response = client.post(f"/p/{programme.pk}/api-tokens/{token.pk}/revoke/", follow=True)
    assert "<bdi>x</bdi> revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == coordinator
    assert "revoked on" in client.get(_page(programme)).content.decode()


def test_another_programmes_coordinator_reaches_neither_page_nor_token(
    client, programme, coordinator, other_coordinator, other_programme
):
    token = api_token_create(programme=programme, created_by=coordinator, name="x", scope="read")
    client.force_login(other_coordinator)
    assert client.get(_page(programme)).status_code == 404
    assert client.post(_page(programme), {"name": "y", "scope": "read"}).status_code == 404
    # Their own programme in the URL, with this programme's token id.
    url = f"/p/{other_programme.pk}/api-tokens/{token.pk}/revoke/"
    assert client.post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert ApiToken.objects.count() == 1


def test_participants_and_strangers_cannot_make_tokens(
    client, programme, volunteer_user, household_user, site_admin
):
    for user in (volunteer_user, household_user):
        client.force_login(user)
        assert client.post(_page(programme), {"name": "y", "scope": "read"}).status_code == 404
    client.logout()
    assert client.get(_page(programme)).status_code == 302
    assert not ApiToken.objects.exists()
