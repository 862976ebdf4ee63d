"""Shared state with REDIS_URL: sessions, rate limits and the cache live in Redis, not a process.

And when Redis stops in the middle of use, signed-in pages are still served
from the session rows, limits are still counted in the database, and no
session or count is lost.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from kinfolk.accounts.models import RateLimitCounter
from kinfolk.accounts.ratelimits import RateLimited, rate_limit_hit
from kinfolk.devices.models import SignedInSession
from kinfolk.devices.services import sessions_end_others
from kinfolk.ops.tests.redis_server import redis_settings, redis_start, require_redis

DEVICES = reverse("devices:list")


@pytest.fixture
def redis(settings):
    require_redis()
    settings.CACHES = redis_settings(6379)
    settings.SESSION_ENGINE = "kinfolk.devices.cached_sessions"
    settings.SESSION_CACHE_SECONDS = 300
    settings.RATE_LIMIT_STORE = "cache"
    cache.clear()  # db 15 is the tests' own
    yield cache
    cache.clear()


@pytest.fixture
def own_redis(settings, tmp_path):
    process, port = redis_start(tmp_path)
    settings.CACHES = redis_settings(port, db=0)
    settings.SESSION_ENGINE = "kinfolk.devices.cached_sessions"
    settings.SESSION_CACHE_SECONDS = 300
    settings.RATE_LIMIT_STORE = "cache"
    yield process
    process.kill()
    process.wait()


def _session_cached(client) -> bool:
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX

    return cache.get(KEY_PREFIX + client.cookies["sessionid"].value) is not None


def test_rate_limits_are_counted_in_redis_and_hold(redis, settings, db):
    settings.RATE_LIMITS = {"signup": {"ip": (3, 3600), "address": (3, 3600)}}
    for _ in range(3):
        rate_limit_hit(scope="signup", ip="198.51.100.7")
    with pytest.raises(RateLimited):
        rate_limit_hit(scope="signup", ip="198.51.100.7")
    rate_limit_hit(scope="signup", ip="198.51.100.8")  # another client has its own count
    assert not RateLimitCounter.objects.exists()


def test_a_session_is_cached_in_redis_and_its_row_is_still_the_record(
    redis, client, volunteer_user
):
    client.force_login(volunteer_user)
    assert client.get(DEVICES).status_code == 200
    assert _session_cached(client)
    assert SignedInSession.objects.filter(user=volunteer_user).count() == 1


def test_signing_other_devices_out_drops_their_cached_sessions_too(
    redis, client, volunteer_user, django_capture_on_commit_callbacks
):
    client.force_login(volunteer_user)
    assert client.get(DEVICES).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert sessions_end_others(user=volunteer_user, keep=None) == 1
    assert not _session_cached(client)
    response = client.get(DEVICES)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_when_redis_stops_pages_are_served_from_the_database_and_nothing_is_lost(
    own_redis, client, volunteer_user, settings
):
    settings.RATE_LIMITS = {"signup": {"ip": (2, 3600), "address": (2, 3600)}}
    client.force_login(volunteer_user)
    assert client.get(DEVICES).status_code == 200
    rate_limit_hit(scope="signup", ip="198.51.100.7")  # counted in Redis

    own_redis.kill()
    own_redis.wait()

    response = client.get(DEVICES)  # the session comes from its row
    assert response.status_code == 200
    assert volunteer_user.email in response.content.decode() or response.context["user"] == (
        volunteer_user
    )
    rate_limit_hit(scope="signup", ip="198.51.100.7")
    rate_limit_hit(scope="signup", ip="198.51.100.7")
    with pytest.raises(RateLimited):  # the database counts from here on
        rate_limit_hit(scope="signup", ip="198.51.100.7")
    assert RateLimitCounter.objects.filter(key__startswith="signup:ip:").get().count == 3
    assert SignedInSession.objects.filter(user=volunteer_user).count() == 1


def test_readyz_says_the_cache_is_down_when_redis_stops(own_redis, client, db):
    from django.utils import timezone

    from kinfolk.ops.services import worker_heartbeat_beat

    worker_heartbeat_beat(worker="app1:1", started_at=timezone.now())
    assert client.get("/readyz").status_code == 200
    own_redis.kill()
    own_redis.wait()
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["down"] == ["cache"]
