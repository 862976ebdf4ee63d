"""Rate limits for every form that sends an e-mail: per client IP and per e-mail address.

Counts live in Redis when ``REDIS_URL`` is set (one atomic ``INCR`` a
request) and otherwise in the database (``RateLimitCounter``, one atomic
``UPDATE``), never in a process's memory, so that a limit holds however many
server processes answer and requests arriving at the same moment are all
counted.  If Redis stops answering, counting goes on in the database.
Windows are fixed (``3/h`` allows three in each clock hour).  The limits are
settings (``RATE_LIMITS``, documented in ``.env.example``).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac

from kinfolk.accounts.clients import client_ip
from kinfolk.accounts.models import RateLimitCounter


@dataclass(frozen=True)
class Limit:
    """At most ``count`` requests in each window of ``seconds``."""

    count: int
    seconds: int


class RateLimited(Exception):
    """A limit is reached; ``retry_after`` is how many seconds until the window ends."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited for {retry_after} s")
        self.retry_after = retry_after


def _limits(scope: str) -> dict[str, Limit]:
    return {kind: Limit(*value) for kind, value in settings.RATE_LIMITS[scope].items()}


def _key(scope: str, kind: str, value: str) -> str:
    # A keyed hash: the table holds no address or IP anyone could read back.
    digest = salted_hmac("kinfolk.ratelimits", f"{scope}:{kind}:{value}").hexdigest()[:40]
    return f"{scope}:{kind}:{digest}"


logger = logging.getLogger(__name__)


def _count(key: str, limit: Limit, now: dt.datetime) -> tuple[int, int]:
    """Add one to the current window's count; return the count and the seconds left."""
    second = int(now.timestamp())
    window = second // limit.seconds
    key = f"{key}:{window}"
    ends = (window + 1) * limit.seconds
    if settings.RATE_LIMIT_STORE == "cache":
        try:
            return _count_in_cache(key, ends - second), ends - second
        except Exception:  # Redis is down: the database still counts
            logger.warning("rate limits: the cache did not answer; counting in the database")
    with transaction.atomic():
        if not RateLimitCounter.objects.filter(key=key).update(count=F("count") + 1):
            _first_of_window(key, dt.datetime.fromtimestamp(ends, tz=dt.UTC), now)
        count = RateLimitCounter.objects.filter(key=key).values_list("count", flat=True).get()
    return count, ends - second


def _count_in_cache(key: str, seconds_left: int) -> int:
    """INCR in the cache; the first request of a window creates the key, expiring with it."""
    key = f"ratelimit:{key}"
    if cache.add(key, 1, timeout=seconds_left + 1):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # the window's key expired between add and incr
        cache.add(key, 1, timeout=seconds_left + 1)
        return 1


def _first_of_window(key: str, expires_at: dt.datetime, now: dt.datetime) -> None:
    try:
        with transaction.atomic():
            RateLimitCounter.objects.create(key=key, count=1, expires_at=expires_at)
    except IntegrityError:  # another process started the window a moment earlier
        RateLimitCounter.objects.filter(key=key).update(count=F("count") + 1)
    # Once per window is often enough to keep the table to the windows still open.
    RateLimitCounter.objects.filter(expires_at__lt=now).delete()


def rate_limit_hit(*, scope: str, ip: str, address: str = "") -> None:
    """Count one request of ``scope`` from ``ip`` for ``address``; raise RateLimited past a limit.

    Both counts go up even when the first is already past its limit, so that
    a client who keeps trying does not get a fresh window sooner.
    """
    now = timezone.now()
    limits = _limits(scope)
    identities = {"ip": ip, "address": address.strip().lower()}
    waits = []
    for kind, limit in limits.items():
        if not identities[kind]:
            continue
        count, left = _count(_key(scope, kind, identities[kind]), limit, now)
        if count > limit.count:
            waits.append(left)
    if waits:
        raise RateLimited(max(waits))


def rate_limit_check(request: HttpRequest, *, scope: str, address: str = "") -> HttpResponse | None:
    """Count this request; the "too many requests" page (429) if a limit is past, else None."""
    try:
        rate_limit_hit(scope=scope, ip=client_ip(request), address=address)
    except RateLimited as limited:
        return rate_limited_response(request, limited)
    return None


def rate_limited_response(request: HttpRequest, limited: RateLimited) -> HttpResponse:
    """The site's page for a limit reached, with HTTP 429 and ``Retry-After``."""
    minutes = max(1, math.ceil(limited.retry_after / 60))
    response = render(request, "accounts/rate_limited.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(limited.retry_after)
    return response
