"""The session engine with ``REDIS_URL``: each session cached in Redis, its row still the record.

Reads come from the cache, so a page costs no session query; every write
goes to the row as well, so the devices page, time-outs and erasure keep
working on ``SignedInSession``.  When Redis stops answering, a session is
read from its row (Django's ``cached_db`` logs the error and carries on).
Anything that deletes session rows must also call ``sessions_uncache``, or a
signed-out device would stay signed in from the cache.  A copy is kept at
most ``SESSION_CACHE_SECONDS``, so a sign-out that could not reach Redis
lasts no longer than that.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDatabaseStore

from kinfolk.devices.sessions import SessionStore as DeviceStore

logger = logging.getLogger(__name__)


class _CappedCache:
    """A cache whose ``set`` keeps nothing longer than ``cap`` seconds, and never raises.

    A copy that cannot be written is no loss: the row holds the session.
    """

    def __init__(self, cache: Any, cap: int) -> None:
        self._inner, self._cap = cache, cap

    def set(self, key: str, value: Any, timeout: Any = None) -> None:
        try:
            self._inner.set(key, value, min(self._cap, timeout) if timeout else self._cap)
        except Exception:
            logger.warning("sessions: the cache did not answer; using the session rows")

    def __contains__(self, key: str) -> bool:
        return key in self._inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class SessionStore(CachedDatabaseStore, DeviceStore):
    """``cached_db`` over the devices app's rows (``DeviceStore`` supplies the model)."""

    def __init__(self, session_key: str | None = None) -> None:
        from django.conf import settings

        super().__init__(session_key)
        self._cache = _CappedCache(self._cache, settings.SESSION_CACHE_SECONDS)

    def exists(self, session_key: str) -> bool:
        try:
            return bool(super().exists(session_key))
        except Exception:  # Redis is down: the rows alone say whether a key is taken
            return bool(DeviceStore.exists(self, session_key))

    def delete(self, session_key: str | None = None) -> None:
        try:
            super().delete(session_key)
        except Exception:  # the row is gone; the cached copy lapses within the cap
            logger.exception("could not delete a session from the cache")


def sessions_uncache(keys: Iterable[Any]) -> None:
    """Drop these sessions from the cache (no-op without Redis); their rows are deleted."""
    from django.conf import settings
    from django.core.cache import caches

    if __name__ != settings.SESSION_ENGINE:
        return
    cache = caches[settings.SESSION_CACHE_ALIAS]
    cache.delete_many([KEY_PREFIX + key for key in keys if key])
