"""Idle and absolute time-outs: shorter for staff, and only the timed-out device is signed out."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from kinfolk.devices import sessions
from kinfolk.devices.models import SignedInSession

PAGE = reverse("devices:list")


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _age(client: Client, *, seen: float = 0, signed_in: float = 0) -> None:
    """Pretend the session was last used ``seen`` and signed in ``signed_in`` seconds ago."""
    session = client.session
    now = time.time()
    session[sessions.SEEN] = int(now - seen)
    session[sessions.SIGNED_IN] = int(now - max(seen, signed_in))
    session.save()


def test_a_session_unused_past_the_idle_limit_is_signed_out(client, volunteer_user, settings):
    client.force_login(volunteer_user)
    key = client.session.session_key
    _age(client, seen=settings.SESSION_IDLE_SECONDS + 5)
    response = client.get(PAGE, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("accounts:login"))
    assert b"not used for a while" in response.content
    assert not SignedInSession.objects.filter(session_key=key).exists()


def test_a_session_in_use_lasts_past_the_idle_limit_in_total(client, volunteer_user, settings):
    client.force_login(volunteer_user)
    _age(client, seen=settings.SESSION_IDLE_SECONDS - 60, signed_in=3 * 86400)
    assert client.get(PAGE).status_code == 200


def test_a_session_past_the_absolute_limit_ends_even_in_use(client, volunteer_user, settings):
    client.force_login(volunteer_user)
    _age(client, seen=10, signed_in=settings.SESSION_ABSOLUTE_SECONDS + 5)
    response = client.get(PAGE, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("accounts:login"))
    assert b"signed in a long time ago" in response.content


def test_staff_time_out_sooner_than_participants(volunteer_user, coordinator, settings):
    idle = settings.STAFF_SESSION_IDLE_SECONDS + 5
    assert idle < settings.SESSION_IDLE_SECONDS
    volunteer_client, coordinator_client = _client_for(volunteer_user), _client_for(coordinator)
    _age(volunteer_client, seen=idle)
    _age(coordinator_client, seen=idle)
    assert volunteer_client.get(PAGE).status_code == 200
    assert coordinator_client.get(PAGE).status_code == 302


def test_a_time_out_signs_out_that_device_only(volunteer_user, settings):
    laptop, phone = _client_for(volunteer_user), _client_for(volunteer_user)
    _age(laptop, seen=settings.SESSION_IDLE_SECONDS + 5)
    assert laptop.get(PAGE).status_code == 302
    assert phone.get(PAGE).status_code == 200


def test_last_seen_is_written_at_most_once_a_minute(client, volunteer_user):
    client.force_login(volunteer_user)
    key = client.session.session_key
    first = SignedInSession.objects.get(session_key=key).last_seen_at
    client.get(PAGE)
    assert SignedInSession.objects.get(session_key=key).last_seen_at == first
    _age(client, seen=90)
    client.get(PAGE)
    seen = SignedInSession.objects.get(session_key=key).last_seen_at
    assert seen >= first
    assert seen.timestamp() > time.time() - 5


@pytest.mark.parametrize("minutes", [1, 119])
def test_the_expiry_kept_in_the_database_follows_the_idle_limit(
    client, volunteer_user, settings, minutes
):
    client.force_login(volunteer_user)
    _age(client, seen=minutes * 60)
    client.get(PAGE)
    row = SignedInSession.objects.get(session_key=client.session.session_key)
    left = (row.expire_date.timestamp() - time.time()) / 60
    assert settings.SESSION_IDLE_SECONDS / 60 - 2 < left <= settings.SESSION_IDLE_SECONDS / 60


def test_the_daily_tick_deletes_expired_sessions_only(volunteer_user, household_user):
    import datetime as dt

    from django.utils import timezone

    from kinfolk.devices.jobs import sessions_purge

    old, current = _client_for(volunteer_user), _client_for(household_user)
    SignedInSession.objects.filter(session_key=old.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(minutes=1)
    )
    assert sessions_purge(timezone.now()) == "1 expired sessions deleted"
    assert list(SignedInSession.objects.values_list("user_id", flat=True)) == [household_user.pk]
    assert current.get(PAGE).status_code == 200


def test_a_site_administrator_gets_the_staff_limits(site_admin, settings):
    from kinfolk.testing import otp_force_login

    client = Client()
    otp_force_login(client, site_admin)
    assert client.get(PAGE).status_code == 200
    _age(client, seen=settings.STAFF_SESSION_IDLE_SECONDS + 5)
    assert client.get(PAGE)["Location"].startswith(reverse("accounts:login"))
