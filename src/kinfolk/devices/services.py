"""Signing in, timing out and signing out devices."""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

from kinfolk.devices import sessions
from kinfolk.devices.cached_sessions import sessions_uncache
from kinfolk.devices.models import SignedInSession
from kinfolk.programmes.models import Coordinator

#: Seconds between two saves of "last seen": often enough for the page, rare
#: enough that browsing writes the session at most once a minute.
SEEN_EVERY = 60


@dataclass(frozen=True)
class Limits:
    idle: int
    absolute: int


def session_limits(*, staff: bool) -> Limits:
    """Time-outs in seconds: shorter for people who see other people's data."""
    if staff:
        return Limits(settings.STAFF_SESSION_IDLE_SECONDS, settings.STAFF_SESSION_ABSOLUTE_SECONDS)
    return Limits(settings.SESSION_IDLE_SECONDS, settings.SESSION_ABSOLUTE_SECONDS)


def _is_staff(user: Any) -> bool:
    return bool(user.is_staff) or Coordinator.objects.filter(user=user).exists()


def session_sign_in(sender: Any, *, request: HttpRequest | None, user: Any, **_: Any) -> None:
    """A new device (Django already gave the session a new key): note what it is and when."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    session = request.session
    session[sessions.DEVICE] = secrets.token_hex(8)
    session[sessions.AGENT] = request.headers.get("User-Agent", "")[:300]
    session[sessions.SIGNED_IN] = now
    session[sessions.SEEN] = now
    staff = _is_staff(user)
    session[sessions.STAFF] = staff
    session.set_expiry(session_limits(staff=staff).idle)


def session_expired(*, session: Any, now: float) -> str | None:
    """Why this signed-in session is over ("idle" or "absolute"), or None while it lasts."""
    signed_in = session.get(sessions.SIGNED_IN)
    seen = session.get(sessions.SEEN)
    if signed_in is None or seen is None:
        return None  # a session from before these limits: session_touch starts its clock
    limits = session_limits(staff=bool(session.get(sessions.STAFF)))
    if now - signed_in > limits.absolute:
        return "absolute"
    if now - seen > limits.idle:
        return "idle"
    return None


def session_touch(*, session: Any, now: float) -> None:
    """Note that the device was seen, at most once a minute (each note is a write)."""
    if session.get(sessions.SIGNED_IN) is None:
        session[sessions.SIGNED_IN] = int(now)
    if now - session.get(sessions.SEEN, 0) < SEEN_EVERY:
        return
    session[sessions.SEEN] = int(now)
    session.set_expiry(session_limits(staff=bool(session.get(sessions.STAFF))).idle)


def session_rows_delete(rows: Any) -> int:
    """Delete these session rows and, once committed, their cached copies (with ``REDIS_URL``)."""
    keys = list(rows.values_list("session_key", flat=True))
    ended, _ = rows.delete()
    transaction.on_commit(lambda: sessions_uncache(keys))
    return int(ended)


@transaction.atomic
def sessions_end_others(*, user: Any, keep: str | None) -> int:
    """Sign ``user`` out everywhere but the session ``keep``; returns how many were ended."""
    return session_rows_delete(
        SignedInSession.objects.filter(user=user).exclude(session_key=keep or "")
    )


@transaction.atomic
def session_end_device(*, user: Any, device_id: str) -> int:
    """Sign one of ``user``'s own devices out; another person's device is never touched."""
    return session_rows_delete(SignedInSession.objects.filter(user=user, device_id=device_id))


def sessions_purge(*, now: dt.datetime) -> int:
    """Delete sessions past their expiry: they still name a browser and an account."""
    ended, _ = SignedInSession.objects.filter(expire_date__lt=now).delete()
    return ended
