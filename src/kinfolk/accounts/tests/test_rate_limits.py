"""Every form that sends an e-mail has a limit per client IP and per address, hit here for real."""

from __future__ import annotations

import multiprocessing

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections
from django.urls import reverse

from kinfolk.accounts.models import RateLimitCounter
from kinfolk.accounts.ratelimits import RateLimited, rate_limit_hit
from kinfolk.people.models import Invitation

TWO_PER_HOUR = (2, 3600)


@pytest.fixture
def limits(settings):
    """Every scope allows two requests an hour, per IP and per address."""
    settings.RATE_LIMITS = {
        scope: {"ip": TWO_PER_HOUR, "address": TWO_PER_HOUR} for scope in settings.RATE_LIMITS
    }


def _assert_limited(response) -> None:
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert "Too many requests" in page and "Please wait" in page
    assert 'class="topbar"' in page  # the site's own layout


def _post(client, url, data, capture, ip: str = "127.0.0.1"):
    with capture(execute=True):
        return client.post(url, data, REMOTE_ADDR=ip)


# --- public sign-up ---------------------------------------------------------------


def _signup(client, programme, email, capture, ip="127.0.0.1"):
    url = reverse("people:signup", args=[programme.signup_token])
    data = {"role": "volunteer", "first_name": "Nia", "email": email, "consent": "on"}
    return _post(client, url, data, capture, ip)


def test_sign_up_is_limited_per_ip(client, programme, limits, django_capture_on_commit_callbacks):
    for n in range(2):
        response = _signup(
            client, programme, f"nia{n}@example.org", django_capture_on_commit_callbacks
        )
        assert response.status_code == 302
    _assert_limited(
        _signup(client, programme, "nia9@example.org", django_capture_on_commit_callbacks)
    )
    assert len(mail.outbox) == 2
    other_ip = _signup(
        client, programme, "nia9@example.org", django_capture_on_commit_callbacks, ip="10.0.0.9"
    )
    assert other_ip.status_code == 302


def test_sign_up_is_limited_per_address(
    client, programme, limits, django_capture_on_commit_callbacks
):
    for ip in ("10.0.0.1", "10.0.0.2"):
        _signup(client, programme, "nia@example.org", django_capture_on_commit_callbacks, ip=ip)
    response = _signup(
        client, programme, "NIA@example.org", django_capture_on_commit_callbacks, ip="10.0.0.3"
    )
    _assert_limited(response)
    assert len(mail.outbox) == 2


# --- a coordinator's invitations ---------------------------------------------------


def _invite(client, programme, email, capture, ip="127.0.0.1"):
    url = reverse("programmes:invitations", args=[programme.pk])
    data = {"role": "volunteer", "first_name": "Ivy", "email": email}
    return _post(client, url, data, capture, ip)


def test_a_coordinators_invitations_are_limited_per_ip(
    client, programme, coordinator, limits, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    for n in range(2):
        _invite(client, programme, f"ivy{n}@example.org", django_capture_on_commit_callbacks)
    _assert_limited(
        _invite(client, programme, "ivy9@example.org", django_capture_on_commit_callbacks)
    )
    assert Invitation.objects.count() == 2
    assert len(mail.outbox) == 2


def test_invitations_to_one_address_are_limited(
    client, programme, coordinator, limits, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    for ip in ("10.0.0.1", "10.0.0.2"):
        _invite(client, programme, "ivy@example.org", django_capture_on_commit_callbacks, ip=ip)
        Invitation.objects.all().delete()  # revoked, so that the next may be sent
    response = _invite(
        client, programme, "ivy@example.org", django_capture_on_commit_callbacks, ip="10.0.0.3"
    )
    _assert_limited(response)
    assert not Invitation.objects.exists()
    assert len(mail.outbox) == 2


# --- a household inviting another adult --------------------------------------------


def _invite_adult(client, household, email, capture, ip="127.0.0.1"):
    url = reverse("people:household_adults", args=[household.pk])
    return _post(client, url, {"first_name": "Kofi", "email": email}, capture, ip)


def test_a_households_invitations_are_limited_per_ip(
    client, household, household_user, limits, django_capture_on_commit_callbacks
):
    client.force_login(household_user)
    for n in range(2):
        _invite_adult(client, household, f"kofi{n}@example.org", django_capture_on_commit_callbacks)
    response = _invite_adult(
        client, household, "kofi9@example.org", django_capture_on_commit_callbacks
    )
    _assert_limited(response)
    assert Invitation.objects.count() == 2
    assert len(mail.outbox) == 2


def test_a_households_invitations_to_one_address_are_limited(
    client, household, household_user, limits, django_capture_on_commit_callbacks
):
    client.force_login(household_user)
    for ip in ("10.0.0.1", "10.0.0.2"):
        _invite_adult(
            client, household, "kofi@example.org", django_capture_on_commit_callbacks, ip=ip
        )
    response = _invite_adult(
        client, household, "kofi@example.org", django_capture_on_commit_callbacks, ip="10.0.0.3"
    )
    _assert_limited(response)
    assert Invitation.objects.count() == 2


# --- the counter itself -------------------------------------------------------------


def test_the_counter_keeps_no_address_or_ip_in_clear(db, limits):
    rate_limit_hit(scope="signup", ip="203.0.113.7", address="nia@example.org")
    keys = " ".join(RateLimitCounter.objects.values_list("key", flat=True))
    assert "203.0.113.7" not in keys and "nia" not in keys
    assert RateLimitCounter.objects.count() == 2


def test_counts_of_past_windows_are_deleted(db, limits):
    import datetime as dt

    from django.utils import timezone

    RateLimitCounter.objects.create(
        key="signup:ip:old:1", count=9, expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    rate_limit_hit(scope="signup", ip="203.0.113.7")
    assert not RateLimitCounter.objects.filter(key="signup:ip:old:1").exists()


@pytest.mark.parametrize("value", ["3", "3/x", "x/h", "3/0h", "-1/h", "3/h/2"])
def test_a_bad_rate_setting_fails_at_start_up(monkeypatch, value):
    from kinfolk.web.settings import envrate

    monkeypatch.setenv("RATE_LIMIT_TEST", value)
    with pytest.raises(ImproperlyConfigured, match="RATE_LIMIT_TEST"):
        envrate("RATE_LIMIT_TEST", "3/h")


def test_a_rate_setting_reads_requests_and_seconds(monkeypatch):
    from kinfolk.web.settings import envrate

    monkeypatch.setenv("RATE_LIMIT_TEST", "20/15m")
    assert envrate("RATE_LIMIT_TEST", "3/h") == (20, 900)
    assert envrate("RATE_LIMIT_UNSET", "3/d") == (3, 86400)


# --- several server processes ------------------------------------------------------


def _hit_from_a_process(n: int) -> bool:
    connections.close_all()  # each process opens its own connection, as a server's would
    try:
        rate_limit_hit(scope="signup", ip=f"10.0.1.{n}", address="nia@example.org")
    except RateLimited:
        return False
    finally:
        connections.close_all()
    return True


@pytest.mark.django_db(transaction=True)
def test_a_limit_holds_across_processes_hitting_it_at_once(settings):
    if connection.vendor == "sqlite":
        pytest.skip("the test database is in memory on SQLite; other processes cannot open it")
    settings.RATE_LIMITS = {"signup": {"ip": (100, 3600), "address": (5, 3600)}}
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(6) as pool:
        allowed = pool.map(_hit_from_a_process, range(30))
    assert sum(allowed) == 5
    assert RateLimitCounter.objects.get(key__contains=":address:").count == 30
